#!/usr/bin/env node
// Compiles the AssemblyScript kernels twice: with Wasm SIMD (f32x4) and scalar. Each build gets
// its lane file (assembly/vec-simd.ts or vec-scalar.ts) as ./vec. Output: wasm-build/simd.wasm, wasm-build/scalar.wasm.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const asc = join(dirname(createRequire(import.meta.url).resolve('assemblyscript/package.json')), 'bin', 'asc.js');
rmSync('wasm-build', { recursive: true, force: true });
for (const [variant, file, flags] of [
  ['simd', 'simd.wasm', ['--enable', 'simd']],
  ['scalar', 'scalar.wasm', []],
]) {
  const src = join('wasm-build', `src-${variant}`);
  mkdirSync(src, { recursive: true });
  for (const f of readdirSync('assembly')) if (!f.startsWith('vec-')) copyFileSync(join('assembly', f), join(src, f));
  copyFileSync(join('assembly', `vec-${variant}.ts`), join(src, 'vec.ts'));
  execFileSync(process.execPath, [
    asc, join(src, 'kernels.ts'), ...flags,
    '-O3', '--noAssert', '--runtime', 'stub', '--use', 'abort=',
    '--initialMemory', '2', '--maximumMemory', '65536',
    '-o', join('wasm-build', file),
  ], { stdio: 'inherit' });
}
console.log('built wasm-build/simd.wasm and wasm-build/scalar.wasm');
