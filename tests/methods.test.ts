/**
 * Every list of methods in adapool agrees with core's op descriptors (packages/core/src/ops/):
 * core's exports, the methods' order (the Wasm codes), the layers' classes and tfjs factories,
 * testkit's cases, each backend's kernels, the Wasm build's method codes, the WebGPU shaders, the
 * playground's and docs' op lists, the benches and the bad-input fuzzer. A list that is written out
 * somewhere instead of derived, and misses a method, fails here.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as core from '@adapool/core';
import * as L from '@adapool/layers';
import * as T from '@adapool/layers/tfjs';
import { METHODS as TESTKIT_METHODS, parityCases } from '@adapool/testkit';
import { generate, recordFields } from '../packages/webgpu/src/wgsl.js';
import { METHODS as PLAYGROUND_METHODS, pools } from '../apps/playground/src/pipeline.js';
import { OPS as BENCH_OPS } from '../benches/lib/ours.mjs';
import { entries as badInputEntries } from '../packages/testkit/src/bad-inputs.js';
import { createWasmBackend } from '../packages/wasm/dist/index.js';
import { layerStems, opNames } from '../packages/layers/src/methods.js';

const defs = Object.values(core.poolOpDefs);
const methods = defs.map((d) => d.method);
const at = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const RANKS = [1, 2, 3];
const lib = (m: object) => m as unknown as Record<string, unknown>;

describe("every list of methods derives from core's op descriptors", () => {
  it('the descriptors: POOL_METHODS in order, names, `${name}Def`, options with defaults', () => {
    expect(methods).toEqual([...core.POOL_METHODS]);
    for (const d of defs) {
      expect(core.poolOpDefs[d.method]).toBe(d);
      expect(d.name).toMatch(/^[a-z]+Pool$/);
      for (const [k, s] of Object.entries(d.options)) expect(s.kind === 'boolean' ? typeof s.default === 'boolean' : s.valid(s.default), `${d.name}.${k}`).toBe(true);
    }
  });

  it("core exports every name, alias and rank of every op, forward and gradient", () => {
    for (const d of defs) {
      for (const name of opNames(d)) {
        for (const suffix of ['', ...RANKS.map((r) => `${r}d`)]) {
          expect(typeof lib(core)[`${name}${suffix}`], `${name}${suffix}`).toBe('function');
          expect(typeof lib(core)[`${name}${suffix}Grad`], `${name}${suffix}Grad`).toBe('function');
        }
      }
    }
  });

  it('layers: a class per stem and rank, the tfjs classes and factories, METHODS', () => {
    expect(L.METHODS.map((m) => m.key)).toEqual(methods);
    expect(T.METHODS.map((m) => m.key)).toEqual(methods);
    for (const d of defs) {
      for (const r of RANKS) {
        for (const s of layerStems(d)) {
          expect(typeof lib(L)[`${s}${r}d`], `@adapool/layers ${s}${r}d`).toBe('function');
          expect(typeof lib(T)[`${s}${r}d`], `@adapool/layers/tfjs ${s}${r}d`).toBe('function');
        }
        for (const name of opNames(d)) {
          expect(typeof lib(T)[`${name}${r}d`], `tfjs factory ${name}${r}d`).toBe('function');
          expect(typeof lib(T.ops)[`${name}${r}d`], `tfjs ops.${name}${r}d`).toBe('function');
        }
      }
    }
  });

  it('testkit: METHODS, and parity cases of every method (forward, gradient, mask, adaptive, both layouts, unpool of its mask)', () => {
    expect([...TESTKIT_METHODS]).toEqual(methods);
    for (const m of methods) {
      const cs = parityCases.filter((c) => c.method === m);
      expect(cs.filter((c) => c.kind === 'pool' && c.grad).length, m).toBeGreaterThanOrEqual(30);
      expect(cs.some((c) => c.tags.includes('adaptive')), `${m} adaptive`).toBe(true);
      expect(cs.some((c) => c.tags.includes('channelsLast')) && cs.some((c) => c.tags.includes('channelsFirst')), `${m} layouts`).toBe(true);
      expect(cs.some((c) => c.kind === 'unpool'), `${m} unpool`).toBe(true);
    }
  });

  it("the Wasm backend has every method's kernels, and its build the method codes in core's order", async () => {
    const b = await createWasmBackend();
    for (const m of methods) {
      expect(typeof b.kernels[`${m}Pool`], m).toBe('function');
      expect(typeof b.kernels[`${m}PoolGrad`], m).toBe('function');
    }
    const codes = readFileSync(at('packages/wasm/wasm-build/src-simd/methods.ts'), 'utf8');
    methods.forEach((m, i) => expect(codes, m).toContain(`export const ${m.toUpperCase()}: i32 = ${i};`));
    expect(codes).toContain(`export const METHODS: i32 = ${methods.length};`);
  });

  it('the WebGPU shaders: every method generates its forward, record and gather kernels', () => {
    for (const m of methods) {
      for (const mask of [false, true]) expect(generate({ kind: 'pool', method: m, mask, indices: mask && core.poolOpDefs[m].indices, wg: 64 }).code).toContain('fn main');
      if (m !== 'avg') expect(generate({ kind: 'prep', method: m, wg: 64 }).code).toContain('fn main');
      expect(generate({ kind: 'gather', method: m, wg: 64 }).code).toContain('fn main');
      expect(recordFields(m).length, m).toBeGreaterThan(0);
    }
    // the backend registers its kernels from POOL_METHODS, not a list of its own
    expect(readFileSync(at('packages/webgpu/src/backend.ts'), 'utf8')).toContain('for (const m of POOL_METHODS)');
  });

  it('the playground (its functions and the comparison rows) and the docs derive from the descriptors', () => {
    expect(Object.keys(pools)).toEqual(methods);
    expect([...new Set(PLAYGROUND_METHODS.map((m) => m.pool))]).toEqual(methods);
    const html = readFileSync(at('apps/playground/src/index.html'), 'utf8');
    for (const d of defs) expect(html, `index.html lists no ${d.name} by hand`).not.toContain(`value="${d.method}"`);
    expect(readFileSync(at('apps/playground/scripts/docs.mjs'), 'utf8')).toContain('Object.values(poolOpDefs)');
  });

  it('the benches and the bad-input fuzzer cover every op', () => {
    expect(BENCH_OPS).toEqual(defs.map((d) => d.layer.op));
    const fuzzed = new Set(badInputEntries().map((e) => e.op));
    for (const d of defs) for (const name of opNames(d)) for (const s of ['', '2d', '3dGrad']) expect(fuzzed.has(`${name}${s}`), `bad-input fuzzer: ${name}${s}`).toBe(true);
  });
});
