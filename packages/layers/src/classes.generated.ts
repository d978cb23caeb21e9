// @adapool/layers: a class per pooling method and rank (and adaUnpool), from the op descriptors.
// Generated from core's op descriptors (packages/core/src/ops/) by scripts/generate.ts: do not edit.
// `npm run generate` rewrites it; tests/generated.test.ts fails when it is stale.

import type * as core from '@adapool/core';
import { methodSpec } from './methods.js';
import { poolLayerClass, unpoolLayerClass, type AdaPoolLayerOptions, type PoolLayer, type PoolLayerOptions, type UnpoolLayer } from './layers.js';

/** The options of a AvgPool layer: geometry, layout, keepMask and avgPool's own. */
export type AvgPoolLayerOptions = PoolLayerOptions & Pick<core.AvgPoolOptions, 'countIncludePad'>;
/** The options of a IDWPool layer: geometry, layout, keepMask and idwPool's own. */
export type IdwPoolLayerOptions = PoolLayerOptions & Pick<core.IdwPoolOptions, 'idwEps'>;
/** The options of a LpPool layer: geometry, layout, keepMask and lpPool's own. */
export type LpPoolLayerOptions = PoolLayerOptions & Pick<core.LpPoolOptions, 'p'>;

export const AvgPool1d = /* @__PURE__ */ poolLayerClass<AvgPoolLayerOptions>(methodSpec('avg'), 1);
export const AvgPool2d = /* @__PURE__ */ poolLayerClass<AvgPoolLayerOptions>(methodSpec('avg'), 2);
export const AvgPool3d = /* @__PURE__ */ poolLayerClass<AvgPoolLayerOptions>(methodSpec('avg'), 3);
export const MaxPool1d = /* @__PURE__ */ poolLayerClass<PoolLayerOptions>(methodSpec('max'), 1);
export const MaxPool2d = /* @__PURE__ */ poolLayerClass<PoolLayerOptions>(methodSpec('max'), 2);
export const MaxPool3d = /* @__PURE__ */ poolLayerClass<PoolLayerOptions>(methodSpec('max'), 3);
export const SoftPool1d = /* @__PURE__ */ poolLayerClass<PoolLayerOptions>(methodSpec('em'), 1);
export const SoftPool2d = /* @__PURE__ */ poolLayerClass<PoolLayerOptions>(methodSpec('em'), 2);
export const SoftPool3d = /* @__PURE__ */ poolLayerClass<PoolLayerOptions>(methodSpec('em'), 3);
/** EmPool is SoftPool (emPool = softPool): the same classes. */
export const EmPool1d = SoftPool1d;
export const EmPool2d = SoftPool2d;
export const EmPool3d = SoftPool3d;
export const EDSCWPool1d = /* @__PURE__ */ poolLayerClass<PoolLayerOptions>(methodSpec('edscw'), 1);
export const EDSCWPool2d = /* @__PURE__ */ poolLayerClass<PoolLayerOptions>(methodSpec('edscw'), 2);
export const EDSCWPool3d = /* @__PURE__ */ poolLayerClass<PoolLayerOptions>(methodSpec('edscw'), 3);
export const IDWPool1d = /* @__PURE__ */ poolLayerClass<IdwPoolLayerOptions>(methodSpec('idw'), 1);
export const IDWPool2d = /* @__PURE__ */ poolLayerClass<IdwPoolLayerOptions>(methodSpec('idw'), 2);
export const IDWPool3d = /* @__PURE__ */ poolLayerClass<IdwPoolLayerOptions>(methodSpec('idw'), 3);
export const AdaPool1d = /* @__PURE__ */ poolLayerClass<AdaPoolLayerOptions>(methodSpec('ada'), 1);
export const AdaPool2d = /* @__PURE__ */ poolLayerClass<AdaPoolLayerOptions>(methodSpec('ada'), 2);
export const AdaPool3d = /* @__PURE__ */ poolLayerClass<AdaPoolLayerOptions>(methodSpec('ada'), 3);
export const LpPool1d = /* @__PURE__ */ poolLayerClass<LpPoolLayerOptions>(methodSpec('lp'), 1);
export const LpPool2d = /* @__PURE__ */ poolLayerClass<LpPoolLayerOptions>(methodSpec('lp'), 2);
export const LpPool3d = /* @__PURE__ */ poolLayerClass<LpPoolLayerOptions>(methodSpec('lp'), 3);
export const AdaUnpool1d = /* @__PURE__ */ unpoolLayerClass(1);
export const AdaUnpool2d = /* @__PURE__ */ unpoolLayerClass(2);
export const AdaUnpool3d = /* @__PURE__ */ unpoolLayerClass(3);

// Instance types under the class names (`const p: AdaPool2d = new AdaPool2d()`).
export type AvgPool1d = PoolLayer;
export type AvgPool2d = PoolLayer;
export type AvgPool3d = PoolLayer;
export type MaxPool1d = PoolLayer;
export type MaxPool2d = PoolLayer;
export type MaxPool3d = PoolLayer;
export type SoftPool1d = PoolLayer;
export type SoftPool2d = PoolLayer;
export type SoftPool3d = PoolLayer;
export type EmPool1d = PoolLayer;
export type EmPool2d = PoolLayer;
export type EmPool3d = PoolLayer;
export type EDSCWPool1d = PoolLayer;
export type EDSCWPool2d = PoolLayer;
export type EDSCWPool3d = PoolLayer;
export type IDWPool1d = PoolLayer;
export type IDWPool2d = PoolLayer;
export type IDWPool3d = PoolLayer;
export type AdaPool1d = PoolLayer;
export type AdaPool2d = PoolLayer;
export type AdaPool3d = PoolLayer;
export type LpPool1d = PoolLayer;
export type LpPool2d = PoolLayer;
export type LpPool3d = PoolLayer;
export type AdaUnpool1d = UnpoolLayer;
export type AdaUnpool2d = UnpoolLayer;
export type AdaUnpool3d = UnpoolLayer;
