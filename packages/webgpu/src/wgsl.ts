/**
 * WGSL generation. One spec per kernel family (kind, method, outputs wanted, workgroup size)
 * yields one shader; every shape, stride, layout and geometry table offset arrives through the
 * `Params` uniform block and the geometry table `G`, so a pipeline serves every shape, both
 * layouts and ranks 1-3 (axes padded to 3, see geometry.ts). Names follow OPERATORS.md: region
 * R(o), mean m, scores σ, weights w, normaliser Z, output y, A_o of section 6.
 */
import type { PoolMethod } from '@adapool/core';
import { DS_WGSL } from './ds.js';
import { paramBlock } from './params.js';

export const Params = paramBlock('Params', {
  /** Invocations that do work (the rest of the last workgroup return). */
  total: 'i32',
  /** 1 when channels vary fastest (channels-last): consecutive invocations, consecutive memory. */
  cInner: 'i32',
  N: 'i32',
  C: 'i32',
  /** Π O and Π L (spatial). */
  outputs: 'i32',
  inputs: 'i32',
  /** Floats per window in the backward record. */
  recStride: 'i32',
  countIncludePad: 'i32',
  /** idwEps as mantissa in [0.5, 1] and exponent (any float64 ε; scaled per region in the shader). */
  idwEpsM: 'f32',
  idwEpsE: 'i32',
  /** The op's parameter (core's opParam: lpPool's p). */
  opParam: 'f32',
  /** Bits of a quiet NaN (a runtime value: a constant NaN is a WGSL compile error). */
  nanBits: 'i32',
  /** 1 when the device's fma is fused (probed at creation): two-product by fma, else Dekker. */
  fmaFused: 'i32',
  /** Input size L, output size O, taps K per axis (padded to 3 axes). */
  L: 'vec4i',
  O: 'vec4i',
  K: 'vec4i',
  /** Spatial element strides: input, output, mask (o part), mask (κ part), β. */
  xs: 'vec4i',
  ys: 'vec4i',
  ms: 'vec4i',
  mk: 'vec4i',
  bs: 'vec4i',
  /** (input n, input c, output n, output c) strides. */
  nc: 'vec4i',
  /** (mask n, mask c, β n, β c) strides. */
  mnc: 'vec4i',
  /** Offsets of the per-axis tables in G (geometry.ts). */
  tapOff: 'vec4i',
  cntOff: 'vec4i',
  padOff: 'vec4i',
  csrOff: 'vec4i',
  pairOff: 'vec4i',
});

export type KernelSpec =
  | { kind: 'pool'; method: PoolMethod; mask: boolean; indices: boolean; wg: number }
  | { kind: 'prep'; method: Exclude<PoolMethod, 'avg'>; wg: number }
  | { kind: 'gather'; method: PoolMethod; wg: number }
  | { kind: 'betaReduce'; tree: boolean; wg: number }
  | { kind: 'unpool'; wg: number }
  | { kind: 'unpoolGrad'; wg: number };

/** A stable key of a spec (the pipeline cache key). */
export function specKey(s: KernelSpec): string {
  return Object.entries(s)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export interface Shader {
  code: string;
  /** Storage buffer names in binding order (binding 0 is the Params uniform). */
  bindings: string[];
}

type Half = 'em' | 'dsc' | 'idw';
/** adaPool mixes the edscw half (D) and the em half (M); index 0 carries β̂. */
const HALVES: Partial<Record<PoolMethod, Half[]>> = { em: ['em'], edscw: ['dsc'], idw: ['idw'], ada: ['dsc', 'em'] };
export const isScore = (m: PoolMethod): boolean => HALVES[m] !== undefined;
/**
 * The per-window backward record of a score op (floats): the region's scale exponent kx; the first
 * reference tap x0 (scaled by 2^−kx, as every value below); the mean m when a half scores against
 * it (double-f32: m, mlo); β̂ (ada); per half σ_max, Z, y − x0 (NaN when the region holds a NaN or ±∞) and A_o (not for em,
 * whose b = 0). maxPool's record is the argmax tap (int32).
 */
export function recordFields(m: PoolMethod): string[] {
  if (m === 'lp') return ['lpm', 'lpr', 'lpf'];
  if (!isScore(m)) return ['best'];
  const halves = HALVES[m]!;
  const f = ['kxf', 'x0'];
  if (halves.some((h) => h !== 'em')) f.push('m', 'mlo');
  if (m === 'ada') f.push('bhat');
  halves.forEach((h, i) => f.push(`smax${i}`, `Z${i}`, `yr${i}`, ...(h === 'em' ? [] : [`A${i}`])));
  return f;
}
export const recordStride = (m: PoolMethod): number => recordFields(m).length;

/**
 * Score σ of a tap. Every region is computed on its values scaled by an exact power of two,
 * xs = x·2^−kx with |xs| < 2^SCALE_HEADROOM (kx ≥ 0 from the region's largest finite |x|), so that
 * no sum (of up to 2^31 taps), difference or ds product overflows over the whole float32 range,
 * while taps far below the largest stay normal numbers (GPUs may flush denormals); D is scale-free
 * and idw's weights are ratios (ε scaled alike), only em's score is the raw value xv.
 * xr = xs − x0 (relative to a tap, see halfPasses), the mean m scaled too.
 */
const SCALE_HEADROOM = 64;
const SIGMA: Record<Half, string> = { em: 'xv', dsc: 'dsc(xs, m)', idw: 'idwInvDelta((xs - m) - mlo, epsS)' };
/** exp(σ − σ_max) (no inf reaches exp): idw keeps weights as ratios 1/δ over max 1/δ (OPERATORS.md 4.5). */
const EXP: Record<Half, (s: string, smax: string) => string> = {
  em: (s, mx) => `exp(max(${s} - ${mx}, -150.0))`,
  dsc: (s, mx) => `exp(${s} - ${mx})`,
  idw: (s, mx) => `(${s} / ${mx})`,
};
/** (a, b) = (∂φ/∂x, ∂φ/∂m) at the tap, in scaled units (em's a = 1 multiplies x − y scaled back, see gatherShader). */
const PARTIALS: Record<Half, string> = { em: 'vec2<f32>(1.0, 0.0)', dsc: 'dscGrad(xs, m)', idw: 'idwGrad((xs - m) - mlo, epsS)' };
const SMAX_INIT: Record<Half, string> = { em: '-3.4028234663852886e38', dsc: '-1.0', idw: '0.0' };

const PRELUDE = `${Params.wgsl}
@group(0) @binding(0) var<uniform> P: Params;

fn isNan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
fn nan() -> f32 { return bitcast<f32>(P.nanBits); }
/** +∞ (a runtime value, like nan()). */
fn inf() -> f32 { return bitcast<f32>(u32(P.nanBits) & 0xff800000u); }
/** 0 for a finite value, else 1 (NaN), 2 (+∞) or 4 (−∞), by its bits (arithmetic may not see ∞). */
fn nonFinite(v: f32) -> u32 {
  let b = bitcast<u32>(v);
  if ((b & 0x7fffffffu) < 0x7f800000u) { return 0u; }
  if ((b & 0x7fffffffu) > 0x7f800000u) { return 1u; }
  return select(2u, 4u, (b >> 31u) == 1u);
}
/** A u32 in the order of the (non-NaN) float's value, ±0 equal: denormals compare right where the GPU flushes them. */
fn order(v: f32) -> u32 {
  let b = select(bitcast<u32>(v), 0u, (bitcast<u32>(v) & 0x7fffffffu) == 0u);
  return select(b | 0x80000000u, ~b, (b >> 31u) == 1u);
}
/** The exponent e of v = f·2^e, f in [0.5, 1), from the bits (denormals too); −1000 for 0. */
fn expOf(v: f32) -> i32 {
  let b = bitcast<u32>(v) & 0x7fffffffu;
  let e = i32(b >> 23u);
  if (e != 0) { return e - 126; }
  if (b == 0u) { return -1000; }
  return i32(firstLeadingBit(b)) - 148;
}
/**
 * v·2^−k, exact while the result is a normal number, also for a denormal v (rebuilt from its bits);
 * a nonzero v never becomes 0 (at least ±2^−126): the sign of a tiny tap still counts (D's ς).
 */
fn scaled(v: f32, k: i32) -> f32 {
  let b = bitcast<u32>(v);
  if (k == 0 && (b & 0x7f800000u) != 0u) { return v; } // the common case: a normal number, unscaled
  let neg = (b >> 31u) == 1u;
  var r: f32;
  if ((b & 0x7f800000u) != 0u) { r = ldexp(ldexp(v, -k / 2), k / 2 - k); }
  else {
    let e = -149 - k;
    r = select(1.0, -1.0, neg) * ldexp(ldexp(f32(b & 0x7fffffu), e / 2), e - e / 2);
  }
  if ((b & 0x7fffffffu) != 0u && nonFinite(v) == 0u && !(abs(r) >= 1.17549435e-38)) { r = select(1.17549435e-38, -1.17549435e-38, neg); }
  return r;
}
/**
 * Compensated accumulation in double-f32 (two-sum, then the error renormalised into the low
 * part, so that it stays below an ulp of the sum: plain Neumaier's error term, a sum of its own,
 * loses accuracy past 2^24 terms): the value is .x + .y. ±∞ and NaN pass through.
 */
fn cadd(a: vec2<f32>, v: f32) -> vec2<f32> {
  let s = a.x + v; let bb = s - a.x;
  let t = ((a.x - (s - bb)) + (v - bb)) + a.y;
  let h = s + t;
  return select(vec2<f32>(h, t - (h - s)), vec2<f32>(s, 0.0), nonFinite(s) != 0u);
}
/** idwEps scaled by 2^−k, kept within the normal range (weights are ratios: past it they are uniform / all-or-nothing alike). */
fn epsScaled(k: i32) -> f32 { return ldexp(P.idwEpsM, clamp(P.idwEpsE - k, -124, 100)); }

struct Cell { n: i32, c: i32, o: vec3<i32>, fi: i32 }
/** Invocation t → (n, c, spatial index) over a grid of size S (count = Π S). */
fn cell(t: i32, count: i32, S: vec3<i32>) -> Cell {
  var n: i32; var c: i32; var f: i32;
  if (P.cInner == 1) { c = t % P.C; let r = t / P.C; f = r % count; n = r / count; }
  else { f = t % count; let r = t / count; c = r % P.C; n = r / P.C; }
  return Cell(n, c, vec3<i32>(f / (S.y * S.z), (f / S.z) % S.y, f % S.z), f);
}
`;

const SCORE_FNS = `
/** Dice–Sørensen D(x, m), scale-free, D(0,0) = 1 (OPERATORS.md 4.4). */
fn dsc(x: f32, m: f32) -> f32 {
  let sc = max(abs(x), abs(m));
  if (sc == 0.0) { return 1.0; }
  let xh = x / sc; let mh = m / sc;
  return 2.0 * abs(xh * mh) / (xh * xh + mh * mh);
}
/** (∂_x D, ∂_m D) with ς = sgn(x m). */
fn dscGrad(x: f32, m: f32) -> vec2<f32> {
  let sc = max(abs(x), abs(m));
  if (sc == 0.0) { return vec2<f32>(0.0, 0.0); }
  let xh = x / sc; let mh = m / sc;
  let q = xh * xh + mh * mh;
  let sg = sign(x) * sign(m);
  let den = q * q * sc;
  return vec2<f32>(2.0 * sg * mh * (mh * mh - xh * xh) / den, 2.0 * sg * xh * (xh * xh - mh * mh) / den);
}
/** δ = hypot(u, ε) without overflow. */
fn idwDelta(u: f32, eps: f32) -> f32 {
  let sc = max(abs(u), eps);
  let a = u / sc; let b = eps / sc;
  return sc * sqrt(a * a + b * b);
}
fn idwInvDelta(u: f32, eps: f32) -> f32 { return 1.0 / idwDelta(u, eps); }
/** a = q = −(u/δ)/δ, b = −q. */
fn idwGrad(u: f32, eps: f32) -> vec2<f32> {
  let d = idwDelta(u, eps);
  let q = -(u / d) / d;
  return vec2<f32>(q, -q);
}
`;

/**
 * lpPool (OPERATORS.md 4.2a) with the region's m = max |x| factored out: t = |x|/m ∈ [0, 1],
 * S = Σ t^p ≥ 1, y = m·S^{1/p}, w = t^p / S, ∂y/∂x = sign(x)·(t / S^{1/p})^{p−1}; m from the bits,
 * so a NaN or ±∞ shows (bits ≥ 0x7f800000) and denormals count where the GPU flushes them.
 */
const LP_FNS = `
fn absBits(v: f32) -> u32 { return bitcast<u32>(v) & 0x7fffffffu; }
/** a/m for the bits of 0 ≤ a ≤ m, m > 0: exact also where a or m is a denormal that division would flush. */
fn lpRatio(ab: u32, mb: u32) -> f32 {
  if ((ab & 0x7f800000u) != 0u) { return bitcast<f32>(ab) / bitcast<f32>(mb); }
  if ((mb & 0x7f800000u) == 0u) { return f32(ab) / f32(mb); } // both denormal: the bits are proportional to the values
  return ldexp(f32(ab), -75) / ldexp(bitcast<f32>(mb), 74);
}
/** t^e for 0 ≤ t ≤ 1, e ≥ 0 (t^0 = 1, 0^e = 0). */
fn lpPow(t: f32, e: f32) -> f32 {
  if (e == 0.0) { return 1.0; }
  if (t == 0.0) { return 0.0; }
  return exp2(e * log2(t));
}
`;

/** lp's window: S = Σ t^p of a region with max bits amax (not NaN/±∞, not 0), into Sv. */
const lpSum = () => `var Sc = vec2<f32>(0.0, 0.0);
  if (amax != 0u && amax < 0x7f800000u) { ${forTaps('Sc = cadd(Sc, lpPow(lpRatio(absBits(xv), amax), P.opParam));', undefined, false)} }
  let Sv = Sc.x + Sc.y;`;

const MAIN = (wg: number) => `@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = i32((wid.y * nwg.x + wid.x) * ${wg}u + lid);
  if (t >= P.total) { return; }`;

/** The output cell of thread t: window o, input base xb, output index yi, mask base mb. */
const OUTPUT_CELL = `let c = cell(t, P.outputs, P.O.xyz);
  let o = c.o;
  let xb = c.n * P.nc.x + c.c * P.nc.y;`;
const OUTPUT_Y = 'let yi = c.n * P.nc.z + c.c * P.nc.w + dot(o, P.ys.xyz);';
const OUTPUT_M = 'let mb = c.n * P.mnc.x + c.c * P.mnc.y + dot(o, P.ms.xyz);';

const storage = (names: [string, 'read' | 'read_write', 'f32' | 'i32'][]): string =>
  names.map(([name, access, type], i) => `@group(0) @binding(${i + 1}) var<storage, ${access}> ${name}: array<${type}>;`).join('\n');

/**
 * Loops over the taps κ of window `o` (row-major, flat index j), with tap position (p0, p1, p2)
 * and value xv. `invalid` runs for taps outside the input (then skipped); without it, invalid
 * rows are skipped early.
 */
function forTaps(body: string, invalid?: string, scaled = true): string {
  const skip = (a: number) => (invalid === undefined ? `if (p${a} < 0) { continue; }` : '');
  const tail =
    invalid === undefined
      ? ''
      : `if (p0 < 0 || p1 < 0 || p2 < 0) { ${invalid} continue; }`;
  return `for (var k0 = 0; k0 < P.K.x; k0++) {
    let p0 = G[P.tapOff.x + o.x * P.K.x + k0]; ${skip(0)}
    for (var k1 = 0; k1 < P.K.y; k1++) {
      let p1 = G[P.tapOff.y + o.y * P.K.y + k1]; ${skip(1)}
      for (var k2 = 0; k2 < P.K.z; k2++) {
        let p2 = G[P.tapOff.z + o.z * P.K.z + k2]; ${skip(2)}
        let j = (k0 * P.K.y + k1) * P.K.z + k2;
        let mo = k0 * P.mk.x + k1 * P.mk.y + k2 * P.mk.z;
        ${tail}
        let xv = X[xb + p0 * P.xs.x + p1 * P.xs.y + p2 * P.xs.z];
        ${scaled ? 'let xs = scaled(xv, kx); let xr = xs - x0;' : ''}
        ${body}
      }
    }
  }`;
}

/** Loops over the windows o containing input position p (per-axis CSR lists from core's windowsContaining). */
function forWindows(body: string, withGrad = true): string {
  const axis = (a: number, c: 'x' | 'y' | 'z', inner: string) => `for (var i${a} = G[P.csrOff.${c} + p.${c}]; i${a} < G[P.csrOff.${c} + p.${c} + 1]; i${a}++) {
    let o${a} = G[P.pairOff.${c} + 2 * i${a}]; let k${a} = G[P.pairOff.${c} + 2 * i${a} + 1];
    ${inner}
  }`;
  return axis(0, 'x', axis(1, 'y', axis(2, 'z', `let o = vec3<i32>(o0, o1, o2);
      let j = (k0 * P.K.y + k1) * P.K.z + k2;
      ${withGrad ? `let win = wb + (o0 * P.O.y + o1) * P.O.z + o2;\n      let gs = ldexp(DY[yb + dot(o, P.ys.xyz)], -${SUM_SCALE});` : ''}
      ${body}`)));
}

/**
 * Window statistics: |R| = r, the finite taps' count nf, the non-finite kinds seen (bits of
 * nonFinite), the scale exponent kx from the largest finite |x| (read from the bits, so denormals
 * count where the GPU flushes them) and the argmax for max; then (not max) the first finite tap x0,
 * the range [xlo, xhi] and the mean m of the finite taps, all scaled (a compensated sum: exact
 * enough for 2^24-tap regions and for taps that cancel); avg the ds sum of the scaled taps.
 */
function statsPass(method: PoolMethod): string {
  if (method === 'lp') {
    return `var r = 0; var amax = 0u;
  ${forTaps('r += 1; amax = max(amax, absBits(xv));', undefined, false)}`;
  }
  if (method === 'max') {
    return `var r = 0; var best = -1; var bestv = 0.0; var bestFlat = -1;
  ${forTaps(`r += 1; if (best < 0 || (!isNan(bestv) && (isNan(xv) || order(xv) > order(bestv)))) { best = j; bestv = xv; bestFlat = (p0 * P.L.y + p1) * P.L.z + p2; }`, undefined, false)}`;
  }
  const finite = 'if (nonFinite(xv) != 0u) { continue; }';
  const sums =
    method === 'avg'
      ? `var sd = vec2<f32>(0.0, 0.0);
  ${forTaps(`${finite} sd = dsAdd(sd, vec2<f32>(xs, 0.0));`)}`
      : method === 'em'
        ? '' // em needs no mean
        : `var sr = vec2<f32>(0.0, 0.0);
  ${forTaps(`${finite} sr = cadd(sr, xs);`)}
  // m + mlo in double-f32: idw's u = x − m must stay exact when taps are close to each other, far from 0
  let mds = dsDiv(quickTwoSum(sr.x, sr.y), vec2<f32>(f32(max(nf, 1)), 0.0));
  let m = mds.x; let mlo = mds.y;`;
  // the range in the bits' order (exact for denormals where the GPU flushes them)
  return `var r = 0; var nf = 0; var kinds = 0u; var xf = 0.0; var xlo0 = 0.0; var xhi0 = 0.0; var E = -1000;
  ${forTaps(`r += 1; let kind = nonFinite(xv); kinds = kinds | kind; if (kind == 0u) { if (nf == 0) { xf = xv; xlo0 = xv; xhi0 = xv; } nf += 1; E = max(E, expOf(xv)); if (order(xv) < order(xlo0)) { xlo0 = xv; } if (order(xv) > order(xhi0)) { xhi0 = xv; } }`, undefined, false)}
  let kx = select(0, select(E, E - ${SCALE_HEADROOM}, E > ${SCALE_HEADROOM}), E > ${SCALE_HEADROOM} || (E < -60 && E >= -149));
  var x0 = scaled(xf, kx); let xlo = scaled(xlo0, kx); let xhi = scaled(xhi0, kx);
  ${sums}
  let epsS = epsScaled(kx);
  /** A NaN or ±∞ in the region: score ops' outputs are NaN there (as the float64 reference's). */
  let bad = kinds != 0u;`;
}

/**
 * σ_max, Z and y of each half (forward passes of OPERATORS.md 6). y is accumulated twice: from
 * the exact tap values (`ya`, the output: no cancellation when taps have mixed signs) and, for the
 * backward (`relative`), relative to the tap x0 of the largest score (`yr` = y − x0, for x − y in
 * the gradient: exact where the weight is).
 */
function halfPasses(halves: Half[], relative: boolean): string {
  const decl = halves.map((h, i) => `var smax${i} = ${SMAX_INIT[h]}; var Zc${i} = vec2<f32>(0.0, 0.0); ${relative ? `var yrc${i} = vec2<f32>(0.0, 0.0); ` : ''}var yac${i} = vec2<f32>(0.0, 0.0);`).join('\n  ');
  // x0 becomes the tap of half 0's largest score (where its weight is): x − y = xr − yr exact there
  const p1 = halves.map((h, i) => (i === 0 ? `{ let sg = ${SIGMA[h]}; if (sg > smax0) { smax0 = sg; x0 = xs; } }` : `smax${i} = max(smax${i}, ${SIGMA[h]});`)).join(' ');
  const p2 = halves.map((h, i) => `{ let e = ${EXP[h](SIGMA[h], `smax${i}`)}; Zc${i} = cadd(Zc${i}, e); ${relative ? `yrc${i} = cadd(yrc${i}, e * xr); ` : ''}yac${i} = cadd(yac${i}, e * xs); }`).join(' ');
  // a convex combination stays within [xlo, xhi] (so it cannot round past ±FLT_MAX when scaled back)
  const norm = halves
    .map((_, i) => `let Z${i} = Zc${i}.x + Zc${i}.y; ${relative ? `let yr${i} = clamp((yrc${i}.x + yrc${i}.y) / Z${i}, xlo - x0, xhi - x0); ` : ''}var ya${i} = clamp((yac${i}.x + yac${i}.y) / Z${i}, xlo, xhi);`)
    .join('\n  ');
  const finite = 'if (nonFinite(xv) != 0u) { continue; }';
  return `${decl}
  ${forTaps(`${finite} ${p1}`)}
  ${forTaps(`${finite} ${p2}`)}
  ${norm}`;
}

/** The ds weight exp(σ − σ_max) of a tap (idw: 1/δ, unnormalised). */
const DS_WEIGHT: Partial<Record<Half, (i: number) => string>> = {
  dsc: (i) => `dsExpSmall(dsAdd(dscDs(xs, md), vec2<f32>(-smax${i}, 0.0)))`,
  idw: (i) => `dsMul(idwInvDeltaDs(dsAdd(vec2<f32>(xs, 0.0), -md), epsS), vec2<f32>(1.0 / smax${i}, 0.0))`,
};

/**
 * Recomputes y of the edscw/idw halves in double-f32 where f32 cannot meet the tolerance: taps
 * spread over more than 10 + 100|y| (f32 weight rounding ≈ 1e-7 times |x − y|). Never taken
 * for data of moderate range, so the fast path stays f32.
 */
function refine(halves: Half[]): string {
  const parts = halves
    .map((h, i) => {
      const w = DS_WEIGHT[h];
      if (!w) return '';
      return `if (!bad && xhi - xlo > ldexp(10.0, clamp(-kx, -126, 126)) + 100.0 * abs(ya${i})) {
    var sq = vec2<f32>(0.0, 0.0);
    ${forTaps('sq = dsAdd(sq, vec2<f32>(xs, 0.0));')}
    let md = dsDiv(sq, vec2<f32>(f32(r), 0.0));
    var Zd = vec2<f32>(0.0, 0.0); var Yd = vec2<f32>(0.0, 0.0);
    ${forTaps(`let e = ${w(i)}; Zd = dsAdd(Zd, e); Yd = dsAdd(Yd, dsMul(e, vec2<f32>(xs, 0.0)));`)}
    let yd = dsDiv(Yd, Zd);
    ya${i} = clamp(yd.x + yd.y, xlo, xhi);
  }`;
    })
    .filter(Boolean);
  return parts.join('\n  ');
}

/** w of the tap in the current loop: a half's weight, or adaPool's β̂-mix (0 for a −∞ tap of em). */
function tapWeight(halves: Half[]): string {
  const w = halves.map((h, i) => `${EXP[h](SIGMA[h], `smax${i}`)} / Z${i}`);
  const mixed = halves.length === 1 ? w[0] : `bhat * (${w[0]}) + (1.0 - bhat) * (${w[1]})`;
  return `select(0.0, ${mixed}, nonFinite(xv) == 0u)`;
}

/** β̂ = clamp(β, 0, 1); NaN for a NaN β (then output, mask and dx are NaN, dβ 0, as the reference's). */
const BETA_READ = `let bv = B[c.n * P.mnc.z + c.c * P.mnc.w + dot(o, P.bs.xyz)];
  let bhat = select(clamp(bv, 0.0, 1.0), nan(), isNan(bv));`;

const padCount = (o: string) => `G[P.padOff.x + ${o}.x] * G[P.padOff.y + ${o}.y] * G[P.padOff.z + ${o}.z]`;
const validCount = (o: string) => `G[P.cntOff.x + ${o}.x] * G[P.cntOff.y + ${o}.y] * G[P.cntOff.z + ${o}.z]`;

function poolShader(s: Extract<KernelSpec, { kind: 'pool' }>): Shader {
  const { method } = s;
  const bufs: [string, 'read' | 'read_write', 'f32' | 'i32'][] = [['G', 'read', 'i32'], ['X', 'read', 'f32']];
  if (method === 'ada') bufs.push(['B', 'read', 'f32']);
  bufs.push(['Y', 'read_write', 'f32']);
  if (s.mask) bufs.push(['M', 'read_write', 'f32']);
  if (s.indices) bufs.push(['I', 'read_write', 'i32']);
  const halves = HALVES[method];
  const writeMask = (valid: string) => (s.mask ? forTaps(`M[mb + mo] = ${valid};`, 'M[mb + mo] = 0.0;', halves !== undefined) : '');
  let body: string;
  if (method === 'avg') {
    // ±∞ of one sign gives that ∞, of both signs (or a NaN) NaN: the float64 sum's
    body = `let div = select(f32(r), f32(${padCount('o')}), P.countIncludePad == 1);
  var yv = ldexp(dsDiv(sd, vec2<f32>(div, 0.0)).x, kx);
  if ((kinds & 1u) != 0u || (kinds & 6u) == 6u) { yv = nan(); } else if (kinds == 2u) { yv = inf(); } else if (kinds == 4u) { yv = -inf(); }
  Y[yi] = yv;
  ${writeMask('1.0 / div')}`;
  } else if (method === 'lp') {
    // a NaN or ±∞ in the region makes y and every weight NaN (the reference's m·… of ∞/∞); m = 0: y = 0, uniform weights
    body = `let bad = amax >= 0x7f800000u;
  ${lpSum()}
  Y[yi] = select(select(bitcast<f32>(amax) * exp2(log2(Sv) / P.opParam), 0.0, amax == 0u), nan(), bad);
  ${writeMask('select(select(lpPow(lpRatio(absBits(xv), amax), P.opParam) / Sv, 1.0 / f32(r), amax == 0u), nan(), bad)')}`;
  } else if (method === 'max') {
    body = `Y[yi] = bestv;
  ${writeMask('select(0.0, 1.0, j == best)')}
  ${s.indices ? 'I[yi] = bestFlat;' : ''}`;
  } else {
    const y = halves!.length === 1 ? 'ya0' : 'bhat * ya0 + (1.0 - bhat) * ya1';
    // em's weights stay finite with −∞ taps (weight 0) when some tap is finite and none is NaN or +∞
    const badW = method === 'em' ? 'nf == 0 || (kinds & 3u) != 0u' : 'bad';
    body = `${halfPasses(halves!, false)}
  ${refine(halves!)}
  Y[yi] = select(ldexp(${y}, kx), nan(), bad);
  ${writeMask(`select(${tapWeight(halves!)}, nan(), ${badW})`)}`;
  }
  const code = `${PRELUDE}${halves ? SCORE_FNS : ''}${method === 'lp' ? LP_FNS : ''}${method === 'max' || method === 'lp' ? '' : DS_WGSL}
${storage(bufs)}
${MAIN(s.wg)}
  ${OUTPUT_CELL}
  ${OUTPUT_Y}
  ${OUTPUT_M}
  ${method === 'ada' ? BETA_READ : ''}
  ${statsPass(method)}
  if (r == 0) {
    Y[yi] = 0.0;
    ${s.mask ? forTaps('M[mb + mo] = 0.0;', 'M[mb + mo] = 0.0;', false) : ''}
    ${s.indices ? 'I[yi] = -1;' : ''}
    return;
  }
  ${body}
}`;
  return { code, bindings: bufs.map((b) => b[0]) };
}

/**
 * Sums of terms that may each be near ±FLT_MAX (dx over overlapping windows, dβ over millions of
 * outputs, adaUnpool's overlaps) run on terms scaled by 2^−SUM_SCALE, compensated, and are scaled
 * back at the end: an intermediate never overflows where the float64 sum is finite.
 */
const SUM_SCALE = 64;

/** Backward, per window: the record of OPERATORS.md 6 (y_o, A_o, …) and adaPool's dβ partial g·(y^D − y^M)·1[0≤β≤1]. */
function prepShader(s: Extract<KernelSpec, { kind: 'prep' }>): Shader {
  const { method } = s;
  const bufs: [string, 'read' | 'read_write', 'f32' | 'i32'][] = [['G', 'read', 'i32'], ['X', 'read', 'f32']];
  if (method === 'max') {
    bufs.push(['REC', 'read_write', 'i32']);
    const code = `${PRELUDE}
${storage(bufs)}
${MAIN(s.wg)}
  ${OUTPUT_CELL}
  ${statsPass(method)}
  REC[(c.n * P.C + c.c) * P.outputs + c.fi] = best;
}`;
    return { code, bindings: bufs.map((b) => b[0]) };
  }
  if (method === 'lp') {
    // the record: m's bits, S^{1/p}, and a flag (0, 1: m = 0, 2: a NaN or ±∞ in the region)
    bufs.push(['REC', 'read_write', 'f32']);
    const code = `${PRELUDE}${LP_FNS}
${storage(bufs)}
${MAIN(s.wg)}
  ${OUTPUT_CELL}
  ${statsPass(method)}
  ${lpSum()}
  let rb = ((c.n * P.C + c.c) * P.outputs + c.fi) * P.recStride;
  REC[rb] = bitcast<f32>(select(amax, 0u, amax >= 0x7f800000u));
  REC[rb + 1] = exp2(log2(max(Sv, 1.0)) / P.opParam);
  REC[rb + 2] = select(select(0.0, 1.0, amax == 0u), 2.0, amax >= 0x7f800000u);
}`;
    return { code, bindings: bufs.map((b) => b[0]) };
  }
  const halves = HALVES[method]!;
  if (method === 'ada') bufs.push(['B', 'read', 'f32'], ['DY', 'read', 'f32'], ['PART', 'read_write', 'f32']);
  bufs.push(['REC', 'read_write', 'f32']);
  const aDecl = halves.map((_, i) => `var Ac${i} = vec2<f32>(0.0, 0.0);`).join(' ');
  const aBody = halves
    .map((h, i) => (h === 'em' ? '' : `{ let w = ${EXP[h](SIGMA[h], `smax${i}`)} / Z${i}; Ac${i} = cadd(Ac${i}, w * (xr - yr${i}) * ${PARTIALS[h]}.y); }`))
    .join(' ');
  const aNorm = halves.map((_, i) => `let A${i} = (Ac${i}.x + Ac${i}.y) / f32(max(nf, 1));`).join(' ');
  const kxf = 'let kxf = f32(kx);';
  const store = recordFields(method)
    .map((f, k) => `REC[rb + ${k}] = ${f === 'yr0' ? 'select(yr0, nan(), bad)' : f};`)
    .join(' ');
  const code = `${PRELUDE}${SCORE_FNS}${DS_WGSL}
${storage(bufs)}
${MAIN(s.wg)}
  ${OUTPUT_CELL}
  ${method === 'ada' ? `${BETA_READ}\n  ${OUTPUT_Y}` : 'let bhat = 0.0;'}
  ${statsPass(method)}
  let rb = ((c.n * P.C + c.c) * P.outputs + c.fi) * P.recStride;
  if (r == 0) {
    ${method === 'ada' ? 'PART[yi] = 0.0;' : ''}
    return;
  }
  ${halfPasses(halves, true)}
  ${aDecl}
  ${aBody.trim() ? forTaps(`if (nonFinite(xv) != 0u) { continue; } ${aBody}`) : ''}
  ${aNorm} ${kxf}
  ${store}
  ${method === 'ada' ? `PART[yi] = select(ldexp(ldexp(DY[yi], -${SUM_SCALE}) * (yr0 - yr1), kx) * select(0.0, 1.0, bv >= 0.0 && bv <= 1.0), nan(), bad);` : ''}
}`;
  return { code, bindings: bufs.map((b) => b[0]) };
}

/** dx, gather-style (no atomics): per input position, Σ over windows containing it of g_o ∂y_o/∂x_p. */
function gatherShader(s: Extract<KernelSpec, { kind: 'gather' }>): Shader {
  const { method } = s;
  const bufs: [string, 'read' | 'read_write', 'f32' | 'i32'][] = [['G', 'read', 'i32'], ['X', 'read', 'f32'], ['DY', 'read', 'f32']];
  if (method !== 'avg') bufs.push(['REC', 'read', method === 'max' ? 'i32' : 'f32']);
  bufs.push(['DX', 'read_write', 'f32']);
  let body: string;
  if (method === 'avg') {
    body = `let div = select(f32(${validCount('o')}), f32(${padCount('o')}), P.countIncludePad == 1);
      acc = cadd(acc, gs / div);`;
  } else if (method === 'max') {
    body = 'if (REC[win] == j) { acc = cadd(acc, gs); }';
  } else if (method === 'lp') {
    // sign(x)·(t / S^{1/p})^{p−1}; 0 where m = 0; where the region holds a NaN or ±∞, NaN, except p = 1: sign(x) (the reference's NaN^0 = 1)
    body = `let rb = win * P.recStride;
      let am = bitcast<u32>(REC[rb]); let rS = REC[rb + 1]; let fl = REC[rb + 2];
      let sg = select(select(select(1.0, -1.0, (bitcast<u32>(xv) >> 31u) == 1u), 0.0, absBits(xv) == 0u), nan(), isNan(xv)); // sign(x) by the bits: a denormal's too
      var d = 0.0;
      if (fl == 2.0) { d = select(nan(), sg, P.opParam == 1.0); }
      else if (fl == 0.0) { d = sg * lpPow(lpRatio(absBits(xv), am) / rS, P.opParam - 1.0); }
      acc = cadd(acc, gs * d);`;
  } else {
    const halves = HALVES[method]!;
    const fields = recordFields(method);
    // w (x − y) a: scale-free for D and idw (a in scaled units); em's a = 1, so scaled back by 2^kx
    const per = halves
      .map(
        (h, i) => `let w${i} = ${EXP[h](SIGMA[h], `smax${i}`)} / Z${i};
      let d${i} = w${i} + ${h === 'em' ? `ldexp(w${i} * (xr - yr${i}), kx)` : `w${i} * (xr - yr${i}) * ${PARTIALS[h]}.x + A${i}`};`,
      )
      .join('\n      ');
    const d = halves.length === 1 ? 'd0' : 'bhat * d0 + (1.0 - bhat) * d1';
    body = `let rb = win * P.recStride;
      ${fields.map((f, k) => `let ${f} = REC[rb + ${k}];`).join(' ')}
      let kx = i32(kxf); let xs = scaled(xv, kx); let xr = xs - x0;
      ${halves.includes('idw') ? 'let epsS = epsScaled(kx);' : ''}
      ${per}
      acc = cadd(acc, select(gs * (${d}), nan(), isNan(yr0)));`;
  }
  const code = `${PRELUDE}${isScore(method) ? SCORE_FNS : ''}${method === 'lp' ? LP_FNS : ''}
${storage(bufs)}
${MAIN(s.wg)}
  let c = cell(t, P.inputs, P.L.xyz);
  let p = c.o;
  let xi = c.n * P.nc.x + c.c * P.nc.y + dot(p, P.xs.xyz);
  let xv = X[xi];
  let yb = c.n * P.nc.z + c.c * P.nc.w;
  let wb = (c.n * P.C + c.c) * P.outputs;
  var acc = vec2<f32>(0.0, 0.0);
  ${forWindows(body)}
  DX[xi] = ldexp(acc.x + acc.y, ${SUM_SCALE});
}`;
  return { code, bindings: bufs.map((b) => b[0]) };
}

/**
 * dβ: per β element, the sum of the per-output partials over the broadcast axes. `tree`: one
 * workgroup per β element (threads stride over the broadcast positions, then a shared-memory tree
 * sum), for β broadcast over many outputs (scalar, per channel); else one invocation per element.
 */
function betaReduceShader(s: Extract<KernelSpec, { kind: 'betaReduce' }>): Shader {
  const bufs: [string, 'read' | 'read_write', 'f32' | 'i32'][] = [['PART', 'read', 'f32'], ['DB', 'read_write', 'f32']];
  const dims: [string, string, string][] = [
    ['n', 'P.N', 'P.mnc.z'],
    ['c', 'P.C', 'P.mnc.w'],
    ['o0', 'P.O.x', 'P.bs.x'],
    ['o1', 'P.O.y', 'P.bs.y'],
    ['o2', 'P.O.z', 'P.bs.z'],
  ];
  const range = dims
    .map(
      ([v, size, stride]) => `let lo_${v} = select(0, (b / max(${stride}, 1)) % ${size}, ${stride} != 0);
  let s_${v} = select(${size}, 1, ${stride} != 0);`,
    )
    .join('\n  ');
  const count = dims.map(([v]) => `s_${v}`).join(' * ');
  const decode = [...dims]
    .reverse()
    .map(([v], i) => (i < dims.length - 1 ? `let ${v} = lo_${v} + q % s_${v}; q = q / s_${v};` : `let ${v} = lo_${v} + q;`))
    .join(' ');
  const sum = (start: string, step: string) => `${range}
  let count = ${count};
  var sum = vec2<f32>(0.0, 0.0);
  for (var i = ${start}; i < count; i += ${step}) {
    var q = i;
    ${decode}
    sum = cadd(sum, PART[n * P.nc.z + c * P.nc.w + o0 * P.ys.x + o1 * P.ys.y + o2 * P.ys.z]);
  }
  let acc = sum.x + sum.y;`;
  let main: string;
  if (s.tree) {
    main = `var<workgroup> partial: array<f32, ${s.wg}>;
@compute @workgroup_size(${s.wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let b = min(i32(wid.y * nwg.x + wid.x), P.total - 1);
  ${sum('i32(lid)', `${s.wg}`)}
  partial[lid] = acc;
  workgroupBarrier();
  for (var h = ${s.wg / 2}u; h > 0u; h = h / 2u) {
    if (lid < h) { partial[lid] += partial[lid + h]; }
    workgroupBarrier();
  }
  if (lid == 0u && i32(wid.y * nwg.x + wid.x) < P.total) { DB[b] = ldexp(partial[0], ${SUM_SCALE}); }
}`;
  } else {
    main = `${MAIN(s.wg)}
  let b = t;
  ${sum('0', '1')}
  DB[b] = ldexp(acc, ${SUM_SCALE});
}`;
  }
  const code = `${PRELUDE}
${storage(bufs)}
${main}`;
  return { code, bindings: bufs.map((b) => b[0]) };
}

/** adaUnpool, gather-style: U_p = Σ_{(o,κ): π(o,κ)=p} v_o W_{o,κ}. */
function unpoolShader(s: Extract<KernelSpec, { kind: 'unpool' }>): Shader {
  const bufs: [string, 'read' | 'read_write', 'f32' | 'i32'][] = [['G', 'read', 'i32'], ['V', 'read', 'f32'], ['W', 'read', 'f32'], ['U', 'read_write', 'f32']];
  const code = `${PRELUDE}
${storage(bufs)}
${MAIN(s.wg)}
  let c = cell(t, P.inputs, P.L.xyz);
  let p = c.o;
  let yb = c.n * P.nc.z + c.c * P.nc.w;
  let mb = c.n * P.mnc.x + c.c * P.mnc.y;
  var acc = vec2<f32>(0.0, 0.0);
  ${forWindows(`acc = cadd(acc, ldexp(V[yb + dot(o, P.ys.xyz)], -${SUM_SCALE}) * W[mb + dot(o, P.ms.xyz) + k0 * P.mk.x + k1 * P.mk.y + k2 * P.mk.z]);`, false)}
  U[c.n * P.nc.x + c.c * P.nc.y + dot(p, P.xs.xyz)] = ldexp(acc.x + acc.y, ${SUM_SCALE});
}`;
  return { code, bindings: bufs.map((b) => b[0]) };
}

/** adaUnpool backward, per window: dv_o = Σ_κ W_{o,κ} G_π, dW_{o,κ} = v_o G_π (0 at invalid taps). */
function unpoolGradShader(s: Extract<KernelSpec, { kind: 'unpoolGrad' }>): Shader {
  const bufs: [string, 'read' | 'read_write', 'f32' | 'i32'][] = [
    ['G', 'read', 'i32'],
    ['V', 'read', 'f32'],
    ['W', 'read', 'f32'],
    ['X', 'read', 'f32'],
    ['DV', 'read_write', 'f32'],
    ['DW', 'read_write', 'f32'],
  ];
  const code = `${PRELUDE}
${storage(bufs)}
${MAIN(s.wg)}
  ${OUTPUT_CELL}
  ${OUTPUT_Y}
  ${OUTPUT_M}
  let vo = V[yi];
  var sum = vec2<f32>(0.0, 0.0);
  ${forTaps(`sum = cadd(sum, W[mb + mo] * ldexp(xv, -${SUM_SCALE})); DW[mb + mo] = vo * xv;`, 'DW[mb + mo] = 0.0;', false)}
  DV[yi] = ldexp(sum.x + sum.y, ${SUM_SCALE});
}`;
  return { code, bindings: bufs.map((b) => b[0]) };
}

const GENERATORS: { [K in KernelSpec['kind']]: (s: Extract<KernelSpec, { kind: K }>) => Shader } = {
  pool: poolShader,
  prep: prepShader,
  gather: gatherShader,
  betaReduce: betaReduceShader,
  unpool: unpoolShader,
  unpoolGrad: unpoolGradShader,
};

export function generate(spec: KernelSpec): Shader {
  return (GENERATORS[spec.kind] as (s: KernelSpec) => Shader)(spec);
}
