// Lane abstraction, SIMD build: one Vec holds 4 float32 lanes (f32x4). The kernels are written
// against this file's names only; vec-scalar.ts provides the same names with one lane.
export type Vec = v128;
export type Mask = v128;
export const LANES: i32 = 4;
/** Bytes per Vec in scratch memory. */
export const VBYTES: usize = 16;


// @ts-ignore: decorator
@inline export function splat(v: f32): Vec { return f32x4.splat(v); }
// @ts-ignore: decorator
@inline export function add(a: Vec, b: Vec): Vec { return f32x4.add(a, b); }
// @ts-ignore: decorator
@inline export function sub(a: Vec, b: Vec): Vec { return f32x4.sub(a, b); }
// @ts-ignore: decorator
@inline export function mul(a: Vec, b: Vec): Vec { return f32x4.mul(a, b); }
// @ts-ignore: decorator
@inline export function div(a: Vec, b: Vec): Vec { return f32x4.div(a, b); }
/** NaN-propagating max / min. */
// @ts-ignore: decorator
@inline export function max(a: Vec, b: Vec): Vec { return f32x4.max(a, b); }
// @ts-ignore: decorator
@inline export function min(a: Vec, b: Vec): Vec { return f32x4.min(a, b); }
/** Fast max/min (one instruction each): NaN-propagating through the first operand only. */
// @ts-ignore: decorator
@inline export function pmax(a: Vec, b: Vec): Vec { return f32x4.pmax(a, b); }
// @ts-ignore: decorator
@inline export function pmin(a: Vec, b: Vec): Vec { return f32x4.pmin(a, b); }
// @ts-ignore: decorator
@inline export function abs(a: Vec): Vec { return f32x4.abs(a); }
// @ts-ignore: decorator
@inline export function sqrt(a: Vec): Vec { return f32x4.sqrt(a); }
// @ts-ignore: decorator
@inline export function gt(a: Vec, b: Vec): Mask { return f32x4.gt(a, b); }
// @ts-ignore: decorator
@inline export function lt(a: Vec, b: Vec): Mask { return f32x4.lt(a, b); }
// @ts-ignore: decorator
@inline export function ge(a: Vec, b: Vec): Mask { return f32x4.ge(a, b); }
// @ts-ignore: decorator
@inline export function le(a: Vec, b: Vec): Mask { return f32x4.le(a, b); }
// @ts-ignore: decorator
@inline export function eq(a: Vec, b: Vec): Mask { return f32x4.eq(a, b); }
// @ts-ignore: decorator
@inline export function ne(a: Vec, b: Vec): Mask { return f32x4.ne(a, b); }
// @ts-ignore: decorator
@inline export function not(a: Mask): Mask { return v128.not(a); }
// @ts-ignore: decorator
@inline export function and(a: Mask, b: Mask): Mask { return v128.and(a, b); }
/** v where m, else 0 (one instruction, where `select(v, splat(0), m)` is three). */
// @ts-ignore: decorator
@inline export function keep(v: Vec, m: Mask): Vec { return v128.and(v, m); }
/** a and not b (one instruction). */
// @ts-ignore: decorator
@inline export function andNot(a: Mask, b: Mask): Mask { return v128.andnot(a, b); }
// @ts-ignore: decorator
@inline export function or(a: Mask, b: Mask): Mask { return v128.or(a, b); }
/** Whether any lane of m is set. */
// @ts-ignore: decorator
@inline export function anyTrue(m: Mask): bool { return v128.any_true(m); }
/** `m ? a : b` per lane. */
// @ts-ignore: decorator
@inline export function select(a: Vec, b: Vec, m: Mask): Vec { return v128.bitselect(a, b, m); }
/** 1.0 where `m`, else 0. */
// @ts-ignore: decorator
@inline export function ones(m: Mask): Vec { return v128.and(m, f32x4.splat(1)); }

// @ts-ignore: decorator
@inline export function lane(v: Vec, l: i32): f32 {
  if (l == 0) return f32x4.extract_lane(v, 0);
  if (l == 1) return f32x4.extract_lane(v, 1);
  if (l == 2) return f32x4.extract_lane(v, 2);
  return f32x4.extract_lane(v, 3);
}

/** Lane 0 a, lane 1 b (lanes 2, 3 b too). */
// @ts-ignore: decorator
@inline export function pack2(a: f32, b: f32): Vec { return f32x4.replace_lane(f32x4.splat(b), 0, a); }
/** The largest lane (pmax order: a NaN in the first lanes can stay). */
// @ts-ignore: decorator
@inline export function maxLanes(v: Vec): f32 {
  const h = f32x4.pmax(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.pmax(h, v128.shuffle<f32>(h, h, 1, 0, 3, 2)), 0);
}

// @ts-ignore: decorator
@inline export function sload(p: usize): Vec { return v128.load(p); }
// @ts-ignore: decorator
@inline export function sstore(p: usize, v: Vec): void { v128.store(p, v); }


// @ts-ignore: decorator
@inline function at(mem: usize, base: i32, step: i32, l: i32, off: i32): usize {
  return mem + (<usize>(base + off + l * step) << 2);
}

/** Loads lane l < n from mem[base + l·step + off] (element offsets); lanes ≥ n repeat lane n − 1. */
// @ts-ignore: decorator
@inline export function gather(mem: usize, base: i32, step: i32, off: i32, n: i32): Vec {
  const p0 = at(mem, base, step, 0, off);
  if (step == 0) return v128.load32_splat(p0); // every lane the same element (e.g. β per channel)
  if (n == 4) {
    if (step == 1) return v128.load(p0);
    if (step == 2) return v128.shuffle<f32>(v128.load(p0), v128.load(p0, 16), 0, 2, 4, 6);
  }
  let v = f32x4.splat(load<f32>(p0));
  v = f32x4.replace_lane(v, 1, load<f32>(at(mem, base, step, n > 1 ? 1 : 0, off)));
  v = f32x4.replace_lane(v, 2, load<f32>(at(mem, base, step, n > 2 ? 2 : n - 1, off)));
  return f32x4.replace_lane(v, 3, load<f32>(at(mem, base, step, n > 3 ? 3 : n - 1, off)));
}

/** Stores lanes l < n of v to mem[base + l·step + off]. */
// @ts-ignore: decorator
@inline export function scatter(mem: usize, base: i32, step: i32, off: i32, v: Vec, n: i32): void {
  if (step == 1 && n == 4) {
    v128.store(at(mem, base, step, 0, off), v);
    return;
  }
  store<f32>(at(mem, base, step, 0, off), f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(at(mem, base, step, 1, off), f32x4.extract_lane(v, 1));
  if (n > 2) store<f32>(at(mem, base, step, 2, off), f32x4.extract_lane(v, 2));
  if (n > 3) store<f32>(at(mem, base, step, 3, off), f32x4.extract_lane(v, 3));
}

/** mem[base + l·step + off] += v[l] for lanes l < n (step ≠ 0: lane addresses differ). */
// @ts-ignore: decorator
@inline export function accumulate(mem: usize, base: i32, step: i32, off: i32, v: Vec, n: i32): void {
  if (step == 1 && n == 4) {
    const p = at(mem, base, step, 0, off);
    v128.store(p, f32x4.add(v128.load(p), v));
    return;
  }
  let p = at(mem, base, step, 0, off);
  store<f32>(p, load<f32>(p) + f32x4.extract_lane(v, 0));
  if (n > 1) { p = at(mem, base, step, 1, off); store<f32>(p, load<f32>(p) + f32x4.extract_lane(v, 1)); }
  if (n > 2) { p = at(mem, base, step, 2, off); store<f32>(p, load<f32>(p) + f32x4.extract_lane(v, 2)); }
  if (n > 3) { p = at(mem, base, step, 3, off); store<f32>(p, load<f32>(p) + f32x4.extract_lane(v, 3)); }
}

/** Lanes at base + 2l with taps at off and off + 1 can be moved as pairs (8 contiguous floats). */
export const PAIRS: bool = true;

/** Taps off and off+1 of 4 stride-2 lanes: two loads, deinterleaved into dst0 and dst1. */
// @ts-ignore: decorator
@inline export function gatherPair(mem: usize, base: i32, off: i32, dst0: usize, dst1: usize): void {
  const p = mem + (<usize>(base + off) << 2);
  const a = v128.load(p);
  const b = v128.load(p, 16);
  v128.store(dst0, v128.shuffle<f32>(a, b, 0, 2, 4, 6));
  v128.store(dst1, v128.shuffle<f32>(a, b, 1, 3, 5, 7));
}

/** mem[base + 2l + off] += v0[l], mem[base + 2l + off + 1] += v1[l]: interleave, two read-modify-writes. */
// @ts-ignore: decorator
@inline export function accumulatePair(mem: usize, base: i32, off: i32, v0: Vec, v1: Vec): void {
  const p = mem + (<usize>(base + off) << 2);
  v128.store(p, f32x4.add(v128.load(p), v128.shuffle<f32>(v0, v1, 0, 4, 1, 5)));
  v128.store(p, f32x4.add(v128.load(p, 16), v128.shuffle<f32>(v0, v1, 2, 6, 3, 7)), 16);
}

/**
 * exp(x) for 4 lanes: x = n·ln2 + r with |r| ≤ ln2/2 (Cody–Waite split of ln2), e^r by the
 * degree-7 Cephes expf polynomial, then · 2^n applied as 2^(n>>1) · 2^(n−(n>>1)) so results
 * in the subnormal range round once, correctly. NaN → NaN, −∞ → 0, x > 88.72 → +∞.
 * Max relative error vs Math.exp (normal results): see README / test/exp.test.ts.
 */
// @ts-ignore: decorator
@inline export function exp(x: Vec): Vec {
  // clamp with pmin/pmax (single instructions; a NaN x passes through as the first operand)
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-110)), f32x4.splat(89));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  // e^r ≈ 1 + r + r²·q(r), q of degree 5 evaluated by Estrin's scheme (short dependency chains)
  const r2 = f32x4.mul(r, r);
  const r4 = f32x4.mul(r2, r2);
  const q01 = f32x4.add(f32x4.mul(f32x4.splat(1.6666665459e-1), r), f32x4.splat(5.0000001201e-1));
  const q23 = f32x4.add(f32x4.mul(f32x4.splat(8.3334519073e-3), r), f32x4.splat(4.1665795894e-2));
  const q45 = f32x4.add(f32x4.mul(f32x4.splat(1.9875691500e-4), r), f32x4.splat(1.3981999507e-3));
  const q = f32x4.add(f32x4.add(q01, f32x4.mul(q23, r2)), f32x4.mul(q45, r4));
  const p = f32x4.add(f32x4.add(f32x4.mul(q, r2), r), f32x4.splat(1));
  // n (an integer in [−159, 128]) to int32 without trunc_sat: n + 1.5·2^23 holds n in its low bits
  const ni = i32x4.sub(f32x4.add(n, f32x4.splat(12582912.0)), i32x4.splat(0x4b400000));
  const e1 = i32x4.shr_s(ni, 1);
  const e2 = i32x4.sub(ni, e1);
  const bias = i32x4.splat(127);
  const s1 = i32x4.shl(i32x4.add(e1, bias), 23);
  const s2 = i32x4.shl(i32x4.add(e2, bias), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

/** a·b + c: one fused relaxed_madd in the relaxed-SIMD build (rounded once or twice, as the engine has it), else mul and add. */
// @ts-ignore: decorator
@inline export function madd(a: Vec, b: Vec, c: Vec): Vec {
  // @ts-ignore: compile-time feature flag
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
/** c − a·b (relaxed_nmadd in the relaxed-SIMD build). */
// @ts-ignore: decorator
@inline export function nmadd(a: Vec, b: Vec, c: Vec): Vec {
  // @ts-ignore: compile-time feature flag
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_nmadd(a, b, c);
  return f32x4.sub(c, f32x4.mul(a, b));
}

/**
 * e^t for t ≤ 0 (the softmax's x − x_max, edscw's D − 1), the lean exp: t = n·ln2 + r
 * (Cody–Waite), e^r by a degree-5 minimax polynomial (relative error ≈ 1.1e-7, ≈ 3e-7 after
 * float32 rounding), one scaling by 2^n built from the rounding's integer bits. t is clamped at
 * −88, where n = −127 makes that scale's bits 0: every t ≤ −87.68 (results under 2^−126.5, −∞
 * included) gives exactly +0, at no extra instruction, so that a far tap's w·τ is 0 (a clamp at
 * −87.33 held e^t at 1.2e-38, and τ = −3e38 then made w·τ = −3.6). NaN → NaN. For t > 0 use `exp`.
 */
// @ts-ignore: decorator
@inline export function expNeg(t: Vec): Vec {
  const c = EN;
  t = f32x4.pmax(t, v128.load(c)); // a NaN t stays (first operand)
  // k = t·log₂e + 1.5·2²³: its low bits hold n = round(t·log₂e)
  const k = madd(t, v128.load(c, 16), v128.load(c, 32));
  const n = f32x4.sub(k, v128.load(c, 32));
  let r = nmadd(n, v128.load(c, 48), t);
  r = nmadd(n, v128.load(c, 64), r);
  const r2 = f32x4.mul(r, r);
  const a = madd(v128.load(c, 80), r, v128.load(c, 96));
  const b = madd(v128.load(c, 112), r, v128.load(c, 128));
  const q = madd(b, r2, a);
  const p = madd(q, r2, f32x4.add(v128.load(c, 144), r));
  // 2^n: n + 127 into the exponent field (n ≥ −127 after the clamp; n = −127 gives +0)
  const s = i32x4.add(i32x4.shl(k, 23), i32x4.splat(127 << 23));
  return f32x4.mul(p, s);
}

/** v with lanes l < n set to 0. */
// @ts-ignore: decorator
@inline export function dropLanes(v: Vec, n: i32): Vec {
  if (n == 0) return v;
  return v128.and(v, i32x4.ge_s(i32x4(0, 1, 2, 3), i32x4.splat(n)));
}

// ---- interleaved pairs: lanes at stride 2 with taps (off, off + 1), as two raw Vecs ---------
/** The interleaved taps (lo: outputs 0, 1; hi: 2, 3) of the lanes from n on (the lanes dropLanes keeps). */
// @ts-ignore: decorator
@inline export function keptPairs(n: i32, hi: bool): Mask { return i32x4.ge_s(hi ? i32x4(2, 2, 3, 3) : i32x4(0, 0, 1, 1), i32x4.splat(n)); }
/** Lane l = element 2l of the 8 floats a|b (the even taps). */
// @ts-ignore: decorator
@inline export function evens(a: Vec, b: Vec): Vec { return v128.shuffle<f32>(a, b, 0, 2, 4, 6); }
/** Lane l = element 2l + 1 of a|b (the odd taps). */
// @ts-ignore: decorator
@inline export function odds(a: Vec, b: Vec): Vec { return v128.shuffle<f32>(a, b, 1, 3, 5, 7); }
/** Lanes 0, 1 of v, each twice (lane values laid out like a). */
// @ts-ignore: decorator
@inline export function spreadLo(v: Vec): Vec { return v128.shuffle<f32>(v, v, 0, 0, 1, 1); }
/** Lanes 2, 3 of v, each twice (laid out like b). */
// @ts-ignore: decorator
@inline export function spreadHi(v: Vec): Vec { return v128.shuffle<f32>(v, v, 2, 2, 3, 3); }

/** Lanes 1, 2, 3 of e, then lane 0 of c: the taps two further along (width-3 windows at stride 2). */
// @ts-ignore: decorator
@inline export function shiftIn(e: Vec, c: Vec): Vec { return v128.shuffle<f32>(e, c, 1, 2, 3, 4); }
/** Lane 3 of p, then lanes 0, 1, 2 of v: values one output back (the inverse move of shiftIn). */
// @ts-ignore: decorator
@inline export function shiftBack(p: Vec, v: Vec): Vec { return v128.shuffle<f32>(p, v, 3, 4, 5, 6); }
/** The float at p in every lane. */
// @ts-ignore: decorator
@inline export function sloadSplat(p: usize): Vec { return v128.load32_splat(p); }

/** Lanes a0 b0 a1 b1 (even taps a, odd taps b back to memory order, outputs 0, 1). */
// @ts-ignore: decorator
@inline export function interleaveLo(a: Vec, b: Vec): Vec { return v128.shuffle<f32>(a, b, 0, 4, 1, 5); }
/** Lanes a2 b2 a3 b3 (outputs 2, 3). */
// @ts-ignore: decorator
@inline export function interleaveHi(a: Vec, b: Vec): Vec { return v128.shuffle<f32>(a, b, 2, 6, 3, 7); }

/**
 * e^t for t ∈ [−1, 0] (edscw's D − 1) by a degree-6 minimax polynomial, no range reduction
 * (relative error ≈ 2.5e-7 after float32 rounding; NaN → NaN). Estrin's scheme.
 */
// @ts-ignore: decorator
@inline export function expUnit(t: Vec): Vec {
  const k = EU;
  const t2 = f32x4.mul(t, t);
  const t4 = f32x4.mul(t2, t2);
  const a = madd(v128.load(k), t, v128.load(k, 16));
  const b = madd(v128.load(k, 32), t, v128.load(k, 48));
  const c = madd(v128.load(k, 64), t, v128.load(k, 80));
  const hi = madd(v128.load(k, 96), t2, c);
  return madd(hi, t4, madd(b, t2, a));
}

// expNeg's constants (see expUnit's)
const EN: usize = memory.data<f32>([
  -88.0, -88.0, -88.0, -88.0, 1.44269504088896341, 1.44269504088896341, 1.44269504088896341, 1.44269504088896341,
  12582912.0, 12582912.0, 12582912.0, 12582912.0, 0.693359375, 0.693359375, 0.693359375, 0.693359375,
  -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, 1.6667114198e-1, 1.6667114198e-1, 1.6667114198e-1, 1.6667114198e-1,
  4.9999231100e-1, 4.9999231100e-1, 4.9999231100e-1, 4.9999231100e-1, 8.3125252277e-3, 8.3125252277e-3, 8.3125252277e-3, 8.3125252277e-3,
  4.1890114546e-2, 4.1890114546e-2, 4.1890114546e-2, 4.1890114546e-2, 1.0, 1.0, 1.0, 1.0,
], 16);
// expUnit's coefficients, 4 lanes each, read from memory (a v128.const in a loop costs V8 several instructions)
const EU: usize = memory.data<f32>([
  9.999979138e-1, 9.999979138e-1, 9.999979138e-1, 9.999979138e-1, 1.0, 1.0, 1.0, 1.0,
  1.664902866e-1, 1.664902866e-1, 1.664902866e-1, 1.664902866e-1, 4.999690056e-1, 4.999690056e-1, 4.999690056e-1, 4.999690056e-1,
  7.614023984e-3, 7.614023984e-3, 7.614023984e-3, 7.614023984e-3, 4.117682576e-2, 4.117682576e-2, 4.117682576e-2, 4.117682576e-2,
  8.358459454e-4, 8.358459454e-4, 8.358459454e-4, 8.358459454e-4,
], 16);

/** c + 1 (as int32 lanes) where m: per-lane hit counts of interleaved taps. */
// @ts-ignore: decorator
@inline export function countHits(c: Vec, m: Mask): Vec { return i32x4.sub(c, m); }
/** Whether an output got more than one hit (counts cA: outputs 0, 1; cB: outputs 2, 3; two lanes each). */
// @ts-ignore: decorator
@inline export function multiHit(cA: Vec, cB: Vec): bool {
  return v128.any_true(i32x4.gt_s(i32x4.add(evens(cA, cB), odds(cA, cB)), i32x4.splat(1)));
}

// ---- float64 ("wide") lanes: a Vec's 4 lanes as WIDE_PARTS = 2 f64x2 halves ----------------
// Used where float32 cannot meet the tolerances: the value path of edscw/idw, whose output can
// be a small number made of weights ≈ 1/|R| times inputs of ±1000.
export type Wide = v128;
export const WIDE_PARTS: i32 = 2;
export const WBYTES: usize = 16;

/** Lanes (2·part, 2·part+1) of v as float64. */
// @ts-ignore: decorator
@inline export function widen(v: Vec, part: i32): Wide {
  return f64x2.promote_low_f32x4(part == 0 ? v : v128.shuffle<f32>(v, v, 2, 3, 2, 3));
}
/** The Vec whose lanes are lo's two then hi's two, rounded to float32. */
// @ts-ignore: decorator
@inline export function narrow(lo: Wide, hi: Wide): Vec {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}
// @ts-ignore: decorator
@inline export function wsplat(v: f64): Wide { return f64x2.splat(v); }
// @ts-ignore: decorator
@inline export function wadd(a: Wide, b: Wide): Wide { return f64x2.add(a, b); }
// @ts-ignore: decorator
@inline export function wsub(a: Wide, b: Wide): Wide { return f64x2.sub(a, b); }
// @ts-ignore: decorator
@inline export function wmul(a: Wide, b: Wide): Wide { return f64x2.mul(a, b); }
// @ts-ignore: decorator
@inline export function wdiv(a: Wide, b: Wide): Wide { return f64x2.div(a, b); }
// @ts-ignore: decorator
@inline export function wmax(a: Wide, b: Wide): Wide { return f64x2.max(a, b); }
// @ts-ignore: decorator
@inline export function wmin(a: Wide, b: Wide): Wide { return f64x2.min(a, b); }
// @ts-ignore: decorator
@inline export function wpmax(a: Wide, b: Wide): Wide { return f64x2.pmax(a, b); }
// @ts-ignore: decorator
@inline export function wpmin(a: Wide, b: Wide): Wide { return f64x2.pmin(a, b); }
// @ts-ignore: decorator
@inline export function wabs(a: Wide): Wide { return f64x2.abs(a); }
// @ts-ignore: decorator
@inline export function wsqrt(a: Wide): Wide { return f64x2.sqrt(a); }
// @ts-ignore: decorator
@inline export function weq(a: Wide, b: Wide): Wide { return f64x2.eq(a, b); }
// @ts-ignore: decorator
@inline export function wsgn(v: Wide): Wide {
  return f64x2.sub(v128.and(f64x2.gt(v, f64x2.splat(0)), f64x2.splat(1)), v128.and(f64x2.lt(v, f64x2.splat(0)), f64x2.splat(1)));
}
// @ts-ignore: decorator
@inline export function wselect(a: Wide, b: Wide, m: Wide): Wide { return v128.bitselect(a, b, m); }
// @ts-ignore: decorator
@inline export function wload(p: usize): Wide { return v128.load(p); }
// @ts-ignore: decorator
@inline export function wstore(p: usize, v: Wide): void { v128.store(p, v); }

/**
 * e^t in float64 for t ∈ [−1, 0] (edscw's D − 1): e^{−1/2} · Σ_{k≤10} s^k/k!, s = t + 1/2,
 * |s| ≤ 1/2: truncation < 1.3e-11 relative.
 */
// @ts-ignore: decorator
@inline export function wexpUnit(t: Wide): Wide {
  // Σ_{k≤10} s^k/k! by Estrin's scheme (pairs, then s², s⁴, s⁸): short dependency chains
  const s = f64x2.add(t, f64x2.splat(0.5));
  const s2 = f64x2.mul(s, s);
  const s4 = f64x2.mul(s2, s2);
  const s8 = f64x2.mul(s4, s4);
  const a0 = f64x2.add(f64x2.splat(1), s);
  const a1 = f64x2.add(f64x2.splat(1.0 / 2), f64x2.mul(f64x2.splat(1.0 / 6), s));
  const a2 = f64x2.add(f64x2.splat(1.0 / 24), f64x2.mul(f64x2.splat(1.0 / 120), s));
  const a3 = f64x2.add(f64x2.splat(1.0 / 720), f64x2.mul(f64x2.splat(1.0 / 5040), s));
  const a4 = f64x2.add(f64x2.splat(1.0 / 40320), f64x2.mul(f64x2.splat(1.0 / 362880), s));
  const b0 = f64x2.add(a0, f64x2.mul(a1, s2));
  const b1 = f64x2.add(a2, f64x2.mul(a3, s2));
  const b2 = f64x2.add(a4, f64x2.mul(f64x2.splat(1.0 / 3628800), s2));
  const p = f64x2.add(f64x2.add(b0, f64x2.mul(b1, s4)), f64x2.mul(b2, s8));
  return f64x2.mul(p, f64x2.splat(0.60653065971263342360));
}

/**
 * exp in float64 (two lanes): x = n·ln2 + r (ln2 split hi/lo), e^r by its Taylor series to r¹¹
 * (|r| ≤ ln2/2: truncation < 2e-14 relative), · 2^n. Domain |x| ≤ 708.
 */
// @ts-ignore: decorator
@inline export function wexp(x: Wide): Wide {
  x = f64x2.min(f64x2.max(x, f64x2.splat(-708)), f64x2.splat(708));
  const n = f64x2.nearest(f64x2.mul(x, f64x2.splat(1.4426950408889634)));
  let r = f64x2.sub(x, f64x2.mul(n, f64x2.splat(6.93147180369123816490e-01)));
  r = f64x2.sub(r, f64x2.mul(n, f64x2.splat(1.90821492927058770002e-10)));
  let p = f64x2.splat(1.0 / 39916800);
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 3628800));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 362880));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 40320));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 5040));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 720));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 120));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 24));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 6));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1));
  const e = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(n));
  return f64x2.mul(p, i64x2.shl(i64x2.add(e, i64x2.splat(1023)), 52));
}
// @ts-ignore: decorator
@inline export function wfirst(v: Wide): f64 { return f64x2.extract_lane(v, 0); }
