/**
 * Framework-free layers over the core ops: a pooling layer remembers what its backward needs,
 * AdaPool owns a trainable β, an unpooling layer can take its mask from a pooling layer.
 *
 * Ownership: the caller owns what it passes in (`x`, `dy`, `v`, `dU`) and what it gets back
 * (`y`, `dx`, `dv`); it must keep `x` alive until `backward` (the layer holds a reference, not a
 * copy). The layer owns β, `grads.*` and a kept mask; it replaces (and disposes) them on the next
 * forward/backward/`setParameter`, and disposes all of them in `dispose()`.
 */
import { AdaPoolError, Tensor, tensor, getBackend, checkOptionKeys, perDimOption, boolOption, splitShape, layoutShape, fail, Raw, type GeometryOptions, type PerDim } from '@adapool/core';
import {
  betaShapeFor,
  checkBetaInit,
  checkBetaShape,
  checkGeometry,
  outputSpatial,
  ownOptions,
  poolOp,
  unpoolOp,
  type BetaForm,
  type CoreOptions,
  type Geometry,
  type MethodSpec,
  type Rank,
} from './methods.js';

/**
 * `t` itself when it lives on `backend`, else a copy there (and `t` disposed): a parameter the layer
 * owns moves once to where its ops run instead of being copied in on every call. A tensor that cannot
 * be read synchronously (GPU memory) stays where it is; the op then says what to do.
 */
function placeOn(t: Tensor, backend: string): Tensor {
  if (t.backend === backend) return t;
  let data;
  try {
    data = t.readSync();
  } catch (e) {
    if (e instanceof AdaPoolError && e.code === 'UNSUPPORTED') return t;
    throw e;
  }
  const moved = tensor(data, t.shape, { backend, dtype: t.dtype });
  t.dispose();
  return moved;
}

/**
 * Geometry and layout of a layer: core's options (`kernelSize`, `stride`, `padding`, `dilation`,
 * `ceilMode`, or adaptive `outputSize`; `channelsLast`, default false; `backend` for this layer's
 * ops, default core's `setBackend` choice).
 */
export type LayerGeometryOptions = GeometryOptions;
export interface PoolLayerOptions extends LayerGeometryOptions {
  /** Keep the last forward's mask (`layer.mask`); set automatically when an AdaUnpool layer is wired to this one. */
  keepMask?: boolean;
}
export interface AdaPoolLayerOptions extends PoolLayerOptions {
  /**
   * β's shape: a named broadcast form (OPERATORS.md 4.6) resolved at the first forward, or an
   * explicit shape. Default `'channel'`: `[C,1,…,1]` channels-first, `[C]` channels-last.
   */
  betaShape?: BetaForm | number[];
  /** Initial value of every β entry (default 0.5). */
  betaInit?: number;
}
export interface UnpoolLayerOptions extends LayerGeometryOptions {
  /** Output spatial size (default: inferred from the geometry; required with outputSize). */
  inputSize?: PerDim;
}
export interface WiredUnpoolLayerOptions {
  /** Take geometry, layout, input size and the mask from this pooling layer's last forward. */
  from: PoolLayer;
  backend?: string;
}

export interface Parameter {
  name: string;
  value: Tensor;
  grad?: Tensor;
}

const GEOMETRY_KEYS = ['kernelSize', 'stride', 'padding', 'dilation', 'ceilMode', 'outputSize', 'channelsLast', 'backend'];

abstract class BaseLayer {
  /** Class name used in messages, e.g. `AdaPool2d`. */
  readonly name: string;
  readonly rank: Rank;
  #disposed = false;

  constructor(name: string, rank: Rank) {
    this.name = name;
    this.rank = rank;
  }

  get isDisposed(): boolean {
    return this.#disposed;
  }

  protected live(method: string): string {
    const op = `${this.name}.${method}`;
    if (this.#disposed) fail('DISPOSED', op, 'the layer must not be disposed', new Raw('a disposed layer'));
    return op;
  }

  protected checkInput(op: string, what: string, t: unknown): Tensor {
    if (!(t instanceof Tensor)) fail('DTYPE', op, `${what} must be a Tensor of @adapool/core`, t);
    if (t.isDisposed) fail('DISPOSED', op, `${what} must not be disposed`, new Raw(`a disposed tensor of shape [${t.shape.join(',')}]`));
    if (t.shape.length !== this.rank + 2) {
      fail('SHAPE', op, `${what} must have rank ${this.rank + 2} ([N,C,…] or [N,…,C] with ${this.rank} spatial dims)`, new Raw(`shape [${t.shape.join(',')}]`));
    }
    return t;
  }

  /** Disposes what the layer owns; any later use throws `DISPOSED`. Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.release();
    this.#disposed = true;
  }

  protected abstract release(): void;
}

/** A pooling layer of one method and rank (`AdaPool2d`, `SoftPool1d`, …). */
export class PoolLayer extends BaseLayer {
  readonly method: MethodSpec['key'];
  /** The core options every call uses (checked at construction). */
  readonly options: Readonly<CoreOptions>;
  /** Keep the last forward's mask (see `mask`). */
  keepMask: boolean;
  /** Gradients of the last backward (`beta` for AdaPool), owned by the layer. */
  readonly grads: { beta?: Tensor } = {};
  readonly betaShape?: BetaForm | number[];
  readonly betaInit?: number;
  readonly #spec: MethodSpec;
  readonly #op: ReturnType<typeof poolOp>;
  readonly #geometry: Geometry;
  #beta?: Tensor;
  #mask?: Tensor;
  #saved?: { x: Tensor; inputShape: readonly number[] };

  constructor(spec: MethodSpec, rank: Rank, name: string, options?: PoolLayerOptions & AdaPoolLayerOptions & Record<string, unknown>) {
    super(name, rank);
    const op = name;
    const o = checkOptionKeys(op, options, [...GEOMETRY_KEYS, 'keepMask', ...spec.extra, ...(spec.beta ? ['betaShape', 'betaInit'] : [])]);
    this.#spec = spec;
    this.#op = poolOp(spec, rank);
    this.method = spec.key;
    this.#geometry = checkGeometry(op, rank, o);
    const core: CoreOptions = { ...this.#geometry };
    if (boolOption(op, 'channelsLast', o.channelsLast)) core.channelsLast = true;
    if (o.backend !== undefined) core.backend = o.backend as string;
    Object.assign(core, ownOptions(op, spec, o));
    this.options = Object.freeze(core);
    this.keepMask = boolOption(op, 'keepMask', o.keepMask) ?? false;
    if (spec.beta) {
      this.betaShape = checkBetaShape(op, o.betaShape);
      this.betaInit = checkBetaInit(op, o.betaInit);
      if (Array.isArray(this.betaShape)) this.#beta = this.#initialBeta(this.betaShape);
    }
  }

  /** β (AdaPool only; created at the first forward when its shape depends on the input). Owned by the layer. */
  get beta(): Tensor | undefined {
    return this.#beta;
  }

  /** The last forward's mask `[N,C,*O,*K]` (layout as the input) when `keepMask`; owned by the layer, replaced by the next forward. */
  get mask(): Tensor | undefined {
    return this.#mask;
  }

  /** Shape of the last forward's input. */
  get lastInputShape(): readonly number[] | undefined {
    return this.#saved?.inputShape;
  }

  get channelsLast(): boolean {
    return this.options.channelsLast ?? false;
  }

  /** The geometry options (core vocabulary) without layout/extras: what an unpooling layer needs. */
  get geometry(): Readonly<Geometry> {
    return this.#geometry;
  }

  /** Output shape for an input shape, without computing anything. */
  outputShape(inputShape: readonly number[]): number[] {
    const op = this.live('outputShape');
    if (inputShape.length !== this.rank + 2) fail('SHAPE', op, `input shape must have rank ${this.rank + 2}`, inputShape);
    const { N, C, S } = splitShape(inputShape, this.channelsLast);
    return layoutShape(N, C, outputSpatial(op, this.#geometry, S) as number[], this.channelsLast);
  }

  /** Pools `x`; remembers `x` (a reference: keep it alive until `backward`) and, with `keepMask`, the mask. */
  forward(x: Tensor): Tensor {
    const op = this.live('forward');
    this.checkInput(op, 'x', x);
    const where = this.#runsOn(x);
    if (this.#spec.beta && !this.#beta) {
      this.#beta = this.#initialBeta(betaShapeFor(this.betaShape!, this.outputShape(x.shape), this.channelsLast) as number[], where);
    }
    if (this.#beta) this.#beta = placeOn(this.#beta, where);
    const r = this.#op.forward(x, this.#beta, this.options, this.keepMask);
    r.indices?.dispose();
    this.#mask?.dispose();
    this.#mask = r.mask;
    this.#saved = { x, inputShape: x.shape.slice() };
    return r.output;
  }

  /** dx for `dy` (shaped like the last output); AdaPool also sets `grads.beta` (replacing the previous one). */
  backward(dy: Tensor): Tensor {
    const op = this.live('backward');
    const saved = this.#saved;
    if (!saved) fail('UNSUPPORTED', op, 'forward must run before backward', new Raw('no saved input'));
    if (saved.x.isDisposed) fail('DISPOSED', op, "the last forward's input must stay alive until backward", new Raw(`a disposed tensor of shape [${saved.inputShape.join(',')}]`));
    const { dx, dbeta } = this.#op.backward(saved.x, this.#beta, dy, this.options);
    if (dbeta) {
      this.grads.beta?.dispose();
      this.grads.beta = dbeta;
    }
    return dx;
  }

  /** `[{ name: 'beta', value, grad }]` for AdaPool (once β exists), `[]` otherwise. Tensors owned by the layer. */
  parameters(): Parameter[] {
    this.live('parameters');
    if (!this.#beta) return [];
    return [{ name: 'beta', value: this.#beta, ...(this.grads.beta ? { grad: this.grads.beta } : {}) }];
  }

  /**
   * Replaces a parameter. Numbers are copied and projected into [0, 1] (where β's gradient is
   * alive); a Tensor is taken over as is (the layer disposes it later). The shape must not change.
   */
  setParameter(name: 'beta', value: Tensor | ArrayLike<number>): void {
    const op = this.live('setParameter');
    if (!this.#spec.beta || name !== 'beta') fail('OPTION', op, `name must be a parameter of ${this.name} (${this.#spec.beta ? "'beta'" : 'none'})`, name);
    const old = this.#beta;
    const shape = old?.shape ?? (Array.isArray(this.betaShape) ? this.betaShape : undefined);
    let next: Tensor;
    if (value instanceof Tensor) {
      this.checkLive(op, value);
      next = value;
    } else {
      if (!shape) fail('UNSUPPORTED', op, `beta's shape is known after the first forward (betaShape '${this.betaShape}'); run forward first or give a Tensor`, new Raw('an array'));
      const n = shape.reduce((p, d) => p * d, 1);
      if (value?.length !== n) fail('SHAPE', op, `beta must keep its shape [${shape.join(',')}] (${n} values)`, new Raw(`${value?.length} values`));
      next = tensor(Array.from(value, (v) => Math.min(Math.max(v, 0), 1)), shape, old ? { backend: old.backend } : undefined);
    }
    if (shape && (next.shape.length !== shape.length || next.shape.some((d, i) => d !== shape[i]))) {
      if (!(value instanceof Tensor)) next.dispose();
      fail('SHAPE', op, `beta must keep its shape [${shape.join(',')}]`, new Raw(`[${next.shape.join(',')}]`));
    }
    if (old && old !== next) old.dispose();
    this.#beta = next;
  }

  /** Disposes the gradients. */
  zeroGrad(): void {
    this.live('zeroGrad');
    this.grads.beta?.dispose();
    delete this.grads.beta;
  }

  protected release(): void {
    this.#beta?.dispose();
    this.grads.beta?.dispose();
    this.#mask?.dispose();
    this.#beta = this.#mask = this.#saved = undefined;
    delete this.grads.beta;
  }

  private checkLive(op: string, t: Tensor): void {
    if (t.isDisposed) fail('DISPOSED', op, 'value must not be disposed', new Raw('a disposed tensor'));
  }

  #initialBeta(shape: readonly number[], backend?: string): Tensor {
    const size = shape.reduce((p, d) => p * d, 1);
    return tensor(new Float32Array(size).fill(this.betaInit ?? 0.5), shape, backend ? { backend } : undefined);
  }

  /** The backend this layer's ops on `x` run on: its `backend` option, else the active one, else (under 'auto') where `x` lives. */
  #runsOn(x: Tensor): string {
    const b = this.options.backend ?? getBackend();
    return b === 'auto' ? x.backend : b;
  }
}

/** adaUnpool as a layer: standalone (`forward(v, mask)`) or wired to a pooling layer (`{ from }`). */
export class UnpoolLayer extends BaseLayer {
  /** The pooling layer whose mask and geometry this layer uses, if wired. */
  readonly from?: PoolLayer;
  /** `grads.mask`: ∂ℒ/∂mask of the last backward (masks are detached; for callers who chain it). Owned by the layer. */
  readonly grads: { mask?: Tensor } = {};
  readonly #op: ReturnType<typeof unpoolOp>;
  readonly #options: CoreOptions & { inputSize?: number[] };
  #saved?: { v: Tensor; mask: Tensor; opts: CoreOptions & { inputSize?: number[] } };

  constructor(rank: Rank, name: string, options?: UnpoolLayerOptions | WiredUnpoolLayerOptions) {
    super(name, rank);
    const op = name;
    this.#op = unpoolOp(rank);
    const raw = (options ?? {}) as Record<string, unknown>;
    if (raw.from !== undefined) {
      const o = checkOptionKeys(op, options, ['from', 'backend']);
      if (!(o.from instanceof PoolLayer)) fail('OPTION', op, 'from must be a pooling layer of @adapool/layers', o.from);
      if (o.from.rank !== rank) fail('OPTION', op, `from must be a ${rank}d pooling layer`, new Raw(o.from.name));
      this.from = o.from;
      o.from.keepMask = true;
      this.#options = o.backend !== undefined ? { backend: o.backend as string } : {};
    } else {
      const o = checkOptionKeys(op, options, [...GEOMETRY_KEYS, 'inputSize']);
      this.#options = { ...checkGeometry(op, rank, o) };
      if (boolOption(op, 'channelsLast', o.channelsLast)) this.#options.channelsLast = true;
      if (o.backend !== undefined) this.#options.backend = o.backend as string;
      const inputSize = perDimOption(op, 'inputSize', o.inputSize, rank, 1);
      if (inputSize) this.#options.inputSize = inputSize;
      else if (this.#options.padding === 'same') fail('OPTION', op, "inputSize is required with padding 'same' (several input sizes give the same output size)", new Raw("padding 'same' and no inputSize"));
    }
  }

  /** Unpools `v` with `mask` (standalone) or with the wired pooling layer's last mask. */
  forward(v: Tensor, mask?: Tensor): Tensor {
    const op = this.live('forward');
    this.checkInput(op, 'v', v);
    let opts = this.#options;
    if (this.from) {
      if (mask !== undefined) fail('OPTION', op, `mask must not be given: this layer uses ${this.from.name}'s mask`, mask);
      if (this.from.isDisposed) fail('DISPOSED', op, `the pooling layer ${this.from.name} must not be disposed`, new Raw('a disposed layer'));
      const m = this.from.mask;
      const inShape = this.from.lastInputShape;
      if (!m || !inShape) fail('UNSUPPORTED', op, `${this.from.name} must run forward first (it keeps its mask for this layer)`, new Raw('no mask'));
      mask = m;
      const S = splitShape(inShape, this.from.channelsLast).S;
      opts = { ...this.from.geometry, ...(this.from.channelsLast ? { channelsLast: true } : {}), inputSize: S, ...this.#options };
    } else if (mask === undefined) {
      fail('OPTION', op, 'mask must be given (or wire the layer with { from: poolLayer })', mask);
    }
    const U = this.#op.forward(v, mask, opts);
    this.#saved = { v, mask, opts };
    return U;
  }

  /** dv for `dU`; also sets `grads.mask` (replacing the previous one). */
  backward(dU: Tensor): Tensor {
    const op = this.live('backward');
    const s = this.#saved;
    if (!s) fail('UNSUPPORTED', op, 'forward must run before backward', new Raw('no saved input'));
    if (s.v.isDisposed) fail('DISPOSED', op, "the last forward's v must stay alive until backward", new Raw('a disposed tensor'));
    if (s.mask.isDisposed) {
      fail('DISPOSED', op, "the last forward's mask must stay alive until backward (did the pooling layer run forward again?)", new Raw('a disposed mask'));
    }
    const { dv, dmask } = this.#op.backward(s.v, s.mask, dU, s.opts);
    this.grads.mask?.dispose();
    this.grads.mask = dmask;
    return dv;
  }

  parameters(): Parameter[] {
    this.live('parameters');
    return [];
  }

  protected release(): void {
    this.grads.mask?.dispose();
    delete this.grads.mask;
    this.#saved = undefined;
  }
}

export type PoolLayerClass<O> = new (options?: O) => PoolLayer;
export type UnpoolLayerClass = new (options?: UnpoolLayerOptions | WiredUnpoolLayerOptions) => UnpoolLayer;

/** A named subclass per method and rank, generated from the method table. */
export function poolLayerClass<O extends PoolLayerOptions>(spec: MethodSpec, rank: Rank): PoolLayerClass<O> {
  const name = `${spec.cls}${rank}d`;
  const C = class extends PoolLayer {
    constructor(options?: O) {
      super(spec, rank, name, options as PoolLayerOptions & AdaPoolLayerOptions & Record<string, unknown>);
    }
  };
  Object.defineProperty(C, 'name', { value: name });
  return C;
}

export function unpoolLayerClass(rank: Rank): UnpoolLayerClass {
  const name = `AdaUnpool${rank}d`;
  const C = class extends UnpoolLayer {
    constructor(options?: UnpoolLayerOptions | WiredUnpoolLayerOptions) {
      super(rank, name, options);
    }
  };
  Object.defineProperty(C, 'name', { value: name });
  return C;
}

export { AdaPoolError };
