/** The parameter block and the generated WGSL: one declaration, one struct, one packing; every spec compiles. */
import { itWhenAvailable } from '@adapool/testkit/vitest';
import { describe, expect, it } from 'vitest';
import { POOL_METHODS } from '@adapool/core';
import { createWebGPUBackend, generate, paramBlock, Params, specKey, type KernelSpec } from '../src/index.js';
import { probeGpu } from './gpu.js';

describe('paramBlock', () => {
  it('lays out scalars and vec4s by the WGSL uniform rules and packs values at those offsets', () => {
    const B = paramBlock('B', { a: 'i32', b: 'f32', v: 'vec4i', c: 'i32' });
    expect(B.wgsl).toBe('struct B {\n  a: i32,\n  b: f32,\n  v: vec4<i32>,\n  c: i32,\n}');
    expect(B.size).toBe(48); // a@0 b@4 v@16 c@32, rounded to 16
    const view = new DataView(B.pack({ a: -3, b: 0.5, v: [1, 2, 3], c: 7 }));
    expect(view.getInt32(0, true)).toBe(-3);
    expect(view.getFloat32(4, true)).toBe(0.5);
    expect([0, 1, 2, 3].map((i) => view.getInt32(16 + 4 * i, true))).toEqual([1, 2, 3, 0]);
    expect(view.getInt32(32, true)).toBe(7);
    expect(() => B.pack({ v: [1, 2, 3, 4, 5] })).toThrow(/at most 4 values/);
  });

  it('the shaders declare the Params struct the packer writes', () => {
    const code = generate({ kind: 'pool', method: 'ada', mask: true, indices: false, wg: 64 }).code;
    expect(code).toContain(Params.wgsl);
    expect(code).not.toMatch(/atomic/);
  });
});

const specs: KernelSpec[] = [];
for (const method of POOL_METHODS) {
  for (const mask of [false, true]) specs.push({ kind: 'pool', method, mask, indices: mask && method === 'max', wg: 64 });
  if (method !== 'avg') specs.push({ kind: 'prep', method, wg: 64 });
  specs.push({ kind: 'gather', method, wg: 64 });
}
specs.push({ kind: 'betaReduce', tree: false, wg: 64 }, { kind: 'betaReduce', tree: true, wg: 64 }, { kind: 'unpool', wg: 64 }, { kind: 'unpoolGrad', wg: 128 });

describe('generated WGSL', async () => {
  const { gpu, missing } = await probeGpu();
  it('has stable, distinct spec keys', () => {
    const keys = specs.map(specKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(specKey({ wg: 64, kind: 'gather', method: 'em' })).toBe(specKey({ kind: 'gather', method: 'em', wg: 64 }));
  });
  itWhenAvailable(`every kernel spec (${specs.length}) compiles without errors or warnings on Dawn`, missing, async () => {
    const b = await createWebGPUBackend({ gpu });
    try {
      for (const s of specs) {
        const module = b.device.createShaderModule({ code: generate(s).code });
        const info = await module.getCompilationInfo();
        expect(info.messages.map((m) => `${specKey(s)}: ${m.type} ${m.lineNum}: ${m.message}`)).toEqual([]);
      }
    } finally {
      b.destroy();
    }
  });
});
