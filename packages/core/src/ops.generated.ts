// @adapool/core: every pooling op's exports, from its descriptor.
// Generated from core's op descriptors (packages/core/src/ops/) by scripts/generate.ts: do not edit.
// `npm run generate` rewrites it; tests/generated.test.ts fails when it is stale.

import { ada, adaGrad, pool, poolGrad } from './api.js';
import { avgPoolDef, maxPoolDef, emPoolDef, edscwPoolDef, idwPoolDef, adaPoolDef, lpPoolDef } from './ops/index.js';
import type { PoolOptions } from './plan.js';

/** avgPool's options: the common ones and its own (OPERATORS.md 4.1). */
export interface AvgPoolOptions extends PoolOptions {
  /** Divide by the taps inside the padded input instead of the valid ones (OPERATORS.md 4.1). */
  countIncludePad?: boolean;
}

/** idwPool's options: the common ones and its own (OPERATORS.md 4.5). */
export interface IdwPoolOptions extends PoolOptions {
  /** ε of the distance √((x − m)² + ε²) (OPERATORS.md 4.5), default 1e-6. */
  idwEps?: number;
}

/** lpPool's options: the common ones and its own (OPERATORS.md 4.2a). */
export interface LpPoolOptions extends PoolOptions {
  /** The power p (OPERATORS.md 4.2a), 1 ≤ p ≤ 64, default 2. */
  p?: number;
}

/** Every op's own options together (what a layer may pass through to its op). */
export type OwnPoolOptions = Pick<AvgPoolOptions, 'countIncludePad'> & Pick<IdwPoolOptions, 'idwEps'> & Pick<LpPoolOptions, 'p'>;

// The factories are pure: a bundle keeps only the wrappers (and reference math) it imports.
export const avgPool = /* @__PURE__ */ pool<AvgPoolOptions>(avgPoolDef, 'avgPool');
export const avgPoolGrad = /* @__PURE__ */ poolGrad<AvgPoolOptions>(avgPoolDef, 'avgPoolGrad');
export const avgPool1d = /* @__PURE__ */ pool<AvgPoolOptions>(avgPoolDef, 'avgPool1d', 1);
export const avgPool1dGrad = /* @__PURE__ */ poolGrad<AvgPoolOptions>(avgPoolDef, 'avgPool1dGrad', 1);
export const avgPool2d = /* @__PURE__ */ pool<AvgPoolOptions>(avgPoolDef, 'avgPool2d', 2);
export const avgPool2dGrad = /* @__PURE__ */ poolGrad<AvgPoolOptions>(avgPoolDef, 'avgPool2dGrad', 2);
export const avgPool3d = /* @__PURE__ */ pool<AvgPoolOptions>(avgPoolDef, 'avgPool3d', 3);
export const avgPool3dGrad = /* @__PURE__ */ poolGrad<AvgPoolOptions>(avgPoolDef, 'avgPool3dGrad', 3);
export const maxPool = /* @__PURE__ */ pool<PoolOptions>(maxPoolDef, 'maxPool');
export const maxPoolGrad = /* @__PURE__ */ poolGrad<PoolOptions>(maxPoolDef, 'maxPoolGrad');
export const maxPool1d = /* @__PURE__ */ pool<PoolOptions>(maxPoolDef, 'maxPool1d', 1);
export const maxPool1dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(maxPoolDef, 'maxPool1dGrad', 1);
export const maxPool2d = /* @__PURE__ */ pool<PoolOptions>(maxPoolDef, 'maxPool2d', 2);
export const maxPool2dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(maxPoolDef, 'maxPool2dGrad', 2);
export const maxPool3d = /* @__PURE__ */ pool<PoolOptions>(maxPoolDef, 'maxPool3d', 3);
export const maxPool3dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(maxPoolDef, 'maxPool3dGrad', 3);
export const emPool = /* @__PURE__ */ pool<PoolOptions>(emPoolDef, 'emPool');
export const emPoolGrad = /* @__PURE__ */ poolGrad<PoolOptions>(emPoolDef, 'emPoolGrad');
export const emPool1d = /* @__PURE__ */ pool<PoolOptions>(emPoolDef, 'emPool1d', 1);
export const emPool1dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(emPoolDef, 'emPool1dGrad', 1);
export const emPool2d = /* @__PURE__ */ pool<PoolOptions>(emPoolDef, 'emPool2d', 2);
export const emPool2dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(emPoolDef, 'emPool2dGrad', 2);
export const emPool3d = /* @__PURE__ */ pool<PoolOptions>(emPoolDef, 'emPool3d', 3);
export const emPool3dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(emPoolDef, 'emPool3dGrad', 3);
export const softPool = /* @__PURE__ */ pool<PoolOptions>(emPoolDef, 'softPool');
export const softPoolGrad = /* @__PURE__ */ poolGrad<PoolOptions>(emPoolDef, 'softPoolGrad');
export const softPool1d = /* @__PURE__ */ pool<PoolOptions>(emPoolDef, 'softPool1d', 1);
export const softPool1dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(emPoolDef, 'softPool1dGrad', 1);
export const softPool2d = /* @__PURE__ */ pool<PoolOptions>(emPoolDef, 'softPool2d', 2);
export const softPool2dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(emPoolDef, 'softPool2dGrad', 2);
export const softPool3d = /* @__PURE__ */ pool<PoolOptions>(emPoolDef, 'softPool3d', 3);
export const softPool3dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(emPoolDef, 'softPool3dGrad', 3);
export const edscwPool = /* @__PURE__ */ pool<PoolOptions>(edscwPoolDef, 'edscwPool');
export const edscwPoolGrad = /* @__PURE__ */ poolGrad<PoolOptions>(edscwPoolDef, 'edscwPoolGrad');
export const edscwPool1d = /* @__PURE__ */ pool<PoolOptions>(edscwPoolDef, 'edscwPool1d', 1);
export const edscwPool1dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(edscwPoolDef, 'edscwPool1dGrad', 1);
export const edscwPool2d = /* @__PURE__ */ pool<PoolOptions>(edscwPoolDef, 'edscwPool2d', 2);
export const edscwPool2dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(edscwPoolDef, 'edscwPool2dGrad', 2);
export const edscwPool3d = /* @__PURE__ */ pool<PoolOptions>(edscwPoolDef, 'edscwPool3d', 3);
export const edscwPool3dGrad = /* @__PURE__ */ poolGrad<PoolOptions>(edscwPoolDef, 'edscwPool3dGrad', 3);
export const idwPool = /* @__PURE__ */ pool<IdwPoolOptions>(idwPoolDef, 'idwPool');
export const idwPoolGrad = /* @__PURE__ */ poolGrad<IdwPoolOptions>(idwPoolDef, 'idwPoolGrad');
export const idwPool1d = /* @__PURE__ */ pool<IdwPoolOptions>(idwPoolDef, 'idwPool1d', 1);
export const idwPool1dGrad = /* @__PURE__ */ poolGrad<IdwPoolOptions>(idwPoolDef, 'idwPool1dGrad', 1);
export const idwPool2d = /* @__PURE__ */ pool<IdwPoolOptions>(idwPoolDef, 'idwPool2d', 2);
export const idwPool2dGrad = /* @__PURE__ */ poolGrad<IdwPoolOptions>(idwPoolDef, 'idwPool2dGrad', 2);
export const idwPool3d = /* @__PURE__ */ pool<IdwPoolOptions>(idwPoolDef, 'idwPool3d', 3);
export const idwPool3dGrad = /* @__PURE__ */ poolGrad<IdwPoolOptions>(idwPoolDef, 'idwPool3dGrad', 3);
export const adaPool = /* @__PURE__ */ ada(adaPoolDef, 'adaPool');
export const adaPoolGrad = /* @__PURE__ */ adaGrad(adaPoolDef, 'adaPoolGrad');
export const adaPool1d = /* @__PURE__ */ ada(adaPoolDef, 'adaPool1d', 1);
export const adaPool1dGrad = /* @__PURE__ */ adaGrad(adaPoolDef, 'adaPool1dGrad', 1);
export const adaPool2d = /* @__PURE__ */ ada(adaPoolDef, 'adaPool2d', 2);
export const adaPool2dGrad = /* @__PURE__ */ adaGrad(adaPoolDef, 'adaPool2dGrad', 2);
export const adaPool3d = /* @__PURE__ */ ada(adaPoolDef, 'adaPool3d', 3);
export const adaPool3dGrad = /* @__PURE__ */ adaGrad(adaPoolDef, 'adaPool3dGrad', 3);
export const lpPool = /* @__PURE__ */ pool<LpPoolOptions>(lpPoolDef, 'lpPool');
export const lpPoolGrad = /* @__PURE__ */ poolGrad<LpPoolOptions>(lpPoolDef, 'lpPoolGrad');
export const lpPool1d = /* @__PURE__ */ pool<LpPoolOptions>(lpPoolDef, 'lpPool1d', 1);
export const lpPool1dGrad = /* @__PURE__ */ poolGrad<LpPoolOptions>(lpPoolDef, 'lpPool1dGrad', 1);
export const lpPool2d = /* @__PURE__ */ pool<LpPoolOptions>(lpPoolDef, 'lpPool2d', 2);
export const lpPool2dGrad = /* @__PURE__ */ poolGrad<LpPoolOptions>(lpPoolDef, 'lpPool2dGrad', 2);
export const lpPool3d = /* @__PURE__ */ pool<LpPoolOptions>(lpPoolDef, 'lpPool3d', 3);
export const lpPool3dGrad = /* @__PURE__ */ poolGrad<LpPoolOptions>(lpPoolDef, 'lpPool3dGrad', 3);
