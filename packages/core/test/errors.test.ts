/**
 * Bad inputs: every rejected call throws AdaPoolError with the right code, a message
 * `op: what must hold, got what` that starts with the op name *as called* and names what came,
 * leaves every input tensor untouched and returns nothing.
 */
import { describe, expect, it } from 'vitest';
import * as core from '@adapool/core';
import { AdaPoolError, Tensor, tensor, setBackend, getBackend, type AdaPoolErrorCode } from '@adapool/core';

type Fn = (...args: any[]) => unknown;
const api = core as unknown as Record<string, Fn>;

// ---------------------------------------------------------------------------------------------
// helpers

const prod = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);
/** Deterministic, non-trivial float32 data. */
function f32(shape: readonly number[], seed = 1): Tensor {
  return tensor(Float32Array.from({ length: prod(shape) }, (_, i) => Math.sin(i * 1.7 + seed) * 2), shape);
}
function i32(shape: readonly number[]): Tensor {
  return tensor(Int32Array.from({ length: prod(shape) }, (_, i) => i % 5), shape);
}
function disposed(shape: readonly number[]): Tensor {
  const t = f32(shape);
  t.dispose();
  return t;
}
const fmt = (s: readonly number[]) => `[${s.join(',')}]`;

const NOTHING = Symbol('nothing returned');
/** A tensor made by core (not a forged `Object.create(Tensor.prototype)`). */
const isTensor = (t: unknown): t is Tensor => t instanceof Tensor && Array.isArray(t.shape);

interface Want {
  code: AdaPoolErrorCode;
  op: string;
  /** Substrings the message must contain (what came, usually `got …`). */
  got: readonly string[];
}

/**
 * Runs `run`, which must throw `want`; checks that nothing came back and `inputs` are untouched.
 * (Problems are collected and asserted once: thousands of calls go through here.)
 */
function expectRejected(run: () => unknown, want: Want, inputs: readonly unknown[], label = want.op): AdaPoolError {
  const tensors = inputs.filter(isTensor);
  const before = tensors.map((t) => (t.isDisposed ? null : t.readSync().slice()));
  const shapes = tensors.map((t) => fmt(t.shape));
  let returned: unknown = NOTHING;
  let error: unknown;
  try {
    returned = run();
  } catch (e) {
    error = e;
  }
  const problems: string[] = [];
  if (returned !== NOTHING) problems.push('returned a value instead of throwing');
  if (!(error instanceof AdaPoolError)) {
    problems.push(`threw ${String(error)} instead of an AdaPoolError`);
  } else {
    const err = error;
    if (err.name !== 'AdaPoolError') problems.push(`name ${err.name}`);
    if (err.code !== want.code) problems.push(`code ${err.code}, want ${want.code}`);
    if (err.op !== want.op) problems.push(`op ${err.op}, want ${want.op}`);
    if (!err.message.startsWith(`${want.op}: `)) problems.push(`message does not start with "${want.op}: "`);
    if (!err.message.includes(', got ')) problems.push('message lacks ", got "');
    for (const g of want.got) if (!err.message.includes(g)) problems.push(`message lacks ${JSON.stringify(g)}`);
    if (problems.length) problems.push(`message: ${err.message}`);
  }
  tensors.forEach((t, i) => {
    if (t.isDisposed !== (before[i] === null)) problems.push(`input ${i} disposed state changed`);
    if (fmt(t.shape) !== shapes[i]) problems.push(`input ${i} shape changed`);
    const b = before[i];
    if (b && !t.isDisposed) {
      const now = t.readSync();
      if (now.length !== b.length || now.some((v, j) => !Object.is(v, b[j]))) problems.push(`input ${i} data changed`);
    }
  });
  expect(problems, label).toEqual([]);
  return error as AdaPoolError;
}

// ---------------------------------------------------------------------------------------------
// every op, by name

type Kind = 'pool' | 'grad' | 'unpool' | 'unpoolGrad';
interface Entry {
  op: string;
  kind: Kind;
  /** em for softPool. */
  method: 'avg' | 'max' | 'em' | 'edscw' | 'idw' | 'ada';
  /** Alias rank n, or undefined for the rank-generic op. */
  rank?: 1 | 2 | 3;
  fn: Fn;
}

const RANKS = [undefined, 1, 2, 3] as const;
const suffix = (r: 1 | 2 | 3 | undefined) => (r === undefined ? '' : `${r}d`);

const ENTRIES: Entry[] = [];
for (const [prefix, method] of [
  ['avg', 'avg'],
  ['max', 'max'],
  ['em', 'em'],
  ['soft', 'em'],
  ['edscw', 'edscw'],
  ['idw', 'idw'],
  ['ada', 'ada'],
] as const) {
  for (const rank of RANKS) {
    const fwd = `${prefix}Pool${suffix(rank)}`;
    ENTRIES.push({ op: fwd, kind: 'pool', method, rank, fn: api[fwd] });
    ENTRIES.push({ op: `${fwd}Grad`, kind: 'grad', method, rank, fn: api[`${fwd}Grad`] });
  }
}
for (const rank of RANKS) {
  const un = `adaUnpool${suffix(rank)}`;
  ENTRIES.push({ op: un, kind: 'unpool', method: 'avg', rank, fn: api[un] });
  ENTRIES.push({ op: `${un}Grad`, kind: 'unpoolGrad', method: 'avg', rank, fn: api[`${un}Grad`] });
}
const POOLING = ENTRIES.filter((e) => e.kind === 'pool' || e.kind === 'grad');
const UNPOOL = ENTRIES.filter((e) => e.kind === 'unpool' || e.kind === 'unpoolGrad');
const ADA = POOLING.filter((e) => e.method === 'ada');
const GRADS = ENTRIES.filter((e) => e.kind === 'grad');

/** Spatial rank an entry works on (rank-generic ops are exercised in 2D). */
const nOf = (e: Entry): 1 | 2 | 3 => e.rank ?? 2;
/** Input (or v for unpool) shape per spatial rank. */
const X_SHAPE = { 1: [1, 2, 6], 2: [1, 2, 6, 6], 3: [1, 2, 4, 4, 4] } as const;
/** Default geometry (kernel 2): output spatial size. */
const half = (s: readonly number[]) => [s[0], s[1], ...s.slice(2).map((d) => Math.floor(d / 2))];
const withWindow = (s: readonly number[], n: number) => [...s, ...new Array(n).fill(2)];

/**
 * Calls `e` with input `x` (v for unpool) and `opts`; builds the other arguments (β, dy, mask, dU)
 * for the default geometry unless given. Returns the call and every tensor passed in.
 */
function invoke(e: Entry, x: unknown, opts: unknown, over: { beta?: unknown; dy?: unknown; mask?: unknown; dU?: unknown } = {}) {
  const n = nOf(e);
  const xs = isTensor(x) ? x.shape : X_SHAPE[n];
  const base = xs.length >= 3 ? xs : X_SHAPE[n];
  let o = opts;
  // adaUnpool needs inputSize with adaptive geometry; give one so the option under test is reached
  if ((e.kind === 'unpool' || e.kind === 'unpoolGrad') && o && typeof o === 'object' && 'outputSize' in o && !('inputSize' in o)) {
    o = { ...(o as object), inputSize: 4 };
  }
  switch (e.kind) {
    case 'pool': {
      if (e.method !== 'ada') return { run: () => e.fn(x, o), inputs: [x] };
      const beta = 'beta' in over ? over.beta : 0.5; // the scalar-number form of β
      return { run: () => e.fn(x, beta, o), inputs: [x, beta] };
    }
    case 'grad': {
      const dy = 'dy' in over ? over.dy : f32(half(base), 2);
      if (e.method !== 'ada') return { run: () => e.fn(x, dy, o), inputs: [x, dy] };
      const beta = 'beta' in over ? over.beta : f32([1], 3);
      return { run: () => e.fn(x, beta, dy, o), inputs: [x, beta, dy] };
    }
    case 'unpool': {
      const mask = 'mask' in over ? over.mask : f32(withWindow(base, n), 4);
      return { run: () => e.fn(x, mask, o), inputs: [x, mask] };
    }
    case 'unpoolGrad': {
      const mask = 'mask' in over ? over.mask : f32(withWindow(base, n), 4);
      const dU = 'dU' in over ? over.dU : f32([base[0], base[1], ...base.slice(2).map((d) => 2 * d)], 5);
      return { run: () => e.fn(x, mask, dU, o), inputs: [x, mask, dU] };
    }
  }
}

function check(e: Entry, x: unknown, opts: unknown, want: Omit<Want, 'op'>, over: Parameters<typeof invoke>[3] = {}, label = '') {
  const { run, inputs } = invoke(e, x, opts, over);
  return expectRejected(run, { ...want, op: e.op }, inputs, `${e.op}${label}`);
}

// ---------------------------------------------------------------------------------------------

describe('the op table', () => {
  it('every op, alias and gradient exists', () => {
    expect(ENTRIES).toHaveLength(64);
    for (const e of ENTRIES) expect(typeof e.fn, e.op).toBe('function');
  });

  it('accepts the default call for every entry (the cases below fail for their own reason)', () => {
    for (const e of ENTRIES) {
      const { run } = invoke(e, f32(X_SHAPE[nOf(e)]), undefined);
      expect(run, e.op).not.toThrow();
    }
  });
});

describe('rank', () => {
  it('aliases reject every other rank (SHAPE), naming the shape and rank', () => {
    for (const e of ENTRIES.filter((e) => e.rank !== undefined)) {
      for (const shape of [[1, 2, 6], [1, 2, 6, 6], [1, 2, 4, 4, 4], [2, 6], [1, 1, 2, 2, 2, 2]]) {
        if (shape.length === e.rank! + 2) continue;
        const want = e.rank === 1 ? '[N,C,L]' : e.rank === 2 ? '[N,C,H,W]' : '[N,C,D,H,W]';
        check(e, f32(shape), undefined, { code: 'SHAPE', got: [`rank ${e.rank! + 2} ${want}`, `got shape ${fmt(shape)} (rank ${shape.length})`] });
      }
    }
  });

  it('generic ops reject rank < 3 and > 5 (SHAPE)', () => {
    for (const e of ENTRIES.filter((e) => e.rank === undefined)) {
      for (const shape of [[], [6], [2, 6], [1, 1, 2, 2, 2, 2], [1, 1, 1, 2, 2, 2, 2]]) {
        check(e, f32(shape), undefined, { code: 'SHAPE', got: ['rank 3, 4 or 5', `got shape ${fmt(shape)} (rank ${shape.length})`] });
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// options shared by every op (geometry, layout, typos, backend)

interface OptCase {
  name: string;
  opts: (n: number) => unknown;
  code: AdaPoolErrorCode;
  got: (n: number, xShape: readonly number[]) => string[];
  only?: (e: Entry) => boolean;
}
const rep = <T>(n: number, v: T): T[] => new Array<T>(n).fill(v);

const badInts: [string, unknown, string][] = [
  ['zero', 0, 'got 0'],
  ['negative', -1, 'got -1'],
  ['fractional', 1.5, 'got 1.5'],
  ['NaN', NaN, 'got NaN'],
  ['Infinity', Infinity, 'got Infinity'],
  ['-Infinity', -Infinity, 'got -Infinity'],
  ['string', '2', 'got "2"'],
  ['boolean', true, 'got true'],
  ['null', null, 'got null'],
];

const OPTION_CASES: OptCase[] = [];
for (const key of ['kernelSize', 'stride', 'dilation']) {
  for (const [name, v, got] of badInts) {
    OPTION_CASES.push({ name: `${key} ${name}`, opts: () => ({ [key]: v }), code: 'OPTION', got: () => [`${key} must be an integer ≥ 1`, got] });
  }
  OPTION_CASES.push({
    name: `${key} per-dim array with a zero`,
    opts: (n) => ({ [key]: [...rep(n - 1, 1), 0] }),
    code: 'OPTION',
    got: (n) => [`got ${fmt([...rep(n - 1, 1), 0])}`],
  });
}
for (const [name, v, got] of badInts.filter(([name]) => name !== 'zero')) {
  OPTION_CASES.push({ name: `padding ${name}`, opts: () => ({ padding: v }), code: 'OPTION', got: () => ['padding must be an integer ≥ 0', got] });
}
// padding: each side 0 ≤ p ≤ d(k−1); numbers, [begin, end] pairs, 'same', 'valid' (OPERATORS.md 2.1)
const BOUND = 'padding must be ≤ dilation·(kernelSize−1) on each side of every axis';
const FORMS = "an integer ≥ 0, an array of";
const J = (v: unknown) => JSON.stringify(v);
OPTION_CASES.push(
  { name: 'padding > d(k−1) (k=2, p=2)', opts: () => ({ padding: 2 }), code: 'OPTION', got: (n) => [BOUND, `got padding ${fmt(rep(n, 2))}`] },
  { name: 'padding > d(k−1) (k=3, p=3)', opts: () => ({ kernelSize: 3, padding: 3 }), code: 'OPTION', got: (n) => [`kernelSize ${fmt(rep(n, 3))}, dilation ${fmt(rep(n, 1))}`, `got padding ${fmt(rep(n, 3))}`] },
  { name: 'padding > d(k−1) (k=1, p=1)', opts: () => ({ kernelSize: 1, padding: 1 }), code: 'OPTION', got: (n) => [BOUND, `got padding ${fmt(rep(n, 1))}`] },
  { name: 'padding > d(k−1) (k=3, d=2, p=5)', opts: () => ({ kernelSize: 3, dilation: 2, padding: 5 }), code: 'OPTION', got: (n) => [`dilation ${fmt(rep(n, 2))}`, `got padding ${fmt(rep(n, 5))}`] },
  {
    name: 'padding > d(k−1) on the last axis only',
    opts: (n) => ({ kernelSize: 3, padding: [...rep(n - 1, 2), 3] }),
    code: 'OPTION',
    got: (n) => [BOUND, `got padding ${fmt([...rep(n - 1, 2), 3])}`],
  },
  {
    name: 'padding pair with its end side > d(k−1)',
    opts: (n) => ({ kernelSize: 3, padding: [...rep(n - 1, [2, 2]), [0, 3]] }),
    code: 'OPTION',
    got: (n) => [BOUND, `got padding ${J([...rep(n - 1, [2, 2]), [0, 3]])}`],
  },
  { name: 'padding pair of one', opts: (n) => ({ padding: rep(n, [1]) }), code: 'OPTION', got: (n) => ['padding pairs must be [begin, end], two integers ≥ 0 each', `got ${J(rep(n, [1]))}`] },
  { name: 'padding pair of three', opts: (n) => ({ kernelSize: 3, padding: rep(n, [1, 1, 1]) }), code: 'OPTION', got: (n) => ['padding pairs must be [begin, end]', `got ${J(rep(n, [1, 1, 1]))}`] },
  { name: 'padding empty pairs', opts: (n) => ({ padding: rep(n, []) }), code: 'OPTION', got: () => ['padding pairs must be [begin, end]'] },
  { name: 'padding one pair too many', opts: (n) => ({ padding: rep(n + 1, [0, 1]) }), code: 'OPTION', got: (n) => [`padding must be ${FORMS} ${n} of them, an array of ${n} [begin, end] pairs of them, 'same' or 'valid'`, `got ${J(rep(n + 1, [0, 1]))}`] },
  { name: 'padding a bare pair (not one per axis)', opts: (n) => ({ padding: rep(n + 1, 1) }), code: 'OPTION', got: (n) => [`padding must be ${FORMS}`, `got ${fmt(rep(n + 1, 1))}`] },
  {
    name: 'padding mixes numbers and pairs',
    opts: (n) => ({ padding: [1, ...rep(n - 1, [0, 1])] }),
    code: 'OPTION',
    got: (n) => ['padding per axis must be all numbers or all [begin, end] pairs, one per spatial dim', `got ${J([1, ...rep(n - 1, [0, 1])])}`],
    only: (e) => nOf(e) > 1,
  },
  { name: 'padding pair with a negative side', opts: (n) => ({ padding: rep(n, [-1, 1]) }), code: 'OPTION', got: (n) => [`padding must be ${FORMS}`, `got ${J(rep(n, [-1, 1]))}`] },
  { name: 'padding pair with a fraction', opts: (n) => ({ padding: rep(n, [0.5, 1]) }), code: 'OPTION', got: (n) => [`padding must be ${FORMS}`, `got ${J(rep(n, [0.5, 1]))}`] },
  { name: 'padding pair of strings', opts: (n) => ({ padding: rep(n, ['0', '1']) }), code: 'OPTION', got: () => [`padding must be ${FORMS}`] },
  { name: 'padding pair with NaN', opts: (n) => ({ padding: rep(n, [NaN, 0]) }), code: 'OPTION', got: () => [`padding must be ${FORMS}`, 'NaN'] },
  { name: 'padding pairs nested too deep', opts: (n) => ({ padding: rep(n, [[0, 1], 1]) }), code: 'OPTION', got: () => [`padding must be ${FORMS}`] },
  { name: 'padding pair side 1e300', opts: (n) => ({ kernelSize: 3, padding: rep(n, [0, 1e300]) }), code: 'UNSUPPORTED', got: () => ['padding must be ≤ 2^31−1'] },
  { name: "padding 'same' with ceilMode", opts: () => ({ padding: 'same', ceilMode: true }), code: 'OPTION', got: () => ["padding 'same' fixes the output size ⌈L/stride⌉ and excludes ceilMode: true", "got padding 'same' with ceilMode: true"] },
  { name: "padding 'SAME' (unknown string)", opts: () => ({ padding: 'SAME' }), code: 'OPTION', got: () => [`padding must be ${FORMS}`, `'same' or 'valid', got "SAME"`] },
  { name: "padding 'same_upper' (ONNX's word)", opts: () => ({ padding: 'same_upper' }), code: 'OPTION', got: () => ['got "same_upper"'] },
  { name: "padding ''", opts: () => ({ padding: '' }), code: 'OPTION', got: () => ['got ""'] },
  { name: 'padding an object', opts: () => ({ padding: { begin: 1, end: 1 } }), code: 'OPTION', got: () => [`padding must be ${FORMS}`] },
  { name: "padding 'valid' with outputSize", opts: () => ({ padding: 'valid', outputSize: 2 }), code: 'OPTION', got: () => ['outputSize (adaptive geometry) excludes', 'got outputSize with padding'] },
);
// per-dim arrays of the wrong length
for (const [key, v] of [
  ['kernelSize', 2],
  ['stride', 1],
  ['padding', 0],
  ['dilation', 1],
  ['outputSize', 1],
] as const) {
  OPTION_CASES.push(
    { name: `${key} array of n+1`, opts: (n) => ({ [key]: rep(n + 1, v) }), code: 'OPTION', got: (n) => [`array of ${n}`, `got ${fmt(rep(n + 1, v))}`] },
    { name: `${key} empty array`, opts: () => ({ [key]: [] }), code: 'OPTION', got: () => ['got []'] },
    {
      name: `${key} array of n−1 (or 2 for 1D)`,
      opts: (n) => ({ [key]: rep(n === 1 ? 2 : n - 1, v) }),
      code: 'OPTION',
      got: (n) => [`got ${fmt(rep(n === 1 ? 2 : n - 1, v))}`],
    },
    { name: `${key} typed array`, opts: (n) => ({ [key]: new Int32Array(n).fill(v) }), code: 'OPTION', got: (n) => [`got Int32Array(${n})`] },
  );
}
// adaptive geometry
for (const [name, v, got] of badInts) {
  OPTION_CASES.push({ name: `outputSize ${name}`, opts: () => ({ outputSize: v }), code: 'OPTION', got: () => ['outputSize must be an integer ≥ 1', got] });
}
OPTION_CASES.push({ name: 'outputSize per-dim with a zero', opts: (n) => ({ outputSize: [...rep(n - 1, 2), 0] }), code: 'OPTION', got: (n) => [`got ${fmt([...rep(n - 1, 2), 0])}`] });
for (const [key, v] of [
  ['kernelSize', 2],
  ['stride', 1],
  ['padding', 0],
  ['dilation', 1],
  ['ceilMode', false],
  ['ceilMode', true],
] as const) {
  OPTION_CASES.push({
    name: `outputSize with ${key}=${v}`,
    opts: () => ({ outputSize: 2, [key]: v }),
    code: 'OPTION',
    got: () => ['excludes kernelSize, stride, padding, dilation and ceilMode', `got outputSize with ${key}`],
  });
}
OPTION_CASES.push({
  name: 'outputSize with kernelSize and stride',
  opts: () => ({ outputSize: 2, kernelSize: 2, stride: 2 }),
  code: 'OPTION',
  got: () => ['got outputSize with kernelSize, stride'],
});
// booleans
for (const key of ['ceilMode', 'channelsLast']) {
  for (const [v, got] of [
    [1, 'got 1'],
    [0, 'got 0'],
    ['true', 'got "true"'],
    [null, 'got null'],
  ] as const) {
    OPTION_CASES.push({ name: `${key} ${String(v)}`, opts: () => ({ [key]: v }), code: 'OPTION', got: () => [`${key} must be a boolean`, got] });
  }
}
for (const [v, got] of [
  [1, 'got 1'],
  ['false', 'got "false"'],
  [null, 'got null'],
] as const) {
  OPTION_CASES.push({ name: `returnMask ${String(v)}`, opts: () => ({ returnMask: v }), code: 'OPTION', got: () => ['returnMask must be a boolean', got], only: (e) => e.kind === 'pool' || e.kind === 'grad' });
  OPTION_CASES.push({ name: `countIncludePad ${String(v)}`, opts: () => ({ countIncludePad: v }), code: 'OPTION', got: () => ['countIncludePad must be a boolean', got], only: (e) => e.method === 'avg' && (e.kind === 'pool' || e.kind === 'grad') });
}
// idwEps
for (const [v, got] of [
  [0, 'got 0'],
  [-0, 'got -0'],
  [-1e-6, 'got -0.000001'],
  [NaN, 'got NaN'],
  [Infinity, 'got Infinity'],
  [-Infinity, 'got -Infinity'],
  ['1e-6', 'got "1e-6"'],
] as const) {
  OPTION_CASES.push({ name: `idwEps ${String(v)}`, opts: () => ({ idwEps: v }), code: 'OPTION', got: () => ['idwEps must be a finite number > 0', got], only: (e) => e.method === 'idw' });
}
// unknown options: valid for some ops, unknown to others
OPTION_CASES.push(
  { name: 'countIncludePad on a non-avg op', opts: () => ({ countIncludePad: true }), code: 'OPTION', got: () => ['got unknown option "countIncludePad"'], only: (e) => !(e.method === 'avg' && (e.kind === 'pool' || e.kind === 'grad')) },
  { name: 'idwEps on a non-idw op', opts: () => ({ idwEps: 1e-3 }), code: 'OPTION', got: () => ['got unknown option "idwEps"'], only: (e) => e.method !== 'idw' },
  { name: 'inputSize on a pooling op', opts: () => ({ inputSize: 4 }), code: 'OPTION', got: () => ['got unknown option "inputSize"'], only: (e) => e.kind === 'pool' || e.kind === 'grad' },
  { name: 'returnMask on adaUnpool', opts: () => ({ returnMask: true }), code: 'OPTION', got: () => ['got unknown option "returnMask"'], only: (e) => e.kind === 'unpool' || e.kind === 'unpoolGrad' },
  { name: 'beta as an option', opts: () => ({ beta: 0.5 }), code: 'OPTION', got: () => ['got unknown option "beta"'] },
);
// typos
for (const [key, hint] of [
  ['kernel_size', undefined],
  ['kernelsize', 'kernelSize'],
  ['KernelSize', 'kernelSize'],
  ['strides', undefined],
  ['Stride', 'stride'],
  ['pad', undefined],
  ['dilations', undefined],
  ['ceil_mode', undefined],
  ['channelslast', 'channelsLast'],
  ['outputsize', 'outputSize'],
  ['output_size', undefined],
  ['Backend', 'backend'],
] as const) {
  OPTION_CASES.push({
    name: `typo ${key}`,
    opts: () => ({ [key]: 2 }),
    code: 'OPTION',
    got: () => ['options must be among kernelSize, stride', `got unknown option "${key}"`, ...(hint ? [`(did you mean "${hint}"?)`] : [])],
  });
}
// not an object
for (const [v, got] of [
  [2, 'got 2'],
  ['kernelSize', 'got "kernelSize"'],
  [[2], 'got [2]'],
  [true, 'got true'],
  [() => 2, 'got a function'],
] as const) {
  OPTION_CASES.push({ name: `options ${typeof v === 'function' ? 'function' : JSON.stringify(v)}`, opts: () => v, code: 'OPTION', got: () => ['options must be an object', got] });
}
// window larger than the padded input (the unpool's input size is inferred from v instead)
OPTION_CASES.push(
  {
    name: 'kernel larger than the input',
    opts: () => ({ kernelSize: 7 }),
    code: 'SHAPE',
    got: (_n, xs) => ['must fit the padded input', `got input shape ${fmt(xs)}`],
    only: (e) => e.kind === 'pool' || e.kind === 'grad',
  },
  {
    name: 'dilated window larger than the input',
    opts: () => ({ kernelSize: 3, dilation: 4 }),
    code: 'SHAPE',
    got: (_n, xs) => ['extent dilation·(kernelSize−1)+1 = 9', `got input shape ${fmt(xs)}`],
    only: (e) => e.kind === 'pool' || e.kind === 'grad',
  },
  {
    name: 'kernel larger than the input on the last axis only',
    opts: (n) => ({ kernelSize: [...rep(n - 1, 2), 9], padding: 0 }),
    code: 'SHAPE',
    got: (n, xs) => [`spatial axis ${n - 1}`, `got input shape ${fmt(xs)}`],
    only: (e) => e.kind === 'pool' || e.kind === 'grad',
  },
);
// backend names
OPTION_CASES.push(
  { name: "backend 'nope'", opts: () => ({ backend: 'nope' }), code: 'BACKEND', got: () => ["backend must be 'auto' or a registered backend", 'got "nope"'] },
  { name: "backend ''", opts: () => ({ backend: '' }), code: 'BACKEND', got: () => ['got ""'] },
  { name: 'backend 42', opts: () => ({ backend: 42 }), code: 'BACKEND', got: () => ['got 42'] },
  { name: 'backend null', opts: () => ({ backend: null }), code: 'BACKEND', got: () => ['got null'] },
);

// sizes beyond 2^31 − 1 (rejected before any loop), and options objects that are not plain data
for (const key of ['kernelSize', 'stride', 'dilation', 'outputSize']) {
  for (const [v, got] of [[2 ** 31, 'got 2147483648'], [1e300, 'got 1e+300'], [2 ** 53, 'got 9007199254740992']] as const) {
    OPTION_CASES.push({ name: `${key} ${got.slice(4)}`, opts: () => ({ [key]: v }), code: 'UNSUPPORTED', got: () => [`${key} must be ≤ 2^31−1 = 2147483647 on every axis`, got] });
  }
}
OPTION_CASES.push({ name: 'padding 1e300', opts: () => ({ kernelSize: 3, padding: 1e300 }), code: 'UNSUPPORTED', got: () => ['padding must be ≤ 2^31−1', 'got 1e+300'] });
class OptionsClass {
  kernelSize = 2;
}
for (const [name, o, got] of [
  ['a Map', () => new Map([['kernelSize', 2]]), 'got a Map'],
  ['a Date', () => new Date(0), 'got a Date'],
  ['a RegExp', () => /k/, 'got a RegExp'],
  ['an array', () => [2], 'got [2]'],
  ['a function', () => () => 2, 'got a function'],
  ['a class instance', () => new OptionsClass(), 'got a OptionsClass'],
  ['keys on the prototype', () => Object.create({ kernelSize: 3 }), 'got {}'],
] as const) {
  OPTION_CASES.push({ name: `options ${name}`, opts: o, code: 'OPTION', got: () => ['options must be an object (a plain { … } or Object.create(null))', got] });
}
OPTION_CASES.push(
  {
    name: 'a getter that throws',
    opts: () => ({ get stride(): number { throw new RangeError('boom'); } }),
    code: 'OPTION',
    got: () => ['options.stride must be readable', 'got an object that threw RangeError: boom when read'],
  },
  {
    name: 'a 100 000-element array (short echo)',
    opts: () => ({ kernelSize: new Array(100_000).fill(0) }),
    code: 'OPTION',
    got: () => ['got an array of 100000 elements'],
  },
  {
    name: 'a 500-element array (short echo)',
    opts: () => ({ stride: new Array(500).fill(-1) }),
    code: 'OPTION',
    got: () => ['got [-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,… (500 elements)]'],
  },
);

describe('options (every op, alias and gradient)', () => {
  it.each(OPTION_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    let ran = 0;
    for (const e of ENTRIES) {
      if (c.only && !c.only(e)) continue;
      const n = nOf(e);
      const xs = X_SHAPE[n];
      check(e, f32(xs), c.opts(n), { code: c.code, got: c.got(n, xs) }, {}, ` [${c.name}]`);
      ran++;
    }
    expect(ran).toBeGreaterThan(0);
  });

  it('the same options are accepted when valid (sanity for the table)', () => {
    for (const e of POOLING) {
      const n = nOf(e);
      const x = f32(X_SHAPE[n]);
      for (const opts of [{ kernelSize: 3, padding: 1, stride: 1, dilation: 1, ceilMode: true }, { outputSize: 2 }, { kernelSize: rep(n, 2), channelsLast: false, backend: 'js' }]) {
        expect(invoke(e, x, opts, e.kind === 'grad' ? { dy: f32(opts.outputSize ? [1, 2, ...rep(n, 2)] : opts.kernelSize === 3 ? X_SHAPE[n] : half(X_SHAPE[n])) } : {}).run, `${e.op} ${JSON.stringify(opts)}`).not.toThrow();
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('padding forms accepted (OPERATORS.md 2.1)', () => {
  it("pairs, 'same', 'valid' and sides up to d(k−1) run on every pooling op", () => {
    for (const e of POOLING.filter((e) => e.kind === 'pool')) {
      const n = nOf(e);
      const x = f32(X_SHAPE[n]);
      for (const opts of [
        { kernelSize: 3, padding: rep(n, [0, 2]) },
        { kernelSize: 3, stride: 2, padding: 'same' },
        { kernelSize: 2, padding: 'valid', ceilMode: true },
        { kernelSize: 3, dilation: 2, stride: 1, padding: 4 },
        { kernelSize: 3, padding: rep(n, [2, 0]), ceilMode: true, stride: 2 },
      ]) {
        expect(invoke(e, x, opts).run, `${e.op} ${JSON.stringify(opts)}`).not.toThrow();
      }
    }
  });

  it("adaUnpool with padding 'same' needs inputSize (OPTION), and takes it", () => {
    for (const e of ENTRIES.filter((e) => e.kind === 'unpool')) {
      const n = nOf(e);
      const vs = [1, 2, ...rep(n, 2)];
      check(e, f32(vs), { kernelSize: 3, stride: 2, padding: 'same' }, { code: 'OPTION', got: ["inputSize is required with padding 'same'", "got padding 'same' and no inputSize"] }, { mask: f32([...vs, ...rep(n, 3)]) });
    }
  });
});

describe('input tensor x (v for adaUnpool)', () => {
  const name = (e: Entry) => (e.kind === 'unpool' || e.kind === 'unpoolGrad' ? 'v' : 'x');

  it('int32 input to a float op (DTYPE)', () => {
    for (const e of ENTRIES) check(e, i32(X_SHAPE[nOf(e)]), undefined, { code: 'DTYPE', got: [`${name(e)} must be float32`, 'got int32'] });
  });

  it('not a Tensor (DTYPE)', () => {
    const fake = Object.create(Tensor.prototype);
    const cases: [unknown, string][] = [
      [undefined, 'got undefined'],
      [null, 'got null'],
      [3, 'got 3'],
      ['x', 'got "x"'],
      [new Float32Array(72), 'got Float32Array(72)'],
      [[1, 2, 3], 'got [1,2,3]'],
      [{ shape: [1, 2, 6, 6], dtype: 'float32' }, 'got {"shape":[1,2,6,6],"dtype":"float32"}'],
    ];
    for (const e of ENTRIES) {
      for (const [x, got] of cases) check(e, x, undefined, { code: 'DTYPE', got: [`${name(e)} must be a Tensor`, got] });
      check(e, fake, undefined, { code: 'DTYPE', got: [`${name(e)} must be a Tensor`, 'got a Tensor object not created by this copy of @adapool/core'] });
    }
  });

  it('disposed (DISPOSED)', () => {
    for (const e of ENTRIES) {
      const xs = X_SHAPE[nOf(e)];
      check(e, disposed(xs), undefined, { code: 'DISPOSED', got: [`got a disposed tensor of shape ${fmt(xs)}`] });
    }
  });

  it('a bad option is reported before a bad tensor is looked at', () => {
    for (const e of ENTRIES) check(e, 'not a tensor', { kernel_size: 2 }, { code: 'OPTION', got: ['unknown option "kernel_size"'] });
  });
});

// ---------------------------------------------------------------------------------------------

describe('adaPool β', () => {
  // C = 3 differs from every output dim so that misplaced channel axes cannot broadcast by chance
  const X = { 1: [2, 3, 8], 2: [2, 3, 8, 10], 3: [2, 3, 4, 8, 10] } as const;
  const O = { 1: [4], 2: [4, 5], 3: [2, 4, 5] } as const;
  const ones = (k: number) => rep(k, 1);

  /** Valid β shapes (OPERATORS.md 4.6), for [channelsFirst, channelsLast]. */
  function validForms(n: 1 | 2 | 3): [number[][], number[][]] {
    const o = [...O[n]];
    return [
      [[], [1], ones(n + 2), o, [3, ...ones(n)], [2, 3, ...ones(n)], [2, 3, ...o], [1, 3, ...o], [2, 1, ...o]],
      [[], [1], ones(n + 2), [...o, 1], [3], [2, ...ones(n), 3], [2, ...o, 3], [1, ...o, 3], [...o, 3]],
    ];
  }
  /** β shapes that must not broadcast, for [channelsFirst, channelsLast]. */
  function badForms(n: 1 | 2 | 3): [number[][], number[][]] {
    const o = [...O[n]];
    const oPlus = [...o.slice(0, -1), o[n - 1] + 1];
    return [
      [
        ones(n + 3), // too many dims
        [2, 3, ...o, 1],
        [4, ...ones(n)], // wrong channel count
        [2, ...ones(n)], // N in the channel slot
        [3], // channels-last per-channel form
        oPlus, // wrong spatial dims
        [...o, 3],
        [3, ...oPlus],
        [3, 2, ...o], // N and C swapped
        [4, 3, ...ones(n)], // wrong batch
        [0],
      ],
      [
        ones(n + 3),
        [3, ...ones(n)], // channels-first per-channel form
        o, // channels-first per-position form
        [2, 3, ...ones(n)], // channels-first per-sample-channel form
        [2, 3, ...o], // channels-first full form
        [4],
        [...oPlus, 3],
        [...o, 4],
        [4, ...o, 3],
      ],
    ];
  }

  it('accepts every named form in both layouts (sanity for the rejections below)', () => {
    for (const e of ADA) {
      const n = nOf(e);
      const [cf, cl] = validForms(n);
      for (const [forms, channelsLast] of [
        [cf, false],
        [cl, true],
      ] as const) {
        const xs = channelsLast ? [X[n][0], ...X[n].slice(2), X[n][1]] : X[n];
        const ys = channelsLast ? [2, ...O[n], 3] : [2, 3, ...O[n]];
        for (const b of forms) {
          const { run } = invoke(e, f32(xs), { channelsLast }, { beta: f32(b, 7), dy: f32(ys) });
          expect(run, `${e.op} beta ${fmt(b)} channelsLast=${channelsLast}`).not.toThrow();
        }
      }
    }
  });

  it('rejects β that does not broadcast (SHAPE), every way, both layouts', () => {
    for (const e of ADA) {
      const n = nOf(e);
      const [cf, cl] = badForms(n);
      for (const [forms, channelsLast] of [
        [cf, false],
        [cl, true],
      ] as const) {
        const xs = channelsLast ? [X[n][0], ...X[n].slice(2), X[n][1]] : X[n];
        const ys = channelsLast ? [2, ...O[n], 3] : [2, 3, ...O[n]];
        for (const b of forms) {
          check(
            e,
            f32(xs),
            { channelsLast },
            { code: 'SHAPE', got: [`beta shape must broadcast to the output ${fmt(ys)}`, `got ${fmt(b)}`] },
            { beta: f32(b, 7), dy: f32(ys) },
            ` beta ${fmt(b)} channelsLast=${channelsLast}`,
          );
        }
      }
    }
  });

  it('rejects int32 β (DTYPE)', () => {
    for (const e of ADA) check(e, f32(X_SHAPE[nOf(e)]), undefined, { code: 'DTYPE', got: ['beta must be float32', 'got int32'] }, { beta: i32([1]) });
  });

  it('rejects β that is not a tensor or a number (DTYPE)', () => {
    for (const e of ADA) {
      for (const [b, got] of [
        ['0.5', 'got "0.5"'],
        [null, 'got null'],
        [undefined, 'got undefined'],
        [[0.5], 'got [0.5]'],
        [new Float32Array([0.5]), 'got Float32Array(1)'],
        [{ value: 0.5 }, 'got {"value":0.5}'],
        [true, 'got true'],
        [5n, 'got 5'],
      ] as const) {
        check(e, f32(X_SHAPE[nOf(e)]), undefined, { code: 'DTYPE', got: ['beta must be a Tensor', got] }, { beta: b }, ` beta ${String(b)}`);
      }
    }
  });

  it('rejects a disposed β (DISPOSED)', () => {
    for (const e of ADA) {
      check(e, f32(X_SHAPE[nOf(e)]), undefined, { code: 'DISPOSED', got: ['got a disposed tensor of shape [1,1]'] }, { beta: disposed([1, 1]) });
    }
  });

  it('rejects bad options with β as a number and as a tensor alike', () => {
    for (const e of ADA) {
      for (const beta of [0.5, 0, 2, f32([1])]) {
        check(e, f32(X_SHAPE[nOf(e)]), { kernelSize: 0 }, { code: 'OPTION', got: ['got 0'] }, { beta });
      }
    }
  });

  it('a scalar-number β does not keep a rejected call from being diagnosed (x disposed)', () => {
    for (const e of ADA) check(e, disposed(X_SHAPE[nOf(e)]), undefined, { code: 'DISPOSED', got: ['got a disposed tensor'] }, { beta: 0.25 });
  });
});

// ---------------------------------------------------------------------------------------------

describe('gradients: dy', () => {
  it('rejects dy of the wrong shape (SHAPE)', () => {
    for (const e of GRADS) {
      const n = nOf(e);
      const xs = X_SHAPE[n];
      const ys = half(xs);
      const bads = [xs, [...ys, 1], ys.slice(0, -1), [ys[0] + 1, ...ys.slice(1)], [ys[0], ys[1] + 1, ...ys.slice(2)], [ys[0], ...ys.slice(2), ys[1]], [1]];
      for (const bad of bads.filter((b) => fmt(b) !== fmt(ys))) {
        check(e, f32(xs), undefined, { code: 'SHAPE', got: [`dy shape must equal the output shape ${fmt(ys)}`, `got ${fmt(bad)}`] }, { dy: f32(bad) }, ` dy ${fmt(bad)}`);
      }
    }
  });

  it('rejects a channels-first dy for a channels-last op (SHAPE)', () => {
    for (const e of GRADS) {
      const n = nOf(e);
      const xs = [1, ...rep(n, 4), 3];
      const ysCL = [1, ...rep(n, 2), 3];
      const ysCF = [1, 3, ...rep(n, 2)];
      check(e, f32(xs), { channelsLast: true }, { code: 'SHAPE', got: [`output shape ${fmt(ysCL)}`, `got ${fmt(ysCF)}`] }, { dy: f32(ysCF) });
    }
  });

  it('rejects dy for another geometry (SHAPE)', () => {
    for (const e of GRADS) {
      const n = nOf(e);
      const xs = X_SHAPE[n];
      const ys = [1, 2, ...xs.slice(2).map((d) => d - 1)]; // stride-1 output, but the call uses the default stride
      check(e, f32(xs), { kernelSize: 2 }, { code: 'SHAPE', got: [`got ${fmt(ys)}`] }, { dy: f32(ys) });
    }
  });

  it('rejects int32 dy (DTYPE), dy not a tensor (DTYPE), disposed dy (DISPOSED)', () => {
    for (const e of GRADS) {
      const xs = X_SHAPE[nOf(e)];
      check(e, f32(xs), undefined, { code: 'DTYPE', got: ['dy must be float32', 'got int32'] }, { dy: i32(half(xs)) });
      check(e, f32(xs), undefined, { code: 'DTYPE', got: ['dy must be a Tensor', 'got undefined'] }, { dy: undefined });
      check(e, f32(xs), undefined, { code: 'DTYPE', got: ['dy must be a Tensor', `got Float32Array(${prod(half(xs))})`] }, { dy: new Float32Array(prod(half(xs))) });
      check(e, f32(xs), undefined, { code: 'DISPOSED', got: [`got a disposed tensor of shape ${fmt(half(xs))}`] }, { dy: disposed(half(xs)) });
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('adaUnpool: mask, inputSize, dU', () => {
  const V = { 1: [1, 2, 3], 2: [1, 2, 3, 2], 3: [1, 2, 2, 3, 2] } as const;
  const vOf = (e: Entry) => V[nOf(e)];

  it('accepts matching masks in both layouts and adaptive geometry with inputSize (sanity)', () => {
    for (const e of UNPOOL) {
      const n = nOf(e);
      const vs = vOf(e);
      const sp = vs.slice(2);
      const dUs = (S: readonly number[], cl = false) => (cl ? [1, ...S, 2] : [1, 2, ...S]);
      expect(invoke(e, f32(vs), undefined, { mask: f32([...vs, ...rep(n, 2)]), dU: f32(dUs(sp.map((d) => 2 * d))) }).run).not.toThrow();
      const vcl = [1, ...sp, 2];
      expect(invoke(e, f32(vcl), { channelsLast: true }, { mask: f32([1, ...sp, ...rep(n, 2), 2]), dU: f32(dUs(sp.map((d) => 2 * d), true)) }).run).not.toThrow();
      // adaptive: input 5 → output O per axis, K = 3 for O ∈ {2, 3}
      const S = rep(n, 5);
      expect(invoke(e, f32(vs), { outputSize: sp, inputSize: S }, { mask: f32([...vs, ...rep(n, 3)]), dU: f32(dUs(S)) }).run).not.toThrow();
      // explicit inputSize with strided geometry (floor mode drops the last row)
      expect(invoke(e, f32(vs), { inputSize: sp.map((d) => 2 * d + 1) }, { mask: f32([...vs, ...rep(n, 2)]), dU: f32(dUs(sp.map((d) => 2 * d + 1))) }).run).not.toThrow();
    }
  });

  it('rejects a mask whose shape does not match the geometry (SHAPE)', () => {
    for (const e of UNPOOL) {
      const n = nOf(e);
      const vs = vOf(e);
      const sp = vs.slice(2);
      const want = [...vs, ...rep(n, 2)];
      for (const bad of [
        vs, // no window axes
        [...vs, ...rep(n, 3)], // other kernel
        [...vs, ...rep(n, 2), 1],
        [1, 2, ...sp.map((d) => d + 1), ...rep(n, 2)], // other output size
        [2, 2, ...sp, ...rep(n, 2)], // other batch
        [1, 1, ...sp, ...rep(n, 2)], // other channels
        [1, ...sp, ...rep(n, 2), 2], // channels-last mask for a channels-first op
        [prod(want)],
      ]) {
        check(e, f32(vs), undefined, { code: 'SHAPE', got: [`mask shape must equal the mask shape [N,C,*O,*K] of this geometry ${fmt(want)}`, `got ${fmt(bad)}`] }, { mask: f32(bad) }, ` mask ${fmt(bad)}`);
      }
      // geometry given explicitly: the mask of kernel 2 does not fit kernel 3
      check(e, f32(vs), { kernelSize: 3, stride: 2 }, { code: 'SHAPE', got: [fmt([...vs, ...rep(n, 3)]), `got ${fmt(want)}`] }, { mask: f32(want) });
      // adaptive: K follows the (inputSize, outputSize) pair
      check(e, f32(vs), { outputSize: sp, inputSize: rep(n, 5) }, { code: 'SHAPE', got: [fmt([...vs, ...rep(n, 3)]), `got ${fmt(want)}`] }, { mask: f32(want) });
      // channels-last op, channels-first mask
      const vcl = [1, ...sp, 2];
      check(e, f32(vcl), { channelsLast: true }, { code: 'SHAPE', got: [fmt([1, ...sp, ...rep(n, 2), 2]), `got ${fmt(want)}`] }, { mask: f32(want) });
    }
  });

  it('rejects an int32, non-tensor or disposed mask', () => {
    for (const e of UNPOOL) {
      const n = nOf(e);
      const vs = vOf(e);
      const ms = [...vs, ...rep(n, 2)];
      check(e, f32(vs), undefined, { code: 'DTYPE', got: ['mask must be float32', 'got int32'] }, { mask: i32(ms) });
      check(e, f32(vs), undefined, { code: 'DTYPE', got: ['mask must be a Tensor', 'got null'] }, { mask: null });
      check(e, f32(vs), undefined, { code: 'DISPOSED', got: [`got a disposed tensor of shape ${fmt(ms)}`] }, { mask: disposed(ms) });
    }
  });

  it('rejects an inputSize that does not reproduce v (SHAPE)', () => {
    for (const e of UNPOOL) {
      const n = nOf(e);
      const vs = vOf(e);
      const sp = vs.slice(2);
      const ms = [...vs, ...rep(n, 2)];
      // strided k=2: L = 2·O + 2 gives O + 1
      const S = sp.map((d) => 2 * d + 2);
      check(e, f32(vs), { inputSize: S }, { code: 'SHAPE', got: [`inputSize ${fmt(S)} must reproduce v's spatial size ${fmt(sp)}`, `got output size ${fmt(sp.map((d) => d + 1))}`] }, { mask: f32(ms) });
      const S2 = sp.map((d) => 2 * d - 1);
      check(e, f32(vs), { inputSize: S2 }, { code: 'SHAPE', got: [`got output size ${fmt(sp.map((d) => d - 1))}`] }, { mask: f32(ms) });
      // only the last axis wrong
      const S3 = [...sp.slice(0, -1).map((d) => 2 * d), 2 * sp[n - 1] + 2];
      check(e, f32(vs), { inputSize: S3 }, { code: 'SHAPE', got: [`inputSize ${fmt(S3)}`] }, { mask: f32(ms) });
    }
  });

  it('rejects an inputSize too small for the window (SHAPE)', () => {
    for (const e of UNPOOL) {
      const vs = vOf(e);
      check(e, f32(vs), { kernelSize: 3, inputSize: 2 }, { code: 'SHAPE', got: ['must fit the padded input', 'got input shape'] });
    }
  });

  it('rejects bad inputSize values (OPTION)', () => {
    for (const e of UNPOOL) {
      const n = nOf(e);
      for (const [v, got] of [
        [0, 'got 0'],
        [-4, 'got -4'],
        [4.5, 'got 4.5'],
        [NaN, 'got NaN'],
        [Infinity, 'got Infinity'],
        ['6', 'got "6"'],
        [rep(n + 1, 6), `got ${fmt(rep(n + 1, 6))}`],
        [[], 'got []'],
      ] as const) {
        check(e, f32(vOf(e)), { inputSize: v }, { code: 'OPTION', got: ['inputSize must be an integer ≥ 1', got] }, {}, ` inputSize ${String(v)}`);
      }
    }
  });

  it('adaptive unpool without inputSize (OPTION)', () => {
    for (const e of UNPOOL) {
      const n = nOf(e);
      const vs = vOf(e);
      const mask = f32([...vs, ...rep(n, 2)]);
      const args = e.kind === 'unpool' ? [f32(vs), mask] : [f32(vs), mask, f32([1, 2, ...vs.slice(2).map((d) => 2 * d)])];
      for (const opts of [{ outputSize: vs.slice(2) }, { outputSize: 2, channelsLast: false }]) {
        expectRejected(() => e.fn(...args, opts), { code: 'OPTION', op: e.op, got: ['inputSize is required with adaptive geometry', 'got no inputSize'] }, args);
      }
    }
  });

  it('an inferred inputSize below 1 (SHAPE)', () => {
    for (const e of UNPOOL) {
      const n = nOf(e);
      const vs = [1, 2, ...rep(n, 1)];
      // (O−1)s − 2p + d(k−1) + 1 = 0 − 2 + 1·2 + 1... use k=2,p=1: 0 − 2 + 1 + 1 = 0
      check(e, f32(vs), { padding: 1 }, { code: 'SHAPE', got: ['inferred inputSize', `got ${fmt(rep(n, 0))} from v shape ${fmt(vs)}`] }, { mask: f32([...vs, ...rep(n, 2)]) });
    }
  });

  it('rejects dU of the wrong shape, int32, not a tensor, disposed', () => {
    for (const e of UNPOOL.filter((e) => e.kind === 'unpoolGrad')) {
      const n = nOf(e);
      const vs = vOf(e);
      const ms = [...vs, ...rep(n, 2)];
      const us = [1, 2, ...vs.slice(2).map((d) => 2 * d)];
      for (const bad of [vs, [...us, 1], [1, 2, ...vs.slice(2).map((d) => 2 * d + 1)], [1, ...us.slice(2), 2], [2, ...us.slice(1)]]) {
        check(e, f32(vs), undefined, { code: 'SHAPE', got: [`dU shape must equal the unpooled shape ${fmt(us)}`, `got ${fmt(bad)}`] }, { mask: f32(ms), dU: f32(bad) }, ` dU ${fmt(bad)}`);
      }
      check(e, f32(vs), undefined, { code: 'DTYPE', got: ['dU must be float32', 'got int32'] }, { mask: f32(ms), dU: i32(us) });
      check(e, f32(vs), undefined, { code: 'DTYPE', got: ['dU must be a Tensor', 'got 0'] }, { mask: f32(ms), dU: 0 });
      check(e, f32(vs), undefined, { code: 'DISPOSED', got: [`got a disposed tensor of shape ${fmt(us)}`] }, { mask: f32(ms), dU: disposed(us) });
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('tensor()', () => {
  const T = (...args: unknown[]) => () => (tensor as unknown as Fn)(...args);

  it('data length must equal the shape product (SHAPE)', () => {
    for (const [data, shape, got] of [
      [new Float32Array(5), [2, 3], 'got 5'],
      [[1, 2, 3], [2, 2], 'got 3'],
      [new Int32Array(7), [2, 3], 'got 7'],
      [[], [1], 'got 0'],
      [[1], [0, 3], 'got 1'],
      [[1, 2], [], 'got 2'],
    ] as const) {
      const src = Array.from(data as ArrayLike<number>);
      expectRejected(T(data, shape), { code: 'SHAPE', op: 'tensor', got: [`product of shape ${fmt(shape)} = ${prod(shape)}`, got] }, []);
      expect(Array.from(data as ArrayLike<number>)).toEqual(src);
    }
  });

  it('dims must be non-negative integers (SHAPE)', () => {
    for (const [shape, got] of [
      [[2, NaN], 'got [2,NaN]'],
      [[Infinity], 'got [Infinity]'],
      [[-1, 2], 'got [-1,2]'],
      [[1.5, 2], 'got [1.5,2]'],
      [['2', 2], 'got ["2",2]'],
      [[null], 'got [null]'],
      [2, 'got 2'],
      [undefined, 'got undefined'],
      ['2,2', 'got "2,2"'],
    ] as const) {
      expectRejected(T([1, 2, 3, 4], shape), { code: 'SHAPE', op: 'tensor', got: ['shape must be an array of non-negative integers', got] }, []);
    }
  });

  it('dtype and data must be usable (DTYPE)', () => {
    for (const [args, got] of [
      [[[1, 2], [2], 'float64'], 'got "float64"'],
      [[[1, 2], [2], 'int8'], 'got "int8"'],
      [[[1, 2], [2], 42], 'got 42'],
      [[null, [0]], 'got null'],
      [[undefined, [0]], 'got undefined'],
      [['ab', [2]], 'got "ab"'],
      [[7, [1]], 'got 7'],
      [[{}, [0]], 'got {}'],
      [[[1.5, 2], [2], 'int32'], 'got 1.5 at index 0'],
      [[[1, NaN], [2], 'int32'], 'got NaN at index 1'],
      [[[2 ** 31], [1], 'int32'], 'got 2147483648 at index 0'],
      [[new Float32Array([0, 0.25]), [2], 'int32'], 'got 0.25 at index 1'],
    ] as const) {
      expectRejected(T(...args), { code: 'DTYPE', op: 'tensor', got: [got] }, []);
    }
  });
});

describe('backend names', () => {
  it('setBackend rejects unknown names (BACKEND) and keeps the old default', () => {
    const before = getBackend();
    for (const [name, got] of [
      ['nope', 'got "nope"'],
      ['', 'got ""'],
      ['JS', 'got "JS"'],
      [undefined, 'got undefined'],
      [null, 'got null'],
      [1, 'got 1'],
    ] as const) {
      expectRejected(() => setBackend(name as string), { code: 'BACKEND', op: 'setBackend', got: ["backend must be 'auto' or a registered backend (js", got] }, []);
      expect(getBackend()).toBe(before);
    }
  });
});
