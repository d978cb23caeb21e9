/**
 * The reference backend `js`: plain typed arrays in CPU memory, every kernel computed by the
 * float64 reference math of the op files and rounded to float32 once at the end.
 */
import type { Backend, KernelName, Kernels, TypedArray } from '../backend.js';
import { AdaPoolError } from '../errors.js';
import { callSize, type PoolMethod, type PoolPlan } from '../plan.js';
import { referenceUnpool, referenceUnpoolGrad } from '../ops/ada-unpool.js';
import { referencePool, referencePoolGrad } from '../reference.js';

const f32 = (a: Float64Array): Float32Array => Float32Array.from(a);

const METHODS: readonly PoolMethod[] = ['avg', 'max', 'em', 'edscw', 'idw', 'ada'];

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

export function createJsBackend(): Backend<TypedArray> {
  const kernels: Partial<Kernels<TypedArray>> = {
    adaUnpool: (plan, v, mask) => {
      checkSize('adaUnpool', plan);
      return f32(referenceUnpool(plan, v, mask));
    },
    adaUnpoolGrad: (plan, v, mask, dU) => {
      checkSize('adaUnpoolGrad', plan);
      const { dv, dmask } = referenceUnpoolGrad(plan, v, mask, dU);
      return { dv: f32(dv), dmask: f32(dmask) };
    },
  };
  for (const m of METHODS) {
    kernels[`${m}Pool`] = (plan, x, beta) => {
      checkSize(`${m}Pool`, plan);
      const r = referencePool(plan, x, beta);
      return { output: f32(r.output), mask: r.mask && f32(r.mask), indices: r.indices };
    };
    kernels[`${m}PoolGrad`] = (plan, x, dy, beta) => {
      checkSize(`${m}PoolGrad`, plan);
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
    checkSize,
    kernels,
    auto: { priority: 0 },
  };
}
