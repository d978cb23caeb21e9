/**
 * The random-valid-case fuzzer: seeded random geometry (rank 1-3, kernel/stride/padding/dilation/
 * ceilMode or adaptive outputSize, both layouts; a long last axis in a quarter of the cases), every op with masks, maxPool indices, gradients,
 * adaUnpool and every β form, run on a backend and compared with the float64 reference by the
 * parity runner. Two sets:
 *  - `normal`: kink-free data, compared within OPERATORS.md 6 tolerances;
 *  - `extreme`: values ±1e3, ±1e30, ±3e38, denormals, zeros, and (in half the cases) NaN and ±∞
 *    mixed in, plus extreme idwEps and NaN/±∞ β; checked for finiteness (finite inputs → finite
 *    outputs) and NaN/±∞ placement equal to the reference rounded to float32 (OPERATORS.md 5).
 * Case `i` of a set and seed is always the same case, so a failure id reproduces it.
 */
import type { PoolMethod } from '@adapool/core';
import { BETA_FORMS, METHODS, type CaseOptions, type DataKind, type ParityCase } from './cases.js';
import { caseInputs, casePlan, runParityCase, runParityCaseSameAs } from './runner.js';
import { hashString, rng } from './rng.js';

export type FuzzSet = 'normal' | 'extreme';

/** Seed of the bounded slice run by the normal test suite. */
export const FUZZ_SEED = 20261202;

const int = (rnd: () => number, lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

/** One value or one per axis, at random. */
function perAxis(rnd: () => number, v: number[]): number | number[] {
  return v.every((x) => x === v[0]) && rnd() < 0.5 ? v[0] : v;
}

function randomGeometry(rnd: () => number, n: number): { S: number[]; opts: CaseOptions; tags: string[] } {
  const S = Array.from({ length: n }, () => int(rnd, 1, n === 3 ? 6 : n === 2 ? 9 : 14));
  // a long last axis now and then, so that backends' dense paths (runs of neighbouring outputs) run too
  if (rnd() < 0.25) S[n - 1] = int(rnd, 16, 40);
  if (rnd() < 0.3) {
    const O = S.map((L) => int(rnd, 1, L + 2));
    return { S, opts: { outputSize: perAxis(rnd, O) }, tags: ['adaptive'] };
  }
  const k = S.map(() => int(rnd, 1, 4));
  const s = k.map((ka) => (rnd() < 0.4 ? ka : int(rnd, 1, 4)));
  const d = k.map(() => (rnd() < 0.7 ? 1 : int(rnd, 2, 3)));
  // each side 0 ≤ p ≤ d(k−1) (OPERATORS.md 2.1); mostly within PyTorch's ⌊k/2⌋, sometimes beyond
  const side = (a: number) => (rnd() < 0.5 ? 0 : int(rnd, 0, rnd() < 0.6 ? Math.floor(k[a] / 2) : d[a] * (k[a] - 1)));
  const opts: CaseOptions = { kernelSize: perAxis(rnd, k) };
  const tags: string[] = [];
  if (rnd() < 0.7) opts.stride = perAxis(rnd, s);
  const form = rnd();
  if (form < 0.5) {
    const p = k.map((_, a) => side(a));
    if (p.some((x) => x > 0)) (opts.padding = perAxis(rnd, p)), tags.push('padding');
  } else if (form < 0.7) (opts.padding = k.map((_, a) => [side(a), side(a)] as [number, number])), tags.push('padding', 'pairs');
  else if (form < 0.82) (opts.padding = 'same'), tags.push('padding', 'same');
  else if (form < 0.87) opts.padding = 'valid';
  if (d.some((x) => x > 1)) (opts.dilation = perAxis(rnd, d)), tags.push('dilation');
  if (opts.padding !== 'same' && rnd() < 0.3) (opts.ceilMode = true), tags.push('ceil');
  return { S, opts, tags };
}

const NORMAL_EPS = [1e-6, 0.05, 0.5];
const EXTREME_EPS = [1e-6, 1e-38, 1e-30, 1e-45, 1e38, 3.4e38, 1e155, 1e300];

/** Case `index` of a fuzz set. Always a valid case (invalid draws are redrawn). */
export function fuzzCase(set: FuzzSet, seed: number, index: number): ParityCase {
  const rnd = rng(hashString(`fuzz ${set} ${seed} ${index}`));
  for (;;) {
    const n = int(rnd, 1, 3);
    const g = randomGeometry(rnd, n);
    const N = int(rnd, 1, 2);
    const C = int(rnd, 1, 3);
    const cl = rnd() < 0.5;
    const kind = rnd() < 0.2 ? 'unpool' : 'pool';
    const method: PoolMethod = pick(rnd, METHODS);
    const opts: CaseOptions = { ...g.opts, ...(cl ? { channelsLast: true } : {}) };
    if (kind === 'pool' && method === 'avg' && rnd() < 0.3) opts.countIncludePad = true;
    if (kind === 'pool' && method === 'idw' && rnd() < 0.5) opts.idwEps = pick(rnd, set === 'normal' ? NORMAL_EPS : EXTREME_EPS);
    if (method === 'lp' && rnd() < 0.6) opts.p = pick(rnd, [1, 1.5, 3, 8, 64]);
    const beta = method === 'ada' && kind === 'pool' ? pick(rnd, BETA_FORMS) : undefined;
    const data: DataKind = set === 'normal' ? 'safe' : rnd() < 0.5 ? 'huge' : 'nonfinite';
    const shape = cl ? [N, ...g.S, C] : [N, C, ...g.S];
    const label = Object.entries(opts)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(' ');
    const id = `fuzz ${set} seed ${seed} #${index}: ${kind === 'unpool' ? `unpool(${method})` : method} [${shape.join(',')}] ${label} ${data}${beta ? ` β:${beta}` : ''}`;
    const c: ParityCase = {
      id,
      kind,
      method,
      n,
      shape,
      opts,
      beta,
      data,
      grad: true,
      seed: hashString(id),
      tags: [...g.tags, cl ? 'channelsLast' : 'channelsFirst', `rank${n}`, data, kind, 'fuzz'],
    };
    try {
      // valid geometry, and (normal set) kink-free data can be drawn for it
      const plan = casePlan(c);
      if (plan.outputElements === 0 || plan.inputElements === 0) continue;
      caseInputs(c, plan);
      return c;
    } catch {
      continue;
    }
  }
}

/** `count` cases of a set, from `start`. */
export function fuzzCases(set: FuzzSet, seed: number, count: number, start = 0): ParityCase[] {
  return Array.from({ length: count }, (_, i) => fuzzCase(set, seed, start + i));
}

export interface FuzzReport {
  set: FuzzSet;
  backend: string;
  seed: number;
  tried: number;
  agreeing: number;
  /** The first failing cases (id and what differed). */
  failures: { id: string; failures: string[] }[];
}

/**
 * Runs cases `[start, start + count)` of a set on `backend`; with `sameAs`, each case's results
 * must also be bitwise equal to that backend's (threads against one thread).
 */
export async function runFuzz(backend: string, set: FuzzSet, seed: number, count: number, start = 0, sameAs?: string): Promise<FuzzReport> {
  const report: FuzzReport = { set, backend, seed, tried: 0, agreeing: 0, failures: [] };
  for (let i = start; i < start + count; i++) {
    const c = fuzzCase(set, seed, i);
    const r = sameAs ? await runParityCaseSameAs(c, backend, sameAs) : await runParityCase(c, backend);
    report.tried++;
    if (r.failures.length === 0) report.agreeing++;
    else if (report.failures.length < 10) report.failures.push({ id: c.id, failures: r.failures });
  }
  return report;
}

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};

/**
 * How many cases per set a run does: the bounded seeded slice of the normal test suite, or the
 * long run with `ADAPOOL_FUZZ_LONG=1` (`ADAPOOL_FUZZ_COUNT` and `ADAPOOL_FUZZ_SEED` override).
 */
export function fuzzSettings(slice: number): { seed: number; count: number; long: boolean } {
  const long = env.ADAPOOL_FUZZ_LONG === '1';
  const count = env.ADAPOOL_FUZZ_COUNT ? Number(env.ADAPOOL_FUZZ_COUNT) : long ? 20 * slice : slice;
  const seed = env.ADAPOOL_FUZZ_SEED ? Number(env.ADAPOOL_FUZZ_SEED) : FUZZ_SEED;
  return { seed, count, long };
}
