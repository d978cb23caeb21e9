#!/usr/bin/env node
// Builds the package in the current directory: esbuild bundles each entry (default src/index.ts,
// or package.json "adapool.entries") to ESM in dist/, dependencies left external; then tsc emits
// the .d.ts files. Run by each package's `build` script (turbo caches it).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { STAMP, buildInputsHash } from './build-inputs.mjs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const entries = pkg.adapool?.entries ?? ['src/index.ts'];
const external = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies, ...pkg.peerDependenciesMeta });

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: entries,
  outdir: 'dist',
  outbase: 'src',
  bundle: true,
  splitting: entries.length > 1,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  sourcemap: true,
  external: [...external, ...external.map((e) => `${e}/*`), 'node:*'],
  logLevel: 'warning',
  ...(pkg.adapool?.esbuild ?? {}),
});
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--emitDeclarationOnly', '--declaration', '--outDir', 'dist'], { stdio: 'inherit' });
writeFileSync(STAMP, `${buildInputsHash()}\n`); // checked by the prepack guard (scripts/prepack.mjs)
console.log(`built ${pkg.name}: ${entries.join(', ')}`);
