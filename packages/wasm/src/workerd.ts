/**
 * @adapool/wasm for Cloudflare workerd (export condition `workerd`): workerd cannot compile Wasm
 * from bytes at run time, so the builds arrive as imported `WebAssembly.Module`s (wrangler and
 * workerd's `wasm = embed` modules provide them).
 */
import simdModule from './adapool.wasm';
import scalarModule from './adapool-scalar.wasm';
import { checkOptions, instantiate, type WasmBackend, type WasmBackendOptions } from './backend.js';

export type { KernelExports, WasmBackend, WasmBackendOptions, WasmBytes, WasmMemory, WasmModule, WasmResponse, WasmSource, WasmTensor } from './backend.js';
export { chooseBuild, relaxedSimd } from './backend.js';
export { HAND_VARIANTS, RUN_KERNELS, VARIANTS, type RunCell, type Taps, type Variant } from './variants.js';

export async function createWasmBackend(options?: WasmBackendOptions): Promise<WasmBackend> {
  options = checkOptions(options);
  if (options.module) return instantiate(options.module, options);
  // workerd's V8 always has Wasm SIMD; `simd: false` still selects the scalar build.
  return instantiate(options.simd === false ? scalarModule : simdModule, options);
}
