/**
 * @adapool/layers: framework-free layer classes for every pooling method and rank, generated
 * from one table (methods.ts). TensorFlow.js layers live in `@adapool/layers/tfjs`.
 */
import { methodSpec } from './methods.js';
import {
  poolLayerClass,
  unpoolLayerClass,
  type AdaPoolLayerOptions,
  type AvgPoolLayerOptions,
  type IdwPoolLayerOptions,
  type PoolLayer,
  type PoolLayerOptions,
  type UnpoolLayer,
} from './layers.js';

export {
  PoolLayer,
  UnpoolLayer,
  AdaPoolError,
  type AdaPoolLayerOptions,
  type AvgPoolLayerOptions,
  type IdwPoolLayerOptions,
  type LayerGeometryOptions,
  type Parameter,
  type PoolLayerClass,
  type PoolLayerOptions,
  type UnpoolLayerClass,
  type UnpoolLayerOptions,
  type WiredUnpoolLayerOptions,
} from './layers.js';
export { METHODS, BETA_FORMS, type BetaForm, type MethodKey, type MethodSpec, type Rank } from './methods.js';

const ada = methodSpec('ada');
const soft = methodSpec('soft');
const edscw = methodSpec('edscw');
const idw = methodSpec('idw');
const max = methodSpec('max');
const avg = methodSpec('avg');

export const AdaPool1d = poolLayerClass<AdaPoolLayerOptions>(ada, 1);
export const AdaPool2d = poolLayerClass<AdaPoolLayerOptions>(ada, 2);
export const AdaPool3d = poolLayerClass<AdaPoolLayerOptions>(ada, 3);
export const SoftPool1d = poolLayerClass<PoolLayerOptions>(soft, 1);
export const SoftPool2d = poolLayerClass<PoolLayerOptions>(soft, 2);
export const SoftPool3d = poolLayerClass<PoolLayerOptions>(soft, 3);
/** emPool is SoftPool (OPERATORS.md 4.3): the same classes under the paper's other name. */
export const EmPool1d = SoftPool1d;
export const EmPool2d = SoftPool2d;
export const EmPool3d = SoftPool3d;
export const EDSCWPool1d = poolLayerClass<PoolLayerOptions>(edscw, 1);
export const EDSCWPool2d = poolLayerClass<PoolLayerOptions>(edscw, 2);
export const EDSCWPool3d = poolLayerClass<PoolLayerOptions>(edscw, 3);
export const IDWPool1d = poolLayerClass<IdwPoolLayerOptions>(idw, 1);
export const IDWPool2d = poolLayerClass<IdwPoolLayerOptions>(idw, 2);
export const IDWPool3d = poolLayerClass<IdwPoolLayerOptions>(idw, 3);
export const MaxPool1d = poolLayerClass<PoolLayerOptions>(max, 1);
export const MaxPool2d = poolLayerClass<PoolLayerOptions>(max, 2);
export const MaxPool3d = poolLayerClass<PoolLayerOptions>(max, 3);
export const AvgPool1d = poolLayerClass<AvgPoolLayerOptions>(avg, 1);
export const AvgPool2d = poolLayerClass<AvgPoolLayerOptions>(avg, 2);
export const AvgPool3d = poolLayerClass<AvgPoolLayerOptions>(avg, 3);
export const AdaUnpool1d = unpoolLayerClass(1);
export const AdaUnpool2d = unpoolLayerClass(2);
export const AdaUnpool3d = unpoolLayerClass(3);

// Instance types under the class names (`const p: AdaPool2d = new AdaPool2d()`).
export type AdaPool1d = PoolLayer;
export type AdaPool2d = PoolLayer;
export type AdaPool3d = PoolLayer;
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
export type MaxPool1d = PoolLayer;
export type MaxPool2d = PoolLayer;
export type MaxPool3d = PoolLayer;
export type AvgPool1d = PoolLayer;
export type AvgPool2d = PoolLayer;
export type AvgPool3d = PoolLayer;
export type AdaUnpool1d = UnpoolLayer;
export type AdaUnpool2d = UnpoolLayer;
export type AdaUnpool3d = UnpoolLayer;
