/**
 * Test helpers for the float64 reference checks: a seeded PRNG, an independent transcription of
 * the geometry and region math of OPERATORS.md (sections 2-4, written from the spec, not from
 * src/), inputs kept away from the kinks (section 6), central finite differences, layout
 * transposes and array comparisons.
 */
import { expect } from 'vitest';
import type { PerDim, GeometryOptions } from '@adapool/core';
import { planBeta, planPool, poolOpDefs, tensor, withBeta, type PoolMethod, type PoolPlan, type Tensor } from '@adapool/core';

// ------------------------------------------------------------------------------------------------
// PRNG

export { rng } from '@adapool/testkit';

export const uniform = (r: () => number, lo: number, hi: number): number => lo + (hi - lo) * r();

export function randomArray(r: () => number, n: number, lo = -1, hi = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = uniform(r, lo, hi);
  return a;
}

// ------------------------------------------------------------------------------------------------
// Geometry, transcribed from OPERATORS.md section 2 (independent of src/geometry.ts)

export type { PerDim };
export type Geo = Omit<GeometryOptions, 'channelsLast' | 'backend'>;

const per = (v: PerDim | undefined, n: number, dflt: number[]): number[] =>
  v === undefined ? dflt.slice() : typeof v === 'number' ? new Array<number>(n).fill(v) : v.slice();

export interface NaiveAxis {
  O: number;
  K: number;
  /** taps[o][κ] = input position or −1 (invalid). */
  taps: number[][];
  /** countIncludePad factor per o. */
  padded: number[];
}

export function naiveAxes(S: readonly number[], g: Geo): NaiveAxis[] {
  const n = S.length;
  if (g.outputSize !== undefined) {
    const Os = per(g.outputSize, n, []);
    return S.map((L, a) => {
      const O = Os[a];
      const st = (o: number) => Math.floor((o * L) / O);
      const en = (o: number) => Math.ceil(((o + 1) * L) / O);
      let K = 0;
      for (let o = 0; o < O; o++) K = Math.max(K, en(o) - st(o));
      const taps: number[][] = [];
      const padded: number[] = [];
      for (let o = 0; o < O; o++) {
        const row: number[] = [];
        for (let k = 0; k < K; k++) row.push(k < en(o) - st(o) ? st(o) + k : -1);
        taps.push(row);
        padded.push(en(o) - st(o));
      }
      return { O, K, taps, padded };
    });
  }
  const ks = per(g.kernelSize, n, new Array(n).fill(2));
  const ss = per(g.stride, n, ks);
  const ds = per(g.dilation, n, new Array(n).fill(1));
  return S.map((L, a) => {
    const [k, s, d] = [ks[a], ss[a], ds[a]];
    // [p_b, p_e] written out from OPERATORS.md 2.1, independently of core's parser
    let pb: number;
    let pe: number;
    const pad = g.padding;
    if (pad === 'same') {
      const t = Math.max(0, (Math.ceil(L / s) - 1) * s + d * (k - 1) + 1 - L);
      [pb, pe] = [Math.floor(t / 2), t - Math.floor(t / 2)];
    } else if (pad === undefined || pad === 'valid') [pb, pe] = [0, 0];
    else if (typeof pad === 'number') [pb, pe] = [pad, pad];
    else {
      const e = pad[a];
      [pb, pe] = typeof e === 'number' ? [e, e] : [e[0], e[1]];
    }
    const span = L + pb + pe - d * (k - 1) - 1;
    if (span < 0) throw new Error('window does not fit');
    let O: number;
    if (!g.ceilMode) O = Math.floor(span / s) + 1;
    else {
      O = Math.ceil(span / s) + 1;
      if ((O - 1) * s >= L + pb) O -= 1;
    }
    if (pad === 'same' && O !== Math.ceil(L / s)) throw new Error(`'same' must give ⌈L/s⌉`);
    const taps: number[][] = [];
    const padded: number[] = [];
    for (let o = 0; o < O; o++) {
      const row: number[] = [];
      let P = 0;
      for (let kk = 0; kk < k; kk++) {
        const pos = o * s - pb + kk * d;
        row.push(pos >= 0 && pos < L ? pos : -1);
        if (pos >= -pb && pos < L + pe) P++;
      }
      taps.push(row);
      padded.push(P);
    }
    return { O, K: k, taps, padded };
  });
}

export interface NaiveRegion {
  /** flat row-major output index (spatial). */
  o: number;
  /** flat row-major κ of each valid tap. */
  kappa: number[];
  /** flat row-major input spatial index of each valid tap. */
  pos: number[];
  /** countIncludePad divisor. */
  P: number;
}

export interface NaiveGeometry {
  S: number[];
  O: number[];
  K: number[];
  inPlane: number;
  outPlane: number;
  win: number;
  regions: NaiveRegion[];
}

function multi(dims: readonly number[]): number[][] {
  let out: number[][] = [[]];
  for (const d of dims) {
    const next: number[][] = [];
    for (const p of out) for (let i = 0; i < d; i++) next.push([...p, i]);
    out = next;
  }
  return out;
}

export function naiveGeometry(S: readonly number[], g: Geo): NaiveGeometry {
  const axes = naiveAxes(S, g);
  const O = axes.map((a) => a.O);
  const K = axes.map((a) => a.K);
  const regions: NaiveRegion[] = [];
  const os = multi(O);
  const ks = multi(K);
  os.forEach((oIdx, oFlat) => {
    const kappa: number[] = [];
    const pos: number[] = [];
    ks.forEach((kIdx, kFlat) => {
      let flat = 0;
      for (let a = 0; a < S.length; a++) {
        const p = axes[a].taps[oIdx[a]][kIdx[a]];
        if (p < 0) return;
        flat = flat * S[a] + p;
      }
      kappa.push(kFlat);
      pos.push(flat);
    });
    const P = oIdx.reduce((acc, o, a) => acc * axes[a].padded[o], 1);
    regions.push({ o: oFlat, kappa, pos, P });
  });
  const prod = (v: number[]) => v.reduce((p, d) => p * d, 1);
  return { S: S.slice(), O, K, inPlane: prod(S.slice()), outPlane: prod(O), win: prod(K), regions };
}

// ------------------------------------------------------------------------------------------------
// Region math, transcribed from OPERATORS.md sections 3-4 (float64)

export interface NaiveOpts {
  countIncludePad?: boolean;
  idwEps?: number;
  p?: number;
  beta?: number;
}

/** Weights and output of one region for one op, straight from the formulas. */
export function naiveRegion(method: PoolMethod, xs: readonly number[], P: number, o: NaiveOpts = {}): { y: number; w: number[]; argmax: number } {
  const r = xs.length;
  if (r === 0) return { y: 0, w: [], argmax: -1 };
  const m = xs.reduce((s, v) => s + v, 0) / r;
  const softmax = (sc: number[]) => {
    const mx = sc.some(Number.isNaN) ? NaN : Math.max(...sc);
    const e = sc.map((s) => Math.exp(s - mx));
    const Z = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / Z);
  };
  const combine = (w: number[]) => w.reduce((s, wi, i) => s + wi * xs[i], 0);
  const D = (x: number, mm: number) => (x === 0 && mm === 0 ? 1 : (2 * Math.abs(x * mm)) / (x * x + mm * mm));
  switch (method) {
    case 'avg': {
      const div = o.countIncludePad ? P : r;
      const w = xs.map(() => 1 / div);
      return { y: xs.reduce((s, v) => s + v, 0) / div, w, argmax: -1 };
    }
    case 'max': {
      let best = 0;
      for (let i = 1; i < r; i++) {
        if (Number.isNaN(xs[best])) break;
        if (Number.isNaN(xs[i]) || xs[i] > xs[best]) best = i;
      }
      return { y: xs[best], w: xs.map((_, i) => (i === best ? 1 : 0)), argmax: best };
    }
    case 'em': {
      const w = softmax(xs.slice());
      return { y: combine(w), w, argmax: -1 };
    }
    case 'edscw': {
      const w = softmax(xs.map((x) => D(x, m)));
      return { y: combine(w), w, argmax: -1 };
    }
    case 'idw': {
      const eps = o.idwEps ?? 1e-6;
      const inv = xs.map((x) => 1 / Math.sqrt((x - m) ** 2 + eps * eps));
      const Z = inv.reduce((a, b) => a + b, 0);
      const w = inv.map((v) => v / Z);
      return { y: combine(w), w, argmax: -1 };
    }
    case 'lp': {
      // S = Σ |x_i|^p, y = S^{1/p}, w_i = |x_i|^p / S (uniform when S = 0): the formulas as written, no rescaling
      const p = o.p ?? 2;
      const pw = xs.map((x) => Math.abs(x) ** p);
      const S = pw.reduce((a, b) => a + b, 0);
      return { y: S ** (1 / p), w: S === 0 ? xs.map(() => 1 / r) : pw.map((v) => v / S), argmax: -1 };
    }
    case 'ada': {
      const b = Math.min(Math.max(o.beta ?? NaN, 0), 1);
      const d = naiveRegion('edscw', xs, P);
      const e = naiveRegion('em', xs, P);
      const w = d.w.map((wd, i) => b * wd + (1 - b) * e.w[i]);
      return { y: b * d.y + (1 - b) * e.y, w, argmax: -1 };
    }
  }
}

/**
 * Naive forward on logical channels-first data [N,C,*S]: output [N,C,*O], mask [N,C,*O,*K],
 * indices [N,C,*O]. `beta` (ada) is given per logical output element.
 */
export function naivePool(
  method: PoolMethod,
  x: ArrayLike<number>,
  N: number,
  C: number,
  G: NaiveGeometry,
  o: NaiveOpts & { betaAt?: (n: number, c: number, oFlat: number) => number } = {},
): { output: Float64Array; mask: Float64Array; indices: Int32Array } {
  const output = new Float64Array(N * C * G.outPlane);
  const mask = new Float64Array(N * C * G.outPlane * G.win);
  const indices = new Int32Array(N * C * G.outPlane).fill(-1);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const xb = (n * C + c) * G.inPlane;
      const yb = (n * C + c) * G.outPlane;
      for (const R of G.regions) {
        const xs = R.pos.map((p) => x[xb + p]);
        const beta = o.betaAt ? o.betaAt(n, c, R.o) : o.beta;
        const res = naiveRegion(method, xs, R.P, { ...o, beta });
        output[yb + R.o] = res.y;
        R.kappa.forEach((k, j) => (mask[(yb + R.o) * G.win + k] = res.w[j]));
        if (method === 'max' && R.pos.length) indices[yb + R.o] = R.pos[res.argmax];
      }
    }
  return { output, mask, indices };
}

// ------------------------------------------------------------------------------------------------
// Layout

/** [N, C, P] (channels-first, P = product of the other dims) → [N, P, C] (channels-last). */
export function cfToCl<T extends ArrayLike<number>>(a: T, N: number, C: number, P: number): Float64Array {
  const out = new Float64Array(N * C * P);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let p = 0; p < P; p++) out[(n * P + p) * C + c] = a[(n * C + c) * P + p];
  return out;
}
/** [N, P, C] → [N, C, P]. */
export function clToCf<T extends ArrayLike<number>>(a: T, N: number, C: number, P: number): Float64Array {
  const out = new Float64Array(N * C * P);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let p = 0; p < P; p++) out[(n * C + c) * P + p] = a[(n * P + p) * C + c];
  return out;
}

export const prod = (v: readonly number[]): number => v.reduce((p, d) => p * d, 1);

export const layoutShape = (N: number, C: number, S: readonly number[], cl: boolean): number[] => (cl ? [N, ...S, C] : [N, C, ...S]);

// ------------------------------------------------------------------------------------------------
// Inputs away from the kinks (OPERATORS.md section 6)

/**
 * Logical [N,C,*S] values with |x| ∈ [0.3, 2], and for every region with > 1 element:
 * |m| ≥ 0.05, |x − m| ≥ 0.02 for each element, and the top two values at least 0.02 apart.
 * Regions are repaired by re-drawing one of their elements until all hold.
 */
export function awayFromKinks(r: () => number, N: number, C: number, G: NaiveGeometry): Float64Array {
  const draw = () => (r() < 0.5 ? -1 : 1) * uniform(r, 0.3, 2);
  const x = new Float64Array(N * C * G.inPlane);
  for (let i = 0; i < x.length; i++) x[i] = draw();
  const bad = (xs: number[]) => {
    if (xs.length < 2) return false;
    const m = xs.reduce((s, v) => s + v, 0) / xs.length;
    if (Math.abs(m) < 0.05) return true;
    if (xs.some((v) => Math.abs(v - m) < 0.02)) return true;
    const sorted = xs.slice().sort((a, b) => b - a);
    return sorted[0] - sorted[1] < 0.02;
  };
  for (let iter = 0; iter < 10000; iter++) {
    let anyBad = false;
    for (let nc = 0; nc < N * C; nc++) {
      const base = nc * G.inPlane;
      for (const R of G.regions) {
        if (bad(R.pos.map((p) => x[base + p]))) {
          anyBad = true;
          x[base + R.pos[Math.floor(r() * R.pos.length)]] = draw();
        }
      }
    }
    if (!anyBad) return x;
  }
  throw new Error('awayFromKinks: could not satisfy the constraints');
}

// ------------------------------------------------------------------------------------------------
// Plans for the float64 reference (a dummy tensor supplies the shape)

export function dummy(shape: readonly number[]): Tensor {
  return tensor(new Float32Array(prod(shape)), shape);
}

export function poolPlan(method: PoolMethod, shape: readonly number[], opts: Record<string, unknown>, betaShape?: readonly number[]): PoolPlan {
  let { plan } = planPool(`${method}Pool`, method, dummy(shape), opts, poolOpDefs[method].options, undefined);
  if (betaShape) plan = withBeta(plan, planBeta('adaPool', dummy(betaShape), plan));
  return plan;
}

// ------------------------------------------------------------------------------------------------
// Finite differences and comparisons

/** Central differences of a scalar function f at `at`, step h_i = hRel·max(1, |at_i|). */
export function centralFD(f: (v: Float64Array) => number, at: ArrayLike<number>, hRel = 1e-6): Float64Array {
  const v = Float64Array.from(at);
  const g = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x0 = v[i];
    const h = hRel * Math.max(1, Math.abs(x0));
    v[i] = x0 + h;
    const fp = f(v);
    v[i] = x0 - h;
    const fm = f(v);
    v[i] = x0;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}

export const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** Largest |a_i − b_i| − (atol + rtol·|b_i|) over i (≤ 0 means all close); NaN-aware (NaN must match NaN). */
export function worst(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number): { excess: number; index: number; a: number; e: number } {
  let excess = -Infinity;
  let index = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    let ex: number;
    if (Number.isNaN(e) || Number.isNaN(a)) ex = Number.isNaN(e) && Number.isNaN(a) ? -Infinity : Infinity;
    else ex = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (ex > excess) {
      excess = ex;
      index = i;
    }
  }
  return { excess, index, a: actual[index], e: expected[index] };
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number, label = ''): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  const w = worst(actual, expected, rtol, atol);
  if (w.excess > 0) {
    expect.fail(`${label}: element ${w.index}: got ${w.a}, expected ${w.e} (|Δ| = ${Math.abs(w.a - w.e)}, rtol ${rtol}, atol ${atol})`);
  }
}

/** Bitwise-equal arrays (NaN equals NaN, +0 vs −0 distinguished only through Object.is if strict). */
export function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, label = ''): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!(a === e || (Number.isNaN(a) && Number.isNaN(e)))) expect.fail(`${label}: element ${i}: got ${a}, expected ${e}`);
  }
}

export const maxAbs = (a: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
};
