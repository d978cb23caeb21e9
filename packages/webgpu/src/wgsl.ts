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
  idwEps: 'f32',
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
 * The per-window backward record of a score op (floats): the first tap x0; m − x0 when a half
 * scores against the mean; β̂ (ada); per half σ_max, Z, y − x0 (NaN when the region holds a NaN)
 * and A_o (not for em, whose b = 0). maxPool's record is the argmax tap (int32).
 */
export function recordFields(m: PoolMethod): string[] {
  if (!isScore(m)) return ['best'];
  const halves = HALVES[m]!;
  const f = ['x0'];
  if (halves.some((h) => h !== 'em')) f.push('mrel');
  if (m === 'ada') f.push('bhat');
  halves.forEach((h, i) => f.push(`smax${i}`, `Z${i}`, `yr${i}`, ...(h === 'em' ? [] : [`A${i}`])));
  return f;
}
export const recordStride = (m: PoolMethod): number => recordFields(m).length;

/** Score σ of tap value `xv` (x0-relative `xr`) for region mean m (x0-relative `mrel`). */
const SIGMA: Record<Half, string> = { em: 'xv', dsc: 'dsc(xv, m)', idw: 'idwInvDelta(xr - mrel)' };
/** exp(σ − σ_max): idw keeps weights as ratios 1/δ over max 1/δ (OPERATORS.md 4.5). */
const EXP: Record<Half, (s: string, smax: string) => string> = {
  em: (s, mx) => `exp(${s} - ${mx})`,
  dsc: (s, mx) => `exp(${s} - ${mx})`,
  idw: (s, mx) => `(${s} / ${mx})`,
};
/** (a, b) = (∂φ/∂x, ∂φ/∂m) at the tap. */
const PARTIALS: Record<Half, string> = { em: 'vec2<f32>(1.0, 0.0)', dsc: 'dscGrad(xv, m)', idw: 'idwGrad(xr - mrel)' };
const SMAX_INIT: Record<Half, string> = { em: '-3.0e38', dsc: '-3.0e38', idw: '0.0' };

const PRELUDE = `${Params.wgsl}
@group(0) @binding(0) var<uniform> P: Params;

fn isNan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
fn nan() -> f32 { return bitcast<f32>(P.nanBits); }

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
fn idwDelta(u: f32) -> f32 {
  let sc = max(abs(u), P.idwEps);
  let a = u / sc; let b = P.idwEps / sc;
  return sc * sqrt(a * a + b * b);
}
fn idwInvDelta(u: f32) -> f32 { return 1.0 / idwDelta(u); }
/** a = q = −(u/δ)/δ, b = −q. */
fn idwGrad(u: f32) -> vec2<f32> {
  let d = idwDelta(u);
  let q = -(u / d) / d;
  return vec2<f32>(q, -q);
}
`;

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
function forTaps(body: string, invalid?: string): string {
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
        let xr = xv - x0;
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
      ${withGrad ? 'let win = wb + (o0 * P.O.y + o1) * P.O.z + o2;\n      let g = DY[yb + dot(o, P.ys.xyz)];' : ''}
      ${body}`)));
}

/** Window statistics pass: |R| = r, first value x0, Σ(x − x0), NaN flag (+ argmax for max). */
function statsPass(method: PoolMethod): string {
  const max = method === 'max'
    ? `if (best < 0 || (!isNan(bestv) && (isNan(xv) || xv > bestv))) { best = j; bestv = xv; bestFlat = (p0 * P.L.y + p1) * P.L.z + p2; }`
    : '';
  const sum = method === 'avg' ? 'sd = dsAdd(sd, vec2<f32>(xv, 0.0));' : '';
  return `var r = 0; var x0 = 0.0; var srel = 0.0; var bad = false; var xlo = 0.0; var xhi = 0.0;
  var best = -1; var bestv = 0.0; var bestFlat = -1; var sd = vec2<f32>(0.0, 0.0);
  ${forTaps(`if (r == 0) { x0 = xv; xlo = xv; xhi = xv; } r += 1; srel += xv - x0; xlo = min(xlo, xv); xhi = max(xhi, xv); if (isNan(xv)) { bad = true; } ${max} ${sum}`)}
  let mrel = srel / f32(max(r, 1));
  let m = x0 + mrel;`;
}

/**
 * σ_max, Z and y of each half (forward passes of OPERATORS.md 6). y is accumulated twice: from
 * the exact tap values (`ya`, the output: no cancellation when taps have mixed signs) and relative
 * to the first tap (`yr` = y − x0, for x − y in the gradient: exact when taps are close).
 */
function halfPasses(halves: Half[]): string {
  const decl = halves.map((h, i) => `var smax${i} = ${SMAX_INIT[h]}; var Z${i} = 0.0; var yr${i} = 0.0; var ya${i} = 0.0;`).join('\n  ');
  const p1 = halves.map((h, i) => `smax${i} = max(smax${i}, ${SIGMA[h]});`).join(' ');
  const p2 = halves.map((h, i) => `{ let e = ${EXP[h](SIGMA[h], `smax${i}`)}; Z${i} += e; yr${i} += e * xr; ya${i} += e * xv; }`).join(' ');
  const norm = halves.map((_, i) => `yr${i} = yr${i} / Z${i}; ya${i} = ya${i} / Z${i};`).join(' ');
  return `${decl}
  ${forTaps(p1)}
  ${forTaps(p2)}
  ${norm}`;
}

/** The ds weight exp(σ − σ_max) of a tap (idw: 1/δ, unnormalised). */
const DS_WEIGHT: Partial<Record<Half, (i: number) => string>> = {
  dsc: (i) => `dsExpSmall(dsAdd(dscDs(xv, md), vec2<f32>(-smax${i}, 0.0)))`,
  idw: () => 'idwInvDeltaDs(dsAdd(vec2<f32>(xv, 0.0), -md))',
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
      return `if (!bad && xhi - xlo > 10.0 + 100.0 * abs(ya${i})) {
    var sr = vec2<f32>(0.0, 0.0);
    ${forTaps('sr = dsAdd(sr, vec2<f32>(xv, 0.0));')}
    let md = dsDiv(sr, vec2<f32>(f32(r), 0.0));
    var Zd = vec2<f32>(0.0, 0.0); var Yd = vec2<f32>(0.0, 0.0);
    ${forTaps(`let e = ${w(i)}; Zd = dsAdd(Zd, e); Yd = dsAdd(Yd, dsMul(e, vec2<f32>(xv, 0.0)));`)}
    let yd = dsDiv(Yd, Zd);
    ya${i} = yd.x + yd.y;
  }`;
    })
    .filter(Boolean);
  return parts.join('\n  ');
}

/** w of the tap in the current loop: a half's weight, or adaPool's β̂-mix. */
function tapWeight(halves: Half[]): string {
  const w = halves.map((h, i) => `${EXP[h](SIGMA[h], `smax${i}`)} / Z${i}`);
  return halves.length === 1 ? w[0] : `bhat * (${w[0]}) + (1.0 - bhat) * (${w[1]})`;
}

const BETA_READ = `let bv = B[c.n * P.mnc.z + c.c * P.mnc.w + dot(o, P.bs.xyz)];
  let bhat = clamp(bv, 0.0, 1.0);`;

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
  const writeMask = (valid: string) => (s.mask ? forTaps(`M[mb + mo] = ${valid};`, 'M[mb + mo] = 0.0;') : '');
  let body: string;
  if (method === 'avg') {
    body = `let div = select(f32(r), f32(${padCount('o')}), P.countIncludePad == 1);
  Y[yi] = select(dsDiv(sd, vec2<f32>(div, 0.0)).x, nan(), bad);
  ${writeMask('1.0 / div')}`;
  } else if (method === 'max') {
    body = `Y[yi] = bestv;
  ${writeMask('select(0.0, 1.0, j == best)')}
  ${s.indices ? 'I[yi] = bestFlat;' : ''}`;
  } else {
    const y = halves!.length === 1 ? 'ya0' : 'bhat * ya0 + (1.0 - bhat) * ya1';
    body = `${halfPasses(halves!)}
  ${refine(halves!)}
  Y[yi] = select(${y}, nan(), bad);
  ${writeMask(`select(${tapWeight(halves!)}, nan(), bad)`)}`;
  }
  const code = `${PRELUDE}${halves ? SCORE_FNS : ''}${method === 'max' ? '' : DS_WGSL}
${storage(bufs)}
${MAIN(s.wg)}
  ${OUTPUT_CELL}
  ${OUTPUT_Y}
  ${OUTPUT_M}
  ${method === 'ada' ? BETA_READ : ''}
  ${statsPass(method)}
  if (r == 0) {
    Y[yi] = 0.0;
    ${s.mask ? forTaps('M[mb + mo] = 0.0;', 'M[mb + mo] = 0.0;') : ''}
    ${s.indices ? 'I[yi] = -1;' : ''}
    return;
  }
  ${body}
}`;
  return { code, bindings: bufs.map((b) => b[0]) };
}

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
  const halves = HALVES[method]!;
  if (method === 'ada') bufs.push(['B', 'read', 'f32'], ['DY', 'read', 'f32'], ['PART', 'read_write', 'f32']);
  bufs.push(['REC', 'read_write', 'f32']);
  const aDecl = halves.map((_, i) => `var A${i} = 0.0;`).join(' ');
  const aBody = halves
    .map((h, i) => (h === 'em' ? '' : `{ let w = ${EXP[h](SIGMA[h], `smax${i}`)} / Z${i}; A${i} += w * (xr - yr${i}) * ${PARTIALS[h]}.y; }`))
    .join(' ');
  const aNorm = halves.map((_, i) => `A${i} = A${i} / f32(r);`).join(' ');
  const store = recordFields(method)
    .map((f, k) => `REC[rb + ${k}] = ${f === 'yr0' ? 'select(yr0, nan(), bad)' : f};`)
    .join(' ');
  const code = `${PRELUDE}${SCORE_FNS}
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
  ${halfPasses(halves)}
  ${aDecl}
  ${aBody.trim() ? forTaps(aBody) : ''}
  ${aNorm}
  ${store}
  ${method === 'ada' ? 'PART[yi] = select(DY[yi] * (yr0 - yr1) * select(0.0, 1.0, bv >= 0.0 && bv <= 1.0), nan(), bad);' : ''}
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
      acc += g / div;`;
  } else if (method === 'max') {
    body = 'if (REC[win] == j) { acc += g; }';
  } else {
    const halves = HALVES[method]!;
    const fields = recordFields(method);
    const per = halves
      .map(
        (h, i) => `let w${i} = ${EXP[h](SIGMA[h], `smax${i}`)} / Z${i};
      let d${i} = w${i} + w${i} * (xr - yr${i}) * ${PARTIALS[h]}.x${h === 'em' ? '' : ` + A${i}`};`,
      )
      .join('\n      ');
    const d = halves.length === 1 ? 'd0' : 'bhat * d0 + (1.0 - bhat) * d1';
    body = `let rb = win * P.recStride;
      ${fields.map((f, k) => `let ${f} = REC[rb + ${k}];`).join(' ')}
      ${fields.includes('mrel') ? 'let m = x0 + mrel;' : ''} let xr = xv - x0;
      ${per}
      acc += select(g * (${d}), nan(), isNan(yr0));`;
  }
  const code = `${PRELUDE}${isScore(method) ? SCORE_FNS : ''}
${storage(bufs)}
${MAIN(s.wg)}
  let c = cell(t, P.inputs, P.L.xyz);
  let p = c.o;
  let xi = c.n * P.nc.x + c.c * P.nc.y + dot(p, P.xs.xyz);
  let xv = X[xi];
  let yb = c.n * P.nc.z + c.c * P.nc.w;
  let wb = (c.n * P.C + c.c) * P.outputs;
  var acc = 0.0;
  ${forWindows(body)}
  DX[xi] = acc;
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
  var acc = 0.0;
  for (var i = ${start}; i < count; i += ${step}) {
    var q = i;
    ${decode}
    acc += PART[n * P.nc.z + c * P.nc.w + o0 * P.ys.x + o1 * P.ys.y + o2 * P.ys.z];
  }`;
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
  if (lid == 0u && i32(wid.y * nwg.x + wid.x) < P.total) { DB[b] = partial[0]; }
}`;
  } else {
    main = `${MAIN(s.wg)}
  let b = t;
  ${sum('0', '1')}
  DB[b] = acc;
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
  var acc = 0.0;
  ${forWindows('acc += V[yb + dot(o, P.ys.xyz)] * W[mb + dot(o, P.ms.xyz) + k0 * P.mk.x + k1 * P.mk.y + k2 * P.mk.z];', false)}
  U[c.n * P.nc.x + c.c * P.nc.y + dot(p, P.xs.xyz)] = acc;
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
  let x0 = 0.0;
  var acc = 0.0;
  ${forTaps('acc += W[mb + mo] * xv; DW[mb + mo] = vo * xv;', 'DW[mb + mo] = 0.0;')}
  DV[yi] = acc;
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
