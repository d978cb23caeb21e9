/**
 * The reference backend `js`: plain typed arrays in CPU memory, every kernel computed by the
 * float64 reference math of the op files and rounded to float32 once at the end.
 *
 * The registry's instance starts with no kernels: each public op adds its own reference kernels
 * on first call (`addPoolKernels`, `addUnpoolKernels`), so a bundle carries the math of the ops it
 * imports only. `createJsBackend()` (for backend authors and tests) has every kernel.
 */
import type { Backend, KernelName, Kernels, TypedArray } from '../backend.js';
import { AdaPoolError } from '../errors.js';
import { callSize, type PoolPlan } from '../plan.js';
import { referenceUnpool, referenceUnpoolGrad } from '../ops/ada-unpool.js';
import type { PoolOpDef } from '../ops/region.js';
import { poolGradWith, poolOpDefs, poolWith } from '../reference.js';

const f32 = (a: Float64Array): Float32Array => Float32Array.from(a);

/** The js backend's limits: one typed array holds at most 2^31 − 1 elements; one call allocates at most 4 GiB. */
export const JS_MAX_ELEMENTS = 2 ** 31 - 1;
export const JS_MAX_BYTES = 2 ** 32;

/**
 * Throws UNSUPPORTED unless the call fits the limits above, before anything is allocated: each
 * result is a float64 array plus its float32 copy (12 B an element); the region table is three
 * int32 arrays per tap (12 B an entry) and five per output (20 B); inputs moved in are copies.
 */
function checkSize(kernel: KernelName, plan: PoolPlan, uploads: readonly number[] = []): void {
  const { results, tableEntries, outputs } = callSize(kernel, plan);
  const largest = Math.max(tableEntries, ...results);
  const bytes = 12 * results.reduce((s, r) => s + r, 0) + 12 * tableEntries + 20 * outputs + uploads.reduce((s, b) => s + b, 0);
  if (largest <= JS_MAX_ELEMENTS && bytes <= JS_MAX_BYTES) return;
  const got = largest > JS_MAX_ELEMENTS ? `an array of ${largest} elements` : `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  const op = plan.op;
  throw new AdaPoolError('UNSUPPORTED', op, `${op}: a call must fit the js backend's limits (2^31−1 elements per array, 4 GiB in all), got ${got} needed`);
}

/** Adds the forward and gradient kernels of one pooling op (if not there yet). */
export function addPoolKernels(kernels: Partial<Kernels<TypedArray>>, def: PoolOpDef): void {
  const m = def.method;
  kernels[`${m}Pool`] ??= (plan, x, beta) => {
    checkSize(`${m}Pool`, plan);
    const r = poolWith(def.region, plan, x, beta);
    return { output: f32(r.output), mask: r.mask && f32(r.mask), indices: r.indices };
  };
  kernels[`${m}PoolGrad`] ??= (plan, x, dy, beta) => {
    checkSize(`${m}PoolGrad`, plan);
    const r = poolGradWith(def.region, plan, x, dy, beta);
    return { dx: f32(r.dx), dbeta: r.dbeta && f32(r.dbeta) };
  };
}

/** Adds adaUnpool and its gradient (if not there yet). */
export function addUnpoolKernels(kernels: Partial<Kernels<TypedArray>>): void {
  kernels.adaUnpool ??= (plan, v, mask) => {
    checkSize('adaUnpool', plan);
    return f32(referenceUnpool(plan, v, mask));
  };
  kernels.adaUnpoolGrad ??= (plan, v, mask, dU) => {
    checkSize('adaUnpoolGrad', plan);
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
    checkSize,
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
