/**
 * Repository hygiene that would otherwise only show up on a fresh machine.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (p: string) => JSON.parse(readFileSync(new URL(`../${p}`, import.meta.url), 'utf8'));

describe('repository', () => {
  it('package-lock.json lists every optional dependency of every locked package (else `npm ci` fails)', () => {
    // The registry mirror lacks some platform binaries of some versions (e.g. @deno/darwin-arm64@2.9.6);
    // `npm install` then silently drops them from the lock and `npm ci` refuses the lock. Pin versions
    // whose platform packages are all published.
    const lock = read('package-lock.json');
    const names = new Set(Object.keys(lock.packages).map((p) => p.split('node_modules/').pop()));
    const missing: string[] = [];
    for (const [path, info] of Object.entries<{ optionalDependencies?: Record<string, string> }>(lock.packages)) {
      for (const dep of Object.keys(info.optionalDependencies ?? {})) if (!names.has(dep)) missing.push(`${path} -> ${dep}`);
    }
    expect(missing).toEqual([]);
  });

  it('benches/package-lock.json is complete too and pins the anchors exactly (cd benches && npm ci)', () => {
    const lock = read('benches/package-lock.json');
    const names = new Set(Object.keys(lock.packages).map((p) => p.split('node_modules/').pop()));
    const missing: string[] = [];
    for (const [path, info] of Object.entries<{ optionalDependencies?: Record<string, string> }>(lock.packages)) {
      for (const dep of Object.keys(info.optionalDependencies ?? {})) if (!names.has(dep)) missing.push(`${path} -> ${dep}`);
    }
    expect(missing).toEqual([]);
    expect(read('benches/package.json').dependencies).toEqual({
      '@tensorflow/tfjs-backend-wasm': '4.22.0',
      '@tensorflow/tfjs-core': '4.22.0',
      'onnxruntime-node': '1.30.0',
      'onnxruntime-web': '1.30.0',
    });
    expect(lock.packages[''].dependencies).toEqual(read('benches/package.json').dependencies);
  });

  it('keeps the benchmark anchors out of the root install', () => {
    const root = read('package.json');
    expect(root.workspaces).not.toContain('benches');
    const deps = Object.keys({ ...root.dependencies, ...root.devDependencies });
    expect(deps.filter((d) => /tensorflow|onnxruntime/.test(d))).toEqual([]);
  });

  it('publishes ESM packages with types, no side effects and conditional exports', () => {
    for (const p of ['core', 'testkit']) {
      const pkg = read(`packages/${p}/package.json`);
      expect(pkg.type, p).toBe('module');
      expect(pkg.sideEffects, p).toBe(false);
      expect(pkg.exports['.'].types, p).toMatch(/\.d\.ts$/);
      expect(pkg.exports['.'].import, p).toMatch(/\.js$/);
    }
  });
});
