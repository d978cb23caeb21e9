#!/usr/bin/env node
// After the main build: copies the two Wasm builds into dist/ (export paths
// @adapool/wasm/adapool.wasm and /adapool-scalar.wasm) and bundles the `workerd` entry, whose
// imports of ./adapool.wasm stay external so workerd/wrangler supply them as WebAssembly.Modules.
import { build } from 'esbuild';
import { copyFileSync } from 'node:fs';

copyFileSync('wasm-build/simd.wasm', 'dist/adapool.wasm');
copyFileSync('wasm-build/scalar.wasm', 'dist/adapool-scalar.wasm');
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
