/**
 * @adapool/layers: framework-free layer classes for every pooling method and rank, generated
 * from core's op descriptors (classes.generated.ts). TensorFlow.js layers live in
 * `@adapool/layers/tfjs`.
 */
export * from './classes.generated.js';
export {
  PoolLayer,
  UnpoolLayer,
  AdaPoolError,
  type AdaPoolLayerOptions,
  type LayerGeometryOptions,
  type Parameter,
  type PoolLayerClass,
  type PoolLayerOptions,
  type UnpoolLayerClass,
  type UnpoolLayerOptions,
  type WiredUnpoolLayerOptions,
} from './layers.js';
export { METHODS, BETA_FORMS, type BetaForm, type MethodKey, type MethodSpec, type Rank } from './methods.js';
