/**
 * The one table both entries generate their classes from: every pooling method with its core
 * ops, its extra options and whether it has a β. Plus the pieces both entries share: geometry
 * options checked at construction (before any input exists), output shapes, β's named forms.
 */
import * as core from '@adapool/core';
import { axisPadding, windowFitMust, splitShape, layoutShape, fail, Raw, CORE_NAMES, type GeometryNames, type PerDim, type Tensor } from '@adapool/core';

export type Rank = 1 | 2 | 3;
export const RANKS: readonly Rank[] = [1, 2, 3];

/** A pooling method: core's name for it (`em`, …). */
export type MethodKey = core.PoolMethod;

export interface MethodSpec {
  readonly key: MethodKey;
  /** Class name stem: `${cls}${n}d`, e.g. `AdaPool2d`. */
  readonly cls: string;
  /** Core op stem: `${op}${n}d`, e.g. `adaPool2d` (and `${op}${n}dGrad`). */
  readonly op: string;
  /** The op's own options (core's option schema). */
  readonly extra: readonly string[];
  readonly beta: boolean;
  /** Core's descriptor of the op. */
  readonly def: core.PoolOpDef;
}

/** One entry per core op descriptor, in core's order. */
export const METHODS: readonly MethodSpec[] = /* @__PURE__ */ Object.values(core.poolOpDefs).map((def) => ({
  key: def.method,
  cls: def.layer.cls,
  op: def.layer.op,
  extra: Object.keys(def.options),
  beta: def.beta,
  def,
}));

export const methodSpec = (key: MethodKey): MethodSpec => METHODS.find((m) => m.key === key)!;

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
/** Every name core exports an op under (`emPool`, `softPool`): the tfjs factories carry them all. */
export const opNames = (d: core.PoolOpDef): string[] => [d.name, ...d.aliases];
/** The layer class stems of an op: its class stem, then one per other name (`EmPool` beside `SoftPool`), the same classes. */
export const layerStems = (d: core.PoolOpDef): string[] => [d.layer.cls, ...opNames(d).filter((n) => n !== d.layer.op).map(cap)];

/**
 * The op's own options (countIncludePad, idwEps, p, …) read from `o` with core's checks (its
 * descriptor's schema); absent ones are left out.
 */
export function ownOptions(op: string, spec: MethodSpec, o: Record<string, unknown>): Record<string, boolean | number> {
  const out: Record<string, boolean | number> = {};
  for (const [key, s] of Object.entries(spec.def.options)) if (o[key] !== undefined) out[key] = core.opOption(op, key, o[key], s);
  return out;
}

/** Core options a layer passes through to the op (geometry, layout, extras). */
export type CoreOptions = core.GeometryOptions & core.OwnPoolOptions;

interface PoolResult {
  output: Tensor;
  mask?: Tensor;
  indices?: Tensor;
}

type AnyFn = (...args: unknown[]) => unknown;
const coreFn = (name: string): AnyFn => {
  const f = (core as unknown as Record<string, AnyFn | undefined>)[name];
  if (typeof f !== 'function') throw new Error(`@adapool/layers: @adapool/core has no ${name}`);
  return f;
};

/** The rank-checked core op of a method, with one signature for every method (β ignored unless ada). */
export function poolOp(spec: MethodSpec, n: Rank) {
  const f = coreFn(`${spec.op}${n}d`);
  const g = coreFn(`${spec.op}${n}dGrad`);
  return {
    name: `${spec.op}${n}d`,
    forward(x: Tensor, beta: Tensor | undefined, opts: CoreOptions, returnMask: boolean): PoolResult {
      const o = { ...opts, returnMask };
      const r = (spec.beta ? f(x, beta, o) : f(x, o)) as Tensor | PoolResult;
      return returnMask ? (r as PoolResult) : { output: r as Tensor };
    },
    backward(x: Tensor, beta: Tensor | undefined, dy: Tensor, opts: CoreOptions): { dx: Tensor; dbeta?: Tensor } {
      return spec.beta ? (g(x, beta, dy, opts) as { dx: Tensor; dbeta: Tensor }) : { dx: g(x, dy, opts) as Tensor };
    },
  };
}

export function unpoolOp(n: Rank) {
  return {
    name: `adaUnpool${n}d`,
    forward: coreFn(`adaUnpool${n}d`) as (v: Tensor, mask: Tensor, opts: CoreOptions & { inputSize?: PerDim }) => Tensor,
    backward: coreFn(`adaUnpool${n}dGrad`) as (v: Tensor, mask: Tensor, dU: Tensor, opts: CoreOptions & { inputSize?: PerDim }) => { dv: Tensor; dmask: Tensor },
  };
}

// ---------------------------------------------------------------------------------------------
// Validation shared by both entries (messages: `op: what must hold, got what`).

/** Geometry in core's vocabulary, fully checked, as given (core's GeometryGiven); per-dim arrays of length n. */
export type Geometry = core.GeometryGiven;

export { CORE_NAMES, type GeometryNames };

/**
 * Checks geometry options the way core will, so a bad layer fails at construction, not at its
 * first call. `o` is keyed by core's names; messages use `names`.
 */
export function checkGeometry(op: string, n: Rank, o: Record<string, unknown>, names: GeometryNames = CORE_NAMES): Geometry {
  return core.geometryOptions(op, o, n, names);
}

/** Output spatial size of the geometry on input spatial size S (null stays null: unknown dims). */
export function outputSpatial(op: string, g: Geometry, S: readonly (number | null)[]): (number | null)[] {
  const n = S.length;
  const k = g.kernelSize ?? new Array(n).fill(2);
  const s = g.stride ?? k;
  const d = g.dilation ?? new Array(n).fill(1);
  return S.map((L, a) => {
    if (g.outputSize) return g.outputSize[a];
    if (L === null) return null;
    const p = axisPadding(g.padding, a, L, k[a], s[a], d[a]);
    const O = core.stridedOutputLength(L, k[a], s[a], p, d[a], g.ceilMode ?? false);
    if (O < 1) fail('SHAPE', op, windowFitMust(L, k[a], p, d[a], a), new Raw(`spatial size [${S.join(',')}]`));
    return O;
  });
}

/** β's named broadcast forms (OPERATORS.md 4.6). */
export type BetaForm = 'scalar' | 'position' | 'channel' | 'sample-channel' | 'full';
export const BETA_FORMS: readonly BetaForm[] = ['scalar', 'position', 'channel', 'sample-channel', 'full'];

export function checkBetaShape(op: string, v: unknown): BetaForm | number[] {
  if (v === undefined) return 'channel';
  if (typeof v === 'string' && (BETA_FORMS as readonly string[]).includes(v)) return v as BetaForm;
  if (Array.isArray(v) && v.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1)) return v.slice();
  return fail('OPTION', op, `betaShape must be one of ${BETA_FORMS.map((f) => `'${f}'`).join(', ')} or an array of positive integers`, v);
}

export function checkBetaInit(op: string, v: unknown): number {
  if (v === undefined) return 0.5;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) fail('OPTION', op, 'betaInit must be a number in [0, 1]', v);
  return v;
}

/**
 * β's shape for a named form, given the output shape as laid out (`[N,C,*O]` or `[N,*O,C]`):
 * scalar `[1]`; position `[*O]` / `[*O,1]`; channel `[C,1,…,1]` / `[C]`;
 * sample-channel `[N,C,1,…,1]` / `[N,1,…,1,C]`; full = the output shape.
 */
export function betaShapeFor<T extends number | null>(form: BetaForm | number[], out: readonly T[], channelsLast: boolean): T[] | number[] {
  if (Array.isArray(form)) return form;
  const { N, C, S } = splitShape(out, channelsLast);
  const ones = S.map(() => 1 as T);
  const forms: Record<BetaForm, () => T[] | number[]> = {
    scalar: () => [1],
    position: () => (channelsLast ? [...S, 1 as T] : S),
    channel: () => (channelsLast ? [C] : [C, ...ones]),
    'sample-channel': () => layoutShape(N, C, ones, channelsLast),
    full: () => out.slice(),
  };
  return forms[form]();
}
