/**
 * The parity cases: plain data, generated deterministically. Every backend runs all of them
 * against the float64 reference (runner.ts). Coverage: ranks 1-3, stride ≠ kernel, padding,
 * dilation (incl. empty regions), ceil mode, adaptive sizes that do and do not divide (and O > L),
 * both layouts, every β broadcast form with β inside and outside [0,1], masks, maxPool indices,
 * gradients, values near ±1000, NaN inputs, and adaUnpool on masks of every op.
 */
import type { PoolMethod, PoolOptions } from '@adapool/core';
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
  | 'nonfinite';

/** Data kinds checked for finiteness and NaN/±∞ placement instead of §6 tolerances. */
export const isExtremeData = (d: DataKind): boolean => d === 'huge' || d === 'nonfinite';

/** β broadcast forms of OPERATORS.md 4.6. */
export type BetaForm = 'scalar' | 'scalar1' | 'scalarN' | 'position' | 'channel' | 'sampleChannel' | 'full';
export const BETA_FORMS: readonly BetaForm[] = ['scalar', 'scalar1', 'scalarN', 'position', 'channel', 'sampleChannel', 'full'];

export interface CaseOptions extends PoolOptions {
  countIncludePad?: boolean;
  idwEps?: number;
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

export const METHODS: readonly PoolMethod[] = ['avg', 'max', 'em', 'edscw', 'idw', 'ada'];

function shapeOf(g: Geometry, channelsLast: boolean): number[] {
  return channelsLast ? [g.N, ...g.S, g.C] : [g.N, g.C, ...g.S];
}

function makeCase(
  kind: 'pool' | 'unpool',
  method: PoolMethod,
  g: Geometry,
  channelsLast: boolean,
  extra: { data?: DataKind; beta?: BetaForm; opts?: CaseOptions; grad?: boolean; label?: string } = {},
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
  return { id, kind, method, n: g.S.length, shape, opts, beta, data, grad: extra.grad ?? true, seed: hashString(id), tags };
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
  // adaUnpool with masks of every op
  for (const gi of [1, 3, 5, 11, 13, 16, 20, 23]) {
    for (const cl of [false, true]) for (const m of METHODS) cases.push(makeCase('unpool', m, GEOMETRIES[gi], cl));
  }
  return cases;
}

/** All parity cases. */
export const parityCases: readonly ParityCase[] = Object.freeze(buildCases());
