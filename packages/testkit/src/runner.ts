/**
 * Runs one parity case on a named backend and compares with the float64 reference
 * (OPERATORS.md 6 tolerances). Framework-free, so Deno, Bun and workerd can run it too.
 */
import * as ap from '@adapool/core';
import type { PoolMethod, PoolPlan, Tensor } from '@adapool/core';
import { isExtremeData, type BetaForm, type CaseOptions, type ParityCase } from './cases.js';
import { rng } from './rng.js';

/** OPERATORS.md 6: forward/mask |Δ| ≤ 1e-5 + 1e-4|ref|, gradients |Δ| ≤ 1e-4 + 1e-3|ref|. */
export const TOLERANCE = {
  forward: { atol: 1e-5, rtol: 1e-4 },
  grad: { atol: 1e-4, rtol: 1e-3 },
} as const;

/** The public op functions of a method without β, by its descriptor's name. */
const opFn = (m: PoolMethod) => (ap as unknown as Record<string, unknown>)[ap.poolOpDefs[m].name] as ap.PoolFn<CaseOptions>;
const gradFn = (m: PoolMethod) => (ap as unknown as Record<string, unknown>)[`${ap.poolOpDefs[m].name}Grad`] as ap.PoolGradFn<CaseOptions>;

export interface CaseResult {
  /** Empty when the case passed. */
  failures: string[];
  /** What was compared, e.g. ['output', 'mask', 'dx']. */
  checked: string[];
}

/** Compares `got` with a float64 reference; NaN in the reference must be NaN in `got`. */
export function compare(name: string, got: ArrayLike<number>, ref: ArrayLike<number>, tol: { atol: number; rtol: number }): string | undefined {
  if (got.length !== ref.length) return `${name}: length ${got.length}, expected ${ref.length}`;
  const bad: string[] = [];
  let count = 0;
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    // a reference beyond float32's range is what float32 holds of it, ±∞ (lpPool's ‖x‖_p of values near FLT_MAX)
    const r = Number.isFinite(Math.fround(ref[i])) ? ref[i] : Math.fround(ref[i]);
    const g = got[i];
    const ok = Number.isNaN(r) ? Number.isNaN(g) : Number.isFinite(r) ? Math.abs(g - r) <= tol.atol + tol.rtol * Math.abs(r) : g === r;
    if (!ok) {
      count++;
      worst = Math.max(worst, Math.abs(g - r) || Infinity);
      if (bad.length < 4) bad.push(`[${i}] got ${g}, expected ${r}`);
    }
  }
  return count ? `${name}: ${count}/${ref.length} elements off (worst |Δ| ${worst.toExponential(2)}): ${bad.join('; ')}` : undefined;
}

const valueClass = (v: number): string => (Number.isNaN(v) ? 'NaN' : v === Infinity ? '+∞' : v === -Infinity ? '−∞' : 'finite');

/**
 * The extreme-data check (OPERATORS.md 5): NaN and ±∞ in the same elements as the float64
 * reference rounded to float32; with `finiteInput`, the reference itself must be finite too
 * (pooling only, not dβ: adaUnpool's overlapping windows and dβ's broadcast axes add, so their
 * sums may exceed float32's range).
 */
export function placement(name: string, got: ArrayLike<number>, ref: ArrayLike<number>, finiteInput: boolean): string | undefined {
  if (got.length !== ref.length) return `${name}: length ${got.length}, expected ${ref.length}`;
  const bad: string[] = [];
  let count = 0;
  for (let i = 0; i < ref.length; i++) {
    const want = valueClass(Math.fround(ref[i]));
    const ok = valueClass(got[i]) === want && !(finiteInput && want !== 'finite');
    if (!ok) {
      count++;
      if (bad.length < 4) bad.push(`[${i}] got ${got[i]}, reference ${ref[i]}`);
    }
  }
  return count ? `${name}: ${count}/${ref.length} elements placed differently from the reference${finiteInput ? ' (finite input)' : ''}: ${bad.join('; ')}` : undefined;
}

/** The comparison a case's data calls for: §6 tolerances, or placement for extreme data. */
function comparator(c: ParityCase): (name: string, got: ArrayLike<number>, ref: ArrayLike<number>, tol: { atol: number; rtol: number }) => string | undefined {
  // dβ sums g·(y^D − y^M) over the broadcast axes: like adaUnpool's U it can exceed float32's range;
  // so can lpPool's y = ‖x‖_p ≥ max |x| (its mask and gradient are bounded by 1 and stay checked)
  const mayOverflow = (name: string) => name === 'dbeta' || (c.method === 'lp' && name === 'output');
  return isExtremeData(c.data) ? (name, got, ref) => placement(name, got, ref, c.data === 'huge' && c.kind === 'pool' && !mayOverflow(name)) : compare;
}

function exact(name: string, got: ArrayLike<number>, ref: ArrayLike<number>): string | undefined {
  if (got.length !== ref.length) return `${name}: length ${got.length}, expected ${ref.length}`;
  for (let i = 0; i < ref.length; i++) if (got[i] !== ref[i]) return `${name}: [${i}] got ${got[i]}, expected ${ref[i]}`;
  return undefined;
}

/** The β tensor shape of a broadcast form for a plan (OPERATORS.md 4.6 table). */
export function betaShape(form: BetaForm, plan: PoolPlan): number[] {
  const { n, N, C, outSize, channelsLast: cl } = plan;
  const ones = new Array<number>(n).fill(1);
  switch (form) {
    case 'scalar':
      return [];
    case 'scalar1':
      return [1];
    case 'scalarN':
      return new Array<number>(n + 2).fill(1);
    case 'position':
      return cl ? [...outSize, 1] : [...outSize];
    case 'channel':
      return cl ? [C] : [C, ...ones];
    case 'sampleChannel':
      return cl ? [N, ...ones, C] : [N, C, ...ones];
    case 'full':
      return plan.outputShape.slice();
  }
}

/** Deterministic inputs for a case: x (kink-free unless NaN/large data), dy, β. */
export function caseInputs(c: ParityCase, plan: PoolPlan): { x: Float32Array; beta?: Float32Array; betaShape?: number[] } {
  const rnd = rng(c.seed);
  const x = new Float32Array(plan.inputElements);
  const planeSign = (i: number) => {
    // sign of the (n, c) plane holding flat index i
    const { inputStrides: s } = plan;
    const n = Math.floor(i / s.n);
    const ch = plan.channelsLast ? i % plan.C : Math.floor((i % s.n) / s.c);
    return (n + ch) % 2 ? -1 : 1;
  };
  const draw = (i: number): number => {
    const u = 0.3 + 2.2 * rnd();
    const sign = rnd() < 0.5 ? -1 : 1;
    switch (c.data) {
      case 'pm1000':
        return sign * 1000 + (rnd() - 0.5) * 5;
      case 'offset1000':
        return planeSign(i) * 1000 + (rnd() - 0.5) * 5;
      case 'huge':
      case 'nonfinite':
        return extremeValue(rnd, c.data === 'nonfinite');
      case 'literal':
        return c.values![i];
      case 'constant':
        return 1.1;
      case 'ramp':
        return 1 + 0.5 * ((i * 0.6180339887498949) % 1);
      default:
        return sign * u;
    }
  };
  for (let i = 0; i < x.length; i++) x[i] = draw(i);
  if (c.data === 'literal' && c.values!.length !== x.length) throw new Error(`testkit: ${c.id}: ${c.values!.length} values for ${x.length} elements`);
  if (c.data === 'safe' || c.data === 'nan' || c.data === 'pm1000' || c.data === 'offset1000') repairKinks(plan, x, draw, rnd);
  if (c.data === 'nan' && x.length) {
    x[Math.floor(rnd() * x.length)] = NaN;
    if (x.length > 8) x[Math.floor(rnd() * x.length)] = NaN;
  }
  if (!c.beta) return { x };
  const shape = betaShape(c.beta, plan);
  const size = shape.reduce((p, d) => p * d, 1);
  const VALUES = [-0.3, 0, 0.2, 0.5, 0.7, 1, 1.3];
  const SCALARS = [0.35, 0.8, -0.2, 1, 0.5];
  const beta = new Float32Array(size);
  const values = c.data === 'nonfinite' ? [...VALUES, NaN, Infinity, -Infinity, 3e38] : VALUES;
  const scalars = c.data === 'nonfinite' ? [...SCALARS, NaN, Infinity] : SCALARS;
  for (let i = 0; i < size; i++) beta[i] = size === 1 ? scalars[c.seed % scalars.length] : values[Math.floor(rnd() * values.length)];
  if (c.betaValues) {
    if (c.betaValues.length !== size) throw new Error(`testkit: ${c.id}: ${c.betaValues.length} β values for ${size}`);
    beta.set(c.betaValues);
  }
  return { x, beta, betaShape: shape };
}

/** One value of the extreme data kinds: a mix of safe values and the ends of the float32 range. */
export function extremeValue(rnd: () => number, nonFinite: boolean): number {
  const sign = rnd() < 0.5 ? -1 : 1;
  const u = 0.3 + 2.2 * rnd();
  const r = rnd();
  if (nonFinite && r < 0.08) return rnd() < 0.5 ? NaN : sign * Infinity;
  if (r < 0.35) return sign * u;
  if (r < 0.45) return sign * (1000 + u);
  if (r < 0.55) return sign * u * 1e30;
  if (r < 0.7) return sign * Math.min(3e38 * (0.9 + 0.25 * rnd()), 3.4028234663852886e38);
  if (r < 0.75) return sign * 3.4028234663852886e38;
  if (r < 0.88) return sign * 1e-45 * Math.floor(1 + rnd() * 2 ** 23 * (rnd() < 0.5 ? 1 : 1e-4)); // denormals
  if (r < 0.92) return sign * 1.1754943508222875e-38 * u; // around FLT_MIN
  return 0;
}

/**
 * Keeps every region with ≥ 2 taps away from the kinks (OPERATORS.md 6): |m| ≥ 0.05,
 * |x − m| ≥ 0.02 for each element, and a max that beats the runner-up by ≥ 0.02.
 */
function repairKinks(plan: PoolPlan, x: Float32Array, draw: (i: number) => number, rnd: () => number): void {
  const T = ap.regionTable(plan);
  const regions: number[][] = [];
  const { inputStrides: s } = plan;
  for (let b = 0; b < plan.N; b++) {
    for (let ch = 0; ch < plan.C; ch++) {
      const base = b * s.n + ch * s.c;
      for (let oi = 0; oi < T.outputs; oi++) {
        if (T.count[oi] < 2) continue;
        const idx: number[] = [];
        for (let j = 0; j < T.count[oi]; j++) idx.push(base + T.tapInput[oi * T.W + j]);
        regions.push(idx);
      }
    }
  }
  for (let pass = 0; pass < 5000; pass++) {
    let clean = true;
    for (const idx of regions) {
      let m = 0;
      for (const i of idx) m += x[i];
      m /= idx.length;
      let fix = -1;
      if (Math.abs(m) < 0.05) fix = idx[Math.floor(rnd() * idx.length)];
      let best = -Infinity;
      let second = -Infinity;
      let arg = -1;
      for (const i of idx) {
        if (fix < 0 && Math.abs(x[i] - m) < 0.02) fix = i;
        if (x[i] > best) {
          second = best;
          best = x[i];
          arg = i;
        } else if (x[i] > second) second = x[i];
      }
      if (fix < 0 && best - second < 0.02) fix = arg;
      if (fix >= 0) {
        x[fix] = draw(fix);
        clean = false;
      }
    }
    if (clean) return;
  }
  throw new Error('testkit: could not draw kink-free data for this geometry');
}

function randomArray(n: number, rnd: () => number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rnd() * 2 - 1) * scale;
  return a;
}

/** The reference plan of a case (returnMask on, β attached). */
export function casePlan(c: ParityCase, betaShapeOverride?: number[]): PoolPlan {
  const dummy = ap.tensor(new Float32Array(c.shape.reduce((p, d) => p * d, 1)), c.shape, { backend: 'js' });
  try {
    let { plan } = ap.planPool(c.id, c.method, dummy, { ...c.opts, returnMask: true }, ap.poolOpDefs[c.method].options, undefined);
    if (betaShapeOverride) {
      const b = ap.tensor(new Float32Array(betaShapeOverride.reduce((p, d) => p * d, 1)), betaShapeOverride, { backend: 'js' });
      plan = ap.withBeta(plan, ap.planBeta(c.id, b, plan));
      b.dispose();
    }
    return plan;
  } finally {
    dummy.dispose();
  }
}

async function readAll(ts: (Tensor | undefined)[]): Promise<(ArrayLike<number> | undefined)[]> {
  return Promise.all(ts.map((t) => (t ? t.read() : undefined)));
}

/** Collects what a case checked and what failed, and the tensors to dispose at the end. */
function recorder() {
  const failures: string[] = [];
  const checked: string[] = [];
  const owned: Tensor[] = [];
  return {
    failures,
    checked,
    check(name: string, msg: string | undefined) {
      checked.push(name);
      if (msg) failures.push(msg);
    },
    keep<T extends Tensor>(t: T): T {
      owned.push(t);
      return t;
    },
    /** Records an exception as a failure. */
    threw(e: unknown) {
      failures.push(`threw: ${(e as Error).stack ?? e}`);
    },
    done(): CaseResult {
      for (const t of owned) if (!t.isDisposed) t.dispose();
      return { failures, checked };
    },
  };
}

/**
 * Runs case `c` on `backend` and returns what differs from the reference. `record`, when given,
 * receives every result as read (output, mask, indices, dx, dbeta; U, dv, dmask): to compare two
 * backends bit for bit (threads).
 */
export async function runParityCase(c: ParityCase, backend: string, record?: Recorder): Promise<CaseResult> {
  return c.kind === 'unpool' ? runUnpoolCase(c, backend, record) : runPoolCase(c, backend, record);
}

/** Receives a case's results by name, as read from the backend. */
export type Recorder = (name: string, data: ArrayLike<number>) => void;

/**
 * Runs case `c` on `backend` against the reference and on `other`, and fails it unless every
 * result of the two is bitwise equal (NaN payloads aside): a threaded backend against one thread.
 */
export async function runParityCaseSameAs(c: ParityCase, backend: string, other: string): Promise<CaseResult> {
  const theirs = new Map<string, ArrayLike<number>>();
  await runParityCase(c, other, (name, data) => theirs.set(name, data));
  const mine = new Map<string, ArrayLike<number>>();
  const r = await runParityCase(c, backend, (name, data) => mine.set(name, data));
  for (const [name, data] of mine) {
    const want = theirs.get(name);
    const bad = want ? sameBits(`${name} (bitwise, against '${other}')`, data, want) : `${name}: missing on '${other}'`;
    if (bad) r.failures.push(bad);
    r.checked.push(`${name} = ${other}`);
  }
  if (mine.size !== theirs.size) r.failures.push(`results: ${[...mine.keys()].join(', ')} on '${backend}', ${[...theirs.keys()].join(', ')} on '${other}'`);
  return r;
}

async function runPoolCase(c: ParityCase, backend: string, record: Recorder = () => {}): Promise<CaseResult> {
  const { check, keep, threw, done } = recorder();
  const compare = comparator(c);
  let plan = casePlan(c);
  const inputs = caseInputs(c, plan);
  if (inputs.betaShape) plan = casePlan(c, inputs.betaShape);
  const rnd = rng(c.seed ^ 0x9e3779b9);
  const dyData = randomArray(plan.outputElements, rnd);
  try {
    // inputs live on the backend under test (as after setBackend), so the op moves nothing
    const x = keep(ap.tensor(inputs.x, c.shape, { backend }));
    const beta = inputs.beta ? keep(ap.tensor(inputs.beta, inputs.betaShape!, { backend })) : undefined;
    const opts = { ...c.opts, backend, returnMask: true as const };
    const res = ap.poolOpDefs[c.method].beta ? ap.adaPool(x, beta!, opts) : opFn(c.method)(x, opts);
    keep(res.output);
    keep(res.mask);
    if (res.indices) keep(res.indices);
    check('backend', res.output.backend === backend ? undefined : `output computed on '${res.output.backend}', expected '${backend}'`);
    const ref = ap.referencePool(plan, inputs.x, inputs.beta);
    const [out, mask, idx] = await readAll([res.output, res.mask, res.indices]);
    record('output', out!);
    record('mask', mask!);
    if (idx) record('indices', idx);
    check('output', compare('output', out!, ref.output, TOLERANCE.forward));
    check('mask', compare('mask', mask!, ref.mask!, TOLERANCE.forward));
    if (ap.poolOpDefs[c.method].indices) check('indices', idx ? exact('indices', idx, ref.indices!) : 'indices: missing');
    if (c.grad) {
      const dy = keep(ap.tensor(dyData, plan.outputShape, { backend }));
      const gradOpts = { ...c.opts, backend };
      const refg = ap.referencePoolGrad(plan, inputs.x, dyData, inputs.beta);
      if (c.method === 'ada') {
        const g = ap.adaPoolGrad(x, beta!, dy, gradOpts);
        keep(g.dx);
        keep(g.dbeta);
        check('gradBackend', g.dx.backend === backend ? undefined : `dx computed on '${g.dx.backend}', expected '${backend}'`);
        const [dx, dbeta] = await readAll([g.dx, g.dbeta]);
        record('dx', dx!);
        record('dbeta', dbeta!);
        check('dx', compare('dx', dx!, refg.dx, TOLERANCE.grad));
        check('dbeta', compare('dbeta', dbeta!, refg.dbeta!, TOLERANCE.grad));
        const [b2] = await readAll([beta]);
        check('beta untouched', sameBits('beta (input must not change)', b2!, inputs.beta!));
      } else {
        const g = keep(gradFn(c.method)(x, dy, gradOpts));
        check('gradBackend', g.backend === backend ? undefined : `dx computed on '${g.backend}', expected '${backend}'`);
        const [dx] = await readAll([g]);
        record('dx', dx!);
        check('dx', compare('dx', dx!, refg.dx, TOLERANCE.grad));
      }
      const [dy2] = await readAll([dy]);
      check('dy untouched', exact('dy (input must not change)', dy2!, dyData));
    }
    const [x2] = await readAll([x]);
    check('x untouched', sameBits('x (input must not change)', x2!, inputs.x));
  } catch (e) {
    threw(e);
  }
  return done();
}

function sameBits(name: string, got: ArrayLike<number>, ref: ArrayLike<number>): string | undefined {
  if (got.length !== ref.length) return `${name}: length ${got.length}, expected ${ref.length}`;
  for (let i = 0; i < ref.length; i++) {
    if (!(got[i] === ref[i] || (Number.isNaN(got[i]) && Number.isNaN(ref[i])))) return `${name}: [${i}] got ${got[i]}, expected ${ref[i]}`;
  }
  return undefined;
}

async function runUnpoolCase(c: ParityCase, backend: string, record: Recorder = () => {}): Promise<CaseResult> {
  const { check, keep, threw, done } = recorder();
  const compare = comparator(c);
  const extreme = isExtremeData(c.data);
  // The mask comes from the reference pooling of a kink-free input (β = 0.6 for ada); with
  // extreme data, of an extreme input, and v is extreme too.
  const plan = casePlan(c, c.method === 'ada' ? [] : undefined);
  const { x } = caseInputs({ ...c, data: extreme ? c.data : 'safe', beta: undefined }, plan);
  const maskData = Float32Array.from(ap.referencePool(plan, x, c.method === 'ada' ? [0.6] : undefined).mask!);
  const rnd = rng(c.seed ^ 0x85ebca6b);
  const vData = extreme ? Float32Array.from({ length: plan.outputElements }, () => extremeValue(rnd, c.data === 'nonfinite')) : randomArray(plan.outputElements, rnd, 2);
  const dUData = randomArray(plan.inputElements, rnd);
  // inputSize: omitted where the default formula reproduces the grid (exercises inference)
  const inferred = plan.axes.map((a) => (a.kind === 'strided' ? ap.defaultUnpoolLength(a.O, a.kernel, a.stride, [a.padBegin, a.padEnd], a.dilation) : -1));
  const needSize = plan.adaptive || c.opts.padding === 'same' || inferred.some((L, i) => L !== plan.inSize[i]);
  const opts = { ...c.opts, backend, ...(needSize ? { inputSize: plan.inSize.slice() } : {}) };
  // adaUnpool takes the geometry only, none of the pooling op's own options
  for (const d of Object.values(ap.poolOpDefs)) for (const k of Object.keys(d.options)) delete (opts as Record<string, unknown>)[k];
  try {
    const v = keep(ap.tensor(vData, plan.outputShape, { backend }));
    const mask = keep(ap.tensor(maskData, plan.maskShape, { backend }));
    const U = keep(ap.adaUnpool(v, mask, opts));
    check('backend', U.backend === backend ? undefined : `U computed on '${U.backend}', expected '${backend}'`);
    const uplan = { ...plan, returnMask: false };
    const [u] = await readAll([U]);
    record('U', u!);
    check('U', compare('U', u!, ap.referenceUnpool(uplan, vData, maskData), TOLERANCE.forward));
    if (c.grad) {
      const dU = keep(ap.tensor(dUData, plan.inputShape, { backend }));
      const g = ap.adaUnpoolGrad(v, mask, dU, opts);
      keep(g.dv);
      keep(g.dmask);
      const ref = ap.referenceUnpoolGrad(uplan, vData, maskData, dUData);
      const [dv, dmask] = await readAll([g.dv, g.dmask]);
      record('dv', dv!);
      record('dmask', dmask!);
      check('dv', compare('dv', dv!, ref.dv, TOLERANCE.grad));
      check('dmask', compare('dmask', dmask!, ref.dmask, TOLERANCE.grad));
    }
    const [v2, m2] = await readAll([v, mask]);
    check('v untouched', sameBits('v (input must not change)', v2!, vData));
    check('mask untouched', sameBits('mask (input must not change)', m2!, maskData));
  } catch (e) {
    threw(e);
  }
  return done();
}
