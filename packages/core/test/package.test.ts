/**
 * The built package as users get it: dist/ ESM + .d.ts, conditional exports, sideEffects false,
 * nothing registered on import, and every name of API.md exported.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));
const dist = `${root}/dist/index.js`;

const API_NAMES = [
  'tensor', 'Tensor', 'AdaPoolError', 'registerBackend', 'setBackend', 'getBackend', 'listBackends',
  'avgPool', 'maxPool', 'emPool', 'softPool', 'edscwPool', 'idwPool', 'adaPool', 'adaUnpool',
  'avgPoolGrad', 'maxPoolGrad', 'emPoolGrad', 'softPoolGrad', 'edscwPoolGrad', 'idwPoolGrad', 'adaPoolGrad', 'adaUnpoolGrad',
];
const RANKED = ['avgPool', 'maxPool', 'emPool', 'softPool', 'edscwPool', 'idwPool', 'adaPool', 'adaUnpool'];

describe('@adapool/core package', () => {
  it('is ESM with conditional exports, types and no side effects', () => {
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.exports['.'].types).toBe('./dist/index.d.ts');
    expect(pkg.exports['.'].import).toBe('./dist/index.js');
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(existsSync(dist)).toBe(true);
    expect(existsSync(`${root}/dist/index.d.ts`)).toBe(true);
  });

  it('exports every API.md name, with 1d/2d/3d aliases and their gradients', async () => {
    const m = await import(/* @vite-ignore */ dist);
    for (const name of API_NAMES) expect(typeof m[name], name).toBe('function');
    for (const base of RANKED) {
      for (const d of [1, 2, 3]) {
        expect(typeof m[`${base}${d}d`], `${base}${d}d`).toBe('function');
        expect(typeof m[`${base}${d}dGrad`], `${base}${d}dGrad`).toBe('function');
      }
    }
  });

  it('registers nothing but the reference backend and computes in the built bundle', async () => {
    const m = await import(/* @vite-ignore */ dist);
    expect(m.listBackends()).toEqual(['js']);
    expect(m.getBackend()).toBe('auto');
    const x = m.tensor([1, 2, 3, 4], [1, 1, 4]);
    const y = m.softPool1d(x, { kernelSize: 2 });
    const e = (a: number, b: number) => (a * Math.exp(a) + b * Math.exp(b)) / (Math.exp(a) + Math.exp(b));
    const out = await y.read();
    expect(out[0]).toBeCloseTo(e(1, 2), 6);
    expect(out[1]).toBeCloseTo(e(3, 4), 6);
    expect(y.backend).toBe('js');
    expect(() => m.softPool2d(x)).toThrow(m.AdaPoolError);
  });
});
