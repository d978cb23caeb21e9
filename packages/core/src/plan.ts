/**
 * Options, validation and the execution plan shared by every op. A `PoolPlan` is plain data:
 * everything a kernel on any backend needs (shapes, per-axis geometry, layout strides, β
 * broadcast strides), computed once here from the one geometry rule in geometry.ts.
 */
import { Raw, fail } from './errors.js';
import { readOptions } from './read.js';
import {
  adaptiveAxis,
  defaultUnpoolLength,
  layoutShape,
  layoutStrides,
  samePadding,
  stridedAxis,
  stridedSpan,
  type AxisGeometry,
  type LayoutStrides,
} from './geometry.js';
import { assertBackendName } from './registry.js';
import { Tensor, isTensor } from './tensor.js';
import type { KernelName } from './backend.js';

import type { PoolMethod } from './ops/index.js';
import type { OptionSpec } from './ops/region.js';
export type { PoolMethod };

/** A number, or one value per spatial dim. */
export type PerDim = number | readonly number[];

/**
 * Padding (OPERATORS.md 2.1): a number, one per spatial dim, one `[begin, end]` pair per spatial
 * dim, `'same'` (TF.js / ONNX SAME_UPPER) or `'valid'` (none).
 */
export type Padding = PerDim | readonly (readonly [number, number])[] | 'same' | 'valid';

export interface GeometryOptions {
  kernelSize?: PerDim;
  stride?: PerDim;
  padding?: Padding;
  dilation?: PerDim;
  ceilMode?: boolean;
  /** Adaptive geometry: the output size. Excludes kernelSize/stride/padding/dilation/ceilMode. */
  outputSize?: PerDim;
  channelsLast?: boolean;
  /** Backend for this call: a registered name or `'auto'`. */
  backend?: string;
}

export interface PoolOptions extends GeometryOptions {
  returnMask?: boolean;
}
export interface UnpoolOptions extends GeometryOptions {
  inputSize?: PerDim;
}

export interface BetaPlan {
  /** β's own shape. */
  readonly shape: readonly number[];
  readonly size: number;
  /** Element strides of β indexed by output coordinates (0 along broadcast axes). */
  readonly strides: LayoutStrides;
}

export interface PoolPlan {
  /** The op name used in messages (`softPool2d`, `adaPool`, …). */
  readonly op: string;
  readonly method: PoolMethod;
  /** Spatial rank n. */
  readonly n: number;
  readonly N: number;
  readonly C: number;
  /** Input spatial size S. */
  readonly inSize: readonly number[];
  /** Output spatial size O. */
  readonly outSize: readonly number[];
  /** Taps per window K, one per axis. */
  readonly window: readonly number[];
  readonly axes: readonly AxisGeometry[];
  readonly adaptive: boolean;
  readonly channelsLast: boolean;
  readonly returnMask: boolean;
  readonly countIncludePad: boolean;
  readonly idwEps: number;
  /** The op's own options (its descriptor's schema), defaults filled in: what `opParam` reads. */
  readonly params: Readonly<Record<string, number | boolean>>;
  /** Shapes as laid out in memory. */
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly maskShape: readonly number[];
  readonly inputStrides: LayoutStrides;
  readonly outputStrides: LayoutStrides;
  /** Mask strides: `s` holds n output strides followed by n window strides. */
  readonly maskStrides: LayoutStrides;
  readonly inputElements: number;
  readonly outputElements: number;
  readonly maskElements: number;
  /** Taps per window, Π K. */
  readonly windowSize: number;
  readonly beta?: BetaPlan;
}

const GEOMETRY_KEYS = ['kernelSize', 'stride', 'padding', 'dilation', 'ceilMode', 'outputSize'] as const;
const STRIDED_KEYS = ['kernelSize', 'stride', 'padding', 'dilation', 'ceilMode'] as const;
export const COMMON_KEYS = [...GEOMETRY_KEYS, 'channelsLast', 'backend'] as const;

const fmt = (shape: readonly number[]): Raw => new Raw(`[${shape.join(',')}]`);

/**
 * The options object read once into a plain snapshot (see read.ts): a plain object or nothing,
 * own keys only, every key in `allowed` (typos must not be silently ignored).
 */
export function checkOptionKeys(op: string, opts: unknown, allowed: readonly string[]): Record<string, unknown> {
  return readOptions(op, opts, allowed);
}

/** Checks that `t` is a live float32 (or `dtype`) tensor and returns its shape. */
export function checkTensor(op: string, name: string, t: unknown, dtype: 'float32' | 'int32' = 'float32'): readonly number[] {
  if (!isTensor(t)) {
    let forged = false;
    try {
      forged = t instanceof Tensor; // a revoked Proxy throws here
    } catch {
      /* not a tensor either way */
    }
    const got = forged ? new Raw('a Tensor object not created by this copy of @adapool/core') : t;
    fail('DTYPE', op, `${name} must be a Tensor`, got);
  }
  if (t.isDisposed) fail('DISPOSED', op, `${name} must not be disposed`, new Raw(`a disposed tensor of shape ${fmt(t.shape)}`));
  if (t.dtype !== dtype) fail('DTYPE', op, `${name} must be ${dtype}`, new Raw(t.dtype));
  return t.shape;
}

/**
 * The largest size, stride, padding or dilation any axis may have: 2^31 − 1, so that every index
 * and offset fits the int32 tables all backends use. Larger values are rejected at once (UNSUPPORTED).
 */
export const MAX_DIM = 2 ** 31 - 1;

/** A per-dim option (a number, or one per spatial dim) checked as integers ≥ `min` (and ≤ MAX_DIM); undefined when absent. */
export function perDimOption(op: string, key: string, v: unknown, n: number, min: number): number[] | undefined {
  if (v === undefined) return undefined;
  const arr = typeof v === 'number' ? new Array<number>(n).fill(v) : v;
  const must = `${key} must be an integer ≥ ${min} or an array of ${n} of them`;
  if (!Array.isArray(arr) || arr.length !== n) fail('OPTION', op, must, v);
  for (const d of arr) if (typeof d !== 'number' || !Number.isInteger(d) || d < min) fail('OPTION', op, must, v);
  if (arr.some((d) => d > MAX_DIM)) fail('UNSUPPORTED', op, `${key} must be ≤ 2^31−1 = ${MAX_DIM} on every axis`, v);
  return arr.map((d: number) => d + 0); // a copy; normalises -0
}

function perDim(op: string, key: string, v: unknown, n: number, min: number, fallback: readonly number[]): number[] {
  return perDimOption(op, key, v, n, min) ?? fallback.slice();
}

/** A boolean option; undefined when absent. */
export function boolOption(op: string, key: string, v: unknown): boolean | undefined {
  if (v !== undefined && typeof v !== 'boolean') fail('OPTION', op, `${key} must be a boolean`, v);
  return v as boolean | undefined;
}

function bool(op: string, key: string, v: unknown, fallback: boolean): boolean {
  return boolOption(op, key, v) ?? fallback;
}

interface PlanExtras {
  params?: Record<string, number | boolean>;
  returnMask?: boolean;
  countIncludePad?: boolean;
  idwEps?: number;
}

/** Spatial rank of a tensor shape (`rank − 2`), checked against 1..3 and the alias's rank. */
export function spatialRank(op: string, name: string, shape: readonly number[], rank?: number): number {
  const n = shape.length - 2;
  if (rank !== undefined && n !== rank) {
    const want = rank === 1 ? '[N,C,L]' : rank === 2 ? '[N,C,H,W]' : '[N,C,D,H,W]';
    fail('SHAPE', op, `${name} must have rank ${rank + 2} ${want}`, new Raw(`shape ${fmt(shape)} (rank ${shape.length})`));
  }
  if (n < 1 || n > 3) {
    fail('SHAPE', op, `${name} must have rank 3, 4 or 5 ([N,C,…] with 1 to 3 spatial dims)`, new Raw(`shape ${fmt(shape)} (rank ${shape.length})`));
  }
  return n;
}

/** Splits a laid-out shape into N, C and spatial sizes. */
export function splitShape<T = number>(shape: readonly T[], channelsLast: boolean): { N: T; C: T; S: T[] } {
  return channelsLast
    ? { N: shape[0], C: shape[shape.length - 1], S: shape.slice(1, -1) }
    : { N: shape[0], C: shape[1], S: shape.slice(2) };
}

/**
 * Padding as checked: `'same'`/`'valid'`, or one number or one `[p_b, p_e]` pair per axis (a
 * fresh copy; a single number is spread over the axes).
 */
export type PaddingForm = 'same' | 'valid' | number[] | [number, number][];

/** How the geometry options are spelled where they were given (core's names, or an adapter's such as tfjs's). */
export type GeometryNames = Record<'kernelSize' | 'stride' | 'padding' | 'dilation' | 'ceilMode' | 'outputSize', string>;
export const CORE_NAMES: GeometryNames = { kernelSize: 'kernelSize', stride: 'stride', padding: 'padding', dilation: 'dilation', ceilMode: 'ceilMode', outputSize: 'outputSize' };

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/**
 * The padding option's form, checked (each side an integer ≥ 0 and ≤ MAX_DIM; per-axis forms all
 * numbers or all pairs, one per spatial dim); undefined when absent. Bounds against the kernel are
 * `checkPadding`'s.
 */
export function paddingOption(op: string, key: string, v: unknown, n: number): PaddingForm | undefined {
  if (v === undefined) return undefined;
  if (v === 'same' || v === 'valid') return v;
  const must = `${key} must be an integer ≥ 0, an array of ${n} of them, an array of ${n} [begin, end] pairs of them, 'same' or 'valid'`;
  if (typeof v === 'string') fail('OPTION', op, must, v);
  const arr = typeof v === 'number' ? new Array<number>(n).fill(v) : v;
  if (!Array.isArray(arr) || arr.length !== n) fail('OPTION', op, must, v);
  const pairs = arr.filter((e) => Array.isArray(e)).length;
  if (pairs > 0 && pairs < n) fail('OPTION', op, `${key} per axis must be all numbers or all [begin, end] pairs, one per spatial dim`, v);
  const sides: unknown[] = pairs ? arr.flat() : arr;
  if (pairs && arr.some((e: unknown[]) => e.length !== 2)) fail('OPTION', op, `${key} pairs must be [begin, end], two integers ≥ 0 each`, v);
  if (sides.some((e) => !isInt(e) || e < 0)) fail('OPTION', op, must, v);
  if ((sides as number[]).some((e) => e > MAX_DIM)) fail('UNSUPPORTED', op, `${key} must be ≤ 2^31−1 = ${MAX_DIM} on every axis`, v);
  return pairs ? arr.map((e: number[]) => [e[0] + 0, e[1] + 0] as [number, number]) : arr.map((e: number) => e + 0); // copies; normalise -0
}

/** `'same'` with ceil mode is an error; every explicit side must be ≤ d(k−1) (OPERATORS.md 2.1). */
export function checkPadding(op: string, form: PaddingForm | undefined, k: readonly number[], d: readonly number[], ceil: boolean, names: GeometryNames = CORE_NAMES): void {
  if (form === 'same' && ceil) fail('OPTION', op, `${names.padding} 'same' fixes the output size ⌈L/${names.stride}⌉ and excludes ${names.ceilMode}: true`, new Raw(`${names.padding} 'same' with ${names.ceilMode}: true`));
  if (form === undefined || typeof form === 'string') return;
  const bad = form.some((p, a) => {
    const [pb, pe] = typeof p === 'number' ? [p, p] : p;
    return Math.max(pb, pe) > d[a] * (k[a] - 1);
  });
  if (bad) {
    const fmtForm = new Raw(`${names.padding} ${JSON.stringify(form)}`);
    fail('OPTION', op, `${names.padding} must be ≤ ${names.dilation}·(${names.kernelSize}−1) on each side of every axis (${names.kernelSize} ${fmt(k)}, ${names.dilation} ${fmt(d)})`, fmtForm);
  }
}

/** The `[p_b, p_e]` of axis `a` under a checked padding form, on input length `L` (needed for `'same'`). */
export function axisPadding(form: PaddingForm | undefined, a: number, L: number, k: number, s: number, d: number): [number, number] {
  if (form === 'same') return samePadding(L, k, s, d);
  if (form === undefined || form === 'valid') return [0, 0];
  const p = form[a];
  return typeof p === 'number' ? [p, p] : [p[0], p[1]];
}

/** Geometry options, parsed and checked, before an input size is known. */
type GeometrySpec =
  | { kind: 'adaptive'; O: number[] }
  | { kind: 'strided'; k: number[]; s: number[]; p: PaddingForm | undefined; d: number[]; ceil: boolean };

/** Geometry options as given (checked; absent ones left out), before defaults: what layers keep for their configs. */
export interface GeometryGiven {
  kernelSize?: number[];
  stride?: number[];
  padding?: PaddingForm;
  dilation?: number[];
  ceilMode?: boolean;
  outputSize?: number[];
}

/**
 * The geometry options of `o` (keyed by core's names) checked, each as given: adaptive
 * (`outputSize`) excludes the strided five; integers in range; padding's form and bounds. Messages
 * spell the options as `names` does (core's, or an adapter's such as tfjs's `poolSize`).
 */
export function geometryOptions(op: string, o: Record<string, unknown>, n: number, names: GeometryNames = CORE_NAMES): GeometryGiven {
  if (o.outputSize !== undefined) {
    const given = STRIDED_KEYS.filter((k) => o[k] !== undefined).map((k) => names[k]);
    const all = STRIDED_KEYS.map((k) => names[k]);
    if (given.length) fail('OPTION', op, `${names.outputSize} (adaptive geometry) excludes ${all.slice(0, -1).join(', ')} and ${all[all.length - 1]}`, new Raw(`${names.outputSize} with ${given.join(', ')}`));
    return { outputSize: perDimOption(op, names.outputSize, o.outputSize, n, 1) };
  }
  const g: GeometryGiven = {
    kernelSize: perDimOption(op, names.kernelSize, o.kernelSize, n, 1),
    stride: perDimOption(op, names.stride, o.stride, n, 1),
    padding: paddingOption(op, names.padding, o.padding, n),
    dilation: perDimOption(op, names.dilation, o.dilation, n, 1),
    ceilMode: boolOption(op, names.ceilMode, o.ceilMode),
  };
  checkPadding(op, g.padding, g.kernelSize ?? new Array(n).fill(2), g.dilation ?? new Array(n).fill(1), g.ceilMode ?? false, names);
  for (const key of Object.keys(g) as (keyof GeometryGiven)[]) if (g[key] === undefined) delete g[key];
  return g;
}

function parseGeometry(op: string, o: Record<string, unknown>, n: number): GeometrySpec {
  const g = geometryOptions(op, o, n);
  if (g.outputSize) return { kind: 'adaptive', O: g.outputSize };
  const k = g.kernelSize ?? new Array(n).fill(2);
  return { kind: 'strided', k, s: g.stride ?? k, p: g.padding, d: g.dilation ?? new Array(n).fill(1), ceil: g.ceilMode ?? false };
}

/** Per-axis geometry of a spec on input spatial size `S`; `shape` is quoted in errors. */
function axesFor(op: string, g: GeometrySpec, S: readonly number[], shape: readonly number[]): AxisGeometry[] {
  return S.map((L, a) => {
    if (g.kind === 'adaptive') {
      if (L < 1) fail('SHAPE', op, 'adaptive pooling needs every spatial dim ≥ 1', new Raw(`input shape ${fmt(shape)}`));
      if (L * g.O[a] > Number.MAX_SAFE_INTEGER) fail('UNSUPPORTED', op, `adaptive pooling needs input size × outputSize ≤ 2^53 on every axis (for exact region bounds)`, new Raw(`${L} × ${g.O[a]} on spatial axis ${a}`));
      return adaptiveAxis(L, g.O[a]);
    }
    const { k, s, d } = g;
    const p = axisPadding(g.p, a, L, k[a], s[a], d[a]);
    if (stridedSpan(L, k[a], p, d[a]) < 0) fail('SHAPE', op, windowFitMust(L, k[a], p, d[a], a), new Raw(`input shape ${fmt(shape)}`));
    return stridedAxis(L, k[a], s[a], p, d[a], g.ceil);
  });
}

/** The message of a window that does not fit its padded input on axis `a`. */
export function windowFitMust(L: number, k: number, [pb, pe]: readonly [number, number], d: number, a: number): string {
  const extent = d * (k - 1) + 1;
  const padded = pb === pe ? `${L}+2·${pb}` : `${L}+${pb}+${pe}`;
  return `the window (extent dilation·(kernelSize−1)+1 = ${extent}) must fit the padded input (${padded} = ${L + pb + pe}) on spatial axis ${a}`;
}

function buildPlan(op: string, method: PoolMethod, N: number, C: number, axes: AxisGeometry[], channelsLast: boolean, extras: PlanExtras): PoolPlan {
  const inSize = axes.map((a) => a.L);
  const outSize = axes.map((a) => a.O);
  const window = axes.map((a) => a.K);
  const inputShape = layoutShape(N, C, inSize, channelsLast);
  const outputShape = layoutShape(N, C, outSize, channelsLast);
  const maskShape = layoutShape(N, C, [...outSize, ...window], channelsLast);
  const prod = (v: readonly number[]) => v.reduce((p, d) => p * d, 1);
  for (const [what, shape] of [['input', inputShape], ['output', outputShape], ['mask', maskShape]] as const) {
    if (prod(shape) > Number.MAX_SAFE_INTEGER) fail('UNSUPPORTED', op, `every tensor of a call must have at most 2^53 elements`, new Raw(`${what} shape ${fmt(shape)}`));
  }
  return {
    op,
    method,
    n: axes.length,
    N,
    C,
    inSize,
    outSize,
    window,
    axes,
    adaptive: axes[0]?.kind === 'adaptive',
    channelsLast,
    returnMask: extras.returnMask ?? false,
    countIncludePad: extras.countIncludePad ?? false,
    idwEps: extras.idwEps ?? 1e-6,
    params: extras.params ?? {},
    inputShape,
    outputShape,
    maskShape,
    inputStrides: layoutStrides(C, inSize, channelsLast),
    outputStrides: layoutStrides(C, outSize, channelsLast),
    maskStrides: layoutStrides(C, [...outSize, ...window], channelsLast),
    inputElements: prod(inputShape),
    outputElements: prod(outputShape),
    maskElements: prod(maskShape),
    windowSize: prod(window),
  };
}

/** An op's own option (OptionSpec) read from the snapshot; its default when absent. */
export function opOption(op: string, key: string, v: unknown, spec: OptionSpec): boolean | number {
  if (spec.kind === 'boolean') return bool(op, key, v, spec.default);
  if (v === undefined) return spec.default;
  if (typeof v !== 'number' || !spec.valid(v)) fail('OPTION', op, `${key} must be ${spec.must}`, v);
  return v;
}

/**
 * The op's parameter for a backend's kernels: its first numeric own option (lpPool's p, idwPool's
 * ε), 0 when it has none. Backends pass it in one generic slot, so a new op's number needs no
 * plumbing of its own.
 */
export function opParam(plan: PoolPlan): number {
  for (const v of Object.values(plan.params)) if (typeof v === 'number') return v;
  return 0;
}

/** Options parsed for a pooling op (forward or gradient); `own` is the op's option schema (its descriptor's `options`). */
export function planPool(
  op: string,
  method: PoolMethod,
  x: unknown,
  opts: unknown,
  own: Readonly<Record<string, OptionSpec>>,
  rank: number | undefined,
): { plan: PoolPlan; options: Record<string, unknown> } {
  const o = checkOptionKeys(op, opts, [...COMMON_KEYS, 'returnMask', ...Object.keys(own)]);
  const shape = checkTensor(op, 'x', x);
  const n = spatialRank(op, 'x', shape, rank);
  const channelsLast = bool(op, 'channelsLast', o.channelsLast, false);
  const { N, C, S } = splitShape(shape, channelsLast);
  const params: Record<string, number | boolean> = {};
  for (const [key, spec] of Object.entries(own)) params[key] = opOption(op, key, o[key], spec);
  const extras: PlanExtras = { ...params, params, returnMask: bool(op, 'returnMask', o.returnMask, false) };
  checkBackendOption(op, o.backend);
  const axes = axesFor(op, parseGeometry(op, o, n), S, shape);
  return { plan: buildPlan(op, method, N, C, axes, channelsLast, extras), options: o };
}

/**
 * adaUnpool's plan: the geometry of the pooling that produced the mask, applied to an input
 * size that is given (`inputSize`) or inferred (strided only); it must reproduce `v`'s output size.
 */
export function planUnpool(op: string, v: unknown, opts: unknown, rank: number | undefined): { plan: PoolPlan; options: Record<string, unknown> } {
  const o = checkOptionKeys(op, opts, [...COMMON_KEYS, 'inputSize']);
  const shape = checkTensor(op, 'v', v);
  const n = spatialRank(op, 'v', shape, rank);
  const channelsLast = bool(op, 'channelsLast', o.channelsLast, false);
  checkBackendOption(op, o.backend);
  const { N, C, S: O } = splitShape(shape, channelsLast);
  const g = parseGeometry(op, o, n);
  let S: number[];
  if (o.inputSize !== undefined) {
    S = perDim(op, 'inputSize', o.inputSize, n, 1, []);
  } else if (g.kind === 'adaptive') {
    fail('OPTION', op, 'inputSize is required with adaptive geometry (outputSize)', new Raw('no inputSize'));
  } else if (g.p === 'same') {
    fail('OPTION', op, "inputSize is required with padding 'same' (several input sizes give the same output size)", new Raw("padding 'same' and no inputSize"));
  } else {
    const p = g.p;
    S = O.map((Oa, a) => defaultUnpoolLength(Oa, g.k[a], g.s[a], axisPadding(p, a, 0, 0, 0, 0), g.d[a]));
    if (S.some((L) => L < 1)) fail('SHAPE', op, 'the inferred inputSize (O−1)·stride − p_begin − p_end + dilation·(kernelSize−1) + 1 must be ≥ 1; pass inputSize', new Raw(`${fmt(S)} from v shape ${fmt(shape)}`));
  }
  const axes = axesFor(op, g, S, layoutShape(N, C, S, channelsLast));
  const got = axes.map((a) => a.O);
  if (got.some((g, a) => g !== O[a])) {
    fail('SHAPE', op, `inputSize ${fmt(S)} must reproduce v's spatial size ${fmt(O)} under the geometry`, new Raw(`output size ${fmt(got)}`));
  }
  return { plan: buildPlan(op, 'avg', N, C, axes, channelsLast, {}), options: o };
}

/** Validates that a tensor has exactly the expected laid-out shape. */
export function checkShapeEquals(op: string, name: string, t: unknown, expected: readonly number[], what: string): void {
  const shape = checkTensor(op, name, t);
  if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
    fail('SHAPE', op, `${name} shape must equal ${what} ${fmt(expected)}`, fmt(shape));
  }
}

/**
 * β broadcasting (OPERATORS.md 4.6): β's shape must broadcast, NumPy right-aligned, to the output
 * shape as laid out; each dim 1 or equal to the aligned output dim; rank ≤ n + 2.
 */
export function planBeta(op: string, beta: unknown, plan: PoolPlan): BetaPlan {
  const shape = checkTensor(op, 'beta', beta);
  const out = plan.outputShape;
  const bad = () => fail('SHAPE', op, `beta shape must broadcast to the output ${fmt(out)} (each dim 1 or equal, right-aligned)`, fmt(shape));
  if (shape.length > out.length) bad();
  const offset = out.length - shape.length;
  // strides of β by its own (row-major) layout, then aligned to the output dims
  const aligned = new Array<number>(out.length).fill(0);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i];
    const od = out[i + offset];
    if (d !== 1 && d !== od) bad();
    aligned[i + offset] = d === 1 ? 0 : acc;
    acc *= d;
  }
  const n = plan.n;
  const strides: LayoutStrides = plan.channelsLast
    ? { n: aligned[0], c: aligned[n + 1], s: aligned.slice(1, n + 1) }
    : { n: aligned[0], c: aligned[1], s: aligned.slice(2) };
  return { shape: shape.slice(), size: acc, strides };
}

export function withBeta(plan: PoolPlan, beta: BetaPlan): PoolPlan {
  return { ...plan, beta };
}

function checkBackendOption(op: string, v: unknown): void {
  if (v === undefined) return;
  if (typeof v !== 'string') fail('BACKEND', op, 'backend must be a backend name string', v);
  assertBackendName(op, v);
}

/** What a call allocates, from its plan alone (see `callSize`). */
export interface CallSize {
  /** Element count of every tensor the kernel returns. */
  readonly results: readonly number[];
  /** Region-table entries (spatial outputs × taps per window) that the reference and Wasm kernels build. */
  readonly tableEntries: number;
  /** Spatial outputs (Π O). */
  readonly outputs: number;
}

/**
 * The sizes of a call, computed from the plan before anything is allocated: every backend checks
 * them against its own limit up front and throws `UNSUPPORTED` with the figure.
 */
export function callSize(kernel: KernelName, plan: PoolPlan): CallSize {
  const outputs = plan.outSize.reduce((p, d) => p * d, 1);
  let results: number[];
  if (kernel === 'adaUnpool') results = [plan.inputElements];
  else if (kernel === 'adaUnpoolGrad') results = [plan.outputElements, plan.maskElements];
  else if (kernel.endsWith('Grad')) results = [plan.inputElements, ...(plan.beta ? [plan.beta.size] : [])];
  else {
    results = [plan.outputElements];
    if (plan.returnMask) results.push(plan.maskElements, ...(plan.method === 'max' ? [plan.outputElements] : []));
  }
  return { results, tableEntries: outputs * plan.windowSize, outputs };
}
