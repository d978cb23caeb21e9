/**
 * @adapool/wasm: the AssemblyScript SIMD backend. Default entry: both builds are inlined (one
 * gzip stream as base64, unpacked per call with `DecompressionStream`) so `createWasmBackend()` needs no file serving or bundler setup in Node,
 * browsers, Deno and Bun. Cloudflare Workers get the `workerd` condition (src/workerd.ts);
 * `@adapool/wasm/slim` (src/slim.ts) inlines nothing and takes the build from the caller.
 */
import { AdaPoolError } from '@adapool/core';
import packed from '../wasm-build/builds.wasm.gz';
import { checkOptions, chooseBuild, fromModule, instantiate, type WasmBackend, type WasmBackendOptions } from './backend.js';

export type { KernelExports, WasmBackend, WasmBackendOptions, WasmBytes, WasmMemory, WasmModule, WasmResponse, WasmSource, WasmTensor } from './backend.js';
export { chooseBuild, relaxedSimd } from './backend.js';
export { HAND_VARIANTS, RUN_KERNELS, VARIANTS, type RunCell, type Taps, type Variant } from './variants.js';

/** Creates the `wasm` backend; register it with `registerBackend(await createWasmBackend())`. */
export async function createWasmBackend(options?: WasmBackendOptions): Promise<WasmBackend> {
  const o = checkOptions(options);
  if (o.module !== undefined) return instantiate(o.module, o);
  let module: WebAssembly.Module;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    const both = await gunzip(packed);
    const split = 4 + new DataView(both.buffer).getUint32(0, true);
    const simdBytes = both.subarray(4, split);
    bytes = (o.simd ?? chooseBuild(simdBytes) === 'simd') ? simdBytes : both.subarray(split);
    module = await WebAssembly.compile(bytes);
  } catch (e) {
    // workerd refuses to compile from bytes: the bundle was made without the `workerd` condition.
    throw new AdaPoolError(
      'BACKEND',
      'createWasmBackend',
      `createWasmBackend: the inlined Wasm build must compile in this runtime, got "${(e as Error).message}"; in Cloudflare Workers (workerd), which compile no Wasm from bytes, bundle with the "workerd" export condition (wrangler does; esbuild: conditions: ['workerd']) or use @adapool/wasm/slim with { module } imported from '@adapool/wasm/adapool.wasm'`,
    );
  }
  return fromModule(module, bytes, o);
}

async function gunzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
