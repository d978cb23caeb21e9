import type { PoolPlan, PoolMethod } from './plan.js';

export type TypedArray = Float32Array | Int32Array;
export type DType = 'float32' | 'int32';
/** What `tensor()` accepts as data: typed arrays or any array-like of numbers (already validated). */
export type TensorData = Float32Array | Int32Array | ArrayLike<number>;

/** Kernel names: the registry key of every op a backend can implement. */
export type PoolKernelName = `${PoolMethod}Pool`;
export type KernelName = PoolKernelName | `${PoolMethod}PoolGrad` | 'adaUnpool' | 'adaUnpoolGrad';

export interface PoolKernelResult<H> {
  output: H;
  /** Present when `plan.returnMask`. */
  mask?: H;
  /** int32; maxPool with `plan.returnMask` only. */
  indices?: H;
}

/** Forward pooling: `x` laid out as `plan.inputShape`; `beta` (adaPool only) as `plan.beta.shape`. */
export type PoolKernel<H> = (plan: PoolPlan, x: H, beta?: H) => PoolKernelResult<H>;
/** Input gradient (and β gradient for adaPool) given `dy` shaped like the output. */
export type PoolGradKernel<H> = (plan: PoolPlan, x: H, dy: H, beta?: H) => { dx: H; dbeta?: H };
/** adaUnpool: `v` shaped like the pooled output, `mask` like `plan.maskShape`; returns `plan.inputShape`. */
export type UnpoolKernel<H> = (plan: PoolPlan, v: H, mask: H) => H;
export type UnpoolGradKernel<H> = (plan: PoolPlan, v: H, mask: H, dU: H) => { dv: H; dmask: H };

export type Kernels<H> = { [K in PoolKernelName]: PoolKernel<H> } & {
  [K in `${PoolMethod}PoolGrad`]: PoolGradKernel<H>;
} & {
  adaUnpool: UnpoolKernel<H>;
  adaUnpoolGrad: UnpoolGradKernel<H>;
};

/**
 * What a backend implements. Data lives behind opaque handles `H`; kernels take a validated
 * `PoolPlan` (shapes, geometry, layout, strides) and handles, and return new handles. A backend
 * may implement any subset of the kernels and may decline a plan through `supports`; the op layer
 * then falls back to the reference backend `js` with a one-time warning.
 */
export interface Backend<H = any> {
  readonly name: string;
  /**
   * Takes ownership of `data` (the caller never touches it again) and returns a handle. `op`: the
   * op the user called (for error messages), when the upload moves an input of that op.
   */
  upload(data: TypedArray, op?: string): H;
  /**
   * Optional: a new handle holding a copy of `data` as `dtype`, written straight into the backend's
   * memory (one copy; `data` stays the caller's and is not kept). `op` names the call in errors.
   * Without it, core copies `data` into a typed array and calls `upload`.
   */
  write?(data: TensorData, dtype: DType, op: string): H;
  /**
   * Optional, for CPU-visible memory: a view of the data behind `h` (no copy), valid only until the
   * next call into this backend. Core reads it at once to move a tensor to another backend.
   */
  view?(h: H): TypedArray;
  /** The dtypes this backend can hold (default both). */
  readonly dtypes?: readonly DType[];
  /** A fresh copy of the data behind `h`. */
  read(h: H): Promise<TypedArray> | TypedArray;
  /** Present on backends whose memory is CPU-visible; lets ops move tensors synchronously. */
  readSync?(h: H): TypedArray;
  /**
   * Optional, for backends without `view`: copies the data behind `h` into `into` (the tensor's
   * dtype and size, checked by core) without a fresh array in between. Without it (and `view`),
   * `read({ into })` reads a fresh copy and copies that.
   */
  readInto?(h: H, into: TypedArray): Promise<void> | void;
  dispose(h: H): void;
  /**
   * Why this backend's tensors can no longer be read or moved (device lost, …); undefined while
   * they can. `'auto'` passes over a backend that gives a reason (for new tensors and ops).
   */
  unusable?(): string | undefined;
  /**
   * Throws `UNSUPPORTED` (with the figure) when `kernel` for `plan` cannot fit this backend, given
   * inputs of `uploads` bytes that must first be moved in. Called before anything is moved or allocated.
   */
  checkSize?(kernel: KernelName, plan: PoolPlan, uploads: readonly number[]): void;
  readonly kernels: Partial<Kernels<H>>;
  /** `true`, or the reason this backend cannot run `kernel` for `plan` (it then falls back to `js`). */
  supports?(kernel: KernelName, plan: PoolPlan): true | string;
  /**
   * How `'auto'` ranks this backend: higher priority first, and only for work
   * (max(input, output elements) × window taps) of at least `minWork`. Backends without it (read
   * per call: a backend may drop it, as a destroyed Wasm backend does) are never picked by
   * `'auto'` except when the input already lives there.
   */
  readonly auto?: { readonly priority: number; readonly minWork?: number };
}
