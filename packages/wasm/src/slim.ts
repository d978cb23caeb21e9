/**
 * @adapool/wasm/slim: the backend without any build inlined. The build comes from the caller:
 * a URL of the served file (`@adapool/wasm/adapool.wasm`), a `Response`, a compiled module or the
 * bytes. The bundle then carries only the JavaScript (the default entry carries both builds).
 */
import { checkOptions, instantiate, type WasmBackend, type WasmBackendOptions } from './backend.js';
import { AdaPoolError } from '@adapool/core';

export type { KernelExports, WasmBackend, WasmBackendOptions, WasmBytes, WasmMemory, WasmModule, WasmResponse, WasmSource, WasmTensor } from './backend.js';
export { chooseBuild, relaxedSimd } from './backend.js';
export { HAND_VARIANTS, RUN_KERNELS, VARIANTS, type RunCell, type Taps, type Variant } from './variants.js';

/** Creates the `wasm` backend from `options.module`; register it with `registerBackend(...)`. */
export async function createWasmBackend(options: WasmBackendOptions & { module: NonNullable<WasmBackendOptions['module']> }): Promise<WasmBackend> {
  const o = checkOptions(options);
  if (o.module === undefined) {
    throw new AdaPoolError(
      'OPTION',
      'createWasmBackend',
      "createWasmBackend: module must be given with @adapool/wasm/slim (e.g. { module: new URL('adapool.wasm', location.href) } for the served file), got none; the default entry @adapool/wasm needs none",
    );
  }
  return instantiate(o.module, o);
}
