/**
 * `withTfjs(tf)`: TensorFlow.js layers and functional ops computed by the @adapool/core ops, with
 * exact gradients through `tf.customGrad` (input and β), bound to the tfjs given (the npm packages
 * in `@adapool/layers/tfjs`, or a tfjs loaded elsewhere: `withTfjs(window.tf)` for tf.min.js).
 * This module imports no tfjs at run time (types only).
 *
 * Every tfjs tensor is read with `dataSync`, the core op runs on core's backend (whatever
 * `setBackend` chose; results must be readable synchronously, else the op is recomputed on `js`
 * with a one-time warning), and the result is wrapped back into a tfjs tensor. Gradients are
 * first order (the gradient function itself is not differentiable).
 *
 * Names: `adaPool2d(config)` makes a layer (API.md); `adaPool2d(x, beta, config)` and
 * `softPool2d(x, config)`, whose first argument is a tf.Tensor, are the functional ops. The same
 * functional ops are under `ops` (`ops.softPool2d(x, config)`), always functional.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { AdaPoolError, getBackend, adaptiveAxis, defaultUnpoolLength, axisPadding, tensor as coreTensor, checkOptionKeys, perDimOption, boolOption, splitShape, layoutShape, fail, Raw, type Tensor as CoreTensor } from '@adapool/core';
import {
  betaShapeFor,
  checkBetaInit,
  checkBetaShape,
  checkGeometry,
  layerStems,
  METHODS,
  outputSpatial,
  ownOptions,
  poolOp,
  RANKS,
  unpoolOp,
  type BetaForm,
  type CoreOptions,
  type Geometry,
  type GeometryNames,
  type MethodKey,
  type MethodSpec,
  type Rank,
} from './methods.js';
import type { TfjsClasses, TfjsFactories, TfOps } from './tfjs-names.generated.js';

type Shape = (number | null)[];
export type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
type Kwargs = Parameters<tfl.layers.Layer['call']>[1];

/** Geometry as tfjs's pooling layers spell it, plus ours. */
export interface TfGeometryConfig {
  /** Window size (default 2), a number or one per spatial dim. */
  poolSize?: number | number[];
  /** Default: poolSize. */
  strides?: number | number[];
  /**
   * tfjs's `'valid'` (none) or `'same'` (output ⌈L/strides⌉, the extra pad at the end, as
   * `tf.layers.maxPooling2d`), or explicit implicit padding (never materialised): a number, one per
   * spatial dim, or one `[begin, end]` pair per spatial dim, each side ≤ dilationRate·(poolSize−1).
   */
  padding?: number | number[] | [number, number][] | 'valid' | 'same';
  dilationRate?: number | number[];
  ceilMode?: boolean;
  /** Adaptive pooling to this output size (excludes poolSize, strides, padding, dilationRate, ceilMode). */
  outputSize?: number | number[];
  /** Default `'channelsLast'` (`[N,*S,C]`), like tfjs. */
  dataFormat?: 'channelsFirst' | 'channelsLast';
}
export interface TfPoolOptions extends TfGeometryConfig {
  /** Also return the mask `[N,*O,*K,C]` (channelsLast) / `[N,C,*O,*K]`, detached (no gradient). */
  returnMask?: boolean;
}
export interface TfAdaPoolOptions extends TfPoolOptions {
  /** β's form (default `'channel'`: `[C]` channelsLast, `[C,1,…,1]` channelsFirst) or an explicit shape. */
  betaShape?: BetaForm | number[];
  /** Initial β (default 0.5). */
  betaInit?: number;
}
export interface TfUnpoolOptions extends TfGeometryConfig {
  /** Spatial size of the unpooled output (default inferred; required with outputSize). */
  inputSize?: number | number[];
}
export type TfPoolConfig = TfPoolOptions & LayerArgs;
export type TfAdaPoolConfig = TfAdaPoolOptions & LayerArgs;
export type TfUnpoolConfig = TfUnpoolOptions & LayerArgs;

export interface TfPoolWithMask {
  output: tf.Tensor;
  /** The pooling weights, detached (no gradient flows through it). */
  mask: tf.Tensor;
}

export type TfPoolLayerClass<C> = (new (config?: C) => TfPoolLayer) & { className: string };

export type TfUnpoolLayerClass = (new (config?: TfUnpoolConfig) => TfUnpoolLayer) & { className: string };

/** Functional ops also take core's `backend` (one call). */
export interface TfOpOptions {
  backend?: string;
}

export interface TfPoolOp<O> {
  (x: tf.Tensor, options?: O & TfOpOptions & { returnMask?: false }): tf.Tensor;
  (x: tf.Tensor, options: O & TfOpOptions & { returnMask: true }): TfPoolWithMask;
  (x: tf.Tensor, options?: O & TfOpOptions): tf.Tensor | TfPoolWithMask;
}

export interface TfAdaPoolOp {
  (x: tf.Tensor, beta: tf.Tensor | number, options?: Omit<TfAdaPoolOptions, 'betaShape' | 'betaInit'> & TfOpOptions & { returnMask?: false }): tf.Tensor;
  (x: tf.Tensor, beta: tf.Tensor | number, options: Omit<TfAdaPoolOptions, 'betaShape' | 'betaInit'> & TfOpOptions & { returnMask: true }): TfPoolWithMask;
  (x: tf.Tensor, beta: tf.Tensor | number, options?: Omit<TfAdaPoolOptions, 'betaShape' | 'betaInit'> & TfOpOptions): tf.Tensor | TfPoolWithMask;
}

export type TfUnpoolOp = (v: tf.Tensor, mask: tf.Tensor, options?: TfUnpoolOptions & TfOpOptions) => tf.Tensor;

/** Layer factory when called with a config (or nothing), functional op when the first argument is a tf.Tensor. */
export type TfPoolFactory<O> = TfPoolOp<O> & ((config?: O & LayerArgs) => TfPoolLayer);

export type TfAdaPoolFactory = TfAdaPoolOp & ((config?: TfAdaPoolConfig) => TfPoolLayer);

export type TfUnpoolFactory = TfUnpoolOp & ((config?: TfUnpoolConfig) => TfUnpoolLayer);

/** What the adapter uses of tfjs (core and layers together): `@tensorflow/tfjs`, or `window.tf` of tf.min.js. */
export type Tfjs = Pick<typeof tf, 'Tensor' | 'customGrad' | 'tidy' | 'tensor' | 'scalar' | 'clipByValue' | 'serialization'> &
  Pick<typeof tfl, 'layers' | 'initializers' | 'SymbolicTensor'>;

/** A pooling layer of the adapter (a `tf.layers.Layer`). */
export interface TfPoolLayer extends tfl.layers.Layer {
  readonly method: MethodKey;
  readonly rank: Rank;
  readonly returnMask: boolean;
  readonly channelsLast: boolean;
  readonly betaShape?: BetaForm | number[];
  readonly betaInit?: number;
  /** The core options every call uses. */
  readonly coreOptions: Readonly<CoreOptions>;
  /** β as a tfjs LayerVariable (AdaPool, after build). */
  readonly beta: tfl.LayerVariable | undefined;
}

/** adaUnpool as a tfjs layer: inputs `[v, mask]`. */
export interface TfUnpoolLayer extends tfl.layers.Layer {
  readonly rank: Rank;
  readonly channelsLast: boolean;
  readonly coreOptions: Readonly<CoreOptions & { inputSize?: number[] }>;
}

export type { TfOps };

/** Everything `@adapool/layers/tfjs` exports at run time, bound to one tfjs: the classes and factories of every op descriptor (tfjs-names.generated.ts). */
export interface TfjsAdapter extends TfjsClasses, TfjsFactories {
  /** The base classes (for `instanceof`). */
  readonly TfPoolLayer: abstract new (...args: never[]) => TfPoolLayer;
  readonly TfUnpoolLayer: abstract new (...args: never[]) => TfUnpoolLayer;
  /**
   * Registers every layer class with this tfjs's `tf.serialization` (by class name, `AdaPool2d`,
   * …, and as `adapool>AdaPool2d`) so `tf.loadLayersModel` can rebuild them. Constructing any
   * adapool layer does it. Idempotent.
   */
  registerLayers(): void;
  readonly ops: TfOps;
}

/** The adapter bound to one tfjs: `withTfjs(window.tf)` for a tfjs loaded by a `<script>` tag or a CDN. */
export function withTfjs(tf: Tfjs): TfjsAdapter {
  const GEOMETRY_KEYS = ['poolSize', 'strides', 'padding', 'dilationRate', 'ceilMode', 'outputSize', 'dataFormat'];
  // LayerArgs, plus what tfjs adds when deserialising (customObjects, fastWeightInit).
  const LAYER_ARGS_KEYS = ['inputShape', 'batchInputShape', 'batchSize', 'dtype', 'name', 'trainable', 'weights', 'inputDType', 'customObjects', 'fastWeightInit'];

  /** Core backends found without synchronous reads: later calls that name them go to `js` at once. */
  const noSyncRead = new Set<string>();

  const TF_NAMES: GeometryNames = { kernelSize: 'poolSize', stride: 'strides', padding: 'padding', dilation: 'dilationRate', ceilMode: 'ceilMode', outputSize: 'outputSize' };

  /** tfjs-style geometry → core options (checked; messages in tfjs's names). */
  function coreGeometry(op: string, n: Rank, o: Record<string, unknown>): { geometry: Geometry; channelsLast: boolean } {
    const df = o.dataFormat;
    if (df !== undefined && df !== 'channelsFirst' && df !== 'channelsLast') fail('OPTION', op, "dataFormat must be 'channelsFirst' or 'channelsLast'", df);
    const geometry = checkGeometry(op, n, {
      kernelSize: o.poolSize,
      stride: o.strides,
      padding: o.padding,
      dilation: o.dilationRate,
      ceilMode: o.ceilMode,
      outputSize: o.outputSize,
    }, TF_NAMES);
    return { geometry, channelsLast: df !== 'channelsFirst' };
  }

  /** The same geometry back in tfjs's vocabulary (for getConfig). */
  function tfGeometry(g: Geometry, channelsLast: boolean): tf.serialization.ConfigDict {
    const c: tf.serialization.ConfigDict = { dataFormat: channelsLast ? 'channelsLast' : 'channelsFirst' };
    if (g.kernelSize) c.poolSize = g.kernelSize;
    if (g.stride) c.strides = g.stride;
    if (g.padding) c.padding = g.padding;
    if (g.dilation) c.dilationRate = g.dilation;
    if (g.ceilMode !== undefined) c.ceilMode = g.ceilMode;
    if (g.outputSize) c.outputSize = g.outputSize;
    return c;
  }

  /** One copy of a tfjs tensor's values into core, on `backend` (a name, or 'auto' for where tensor() would put it). */
  function toCore(op: string, what: string, t: tf.Tensor, backend: string): CoreTensor {
    if (t.dtype !== 'float32') fail('DTYPE', op, `${what} must be a float32 tensor`, t.dtype);
    return coreTensor(t.dataSync() as Float32Array, t.shape, { backend });
  }

  /**
   * Copies `inputs` into core on the backend the op will run on (so the op moves nothing), runs
   * `compute` (core ops) and reads its results synchronously, disposing every core tensor. A result
   * on a backend without synchronous reads (WebGPU) is recomputed on `js` (warned once); later calls
   * that name that backend go to `js` directly instead of computing twice.
   */
  function runCore(
    op: string,
    opts: CoreOptions,
    inputs: readonly [string, tf.Tensor | undefined][],
    compute: (c: (CoreTensor | undefined)[], opts: CoreOptions) => CoreTensor[],
  ): { data: Float32Array; shape: number[] }[] {
    if (noSyncRead.has(opts.backend ?? getBackend())) opts = { ...opts, backend: 'js' };
    const where = opts.backend ?? getBackend();
    const made: CoreTensor[] = [];
    let outs: CoreTensor[] = [];
    try {
      const c = inputs.map(([what, t]) => {
        if (!t) return undefined;
        const ct = toCore(op, what, t, where);
        made.push(ct);
        return ct;
      });
      outs = compute(c, opts);
      return outs.map((t) => ({ data: t.readSync() as Float32Array, shape: t.shape.slice() }));
    } catch (e) {
      if (!(e instanceof AdaPoolError) || e.code !== 'UNSUPPORTED' || opts.backend === 'js' || !outs.length) throw e;
      const key = outs[0].backend;
      if (!noSyncRead.has(key)) {
        noSyncRead.add(key);
        console.warn(`adapool: ${op}: the tfjs adapter reads results synchronously; backend '${key}' cannot, computing on 'js' instead (warned once)`);
      }
      noSyncRead.add(where); // also 'auto' when it placed the inputs there: later calls go to js at once
      return runCore(op, { ...opts, backend: 'js' }, inputs, compute);
    } finally {
      for (const t of outs) t.dispose();
      for (const t of made) t.dispose();
    }
  }

  const fromData = (r: { data: Float32Array; shape: number[] }) => tf.tensor(r.data, r.shape, 'float32');

  
  /** A pooling op on tfjs tensors with its gradient (x and β) from the core gradient op. */
  function tfPool(spec: MethodSpec, n: Rank, x: tf.Tensor, beta: tf.Tensor | undefined, opts: CoreOptions, returnMask: boolean): { output: tf.Tensor; mask?: tf.Tensor } {
    const pool = poolOp(spec, n);
    let mask: { data: Float32Array; shape: number[] } | undefined;
    const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const save = args.pop() as tf.GradSaveFunc;
      const [tx, tb] = args as tf.Tensor[];
      save(tb ? [tx, tb] : [tx]);
      const results = runCore(pool.name, opts, [['x', tx], ['beta', tb]], ([cx, cb], o) => {
        const r = pool.forward(cx!, cb, o, returnMask);
        r.indices?.dispose();
        return r.mask ? [r.output, r.mask] : [r.output];
      });
      mask = results[1];
      return {
        value: fromData(results[0]),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sx, sb] = saved;
          const grads = runCore(pool.name, opts, [['x', sx], ['beta', sb], ['dy', dy]], ([cx, cb, cdy], o) => {
            const { dx, dbeta } = pool.backward(cx!, cb, cdy!, o);
            return dbeta ? [dx, dbeta] : [dx];
          });
          return grads.map(fromData);
        },
      };
    });
    const output = beta ? f(x, beta) : f(x);
    return { output, mask: mask && fromData(mask) };
  }

  function tfUnpool(n: Rank, v: tf.Tensor, mask: tf.Tensor, opts: CoreOptions & { inputSize?: number[] }): tf.Tensor {
    const unpool = unpoolOp(n);
    const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const save = args.pop() as tf.GradSaveFunc;
      const [tv, tm] = args as tf.Tensor[];
      save([tv, tm]);
      const [U] = runCore(unpool.name, opts, [['v', tv], ['mask', tm]], ([cv, cm], o) => [unpool.forward(cv!, cm!, o)]);
      return {
        value: fromData(U),
        gradFunc: (dU: tf.Tensor, saved: tf.Tensor[]) => {
          const grads = runCore(unpool.name, opts, [['v', saved[0]], ['mask', saved[1]], ['dU', dU]], ([cv, cm, cdU], o) => {
            const { dv, dmask } = unpool.backward(cv!, cm!, cdU!, o);
            return [dv, dmask];
          });
          return grads.map(fromData);
        },
      };
    });
    return f(v, mask);
  }

  function checkTf(op: string, what: string, t: unknown, rank: number): tf.Tensor {
    if (!(t instanceof tf.Tensor)) fail('DTYPE', op, `${what} must be a tf.Tensor`, t);
    if (t.isDisposed) fail('DISPOSED', op, `${what} must not be disposed`, new Raw('a disposed tf.Tensor'));
    if (t.rank !== rank) fail('SHAPE', op, `${what} must have rank ${rank}`, new Raw(`shape [${t.shape.join(',')}] (rank ${t.rank})`));
    return t;
  }

  interface ParsedPool {
    geometry: Geometry;
    channelsLast: boolean;
    returnMask: boolean;
    core: CoreOptions;
    extras: tf.serialization.ConfigDict;
  }

  function parsePoolOptions(op: string, spec: MethodSpec, n: Rank, o: Record<string, unknown>): ParsedPool {
    const { geometry, channelsLast } = coreGeometry(op, n, o);
    const extras = ownOptions(op, spec, o);
    const core: CoreOptions = { ...geometry, channelsLast, ...extras };
    return { geometry, channelsLast, returnMask: boolOption(op, 'returnMask', o.returnMask) ?? false, core, extras };
  }

  function maskShape(g: Geometry, inShape: Shape, outShape: Shape, channelsLast: boolean): Shape {
    const { N, C, S } = splitShape(inShape, channelsLast);
    const O = splitShape(outShape, channelsLast).S;
    const K = S.map((L, a) => {
      if (!g.outputSize) return (g.kernelSize ?? S.map(() => 2))[a];
      return L === null ? null : adaptiveAxis(L, g.outputSize[a]).K; // core's one rule (closed form)
    });
    return layoutShape(N, C, [...O, ...K], channelsLast);
  }

  const singleShape = (s: Shape | Shape[]): Shape => (Array.isArray(s[0]) ? (s as Shape[])[0] : (s as Shape));

  /** The tfjs pooling layer of one method and rank. */
  class PoolLayer extends tf.layers.Layer implements TfPoolLayer {
    readonly method: MethodKey;
    readonly rank: Rank;
    readonly returnMask: boolean;
    readonly channelsLast: boolean;
    readonly betaShape?: BetaForm | number[];
    readonly betaInit?: number;
    /** The core options every call uses. */
    readonly coreOptions: Readonly<CoreOptions>;
    readonly #spec: MethodSpec;
    readonly #geometry: Geometry;
    readonly #extras: tf.serialization.ConfigDict;
    #beta?: tfl.LayerVariable;

    constructor(spec: MethodSpec, rank: Rank, config?: TfAdaPoolConfig & Record<string, unknown>) {
      super(config ?? {});
      registerLayers();
      const op = this.getClassName();
      const o = checkOptionKeys(op, config, [...GEOMETRY_KEYS, 'returnMask', ...spec.extra, ...(spec.beta ? ['betaShape', 'betaInit'] : []), ...LAYER_ARGS_KEYS]);
      const p = parsePoolOptions(op, spec, rank, o);
      this.#spec = spec;
      this.method = spec.key;
      this.rank = rank;
      this.#geometry = p.geometry;
      this.#extras = p.extras;
      this.channelsLast = p.channelsLast;
      this.returnMask = p.returnMask;
      this.coreOptions = Object.freeze(p.core);
      if (spec.beta) {
        this.betaShape = checkBetaShape(op, o.betaShape);
        this.betaInit = checkBetaInit(op, o.betaInit);
      }
      this.inputSpec = [{ ndim: rank + 2 }];
    }

    /** β as a tfjs LayerVariable (AdaPool, after build). */
    get beta(): tfl.LayerVariable | undefined {
      return this.#beta;
    }

    override build(inputShape: Shape | Shape[]): void {
      const shape = singleShape(inputShape);
      if (this.#spec.beta) {
        const op = this.getClassName();
        const out = this.#output(shape);
        const bshape = betaShapeFor(this.betaShape!, out, this.channelsLast);
        if (bshape.some((d) => d === null)) {
          fail('SHAPE', op, `betaShape '${String(this.betaShape)}' needs every dim it uses known when the layer is built (give inputShape/batchInputShape)`, new Raw(`output shape [${out.map(String).join(',')}]`));
        }
        // an explicit shape must broadcast to the output (right-aligned; unknown output dims accept any)
        const off = out.length - bshape.length;
        if (off < 0 || bshape.some((d, i) => d !== 1 && out[i + off] !== null && d !== out[i + off])) {
          fail('SHAPE', op, `betaShape must broadcast to the output [${out.map(String).join(',')}] (each dim 1 or equal, right-aligned)`, new Raw(`[${bshape.join(',')}]`));
        }
        this.#beta = this.addWeight('beta', bshape as number[], 'float32', tf.initializers.constant({ value: this.betaInit! }), undefined, true);
      }
      this.built = true;
    }

    #output(inputShape: Shape): Shape {
      const op = this.getClassName();
      if (inputShape.length !== this.rank + 2) fail('SHAPE', op, `input must have rank ${this.rank + 2}`, new Raw(`shape [${inputShape.map(String).join(',')}]`));
      const { N, C, S } = splitShape(inputShape, this.channelsLast);
      return layoutShape(N, C, outputSpatial(op, this.#geometry, S), this.channelsLast);
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
      const shape = singleShape(inputShape);
      const out = this.#output(shape);
      return this.returnMask ? [out, maskShape(this.#geometry, shape, out, this.channelsLast)] : out;
    }

    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
      return tf.tidy(() => {
        this.invokeCallHook(inputs, kwargs);
        const op = this.getClassName();
        const x = checkTf(op, 'input', Array.isArray(inputs) ? inputs[0] : inputs, this.rank + 2);
        let beta: tf.Tensor | undefined;
        if (this.#beta) {
          // Keep β in [0, 1] where its gradient is alive (an optimizer step may have left it).
          const b = this.#beta.read();
          if (b.dataSync().some((v) => !(v >= 0 && v <= 1))) this.#beta.write(tf.clipByValue(b, 0, 1));
          beta = this.#beta.read();
        }
        const r = tfPool(this.#spec, this.rank, x, beta, this.coreOptions, this.returnMask);
        return this.returnMask ? [r.output, r.mask!] : r.output;
      });
    }

    override getConfig(): tf.serialization.ConfigDict {
      const c: tf.serialization.ConfigDict = { ...tfGeometry(this.#geometry, this.channelsLast), returnMask: this.returnMask, ...this.#extras };
      if (this.#spec.beta) {
        c.betaShape = this.betaShape!;
        c.betaInit = this.betaInit!;
      }
      return { ...c, ...super.getConfig() };
    }
  }

  /** adaUnpool as a tfjs layer: inputs `[v, mask]` (e.g. a pooling layer's outputs with `returnMask: true`). */
  class UnpoolLayer extends tf.layers.Layer implements TfUnpoolLayer {
    readonly rank: Rank;
    readonly channelsLast: boolean;
    readonly coreOptions: Readonly<CoreOptions & { inputSize?: number[] }>;
    readonly #geometry: Geometry;

    constructor(rank: Rank, config?: TfUnpoolConfig) {
      super(config ?? {});
      registerLayers();
      const op = this.getClassName();
      const o = checkOptionKeys(op, config, [...GEOMETRY_KEYS, 'inputSize', ...LAYER_ARGS_KEYS]);
      this.rank = rank;
      const { geometry, channelsLast } = coreGeometry(op, rank, o);
      const inputSize = perDimOption(op, 'inputSize', o.inputSize, rank, 1);
      if (geometry.outputSize && !inputSize) fail('OPTION', op, 'inputSize is required with adaptive geometry (outputSize)', new Raw('no inputSize'));
      if (geometry.padding === 'same' && !inputSize) fail('OPTION', op, "inputSize is required with padding 'same' (several input sizes give the same output size)", new Raw("padding 'same' and no inputSize"));
      this.#geometry = geometry;
      this.channelsLast = channelsLast;
      this.coreOptions = Object.freeze({ ...geometry, channelsLast, ...(inputSize ? { inputSize } : {}) });
      this.inputSpec = [{ ndim: rank + 2 }, { ndim: 2 * rank + 2 }];
    }

    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const op = this.getClassName();
      if (!Array.isArray(inputShape[0]) || inputShape.length !== 2) fail('SHAPE', op, 'inputs must be [v, mask]', new Raw(`${inputShape.length} input(s)`));
      const { N, C, S: O } = splitShape(inputShape[0] as Shape, this.channelsLast);
      const g = this.#geometry;
      const S = O.map((Oa, a) => {
        if (this.coreOptions.inputSize) return this.coreOptions.inputSize[a];
        if (Oa === null) return null;
        const k = g.kernelSize?.[a] ?? 2;
        return defaultUnpoolLength(Oa, k, g.stride?.[a] ?? k, axisPadding(g.padding, a, 0, 0, 0, 0), g.dilation?.[a] ?? 1);
      });
      return layoutShape(N, C, S, this.channelsLast);
    }

    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
      return tf.tidy(() => {
        this.invokeCallHook(inputs, kwargs);
        const op = this.getClassName();
        if (!Array.isArray(inputs) || inputs.length !== 2) fail('SHAPE', op, 'inputs must be [v, mask]', new Raw(Array.isArray(inputs) ? `${inputs.length} input(s)` : 'one tensor'));
        const v = checkTf(op, 'v', inputs[0], this.rank + 2);
        const mask = checkTf(op, 'mask', inputs[1], 2 * this.rank + 2);
        return tfUnpool(this.rank, v, mask, this.coreOptions);
      });
    }

    override getConfig(): tf.serialization.ConfigDict {
      const c = tfGeometry(this.#geometry, this.channelsLast);
      if (this.coreOptions.inputSize) c.inputSize = this.coreOptions.inputSize;
      return { ...c, ...super.getConfig() };
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Classes, factories and functional ops, generated from the method table.

  
  function poolClass<C>(spec: MethodSpec, rank: Rank): TfPoolLayerClass<C> {
    const name = `${spec.cls}${rank}d`;
    const C = class extends PoolLayer {
      static className = name;
      constructor(config?: C) {
        super(spec, rank, config as TfAdaPoolConfig & Record<string, unknown>);
      }
    };
    Object.defineProperty(C, 'name', { value: name });
    return C as unknown as TfPoolLayerClass<C>;
  }

  function unpoolClass(rank: Rank): TfUnpoolLayerClass {
    const name = `AdaUnpool${rank}d`;
    const C = class extends UnpoolLayer {
      static className = name;
      constructor(config?: TfUnpoolConfig) {
        super(rank, config);
      }
    };
    Object.defineProperty(C, 'name', { value: name });
    return C as unknown as TfUnpoolLayerClass;
  }

  

  function poolFn(spec: MethodSpec, rank: Rank) {
    const op = `${spec.op}${rank}d`;
    const allowed = [...GEOMETRY_KEYS, 'returnMask', ...spec.extra, 'backend'];
    return (x: unknown, ...rest: unknown[]): tf.Tensor | TfPoolWithMask => {
      checkTf(op, 'x', x, rank + 2);
      let beta: tf.Tensor | undefined;
      let options: unknown;
      if (spec.beta) {
        const b = rest[0];
        if (typeof b === 'number') beta = tf.scalar(b);
        else beta = checkTf(op, 'beta', b, (b as tf.Tensor)?.rank ?? -1);
        options = rest[1];
      } else options = rest[0];
      const o = checkOptionKeys(op, options, allowed);
      const p = parsePoolOptions(op, spec, rank, o);
      if (o.backend !== undefined) p.core.backend = o.backend as string;
      try {
        const r = tfPool(spec, rank, x as tf.Tensor, beta, p.core, p.returnMask);
        return p.returnMask ? { output: r.output, mask: r.mask! } : r.output;
      } finally {
        if (typeof rest[0] === 'number') beta?.dispose();
      }
    };
  }

  function unpoolFn(rank: Rank): TfUnpoolOp {
    const op = `adaUnpool${rank}d`;
    return (v, mask, options) => {
      checkTf(op, 'v', v, rank + 2);
      checkTf(op, 'mask', mask, 2 * rank + 2);
      const o = checkOptionKeys(op, options, [...GEOMETRY_KEYS, 'inputSize', 'backend']);
      const { geometry, channelsLast } = coreGeometry(op, rank, o);
      const inputSize = perDimOption(op, 'inputSize', o.inputSize, rank, 1);
      return tfUnpool(rank, v, mask, { ...geometry, channelsLast, ...(inputSize ? { inputSize } : {}), ...(o.backend !== undefined ? { backend: o.backend as string } : {}) });
    };
  }

  function factory<F>(Cls: (new (config?: never) => unknown) & { className: string }, fn: (...args: never[]) => unknown): F {
    return ((first?: unknown, ...rest: unknown[]) => {
      if (first instanceof tf.Tensor) return (fn as (...a: unknown[]) => unknown)(first, ...rest);
      if (first instanceof tf.SymbolicTensor) {
        fail('OPTION', Cls.className, 'the factory takes a config (then .apply(x) the layer to a SymbolicTensor) or a tf.Tensor (functional op)', new Raw('a SymbolicTensor'));
      }
      return new Cls(first as never);
    }) as F;
  }

  // Classes, one per descriptor stem and rank; a saved model names them by class name (`"class_name": "AdaPool2d"`).
  const classes: Record<string, unknown> = {};
  const opsByName: Record<string, unknown> = {};
  const factories: Record<string, unknown> = {};
  for (const spec of METHODS) {
    for (const rank of RANKS) {
      const Cls = poolClass(spec, rank);
      for (const stem of layerStems(spec.def)) classes[`${stem}${rank}d`] = Cls;
      const fn = poolFn(spec, rank);
      const make = factory(Cls, fn); // one function under every name (emPool2d is softPool2d)
      for (const name of [spec.def.name, ...spec.def.aliases]) {
        opsByName[`${name}${rank}d`] = fn;
        factories[`${name}${rank}d`] = make;
      }
    }
  }
  for (const rank of RANKS) {
    const Cls = unpoolClass(rank);
    classes[`AdaUnpool${rank}d`] = Cls;
    opsByName[`adaUnpool${rank}d`] = unpoolFn(rank);
    factories[`adaUnpool${rank}d`] = factory(Cls, opsByName[`adaUnpool${rank}d`] as (...a: never[]) => unknown);
  }
  // an alias stem (EmPool) is the same class as its method's (SoftPool): registered once
  const ALL_CLASSES = [...new Set(Object.values(classes))] as (new (config?: never) => unknown)[] & { className: string }[];
  let registered = false;

  /**
   * Registers every layer class with `tf.serialization` (by class name, `AdaPool2d`, …, and as
   * `adapool>AdaPool2d`) so `tf.loadLayersModel` can rebuild them. Constructing any adapool layer
   * does it; call it yourself before loading a model in a process that has not made one.
   * Idempotent. Not done on import: the package has no import side effects.
   */
  function registerLayers(): void {
    if (registered) return;
    registered = true;
    for (const C of ALL_CLASSES) tf.serialization.registerClass(C as unknown as tf.serialization.SerializableConstructor<tfl.layers.Layer>, 'adapool', C.className);
  }

  /** Functional ops only: `ops.softPool2d(x, options)`, `ops.adaPool2d(x, beta, options)`, `ops.adaUnpool2d(v, mask, options)`. */
  const ops = opsByName as unknown as TfOps;
  return { TfPoolLayer: PoolLayer, TfUnpoolLayer: UnpoolLayer, registerLayers, ops, ...(classes as unknown as TfjsClasses), ...(factories as unknown as TfjsFactories) };
}
