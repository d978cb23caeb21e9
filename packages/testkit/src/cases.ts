/**
 * The parity cases: plain data, generated deterministically. Every backend runs all of them
 * against the float64 reference (runner.ts). Coverage: ranks 1-3, stride ≠ kernel, padding,
 * dilation (incl. empty regions), ceil mode, adaptive sizes that do and do not divide (and O > L),
 * both layouts, every β broadcast form with β inside and outside [0,1], masks, maxPool indices,
 * gradients, values near ±1000, NaN inputs, and adaUnpool on masks of every op; and (issue 9)
 * finite extremes (±3e38, FLT_MAX, denormals) next to ±∞ and NaN, idwEps at the ends of the float
 * range, NaN/±∞ β, and global pooling of 256×256 planes (65 536-tap regions); and (issue 13)
 * padding as `[begin, end]` pairs, `'same'` and `'valid'`.
 */
import { poolOpDefs, type PoolMethod, type PoolOptions } from '@adapool/core';
import { hashString } from './rng.js';

export type DataKind =
  /** |x| ∈ [0.3, 2.5], regions kept away from the kinks of OPERATORS.md 6. */
  | 'safe'
  /** x = ±1000 + u, the sign drawn per element. */
  | 'pm1000'
  /** x = ±1000 + u, one sign per (n, c) plane (regions of all-large values of one sign). */
  | 'offset1000'
  /** safe data with NaNs planted. */
  | 'nan'
  /** Finite extremes mixed with safe values: ±1e3, ±1e30, ±3e38, ±FLT_MAX, denormals, zeros. */
  | 'huge'
  /** 'huge' with NaN and ±∞ mixed in. */
  | 'nonfinite'
  /** The case's own `values` (issue regressions: extremes, denormals, ±∞), compared within §6. */
  | 'literal'
  /** x = 1.1 everywhere (a global average of 1.1 must be 1.1). */
  | 'constant'
  /** x = 1 + 0.5·frac(i·φ): distinct positive values (kink-free for every op but idw). */
  | 'ramp';

/** Data kinds checked for finiteness and NaN/±∞ placement instead of §6 tolerances. */
export const isExtremeData = (d: DataKind): boolean => d === 'huge' || d === 'nonfinite';

/** β broadcast forms of OPERATORS.md 4.6. */
export type BetaForm = 'scalar' | 'scalar1' | 'scalarN' | 'position' | 'channel' | 'sampleChannel' | 'full';
export const BETA_FORMS: readonly BetaForm[] = ['scalar', 'scalar1', 'scalarN', 'position', 'channel', 'sampleChannel', 'full'];

export interface CaseOptions extends PoolOptions {
  countIncludePad?: boolean;
  idwEps?: number;
  p?: number;
}

export interface ParityCase {
  /** Unique, readable id, e.g. `em 2d [2,3,7,6] k3 s2 p1 cf safe`. */
  readonly id: string;
  readonly kind: 'pool' | 'unpool';
  /** The pooling method (for unpool: the op whose mask is scattered). */
  readonly method: PoolMethod;
  readonly n: number;
  /** Input shape as laid out (unpool: the input grid of the pooling that made the mask). */
  readonly shape: readonly number[];
  /** Geometry and layout (+ countIncludePad / idwEps); never `backend` or `returnMask`. */
  readonly opts: CaseOptions;
  readonly beta?: BetaForm;
  readonly data: DataKind;
  readonly grad: boolean;
  readonly seed: number;
  /** x as laid out, for data 'literal'. */
  readonly values?: readonly number[];
  /** β values (of the case's β form), instead of drawn ones. */
  readonly betaValues?: readonly number[];
  readonly tags: readonly string[];
}

interface Geometry {
  name: string;
  N: number;
  C: number;
  S: number[];
  opts: CaseOptions;
  tags?: string[];
}

const GEOMETRIES: Geometry[] = [
  // rank 1
  { name: 'k3 s2', N: 2, C: 3, S: [9], opts: { kernelSize: 3, stride: 2 } },
  { name: 'k2', N: 2, C: 3, S: [10], opts: {} },
  { name: 'k3 s1 p1', N: 2, C: 2, S: [8], opts: { kernelSize: 3, stride: 1, padding: 1 }, tags: ['padding'] },
  { name: 'k3 s2 p1 d2', N: 1, C: 3, S: [11], opts: { kernelSize: 3, stride: 2, padding: 1, dilation: 2 }, tags: ['padding', 'dilation'] },
  { name: 'k4 s3 p2 ceil', N: 2, C: 2, S: [9], opts: { kernelSize: 4, stride: 3, padding: 2, ceilMode: true }, tags: ['padding', 'ceil'] },
  { name: 'O4 of 10', N: 2, C: 3, S: [10], opts: { outputSize: 4 }, tags: ['adaptive'] },
  { name: 'O5 of 10', N: 1, C: 3, S: [10], opts: { outputSize: 5 }, tags: ['adaptive'] },
  { name: 'O7 of 5', N: 2, C: 2, S: [5], opts: { outputSize: 7 }, tags: ['adaptive'] },
  { name: 'k2 d2 p1 L1 (empty)', N: 2, C: 2, S: [1], opts: { kernelSize: 2, dilation: 2, padding: 1 }, tags: ['empty', 'dilation'] },
  { name: 'k2 s1 d2 p1', N: 2, C: 2, S: [4], opts: { kernelSize: 2, stride: 1, dilation: 2, padding: 1 }, tags: ['dilation', 'padding'] },
  // rank 2
  { name: 'k3 s2 p1', N: 2, C: 3, S: [7, 6], opts: { kernelSize: 3, stride: 2, padding: 1 }, tags: ['padding'] },
  { name: 'k2', N: 2, C: 3, S: [8, 8], opts: { kernelSize: 2 } },
  { name: 'k[3,2] s[2,1]', N: 1, C: 3, S: [9, 7], opts: { kernelSize: [3, 2], stride: [2, 1] } },
  { name: 'k3 s2 d[2,1] p1', N: 2, C: 2, S: [8, 9], opts: { kernelSize: 3, stride: 2, dilation: [2, 1], padding: 1 }, tags: ['dilation', 'padding'] },
  { name: 'k3 s2 p1 ceil', N: 2, C: 2, S: [8, 7], opts: { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }, tags: ['padding', 'ceil'] },
  { name: 'k2 s3', N: 2, C: 2, S: [6, 7], opts: { kernelSize: 2, stride: 3 } },
  { name: 'O[3,5] of [8,8]', N: 2, C: 3, S: [8, 8], opts: { outputSize: [3, 5] }, tags: ['adaptive'] },
  { name: 'O[4,3] of [8,6]', N: 1, C: 2, S: [8, 6], opts: { outputSize: [4, 3] }, tags: ['adaptive'] },
  { name: 'k2 d[2,1] p[1,0] (empty)', N: 2, C: 2, S: [1, 5], opts: { kernelSize: 2, dilation: [2, 1], padding: [1, 0] }, tags: ['empty', 'dilation'] },
  { name: 'k[4,2] s1 p[2,1] ceil', N: 1, C: 2, S: [5, 5], opts: { kernelSize: [4, 2], stride: 1, padding: [2, 1], ceilMode: true }, tags: ['padding', 'ceil'] },
  // rank 3
  { name: 'k2', N: 2, C: 2, S: [4, 5, 6], opts: {} },
  { name: 'k3 s2 p1', N: 1, C: 2, S: [5, 6, 5], opts: { kernelSize: 3, stride: 2, padding: 1 }, tags: ['padding'] },
  { name: 'O[2,3,4] of [5,4,6]', N: 2, C: 2, S: [5, 4, 6], opts: { outputSize: [2, 3, 4] }, tags: ['adaptive'] },
  { name: 'k[2,3,2] s[1,2,2] d[2,1,1] p[1,1,0] ceil', N: 1, C: 2, S: [6, 5, 5], opts: { kernelSize: [2, 3, 2], stride: [1, 2, 2], dilation: [2, 1, 1], padding: [1, 1, 0], ceilMode: true }, tags: ['dilation', 'padding', 'ceil'] },
  { name: 'k[1,2,2]', N: 2, C: 3, S: [3, 4, 4], opts: { kernelSize: [1, 2, 2] } },
];

/**
 * Issue 13: padding as ONNX and TF.js write it (OPERATORS.md 2.1): asymmetric `[begin, end]`
 * pairs, `'same'` with strides that do and do not divide, `'valid'`, sides up to d(k−1), with
 * dilation, ceil mode and empty regions, ranks 1-3. Tagged 'padding-forms'.
 */
const PAD_GEOMETRIES: Geometry[] = [
  { name: 'k3 s2 p[[0,2]]', N: 2, C: 2, S: [9], opts: { kernelSize: 3, stride: 2, padding: [[0, 2]] } },
  { name: 'k4 s3 same', N: 2, C: 2, S: [10], opts: { kernelSize: 4, stride: 3, padding: 'same' } },
  { name: 'k3 s1 d2 p[[4,1]] ceil', N: 1, C: 3, S: [8], opts: { kernelSize: 3, stride: 1, dilation: 2, padding: [[4, 1]], ceilMode: true } },
  { name: 'k2 s2 valid', N: 2, C: 2, S: [7], opts: { kernelSize: 2, stride: 2, padding: 'valid' } },
  { name: 'k2 s1 d3 p[[2,3]] (empty)', N: 2, C: 2, S: [2], opts: { kernelSize: 2, stride: 1, dilation: 3, padding: [[2, 3]] }, tags: ['empty'] },
  { name: 'k3 s2 same', N: 2, C: 2, S: [8, 7], opts: { kernelSize: 3, stride: 2, padding: 'same' } },
  { name: 'k2 s2 same', N: 1, C: 3, S: [7, 6], opts: { kernelSize: 2, stride: 2, padding: 'same' } },
  { name: 'k[3,2] s[2,1] p[[2,0],[0,1]]', N: 2, C: 2, S: [7, 6], opts: { kernelSize: [3, 2], stride: [2, 1], padding: [[2, 0], [0, 1]] } },
  { name: 'k3 s2 p[[1,2],[2,2]] ceil', N: 1, C: 2, S: [8, 9], opts: { kernelSize: 3, stride: 2, padding: [[1, 2], [2, 2]], ceilMode: true } },
  { name: 'k3 s[1,2] d[2,1] same', N: 1, C: 2, S: [6, 7], opts: { kernelSize: 3, stride: [1, 2], dilation: [2, 1], padding: 'same' } },
  { name: 'k3 s3 d2 p[[4,4],[0,3]]', N: 1, C: 2, S: [9, 10], opts: { kernelSize: 3, stride: 3, dilation: 2, padding: [[4, 4], [0, 3]] } },
  { name: 'k5 s2 same', N: 1, C: 2, S: [5, 5], opts: { kernelSize: 5, stride: 2, padding: 'same' } },
  { name: 'k[1,3] s1 p[0,2]', N: 1, C: 2, S: [3, 6], opts: { kernelSize: [1, 3], stride: 1, padding: [0, 2] } },
  { name: 'k2 s2 same', N: 1, C: 2, S: [3, 5, 4], opts: { kernelSize: 2, stride: 2, padding: 'same' } },
  { name: 'k[3,2,2] s[2,1,2] p[[1,2],[0,1],[1,0]] ceil', N: 1, C: 2, S: [5, 4, 5], opts: { kernelSize: [3, 2, 2], stride: [2, 1, 2], padding: [[1, 2], [0, 1], [1, 0]], ceilMode: true } },
  { name: 'k3 s2 d[1,2,1] valid', N: 1, C: 2, S: [5, 7, 6], opts: { kernelSize: 3, stride: 2, dilation: [1, 2, 1], padding: 'valid' } },
];

/** Every pooling method, from core's op descriptors. */
export const METHODS: readonly PoolMethod[] = Object.keys(poolOpDefs) as PoolMethod[];

function shapeOf(g: Geometry, channelsLast: boolean): number[] {
  return channelsLast ? [g.N, ...g.S, g.C] : [g.N, g.C, ...g.S];
}

function makeCase(
  kind: 'pool' | 'unpool',
  method: PoolMethod,
  g: Geometry,
  channelsLast: boolean,
  extra: { data?: DataKind; beta?: BetaForm; opts?: CaseOptions; grad?: boolean; label?: string; values?: number[]; betaValues?: number[] } = {},
): ParityCase {
  const data = extra.data ?? 'safe';
  const shape = shapeOf(g, channelsLast);
  const opts: CaseOptions = { ...g.opts, ...extra.opts, ...(channelsLast ? { channelsLast: true } : {}) };
  const beta = method === 'ada' ? (extra.beta ?? 'channel') : undefined;
  const parts = [kind === 'unpool' ? `unpool(${method})` : method, `${g.S.length}d`, `[${shape.join(',')}]`, g.name, channelsLast ? 'cl' : 'cf', data];
  if (beta) parts.push(`β:${beta}`);
  if (extra.label) parts.push(extra.label);
  const id = parts.join(' ');
  const tags = [...(g.tags ?? []), channelsLast ? 'channelsLast' : 'channelsFirst', `rank${g.S.length}`, data, kind];
  return { id, kind, method, n: g.S.length, shape, opts, beta, data, grad: extra.grad ?? true, seed: hashString(id), tags, values: extra.values, betaValues: extra.betaValues };
}

function buildCases(): ParityCase[] {
  const cases: ParityCase[] = [];
  GEOMETRIES.forEach((g, gi) => {
    for (const cl of [false, true]) {
      for (const m of METHODS) {
        cases.push(makeCase('pool', m, g, cl, { beta: BETA_FORMS[(gi + (cl ? 3 : 0)) % BETA_FORMS.length] }));
      }
      const padded = typeof g.opts.padding === 'number' ? g.opts.padding > 0 : Array.isArray(g.opts.padding);
      if (padded || g.opts.ceilMode || g.opts.outputSize !== undefined) {
        cases.push(makeCase('pool', 'avg', g, cl, { opts: { countIncludePad: true }, label: 'countIncludePad' }));
      }
      if (gi % 3 === 0) cases.push(makeCase('pool', 'idw', g, cl, { opts: { idwEps: 0.05 }, label: 'eps0.05' }));
      // lpPool beyond its default p = 2: p = 1 (|x| sums), a fraction, and the largest, 64
      if (gi % 2 === 0) cases.push(makeCase('pool', 'lp', g, cl, { opts: { p: [1, 3.5, 64][(gi / 2) % 3] }, label: `p${[1, 3.5, 64][(gi / 2) % 3]}` }));
    }
  });
  // every β form, both layouts, on one geometry of each rank
  for (const gi of [0, 10, 21]) {
    for (const cl of [false, true]) for (const form of BETA_FORMS) cases.push(makeCase('pool', 'ada', GEOMETRIES[gi], cl, { beta: form, label: 'forms' }));
  }
  // values near ±1000
  for (const gi of [1, 11, 20]) {
    for (const data of ['pm1000', 'offset1000'] as const) {
      for (const m of METHODS) cases.push(makeCase('pool', m, GEOMETRIES[gi], gi === 11, { data }));
    }
  }
  // NaN propagation
  for (const gi of [2, 10, 22]) for (const m of METHODS) cases.push(makeCase('pool', m, GEOMETRIES[gi], gi === 10, { data: 'nan' }));
  // issue 9 (all tagged 'issue9'): finite extremes must give finite, correct results (OPERATORS.md 5), ±∞/NaN placed as
  // the reference does; the windows of k2 s1 pair every neighbour of this row
  const issueStart = cases.length;
  const EXTREMES = [-3e38, -3e38, 1, -3e38, 3e38, 1e-40, 0, -1e-45, 3.4028234663852886e38, 2, Infinity, 1, -Infinity, 3, NaN, 0.5, 1e30, -1e30, 0, 0];
  const pairs: Geometry = { name: 'k2 s1', N: 1, C: 2, S: [10], opts: { kernelSize: 2, stride: 1 }, tags: [] };
  for (const m of METHODS) cases.push(makeCase('pool', m, pairs, false, { data: 'literal', values: EXTREMES, beta: 'full', label: 'extremes' }));
  const issue: [PoolMethod, number[]][] = [['avg', [-3e38, -3e38]], ['em', [-3e38, 1]], ['edscw', [1e-40, 0]], ['ada', [-3e38, 1]], ['idw', [3e38, -3e38]]];
  for (const [m, values] of issue) {
    cases.push(makeCase('pool', m, { name: `k2 [${values}]`, N: 1, C: 1, S: [2], opts: {} }, false, { data: 'literal', values, beta: 'scalar', label: 'issue' }));
  }
  // idwEps at the ends of the float range; NaN and ±∞ β
  for (const idwEps of [1e-38, 1e-30, 1e38, 1e155, 1e300]) cases.push(makeCase('pool', 'idw', GEOMETRIES[11], false, { opts: { idwEps }, label: `eps${idwEps}` }));
  for (const b of [NaN, Infinity, -Infinity]) cases.push(makeCase('pool', 'ada', GEOMETRIES[0], false, { beta: 'scalar', betaValues: [b], label: `β=${b}` }));
  // lpPool at the ends: p = 64 and p = 1 on the extremes row (|x| up to FLT_MAX; OPERATORS.md 4.2a)
  for (const p of [1, 64]) cases.push(makeCase('pool', 'lp', pairs, false, { data: 'literal', values: EXTREMES, opts: { p }, label: `extremes p${p}` }));
  cases.push(makeCase('pool', 'ada', GEOMETRIES[0], true, { beta: 'full', betaValues: [NaN, 0.5, Infinity, -Infinity, 0.2, NaN, 1, 0, 0.7, 2, -1, 0.5, 0.3, NaN, 0.1, 0.9, 0.4, 0.6, NaN, 0.5, 0.5, 0.5, 0.5, 0.5], label: 'β with NaN/±∞' }));
  // large regions (global pooling, 65 536 taps): sums must stay within §6
  const plane: Geometry = { name: 'O1 of 256²', N: 1, C: 1, S: [256, 256], opts: { outputSize: 1 }, tags: ['adaptive', 'large'] };
  for (const m of METHODS) cases.push(makeCase('pool', m, plane, false, { data: 'constant', beta: 'scalar' }));
  for (const m of ['avg', 'max', 'em', 'edscw', 'ada'] as const) cases.push(makeCase('pool', m, { ...plane, C: 2 }, m === 'em', { data: 'ramp', beta: 'channel' }));
  cases.push(makeCase('pool', 'avg', { name: 'k64 s32 of 256²', N: 1, C: 2, S: [256, 256], opts: { kernelSize: 64, stride: 32 }, tags: ['large'] }, false, { data: 'ramp' }));
  for (let i = issueStart; i < cases.length; i++) cases[i] = { ...cases[i], tags: [...cases[i].tags, 'issue9'] };
  // adaUnpool with masks of every op
  for (const gi of [1, 3, 5, 11, 13, 16, 20, 23]) {
    for (const cl of [false, true]) for (const m of METHODS) cases.push(makeCase('unpool', m, GEOMETRIES[gi], cl));
  }
  // padding forms (issue 13): every op on each, the layout alternating; countIncludePad; adaUnpool on some
  const padStart = cases.length;
  PAD_GEOMETRIES.forEach((g, gi) => {
    const cl = gi % 2 === 1;
    for (const m of METHODS) cases.push(makeCase('pool', m, g, cl, { beta: BETA_FORMS[gi % BETA_FORMS.length] }));
    cases.push(makeCase('pool', 'avg', g, !cl, { opts: { countIncludePad: true }, label: 'countIncludePad' }));
    if (gi % 3 === 0) for (const m of ['max', 'em', 'ada'] as const) cases.push(makeCase('unpool', m, g, cl));
  });
  for (let i = padStart; i < cases.length; i++) cases[i] = { ...cases[i], tags: [...cases[i].tags, 'padding', 'padding-forms'] };
  return cases;
}

/** All parity cases. */
export const parityCases: readonly ParityCase[] = Object.freeze(buildCases());
