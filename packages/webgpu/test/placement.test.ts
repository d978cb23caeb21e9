/**
 * Tensors live where they are computed, on a real WebGPU implementation (Dawn; SwiftShader without
 * a GPU): `tensor()` writes straight into a GPU buffer (one writeBuffer), `x.to()` copies between
 * webgpu, wasm and js in every direction, an op on a `tensor()` input uploads nothing, and the
 * buffer count stays flat over 10 000 tensor()/dispose() cycles.
 */
import * as ap from '@adapool/core';
import { itWhenAvailable } from '@adapool/testkit/vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, vi } from 'vitest';
import { createWebGPUBackend, type WebGPUBackend } from '../src/index.js';
import { probeGpu } from './gpu.js';

const { gpu, missing } = await probeGpu();
const test = (title: string, fn: () => Promise<void> | void, timeout = 120_000) => itWhenAvailable(title, missing, fn, timeout);
const wasmDist = fileURLToPath(new URL('../../wasm/dist/index.js', import.meta.url));

const special = Float32Array.from([0, -0, 1.5, -2.25, NaN, Infinity, -Infinity, 1e-45, 3.4028234663852886e38, 1 / 3]);
const bits = (a: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(a).buffer));
const ints = Int32Array.from([0, -1, 2147483647, -2147483648, 42]);

describe('webgpu tensor placement', () => {
  let b: WebGPUBackend;
  beforeAll(async () => {
    if (!gpu) return;
    b = await createWebGPUBackend({ gpu });
    ap.registerBackend(b);
    if (existsSync(wasmDist)) {
      const { createWasmBackend } = (await import(/* @vite-ignore */ wasmDist)) as { createWasmBackend: () => Promise<ap.Backend> };
      ap.registerBackend(await createWasmBackend());
    }
  });
  afterAll(() => {
    for (const n of ['webgpu', 'wasm']) if (ap.listBackends().includes(n)) ap.removeBackend(n);
    ap.setBackend('auto');
    b?.destroy();
  });

  test("setBackend('webgpu'): tensor() lands on the GPU with one write; an op on it uploads nothing", async () => {
    ap.setBackend('webgpu');
    try {
      const write = vi.spyOn(b, 'write');
      const upload = vi.spyOn(b, 'upload');
      const x = ap.tensor(Float32Array.from({ length: 2 * 3 * 8 * 8 }, (_, i) => Math.sin(i)), [2, 3, 8, 8]);
      const dy = ap.tensor(new Float32Array(2 * 3 * 4 * 4).fill(1), [2, 3, 4, 4]);
      expect([x.backend, dy.backend]).toEqual(['webgpu', 'webgpu']);
      expect(write).toHaveBeenCalledTimes(2);
      const ys = [ap.softPool2d(x), ap.maxPool2d(x), ap.softPool2dGrad(x, dy), ap.adaPool2d(x, 0.5)];
      expect(ys.every((t) => t.backend === 'webgpu')).toBe(true);
      expect(upload).not.toHaveBeenCalled();
      expect(write).toHaveBeenCalledTimes(3); // + the scalar β = 0.5, made beside x
      const want = await ap.softPool2d(await x.to('js'), { backend: 'js' }).read();
      const got = await ys[0].read();
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5);
      // read({ into }): the mapped readback copied into the caller's array (backend.readInto)
      const into = new Float32Array(ys[0].size);
      expect(await ys[0].read({ into })).toBe(into);
      expect(bits(into)).toEqual(bits(got));
      const ix = new Int32Array(ys[1].size);
      const { indices } = ap.maxPool2d(x, { returnMask: true }) as { indices: ap.Tensor };
      expect(Array.from(await indices.read({ into: ix }))).toEqual(Array.from(await indices.read()));
      indices.dispose();
      await expect(ys[0].read({ into: new Float32Array(1) })).rejects.toThrow(/Tensor\.read: options\.into must have the tensor's/);
      for (const t of [...ys, x, dy]) t.dispose();
      vi.restoreAllMocks();
    } finally {
      ap.setBackend('auto');
    }
  });

  test("'auto' does not place tensors on a software adapter (it never runs an op there)", () => {
    expect(b.software || b.auto!.minWork! < Infinity).toBe(true);
    if (b.software) expect(ap.tensor([1], [1]).backend).not.toBe('webgpu');
  });

  test('x.to() copies between webgpu and every other backend, values exact (bits), x stays valid', async () => {
    const names = ap.listBackends();
    expect(names).toContain('webgpu');
    for (const from of names) {
      for (const to of names) {
        if (from !== 'webgpu' && to !== 'webgpu') continue;
        for (const [data, dtype] of [[special, 'float32'], [ints, 'int32']] as const) {
          const x = ap.tensor(data, [data.length], { backend: from });
          const y = await x.to(to);
          expect([y.backend, y.dtype]).toEqual([to, dtype]);
          expect(bits(await y.read())).toEqual(bits(data));
          expect(bits(await x.read())).toEqual(bits(data));
          x.dispose();
          y.dispose();
        }
      }
    }
  });

  test('the buffer count stays flat over 10 000 tensor()/dispose() cycles', () => {
    const data = new Float32Array(256).fill(2);
    for (let i = 0; i < 100; i++) ap.tensor(data, [256], { backend: 'webgpu' }).dispose();
    const settled = b.stats().live;
    for (let i = 0; i < 10_000; i++) {
      ap.tensor(data, [256], { backend: 'webgpu' }).dispose();
      ap.tensor([i], [1], { backend: 'webgpu', dtype: 'int32' }).dispose();
    }
    expect(b.stats().live).toBe(settled);
  });
});
