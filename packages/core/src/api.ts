/**
 * The public op functions. Each is one rank-generic path (`n = rank − 2`); the 1d/2d/3d names
 * are the same function with a rank check and their own name in messages.
 */
import type { Kernels, PoolKernelName, TypedArray } from './backend.js';
import { addPoolKernels, addUnpoolKernels } from './backends/js.js';
import { execute, wrapAll } from './dispatch.js';
import type { PoolOpDef } from './ops/region.js';
import {
  checkShapeEquals,
  checkTensor,
  planBeta,
  planPool,
  planUnpool,
  withBeta,
  type PoolOptions,
  type UnpoolOptions,
} from './plan.js';
import { jsBackendInstance } from './registry.js';
import { Tensor, tensor } from './tensor.js';

/** `{ output, mask }` (and `indices` for maxPool) when `returnMask: true`. */
export interface PoolWithMask {
  output: Tensor;
  mask: Tensor;
  /** int32 flat spatial index of the max per output, −1 for an empty region (maxPool only). */
  indices?: Tensor;
}

export interface PoolFn<O extends PoolOptions> {
  (x: Tensor, opts?: O & { returnMask?: false }): Tensor;
  (x: Tensor, opts: O & { returnMask: true }): PoolWithMask;
  (x: Tensor, opts?: O): Tensor | PoolWithMask;
}
export interface AdaPoolFn {
  (x: Tensor, beta: Tensor | number, opts?: PoolOptions & { returnMask?: false }): Tensor;
  (x: Tensor, beta: Tensor | number, opts: PoolOptions & { returnMask: true }): PoolWithMask;
  (x: Tensor, beta: Tensor | number, opts?: PoolOptions): Tensor | PoolWithMask;
}
export type PoolGradFn<O extends PoolOptions> = (x: Tensor, dy: Tensor, opts?: O) => Tensor;
export type AdaPoolGradFn = (x: Tensor, beta: Tensor | number, dy: Tensor, opts?: PoolOptions) => { dx: Tensor; dbeta: Tensor };
export type UnpoolFn = (v: Tensor, mask: Tensor, opts?: UnpoolOptions) => Tensor;
export type UnpoolGradFn = (v: Tensor, mask: Tensor, dU: Tensor, opts?: UnpoolOptions) => { dv: Tensor; dmask: Tensor };

/** β given as a number becomes a scalar tensor beside `x` for the duration of the call. */
function betaTensor(op: string, beta: unknown, x: Tensor): { t: Tensor; owned: boolean } {
  if (typeof beta === 'number') return { t: tensor([beta], [], { backend: x.backend }), owned: true };
  checkTensor(op, 'beta', beta);
  return { t: beta as Tensor, owned: false };
}

/** The reference backend's kernels; each op adds its own on first call (tree-shaking: backends/js.ts). */
const jsKernels = () => jsBackendInstance().kernels as Partial<Kernels<TypedArray>>;

function runPool(def: PoolOpDef, op: string, rank: number | undefined, x: Tensor, betaArg: unknown, opts: unknown): Tensor | PoolWithMask {
  addPoolKernels(jsKernels(), def);
  let { plan, options } = planPool(op, def.method, x, opts, def.options, rank);
  const beta = def.beta ? betaTensor(op, betaArg, x) : undefined;
  try {
    if (beta) plan = withBeta(plan, planBeta(op, beta.t, plan));
    const kernel: PoolKernelName = `${def.method}Pool`;
    const { backend, result } = execute(op, kernel, plan, [x, beta?.t], options.backend as string | undefined, (b, [hx, hb]) =>
      b.kernels[kernel]!(plan, hx, hb),
    );
    if (!plan.returnMask) return wrapAll(backend, [[result.output, plan.outputShape, 'float32']])[0];
    const withIndices = def.indices;
    const [output, mask, indices] = wrapAll(backend, [
      [result.output, plan.outputShape, 'float32'],
      [result.mask, plan.maskShape, 'float32'],
      ...(withIndices ? [[result.indices, plan.outputShape, 'int32'] as const] : []),
    ]);
    return withIndices ? { output, mask, indices } : { output, mask };
  } finally {
    if (beta?.owned) beta.t.dispose();
  }
}

function runPoolGrad(def: PoolOpDef, op: string, rank: number | undefined, x: Tensor, betaArg: unknown, dy: unknown, opts: unknown) {
  addPoolKernels(jsKernels(), def);
  let { plan, options } = planPool(op, def.method, x, opts, def.options, rank);
  plan = { ...plan, returnMask: false };
  checkShapeEquals(op, 'dy', dy, plan.outputShape, 'the output shape');
  const beta = def.beta ? betaTensor(op, betaArg, x) : undefined;
  try {
    if (beta) plan = withBeta(plan, planBeta(op, beta.t, plan));
    const kernel = `${def.method}PoolGrad` as const;
    const { backend, result } = execute(op, kernel, plan, [x, dy as Tensor, beta?.t], options.backend as string | undefined, (b, [hx, hdy, hb]) =>
      b.kernels[kernel]!(plan, hx, hdy, hb),
    );
    if (!beta) return wrapAll(backend, [[result.dx, plan.inputShape, 'float32']])[0];
    const [dx, dbeta] = wrapAll(backend, [
      [result.dx, plan.inputShape, 'float32'],
      [result.dbeta, beta.t.shape, 'float32'],
    ]);
    return { dx, dbeta };
  } finally {
    if (beta?.owned) beta.t.dispose();
  }
}

/** The public function of an op (ops.generated.ts makes one per name and rank from the descriptors). */
export function pool<O extends PoolOptions>(def: PoolOpDef, op: string, rank?: number): PoolFn<O> {
  return ((x: Tensor, opts?: O) => runPool(def, op, rank, x, undefined, opts)) as PoolFn<O>;
}
export function poolGrad<O extends PoolOptions>(def: PoolOpDef, op: string, rank?: number): PoolGradFn<O> {
  return (x, dy, opts) => runPoolGrad(def, op, rank, x, undefined, dy, opts) as Tensor;
}
/** The same for an op with β (`def.beta`). */
export function ada(def: PoolOpDef, op: string, rank?: number): AdaPoolFn {
  return ((x: Tensor, beta: Tensor | number, opts?: PoolOptions) => runPool(def, op, rank, x, beta, opts)) as AdaPoolFn;
}
export function adaGrad(def: PoolOpDef, op: string, rank?: number): AdaPoolGradFn {
  return (x, beta, dy, opts) => runPoolGrad(def, op, rank, x, beta, dy, opts) as { dx: Tensor; dbeta: Tensor };
}

function unpool(op: string, rank?: number): UnpoolFn {
  return (v, mask, opts) => {
    addUnpoolKernels(jsKernels());
    const { plan, options } = planUnpool(op, v, opts, rank);
    checkShapeEquals(op, 'mask', mask, plan.maskShape, 'the mask shape [N,C,*O,*K] of this geometry');
    const { backend, result } = execute(op, 'adaUnpool', plan, [v, mask], options.backend as string | undefined, (b, [hv, hm]) =>
      b.kernels.adaUnpool!(plan, hv, hm),
    );
    return wrapAll(backend, [[result, plan.inputShape, 'float32']])[0];
  };
}
function unpoolGrad(op: string, rank?: number): UnpoolGradFn {
  return (v, mask, dU, opts) => {
    addUnpoolKernels(jsKernels());
    const { plan, options } = planUnpool(op, v, opts, rank);
    checkShapeEquals(op, 'mask', mask, plan.maskShape, 'the mask shape [N,C,*O,*K] of this geometry');
    checkShapeEquals(op, 'dU', dU, plan.inputShape, 'the unpooled shape');
    const { backend, result } = execute(op, 'adaUnpoolGrad', plan, [v, mask, dU], options.backend as string | undefined, (b, [hv, hm, hg]) =>
      b.kernels.adaUnpoolGrad!(plan, hv, hm, hg),
    );
    const [dv, dmask] = wrapAll(backend, [
      [result.dv, plan.outputShape, 'float32'],
      [result.dmask, plan.maskShape, 'float32'],
    ]);
    return { dv, dmask };
  };
}

// adaUnpool is not a pooling method (no descriptor): its exports are written here.
export const adaUnpool = /* @__PURE__ */ unpool('adaUnpool');
export const adaUnpool1d = /* @__PURE__ */ unpool('adaUnpool1d', 1);
export const adaUnpool2d = /* @__PURE__ */ unpool('adaUnpool2d', 2);
export const adaUnpool3d = /* @__PURE__ */ unpool('adaUnpool3d', 3);
export const adaUnpoolGrad = /* @__PURE__ */ unpoolGrad('adaUnpoolGrad');
export const adaUnpool1dGrad = /* @__PURE__ */ unpoolGrad('adaUnpool1dGrad', 1);
export const adaUnpool2dGrad = /* @__PURE__ */ unpoolGrad('adaUnpool2dGrad', 2);
export const adaUnpool3dGrad = /* @__PURE__ */ unpoolGrad('adaUnpool3dGrad', 3);
