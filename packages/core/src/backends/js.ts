/**
 * The reference backend `js`: plain typed arrays in CPU memory, every kernel computed by the
 * float64 reference math of the op files and rounded to float32 once at the end.
 *
 * The registry's instance starts with no kernels: each public op adds its own reference kernels
 * on first call (`addPoolKernels`, `addUnpoolKernels`), so a bundle carries the math of the ops it
 * imports only. `createJsBackend()` (for backend authors and tests) has every kernel.
 */
import type { Backend, Kernels, TypedArray } from '../backend.js';
import { referenceUnpool, referenceUnpoolGrad } from '../ops/ada-unpool.js';
import type { PoolOpDef } from '../ops/region.js';
import { poolGradWith, poolOpDefs, poolWith } from '../reference.js';

const f32 = (a: Float64Array): Float32Array => Float32Array.from(a);

/** Adds the forward and gradient kernels of one pooling op (if not there yet). */
export function addPoolKernels(kernels: Partial<Kernels<TypedArray>>, def: PoolOpDef): void {
  const m = def.method;
  kernels[`${m}Pool`] ??= (plan, x, beta) => {
    const r = poolWith(def.region, plan, x, beta);
    return { output: f32(r.output), mask: r.mask && f32(r.mask), indices: r.indices };
  };
  kernels[`${m}PoolGrad`] ??= (plan, x, dy, beta) => {
    const r = poolGradWith(def.region, plan, x, dy, beta);
    return { dx: f32(r.dx), dbeta: r.dbeta && f32(r.dbeta) };
  };
}

/** Adds adaUnpool and its gradient (if not there yet). */
export function addUnpoolKernels(kernels: Partial<Kernels<TypedArray>>): void {
  kernels.adaUnpool ??= (plan, v, mask) => f32(referenceUnpool(plan, v, mask));
  kernels.adaUnpoolGrad ??= (plan, v, mask, dU) => {
    const { dv, dmask } = referenceUnpoolGrad(plan, v, mask, dU);
    return { dv: f32(dv), dmask: f32(dmask) };
  };
}

/** The `js` backend with the given kernels (the registry's instance starts with none). */
export function jsBackend(kernels: Partial<Kernels<TypedArray>> = {}): Backend<TypedArray> {
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

/** A `js` backend with every kernel. */
export function createJsBackend(): Backend<TypedArray> {
  const kernels: Partial<Kernels<TypedArray>> = {};
  for (const def of Object.values(poolOpDefs)) addPoolKernels(kernels, def);
  addUnpoolKernels(kernels);
  return jsBackend(kernels);
}
