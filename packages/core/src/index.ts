export { AdaPoolError, type AdaPoolErrorCode } from './errors.js';
// For layers and backends that validate options ahead of an op, in the same words as core.
export { fail, Raw } from './errors.js';
export { Tensor, tensor, type DType, type ReadOptions, type TensorData, type TensorOptions } from './tensor.js';
export { registerBackend, removeBackend, setBackend, getBackend, listBackends, backendMethods } from './registry.js';
export type {
  Backend,
  KernelName,
  Kernels,
  PoolKernel,
  PoolGradKernel,
  PoolKernelName,
  PoolKernelResult,
  TypedArray,
  UnpoolKernel,
  UnpoolGradKernel,
} from './backend.js';
export type {
  BetaPlan,
  GeometryOptions,
  Padding,
  PerDim,
  PoolMethod,
  PoolOptions,
  PoolPlan,
  UnpoolOptions,
} from './plan.js';
export {
  adaUnpool,
  adaUnpool1d,
  adaUnpool2d,
  adaUnpool3d,
  adaUnpoolGrad,
  adaUnpool1dGrad,
  adaUnpool2dGrad,
  adaUnpool3dGrad,
  type AdaPoolFn,
  type AdaPoolGradFn,
  type PoolFn,
  type PoolGradFn,
  type PoolWithMask,
  type UnpoolFn,
  type UnpoolGradFn,
} from './api.js';
export * from './ops.generated.js';
export type { OptionSpec, PoolOpDef } from './ops/region.js';

// For backend authors and conformance tests: the one geometry rule and the float64 reference.
export {
  adaptiveAxis,
  adaptiveEnd,
  adaptiveStart,
  axisPaddedCounts,
  axisTaps,
  defaultUnpoolLength,
  layoutShape,
  layoutStrides,
  padPair,
  samePadding,
  stridedAxis,
  stridedOutputLength,
  tapPosition,
  windowsContaining,
  type AdaptiveAxis,
  type AxisGeometry,
  type AxisPadding,
  type LayoutStrides,
  type StridedAxis,
} from './geometry.js';
export {
  axisPadding,
  checkPadding,
  CORE_NAMES,
  paddingOption,
  geometryOptions,
  type GeometryGiven,
  windowFitMust,
  type GeometryNames,
  type PaddingForm,
  opOption,
  opParam,
  boolOption, callSize, checkOptionKeys, MAX_DIM, perDimOption, planBeta, planPool, planUnpool, splitShape, withBeta, type CallSize } from './plan.js';
export { POOL_METHODS } from './ops/index.js';
export { poolOpDefs, referencePool, referencePoolGrad, regionTable, type RegionTable, type ReferencePoolResult } from './reference.js';
export { referenceUnpool, referenceUnpoolGrad } from './ops/ada-unpool.js';
export { clampBeta, clampBetaGrad } from './ops/ada-pool.js';
export { createJsBackend, JS_MAX_BYTES, JS_MAX_ELEMENTS } from './backends/js.js';
