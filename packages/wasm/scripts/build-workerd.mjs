#!/usr/bin/env node
// After the main build: copies the Wasm builds into dist/ (export paths
// @adapool/wasm/adapool.wasm, /adapool-scalar.wasm and /adapool-relaxed.wasm, typed by dist/wasm-file.d.ts) and bundles the `workerd` entry, whose
// imports of ./adapool.wasm stay external so workerd/wrangler supply them as WebAssembly.Modules.
import { build } from 'esbuild';
import { copyFileSync, writeFileSync } from 'node:fs';

copyFileSync('wasm-build/simd.wasm', 'dist/adapool.wasm');
copyFileSync('wasm-build/scalar.wasm', 'dist/adapool-scalar.wasm');
copyFileSync('wasm-build/relaxed.wasm', 'dist/adapool-relaxed.wasm'); // not inlined anywhere: served by the app (slim)
// Types of the two .wasm export paths (what `import build from '@adapool/wasm/adapool.wasm'` gives
// depends on the runtime: a WebAssembly.Module in workerd/wrangler, bytes with esbuild's binary
// loader); either is a `module` for createWasmBackend.
writeFileSync(
  'dist/wasm-file.d.ts',
  `import type { WasmModule } from './backend.js';
/** A Wasm build of @adapool/wasm: a WebAssembly.Module (workerd, wrangler) or its bytes, per runtime or bundler. */
declare const build: WasmModule;
export default build;
`,
);
await build({
  entryPoints: ['src/workerd.ts'],
  outfile: 'dist/workerd.js',
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  sourcemap: true,
  external: ['@adapool/core', './adapool.wasm', './adapool-scalar.wasm'],
  logLevel: 'warning',
});
console.log('built @adapool/wasm workerd entry and dist/*.wasm');
