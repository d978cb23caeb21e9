export {
  createWebGPUBackend,
  DEFAULT_MIN_WORK,
  AUTO_PRIORITY,
  type GpuTensor,
  type WebGPUBackend,
  type WebGPUBackendOptions,
  type WebGPUStats,
} from './backend.js';
export { paramBlock, type ParamBlock, type FieldType } from './params.js';
export { generate, specKey, Params, type KernelSpec, type Shader } from './wgsl.js';
