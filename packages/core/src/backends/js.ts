/**
 * The reference backend `js`: plain typed arrays in CPU memory, every kernel computed by the
 * float64 reference math of the op files and rounded to float32 once at the end.
 */
import type { Backend, Kernels, TypedArray } from '../backend.js';
import type { PoolMethod } from '../plan.js';
import { referenceUnpool, referenceUnpoolGrad } from '../ops/ada-unpool.js';
import { referencePool, referencePoolGrad } from '../reference.js';

const f32 = (a: Float64Array): Float32Array => Float32Array.from(a);

const METHODS: readonly PoolMethod[] = ['avg', 'max', 'em', 'edscw', 'idw', 'ada'];

export function createJsBackend(): Backend<TypedArray> {
  const kernels: Partial<Kernels<TypedArray>> = {
    adaUnpool: (plan, v, mask) => f32(referenceUnpool(plan, v, mask)),
    adaUnpoolGrad: (plan, v, mask, dU) => {
      const { dv, dmask } = referenceUnpoolGrad(plan, v, mask, dU);
      return { dv: f32(dv), dmask: f32(dmask) };
    },
  };
  for (const m of METHODS) {
    kernels[`${m}Pool`] = (plan, x, beta) => {
      const r = referencePool(plan, x, beta);
      return { output: f32(r.output), mask: r.mask && f32(r.mask), indices: r.indices };
    };
    kernels[`${m}PoolGrad`] = (plan, x, dy, beta) => {
      const r = referencePoolGrad(plan, x, dy, beta);
      return { dx: f32(r.dx), dbeta: r.dbeta && f32(r.dbeta) };
    };
  }
  return {
    name: 'js',
    upload: (data) => data,
    read: (h) => h.slice(),
    readSync: (h) => h.slice(),
    view: (h) => h,
    dispose: () => {},
    kernels,
    auto: { priority: 0 },
  };
}
