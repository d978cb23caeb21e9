// Lane abstraction, scalar build (engines without Wasm SIMD): one lane, plain f32. Same names
// as vec-simd.ts; the kernels compile unchanged against either.
export type Vec = f32;
export type Mask = bool;
export const LANES: i32 = 1;
export const VBYTES: usize = 4;


// @ts-ignore: decorator
@inline export function splat(v: f32): Vec { return v; }
// @ts-ignore: decorator
@inline export function add(a: Vec, b: Vec): Vec { return a + b; }
// @ts-ignore: decorator
@inline export function sub(a: Vec, b: Vec): Vec { return a - b; }
// @ts-ignore: decorator
@inline export function mul(a: Vec, b: Vec): Vec { return a * b; }
// @ts-ignore: decorator
@inline export function div(a: Vec, b: Vec): Vec { return a / b; }
/** NaN-propagating max / min (like f32x4.max / f32x4.min). */
// @ts-ignore: decorator
@inline export function max(a: Vec, b: Vec): Vec { return a != a || b != b ? a + b : a > b ? a : b; }
// @ts-ignore: decorator
@inline export function min(a: Vec, b: Vec): Vec { return a != a || b != b ? a + b : a < b ? a : b; }
// @ts-ignore: decorator
@inline export function pmax(a: Vec, b: Vec): Vec { return a < b ? b : a; }
// @ts-ignore: decorator
@inline export function pmin(a: Vec, b: Vec): Vec { return b < a ? b : a; }
// @ts-ignore: decorator
@inline export function abs(a: Vec): Vec { return Mathf.abs(a); }
// @ts-ignore: decorator
@inline export function sqrt(a: Vec): Vec { return Mathf.sqrt(a); }
// @ts-ignore: decorator
@inline export function gt(a: Vec, b: Vec): Mask { return a > b; }
// @ts-ignore: decorator
@inline export function lt(a: Vec, b: Vec): Mask { return a < b; }
// @ts-ignore: decorator
@inline export function ge(a: Vec, b: Vec): Mask { return a >= b; }
// @ts-ignore: decorator
@inline export function le(a: Vec, b: Vec): Mask { return a <= b; }
// @ts-ignore: decorator
@inline export function eq(a: Vec, b: Vec): Mask { return a == b; }
// @ts-ignore: decorator
@inline export function ne(a: Vec, b: Vec): Mask { return a != b; }
// @ts-ignore: decorator
@inline export function not(a: Mask): Mask { return !a; }
// @ts-ignore: decorator
@inline export function and(a: Mask, b: Mask): Mask { return a && b; }
// @ts-ignore: decorator
@inline export function keep(v: Vec, m: Mask): Vec { return m ? v : 0; }
// @ts-ignore: decorator
@inline export function andNot(a: Mask, b: Mask): Mask { return a && !b; }
// @ts-ignore: decorator
@inline export function or(a: Mask, b: Mask): Mask { return a || b; }
// @ts-ignore: decorator
@inline export function anyTrue(m: Mask): bool { return m; }
// @ts-ignore: decorator
@inline export function select(a: Vec, b: Vec, m: Mask): Vec { return m ? a : b; }
// @ts-ignore: decorator
@inline export function ones(m: Mask): Vec { return m ? 1 : 0; }
// @ts-ignore: decorator
@inline export function lane(v: Vec, l: i32): f32 { return v; }
// @ts-ignore: decorator
@inline export function pack2(a: f32, b: f32): Vec { return a; }
// @ts-ignore: decorator
@inline export function maxLanes(v: Vec): f32 { return v; }

// @ts-ignore: decorator
@inline export function sload(p: usize): Vec { return load<f32>(p); }
// @ts-ignore: decorator
@inline export function sstore(p: usize, v: Vec): void { store<f32>(p, v); }

// @ts-ignore: decorator
@inline function at(mem: usize, base: i32, off: i32): usize { return mem + (<usize>(base + off) << 2); }
// @ts-ignore: decorator
@inline export function gather(mem: usize, base: i32, step: i32, off: i32, n: i32): Vec { return load<f32>(at(mem, base, off)); }
// @ts-ignore: decorator
@inline export function scatter(mem: usize, base: i32, step: i32, off: i32, v: Vec, n: i32): void { store<f32>(at(mem, base, off), v); }
// @ts-ignore: decorator
@inline export function accumulate(mem: usize, base: i32, step: i32, off: i32, v: Vec, n: i32): void {
  const p = at(mem, base, off);
  store<f32>(p, load<f32>(p) + v);
}

export const PAIRS: bool = false;
// @ts-ignore: decorator
@inline export function gatherPair(mem: usize, base: i32, off: i32, dst0: usize, dst1: usize): void {
  store<f32>(dst0, load<f32>(at(mem, base, off)));
  store<f32>(dst1, load<f32>(at(mem, base, off + 1)));
}
// @ts-ignore: decorator
@inline export function accumulatePair(mem: usize, base: i32, off: i32, v0: Vec, v1: Vec): void {
  accumulate(mem, base, 0, off, v0, 1);
  accumulate(mem, base, 0, off + 1, v1, 1);
}

/** The same range reduction and polynomial as vec-simd.ts, one lane. */
// @ts-ignore: decorator
@inline export function exp(x: Vec): Vec {
  if (x != x) return x;
  x = Mathf.min(Mathf.max(x, -110), 89);
  const n = nearest<f32>(x * 1.44269504088896341);
  let r = x - n * 0.693359375;
  r = r - n * -2.12194440e-4;
  const r2 = r * r;
  const r4 = r2 * r2;
  const q = (<f32>1.6666665459e-1 * r + <f32>5.0000001201e-1) + (<f32>8.3334519073e-3 * r + <f32>4.1665795894e-2) * r2 + (<f32>1.9875691500e-4 * r + <f32>1.3981999507e-3) * r4;
  const p = q * r2 + r + 1;
  const ni = <i32>n;
  const e1 = ni >> 1;
  const e2 = ni - e1;
  return p * reinterpret<f32>((e1 + 127) << 23) * reinterpret<f32>((e2 + 127) << 23);
}

/** e^t for t ≤ 0, the lean exp: see vec-simd.ts (same polynomial and clamp, one lane). */
// @ts-ignore: decorator
@inline export function expNeg(t: Vec): Vec {
  if (t != t) return t;
  t = Mathf.max(t, -88); // n = −127 below −87.68: the scale's bits are 0 (see vec-simd.ts)
  const k = t * <f32>1.44269504088896341 + <f32>12582912.0;
  const n = k - <f32>12582912.0;
  let r = t - n * <f32>0.693359375;
  r = r - n * <f32>-2.12194440e-4;
  const r2 = r * r;
  const q = (<f32>1.6667114198e-1 * r + <f32>4.9999231100e-1) + (<f32>8.3125252277e-3 * r + <f32>4.1890114546e-2) * r2;
  const p = (<f32>1 + r) + q * r2;
  return p * reinterpret<f32>((reinterpret<i32>(k) << 23) + (127 << 23));
}

/** v, or 0 when n > 0 (lane 0 dropped). */
// @ts-ignore: decorator
@inline export function dropLanes(v: Vec, n: i32): Vec { return n > 0 ? 0 : v; }
// @ts-ignore: decorator
@inline export function keptPairs(n: i32, hi: bool): Mask { return n <= 0; }

// ---- interleaved pairs (SIMD only: PAIRS is false here, these only keep the dense runs compiling)
// @ts-ignore: decorator
@inline export function evens(a: Vec, b: Vec): Vec { return a; }
// @ts-ignore: decorator
@inline export function odds(a: Vec, b: Vec): Vec { return b; }
// @ts-ignore: decorator
@inline export function spreadLo(v: Vec): Vec { return v; }
// @ts-ignore: decorator
@inline export function spreadHi(v: Vec): Vec { return v; }
// @ts-ignore: decorator
@inline export function shiftIn(e: Vec, c: Vec): Vec { return c; }
// @ts-ignore: decorator
@inline export function shiftBack(p: Vec, v: Vec): Vec { return p; }
// @ts-ignore: decorator
@inline export function sloadSplat(p: usize): Vec { return load<f32>(p); }

// @ts-ignore: decorator
@inline export function interleaveLo(a: Vec, b: Vec): Vec { return a; }
// @ts-ignore: decorator
@inline export function interleaveHi(a: Vec, b: Vec): Vec { return b; }

/** e^t for t ∈ [−1, 0]: the degree-6 polynomial of vec-simd.ts, one lane. */
// @ts-ignore: decorator
@inline export function expUnit(t: Vec): Vec {
  const t2 = t * t;
  const t4 = t2 * t2;
  const a = <f32>9.999979138e-1 * t + <f32>1.0;
  const b = <f32>1.664902866e-1 * t + <f32>4.999690056e-1;
  const c = <f32>7.614023984e-3 * t + <f32>4.117682576e-2;
  const hi = c + <f32>8.358459454e-4 * t2;
  return (a + b * t2) + hi * t4;
}

// @ts-ignore: decorator
@inline export function countHits(c: Vec, m: Mask): Vec { return m ? c + 1 : c; }
// @ts-ignore: decorator
@inline export function multiHit(cA: Vec, cB: Vec): bool { return cA + cB > 1; }

// ---- float64 ("wide") lanes: one f64 -------------------------------------------------------
export type Wide = f64;
export const WIDE_PARTS: i32 = 1;
export const WBYTES: usize = 8;

// @ts-ignore: decorator
@inline export function widen(v: Vec, part: i32): Wide { return <f64>v; }
// @ts-ignore: decorator
@inline export function narrow(lo: Wide, hi: Wide): Vec { return <f32>lo; }
// @ts-ignore: decorator
@inline export function wsplat(v: f64): Wide { return v; }
// @ts-ignore: decorator
@inline export function wadd(a: Wide, b: Wide): Wide { return a + b; }
// @ts-ignore: decorator
@inline export function wsub(a: Wide, b: Wide): Wide { return a - b; }
// @ts-ignore: decorator
@inline export function wmul(a: Wide, b: Wide): Wide { return a * b; }
// @ts-ignore: decorator
@inline export function wdiv(a: Wide, b: Wide): Wide { return a / b; }
// @ts-ignore: decorator
@inline export function wmax(a: Wide, b: Wide): Wide { return a != a || b != b ? a + b : a > b ? a : b; }
// @ts-ignore: decorator
@inline export function wmin(a: Wide, b: Wide): Wide { return a != a || b != b ? a + b : a < b ? a : b; }
// @ts-ignore: decorator
@inline export function wpmax(a: Wide, b: Wide): Wide { return a < b ? b : a; }
// @ts-ignore: decorator
@inline export function wpmin(a: Wide, b: Wide): Wide { return b < a ? b : a; }
// @ts-ignore: decorator
@inline export function wabs(a: Wide): Wide { return Math.abs(a); }
// @ts-ignore: decorator
@inline export function wsqrt(a: Wide): Wide { return Math.sqrt(a); }
/** As a select mask: 1 (true) or 0. */
// @ts-ignore: decorator
@inline export function weq(a: Wide, b: Wide): Wide { return a == b ? 1 : 0; }
// @ts-ignore: decorator
@inline export function wsgn(v: Wide): Wide { return v > 0 ? 1 : v < 0 ? -1 : 0; }
// @ts-ignore: decorator
@inline export function wselect(a: Wide, b: Wide, m: Wide): Wide { return m != 0 ? a : b; }
// @ts-ignore: decorator
@inline export function wload(p: usize): Wide { return load<f64>(p); }
// @ts-ignore: decorator
@inline export function wstore(p: usize, v: Wide): void { store<f64>(p, v); }

/** e^t for t ∈ [−1, 0], the same series as vec-simd.ts. */
// @ts-ignore: decorator
@inline export function wexpUnit(t: Wide): Wide {
  const s = t + 0.5;
  const s2 = s * s;
  const s4 = s2 * s2;
  const s8 = s4 * s4;
  const b0 = (1 + s) + (1.0 / 2 + (1.0 / 6) * s) * s2;
  const b1 = (1.0 / 24 + (1.0 / 120) * s) + (1.0 / 720 + (1.0 / 5040) * s) * s2;
  const b2 = (1.0 / 40320 + (1.0 / 362880) * s) + (1.0 / 3628800) * s2;
  const p = b0 + b1 * s4 + b2 * s8;
  return p * 0.60653065971263342360;
}

/** The same reduction and series as vec-simd.ts, one lane. */
// @ts-ignore: decorator
@inline export function wexp(x: Wide): Wide {
  if (x != x) return x;
  x = Math.min(Math.max(x, -708), 708);
  const n = nearest<f64>(x * 1.4426950408889634);
  let r = x - n * 6.93147180369123816490e-01;
  r = r - n * 1.90821492927058770002e-10;
  let p: f64 = 1.0 / 39916800;
  p = p * r + 1.0 / 3628800;
  p = p * r + 1.0 / 362880;
  p = p * r + 1.0 / 40320;
  p = p * r + 1.0 / 5040;
  p = p * r + 1.0 / 720;
  p = p * r + 1.0 / 120;
  p = p * r + 1.0 / 24;
  p = p * r + 1.0 / 6;
  p = p * r + 0.5;
  p = p * r + 1;
  p = p * r + 1;
  return p * reinterpret<f64>((<i64>n + 1023) << 52);
}
// @ts-ignore: decorator
@inline export function wfirst(v: Wide): f64 { return v; }
