/**
 * The op descriptors: one per pooling method, in core's order (a method's Wasm code is its index).
 * Every list of methods in adapool derives from this object; tests/methods.test.ts fails when one
 * disagrees. A new op is its op file, a line here and its kernels in each backend.
 */
import { adaPoolDef } from './ada-pool.js';
import { avgPoolDef } from './avg-pool.js';
import { edscwPoolDef } from './edscw-pool.js';
import { emPoolDef } from './em-pool.js';
import { idwPoolDef } from './idw-pool.js';
import { lpPoolDef } from './lp-pool.js';
import { maxPoolDef } from './max-pool.js';
import type { PoolOpDef } from './region.js';

export { adaPoolDef, avgPoolDef, edscwPoolDef, emPoolDef, idwPoolDef, lpPoolDef, maxPoolDef };

/**
 * The methods in core's order, as plain strings: what a backend needs without the descriptors'
 * reference math (a bundle with the Wasm backend carries none of it). The type below makes
 * `poolOpDefs` list exactly these; tests/methods.test.ts checks the order.
 */
export const POOL_METHODS = ['avg', 'max', 'em', 'edscw', 'idw', 'ada', 'lp'] as const;
export type PoolMethod = (typeof POOL_METHODS)[number];

export const poolOpDefs: { readonly [M in PoolMethod]: PoolOpDef } = {
  avg: avgPoolDef,
  max: maxPoolDef,
  em: emPoolDef,
  edscw: edscwPoolDef,
  idw: idwPoolDef,
  ada: adaPoolDef,
  lp: lpPoolDef,
};
