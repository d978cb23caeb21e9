/**
 * The public op functions. Each is one rank-generic path (`n = rank − 2`); the 1d/2d/3d names
 * are the same function with a rank check and their own name in messages.
 */
import type { Kernels, PoolKernelName, TypedArray } from './backend.js';
import { addPoolKernels, addUnpoolKernels } from './backends/js.js';
import { execute, wrapAll } from './dispatch.js';
import { adaPoolDef } from './ops/ada-pool.js';
import { avgPoolDef as avg } from './ops/avg-pool.js';
import { edscwPoolDef as edscw } from './ops/edscw-pool.js';
import { emPoolDef as em } from './ops/em-pool.js';
import { idwPoolDef as idw } from './ops/idw-pool.js';
import { maxPoolDef as max } from './ops/max-pool.js';
import type { PoolOpDef } from './ops/region.js';
import {
  checkShapeEquals,
  checkTensor,
  planBeta,
  planPool,
  planUnpool,
  withBeta,
  type AvgPoolOptions,
  type IdwPoolOptions,
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
  const beta = def.method === 'ada' ? betaTensor(op, betaArg, x) : undefined;
  try {
    if (beta) plan = withBeta(plan, planBeta(op, beta.t, plan));
    const kernel: PoolKernelName = `${def.method}Pool`;
    const { backend, result } = execute(op, kernel, plan, [x, beta?.t], options.backend as string | undefined, (b, [hx, hb]) =>
      b.kernels[kernel]!(plan, hx, hb),
    );
    if (!plan.returnMask) return wrapAll(backend, [[result.output, plan.outputShape, 'float32']])[0];
    const withIndices = def.method === 'max';
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
  const beta = def.method === 'ada' ? betaTensor(op, betaArg, x) : undefined;
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

function pool<O extends PoolOptions>(def: PoolOpDef, op: string, rank?: number): PoolFn<O> {
  return ((x: Tensor, opts?: O) => runPool(def, op, rank, x, undefined, opts)) as PoolFn<O>;
}
function poolGrad<O extends PoolOptions>(def: PoolOpDef, op: string, rank?: number): PoolGradFn<O> {
  return (x, dy, opts) => runPoolGrad(def, op, rank, x, undefined, dy, opts) as Tensor;
}
function ada(op: string, rank?: number): AdaPoolFn {
  return ((x: Tensor, beta: Tensor | number, opts?: PoolOptions) => runPool(adaPoolDef, op, rank, x, beta, opts)) as AdaPoolFn;
}
function adaGrad(op: string, rank?: number): AdaPoolGradFn {
  return (x, beta, dy, opts) => runPoolGrad(adaPoolDef, op, rank, x, beta, dy, opts) as { dx: Tensor; dbeta: Tensor };
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

// The factories are pure: a bundle keeps only the wrappers (and reference math) it imports.
export const avgPool = /* @__PURE__ */ pool<AvgPoolOptions>(avg, 'avgPool');
export const avgPool1d = /* @__PURE__ */ pool<AvgPoolOptions>(avg, 'avgPool1d', 1);
export const avgPool2d = /* @__PURE__ */ pool<AvgPoolOptions>(avg, 'avgPool2d', 2);
export const avgPool3d = /* @__PURE__ */ pool<AvgPoolOptions>(avg, 'avgPool3d', 3);
export const maxPool = /* @__PURE__ */ pool<PoolOptions>(max, 'maxPool');
export const maxPool1d = /* @__PURE__ */ pool<PoolOptions>(max, 'maxPool1d', 1);
export const maxPool2d = /* @__PURE__ */ pool<PoolOptions>(max, 'maxPool2d', 2);
export const maxPool3d = /* @__PURE__ */ pool<PoolOptions>(max, 'maxPool3d', 3);
export const emPool = /* @__PURE__ */ pool<PoolOptions>(em, 'emPool');
export const emPool1d = /* @__PURE__ */ pool<PoolOptions>(em, 'emPool1d', 1);
export const emPool2d = /* @__PURE__ */ pool<PoolOptions>(em, 'emPool2d', 2);
export const emPool3d = /* @__PURE__ */ pool<PoolOptions>(em, 'emPool3d', 3);
export const softPool = /* @__PURE__ */ pool<PoolOptions>(em, 'softPool');
export const softPool1d = /* @__PURE__ */ pool<PoolOptions>(em, 'softPool1d', 1);
export const softPool2d = /* @__PURE__ */ pool<PoolOptions>(em, 'softPool2d', 2);
export const softPool3d = /* @__PURE__ */ pool<PoolOptions>(em, 'softPool3d', 3);
export const edscwPool = /* @__PURE__ */ pool<PoolOptions>(edscw, 'edscwPool');
export const edscwPool1d = /* @__PURE__ */ pool<PoolOptions>(edscw, 'edscwPool1d', 1);
export const edscwPool2d = /* @__PURE__ */ pool<PoolOptions>(edscw, 'edscwPool2d', 2);
export const edscwPool3d = /* @__PURE__ */ pool<PoolOptions>(edscw, 'edscwPool3d', 3);
export const idwPool = /* @__PURE__ */ pool<IdwPoolOptions>(idw, 'idwPool');
export const idwPool1d = /* @__PURE__ */ pool<IdwPoolOptions>(idw, 'idwPool1d', 1);
export const idwPool2d = /* @__PURE__ */ pool<IdwPoolOptions>(idw, 'idwPool2d', 2);
export const idwPool3d = /* @__PURE__ */ pool<IdwPoolOptions>(idw, 'idwPool3d', 3);
export const adaPool = /* @__PURE__ */ ada('adaPool');
export const adaPool1d = /* @__PURE__ */ ada('adaPool1d', 1);
export const adaPool2d = /* @__PURE__ */ ada('adaPool2d', 2);
export const adaPool3d = /* @__PURE__ */ ada('adaPool3d', 3);
export const adaUnpool = /* @__PURE__ */ unpool('adaUnpool');
export const adaUnpool1d = /* @__PURE__ */ unpool('adaUnpool1d', 1);
export const adaUnpool2d = /* @__PURE__ */ unpool('adaUnpool2d', 2);
export const adaUnpool3d = /* @__PURE__ */ unpool('adaUnpool3d', 3);

export const avgPoolGrad = /* @__PURE__ */ poolGrad<AvgPoolOptions>(avg, 'avgPoolGrad');
export const avgPool1dGrad = /* @__PURE__ */ poolGrad<AvgPoolOptions>(avg, 'avgPool1dGrad', 1);
export const avgPool2dGrad = /* @__PURE__ */ poolGrad<AvgPoolOptions>(avg, 'avgPool2dGrad', 2);
export const avgPool3dGrad = /* @__PURE__ */ poolGrad<AvgPoolOptions>(avg, 'avgPool3dGrad', 3);
export const maxPoolGrad = /* @__PURE__ */ poolGrad<PoolOptions>(max, 'maxPoolGrad');
export const maxPool1dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(max, 'maxPool1dGrad', 1);
export const maxPool2dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(max, 'maxPool2dGrad', 2);
export const maxPool3dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(max, 'maxPool3dGrad', 3);
export const emPoolGrad = /* @__PURE__ */ poolGrad<PoolOptions>(em, 'emPoolGrad');
export const emPool1dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(em, 'emPool1dGrad', 1);
export const emPool2dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(em, 'emPool2dGrad', 2);
export const emPool3dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(em, 'emPool3dGrad', 3);
export const softPoolGrad = /* @__PURE__ */ poolGrad<PoolOptions>(em, 'softPoolGrad');
export const softPool1dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(em, 'softPool1dGrad', 1);
export const softPool2dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(em, 'softPool2dGrad', 2);
export const softPool3dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(em, 'softPool3dGrad', 3);
export const edscwPoolGrad = /* @__PURE__ */ poolGrad<PoolOptions>(edscw, 'edscwPoolGrad');
export const edscwPool1dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(edscw, 'edscwPool1dGrad', 1);
export const edscwPool2dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(edscw, 'edscwPool2dGrad', 2);
export const edscwPool3dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(edscw, 'edscwPool3dGrad', 3);
export const idwPoolGrad = /* @__PURE__ */ poolGrad<IdwPoolOptions>(idw, 'idwPoolGrad');
export const idwPool1dGrad = /* @__PURE__ */ poolGrad<IdwPoolOptions>(idw, 'idwPool1dGrad', 1);
export const idwPool2dGrad = /* @__PURE__ */ poolGrad<IdwPoolOptions>(idw, 'idwPool2dGrad', 2);
export const idwPool3dGrad = /* @__PURE__ */ poolGrad<IdwPoolOptions>(idw, 'idwPool3dGrad', 3);
export const adaPoolGrad = /* @__PURE__ */ adaGrad('adaPoolGrad');
export const adaPool1dGrad = /* @__PURE__ */ adaGrad('adaPool1dGrad', 1);
export const adaPool2dGrad = /* @__PURE__ */ adaGrad('adaPool2dGrad', 2);
export const adaPool3dGrad = /* @__PURE__ */ adaGrad('adaPool3dGrad', 3);
export const adaUnpoolGrad = /* @__PURE__ */ unpoolGrad('adaUnpoolGrad');
export const adaUnpool1dGrad = /* @__PURE__ */ unpoolGrad('adaUnpool1dGrad', 1);
export const adaUnpool2dGrad = /* @__PURE__ */ unpoolGrad('adaUnpool2dGrad', 2);
export const adaUnpool3dGrad = /* @__PURE__ */ unpoolGrad('adaUnpool3dGrad', 3);
