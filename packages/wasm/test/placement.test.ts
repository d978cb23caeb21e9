/**
 * Tensors live where they are computed (API.md, Tensors): `tensor()` writes straight into the
 * active backend's memory, `x.to()` copies between backends, and an op on a `tensor()` input
 * moves nothing. Real backends: `js` and two Wasm instances (SIMD and scalar builds).
 */
import * as ap from '@adapool/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWasmBackend, type WasmBackend } from '../dist/index.js';

afterEach(() => {
  for (const n of ap.listBackends()) if (n !== 'js') ap.removeBackend(n);
  ap.setBackend('auto');
  vi.restoreAllMocks();
});

/** Values whose bits must survive every copy: -0, NaN, ±∞, denormals, float32 extremes. */
const special = Float32Array.from([0, -0, 1.5, -2.25, NaN, Infinity, -Infinity, 1e-45, -1.4e-45, 3.4028234663852886e38, -3.4028234663852886e38, 1 / 3]);
const bits = (a: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(a).buffer));
const ints = Int32Array.from([0, -1, 2147483647, -2147483648, 42, 7]);

async function withWasm(): Promise<{ wasm: WasmBackend; scalar: WasmBackend }> {
  const wasm = await createWasmBackend();
  // a second Wasm backend (its own memory) under another name, for wasm → wasm copies
  const scalar = Object.assign(await createWasmBackend({ simd: false }), { name: 'wasmScalar' }) as unknown as WasmBackend;
  ap.registerBackend(wasm);
  ap.registerBackend(scalar);
  return { wasm, scalar };
}

describe('tensor() placement', () => {
  it("without backend: on the active backend; under 'auto' on the backend 'auto' runs large ops on", async () => {
    expect(ap.tensor([1, 2], [2]).backend).toBe('js'); // 'auto' with nothing registered
    await withWasm();
    ap.setBackend('auto');
    expect(ap.tensor([1, 2], [2]).backend).toBe('wasm'); // the highest-ranked registered backend
    ap.setBackend('js');
    expect(ap.tensor([1, 2], [2]).backend).toBe('js');
    ap.setBackend('wasm');
    expect(ap.tensor([1, 2], [2]).backend).toBe('wasm');
    expect(ap.tensor([1, 2], [2], 'int32').backend).toBe('wasm');
    expect(ap.tensor([1, 2], [2], { backend: 'js' }).backend).toBe('js');
    expect(ap.tensor([1, 2], [2], { backend: 'auto' }).backend).toBe('wasm');
    expect(ap.tensor([1, 2], [2], { backend: 'wasmScalar', dtype: 'int32' }).dtype).toBe('int32');
  });

  it('writes the values exactly, from typed arrays and plain arrays, float32 and int32, on every backend', async () => {
    await withWasm();
    for (const b of ['js', 'wasm', 'wasmScalar']) {
      expect(bits(await ap.tensor(special, [12], { backend: b }).read())).toEqual(bits(special));
      expect(bits(await ap.tensor(Array.from(special), [3, 4], { backend: b }).read())).toEqual(bits(special));
      const i = ap.tensor(ints, [6], { backend: b });
      expect(i.dtype).toBe('int32');
      expect(Array.from(await i.read())).toEqual(Array.from(ints));
      expect(Array.from(await ap.tensor(Array.from(ints), [6], { backend: b, dtype: 'int32' }).read())).toEqual(Array.from(ints));
      const f = ap.tensor(Float32Array.from([1, 2, 3]), [3], { backend: b, dtype: 'int32' }); // integral floats as int32
      expect(Array.from(await f.read())).toEqual([1, 2, 3]);
    }
  });

  it('the caller keeps its array: later writes to it do not reach the tensor', async () => {
    await withWasm();
    ap.setBackend('wasm');
    const data = Float32Array.from([1, 2, 3, 4]);
    const t = ap.tensor(data, [4]);
    data.fill(9);
    expect(Array.from(t.readSync())).toEqual([1, 2, 3, 4]);
  });
});

describe('x.to()', () => {
  it('copies between every pair of backends, values exact (bits), x stays valid', async () => {
    await withWasm();
    const names = ['js', 'wasm', 'wasmScalar'];
    for (const from of names) {
      for (const to of names) {
        for (const [data, dtype] of [[special, 'float32'], [ints, 'int32']] as const) {
          const x = ap.tensor(data, [data.length], { backend: from });
          const y = await x.to(to);
          expect(y.backend).toBe(to);
          expect(y.dtype).toBe(dtype);
          expect(y.shape).toEqual(x.shape);
          expect(y).not.toBe(x);
          expect(bits(await y.read())).toEqual(bits(data));
          expect(bits(await x.read())).toEqual(bits(data)); // x untouched and alive
          y.dispose();
          expect(x.isDisposed).toBe(false);
          x.dispose();
        }
      }
    }
    ap.setBackend('wasmScalar');
    expect((await ap.tensor([1], [1], { backend: 'js' }).to('auto')).backend).toBe('wasmScalar');
  });

  it('a copy on the same backend is a new block: disposing one leaves the other', async () => {
    const { wasm } = await withWasm();
    const x = ap.tensor([1, 2, 3], [3], { backend: 'wasm' });
    const y = await x.to('wasm');
    x.dispose();
    expect(Array.from(await y.read())).toEqual([1, 2, 3]);
    y.dispose();
    expect(wasm.liveBlocks()).toBe(0);
  });

  it('bad input: unknown backend → BACKEND, disposed tensor → DISPOSED; nothing is allocated', async () => {
    const { wasm } = await withWasm();
    const x = ap.tensor([1, 2], [2], { backend: 'wasm' });
    await expect(x.to('nope')).rejects.toMatchObject({ name: 'AdaPoolError', code: 'BACKEND', message: expect.stringMatching(/^Tensor\.to: backend must be 'auto' or a registered backend .*, got "nope"$/) });
    await expect(x.to(42 as unknown as string)).rejects.toMatchObject({ code: 'BACKEND' });
    x.dispose();
    await expect(x.to('js')).rejects.toMatchObject({ code: 'DISPOSED', message: expect.stringMatching(/^Tensor\.to: tensor must not be disposed/) });
    expect(wasm.liveBlocks()).toBe(0);
  });
});

describe('ops on tensor() inputs move nothing', () => {
  it("with setBackend('wasm'): no upload or write per op call, results on wasm, β as a number too", async () => {
    const { wasm } = await withWasm();
    ap.setBackend('wasm');
    const x = ap.tensor(Float32Array.from({ length: 2 * 3 * 8 * 8 }, (_, i) => Math.sin(i)), [2, 3, 8, 8]);
    const beta = ap.tensor([0.2, 0.5, 0.9], [3, 1, 1]);
    const dy = ap.tensor(new Float32Array(2 * 3 * 4 * 4).fill(1), [2, 3, 4, 4]);
    const upload = vi.spyOn(wasm, 'upload');
    const write = vi.spyOn(wasm, 'write');
    const outs = [
      ap.softPool2d(x),
      ap.maxPool2d(x, { kernelSize: 2 }),
      ap.adaPool2d(x, beta),
      ap.adaPool2d(x, 0.5),
      ap.softPool2dGrad(x, dy),
      ...Object.values(ap.adaPool2dGrad(x, beta, dy)),
    ];
    const { output, mask } = ap.adaPool2d(x, beta, { returnMask: true });
    outs.push(output, mask, ap.adaUnpool2d(output, mask, { kernelSize: 2 }));
    expect(outs.every((t) => t.backend === 'wasm')).toBe(true);
    expect(upload).not.toHaveBeenCalled();
    expect(write).toHaveBeenCalledTimes(1); // the scalar tensor of β = 0.5, made beside x
    // the same values as on js
    const xj = await x.to('js');
    const want = await ap.softPool2d(xj, { backend: 'js' }).read();
    const got = await outs[0].read();
    expect(Math.max(...got.map((v, i) => Math.abs(v - want[i])))).toBeLessThan(1e-5);
    for (const t of [...outs, x, beta, dy, xj]) t.dispose();
  });

  it('a tensor from another backend is still accepted and moved with one copy (view → write)', async () => {
    const { wasm } = await withWasm();
    const xj = ap.tensor(Float32Array.from({ length: 16 }, (_, i) => i), [1, 1, 4, 4], { backend: 'js' });
    ap.avgPool2d(xj, { backend: 'wasm' }).dispose(); // caches this geometry's table
    const cached = wasm.liveBlocks();
    const write = vi.spyOn(wasm, 'write');
    const upload = vi.spyOn(wasm, 'upload');
    const y = ap.avgPool2d(xj, { backend: 'wasm' });
    expect(y.backend).toBe('wasm');
    expect(write).toHaveBeenCalledTimes(1);
    expect(upload).not.toHaveBeenCalled();
    expect(Array.from(await y.read())).toEqual([2.5, 4.5, 10.5, 12.5]);
    y.dispose();
    expect(wasm.liveBlocks()).toBe(cached); // the moved copy was freed
  });
});

describe('memory', () => {
  it('stays flat over 100 000 tensor()/dispose() cycles on wasm, nothing left live', async () => {
    const { wasm } = await withWasm();
    ap.setBackend('wasm');
    const data = new Float32Array(1024).fill(1);
    for (let i = 0; i < 1000; i++) ap.tensor(data, [1024]).dispose();
    const settled = wasm.memoryBytes();
    for (let i = 0; i < 100_000; i++) {
      const a = ap.tensor(data, [1024]);
      const b = ap.tensor([i, i + 1], [2], 'int32');
      a.dispose();
      b.dispose();
    }
    expect(wasm.memoryBytes()).toBe(settled);
    expect(wasm.liveBlocks()).toBe(0);
  });

  it('a rejected tensor() allocates nothing (bad shape, bad data, unknown options, unknown backend)', async () => {
    const { wasm } = await withWasm();
    ap.setBackend('wasm');
    const before = wasm.memoryBytes();
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as ap.AdaPoolError).code;
      }
      return 'none';
    };
    expect(code(() => ap.tensor([1, 2, 3], [2]))).toBe('SHAPE');
    expect(code(() => ap.tensor([1, 'a' as unknown as number], [2]))).toBe('DTYPE');
    expect(code(() => ap.tensor([1.5], [1], 'int32'))).toBe('DTYPE');
    expect(code(() => ap.tensor([1], [1], { dtype: 'float32', device: 'gpu' } as never))).toBe('OPTION');
    expect(code(() => ap.tensor([1], [1], { backend: 'nope' }))).toBe('BACKEND');
    expect(wasm.memoryBytes()).toBe(before);
    expect(wasm.liveBlocks()).toBe(0);
  });
});
