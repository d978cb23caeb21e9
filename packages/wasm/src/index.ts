/**
 * @adapool/wasm: the AssemblyScript SIMD backend. Default entry: both builds are inlined (base64,
 * decoded once) so `createWasmBackend()` needs no file serving or bundler setup in Node,
 * browsers, Deno and Bun. Cloudflare Workers get the `workerd` condition (src/workerd.ts).
 */
import simdBytes from '../wasm-build/simd.wasm';
import scalarBytes from '../wasm-build/scalar.wasm';
import { checkOptions, chooseBuild, instantiate, type WasmBackend, type WasmBackendOptions } from './backend.js';

export type { KernelExports, WasmBackend, WasmBackendOptions, WasmTensor } from './backend.js';
export { chooseBuild } from './backend.js';

/** Creates the `wasm` backend; register it with `registerBackend(await createWasmBackend())`. */
export async function createWasmBackend(options?: WasmBackendOptions): Promise<WasmBackend> {
  options = checkOptions(options);
  if (options.module) return instantiate(options.module);
  const simd = options.simd ?? chooseBuild(simdBytes) === 'simd';
  return instantiate(simd ? simdBytes : scalarBytes);
}
