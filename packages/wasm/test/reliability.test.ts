/**
 * Issue 9 regressions on the wasm backend: options read once (no memory corruption from a
 * getter that changes), sizes rejected at once, a call that cannot fit never grows memory,
 * createWasmBackend's options read like core's.
 */
import * as ap from '@adapool/core';
import type { PoolPlan } from '@adapool/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createWasmBackend, type WasmTensor } from '../dist/index.js';

afterEach(() => {
  if (ap.listBackends().includes('wasm')) ap.removeBackend('wasm');
  ap.setBackend('js');
});

const ramp = (shape: number[], seed = 0) => ap.tensor(Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => Math.sin(i + seed)), shape);
const data = (t: ap.Tensor) => Array.from(t.readSync());

describe('options read once on wasm (issue 9.2)', () => {
  it('a getter that changes on a second read: a consistent result, no corruption of live tensors, later calls fine', async () => {
    const b = await createWasmBackend();
    ap.registerBackend(b);
    const x = ramp([1, 2, 4, 4]);
    const xw = ap.avgPool2d(x, { kernelSize: 1, backend: 'wasm' }); // x resident on wasm
    const other = ap.softPool2d(ramp([2, 3, 6, 6], 1), { backend: 'wasm' });
    const [xBefore, otherBefore] = [data(xw), data(other)];
    expect(xw.backend).toBe('wasm');
    let k = 0;
    const opts = {
      backend: 'wasm',
      get outputSize() {
        return k++ ? undefined : [2, 2];
      },
    };
    const y = ap.avgPool2d(xw, opts as never);
    expect(k).toBe(1);
    expect(y.shape).toEqual([1, 2, 2, 2]);
    const want = data(ap.avgPool2d(x, { outputSize: [2, 2], backend: 'js' }));
    data(y).forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-6));
    expect(data(xw)).toEqual(xBefore);
    expect(data(other)).toEqual(otherBefore);
    // later calls still work and agree with js
    for (let i = 0; i < 20; i++) {
      const z = ap.maxPool2d(xw, { outputSize: [3, 3], backend: 'wasm' });
      const want = ap.maxPool2d(x, { outputSize: [3, 3], backend: 'js' });
      expect(data(z)).toEqual(data(want));
      z.dispose();
    }
    expect(data(other)).toEqual(otherBefore);
  });
});

describe('sizes on wasm (issue 9.3, 9.4)', () => {
  it('huge outputSize / kernelSize are rejected in < 50 ms without growing memory', async () => {
    const b = await createWasmBackend();
    ap.registerBackend(b);
    const x = ramp([1, 1, 8]);
    const before = b.memoryBytes();
    for (const opts of [{ outputSize: 1e300 }, { outputSize: 2 ** 31 }, { outputSize: 2 ** 31 - 1 }, { kernelSize: 2 ** 31 }, { outputSize: 2 ** 29 }]) {
      const t0 = performance.now();
      let e: unknown;
      try {
        ap.emPool1d(x, { ...opts, backend: 'wasm' });
      } catch (err) {
        e = err;
      }
      expect(performance.now() - t0, JSON.stringify(opts)).toBeLessThan(50);
      expect(e, JSON.stringify(opts)).toBeInstanceOf(ap.AdaPoolError);
      expect((e as ap.AdaPoolError).code).toBe('UNSUPPORTED');
    }
    expect(b.memoryBytes()).toBe(before);
  });

  it('a call that fits 4 GiB by itself but not beside the live tensors is refused before memory grows', async () => {
    const b = await createWasmBackend();
    const live = b.upload(new Float32Array(2 ** 26)); // 256 MiB resident
    const before = b.memoryBytes();
    // [1,192,2048,2048] pooled 2×2 with a mask: output 0.75 GiB + mask 3 GiB (+ tables): under
    // 4 GiB alone, over it beside the 256 MiB; the input is claimed resident (a handle to nothing)
    const axes = [ap.stridedAxis(2048, 2, 2, 0, 1, false), ap.stridedAxis(2048, 2, 2, 0, 1, false)];
    const C = 192;
    const plan: PoolPlan = {
      op: 'softPool2d', method: 'em', n: 2, N: 1, C, inSize: [2048, 2048], outSize: [1024, 1024], window: [2, 2], axes, adaptive: false,
      channelsLast: false, returnMask: true, countIncludePad: false, idwEps: 1e-6, params: {},
      inputShape: [1, C, 2048, 2048], outputShape: [1, C, 1024, 1024], maskShape: [1, C, 1024, 1024, 2, 2],
      inputStrides: ap.layoutStrides(C, [2048, 2048], false), outputStrides: ap.layoutStrides(C, [1024, 1024], false),
      maskStrides: ap.layoutStrides(C, [1024, 1024, 2, 2], false),
      inputElements: 0, outputElements: C * 2 ** 20, maskElements: 4 * C * 2 ** 20, windowSize: 4,
    };
    const nothing: WasmTensor = { ptr: 0, length: 0, dtype: 'float32' };
    let e: unknown;
    try {
      b.kernels.emPool!(plan, nothing);
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(ap.AdaPoolError);
    expect((e as ap.AdaPoolError).code).toBe('UNSUPPORTED');
    expect((e as Error).message).toMatch(/^softPool2d: the tensors of one call must fit a 32-bit Wasm memory \(4 GiB\) on backend 'wasm', got 4\.\d\d GiB of Wasm memory needed$/);
    expect(b.memoryBytes()).toBe(before);
    b.dispose(live);
  }, 60_000);
});

describe('sizes on wasm through the public API (issue 9.9)', () => {
  it('a call refused for size does not first move its js input into Wasm memory (memory unchanged)', async () => {
    const b = await createWasmBackend();
    ap.registerBackend(b);
    const x = ap.tensor(new Float32Array(20 * 2 ** 22), [1, 20, 2048, 2048]); // 320 MiB on js
    const before = b.memoryBytes();
    let e: unknown;
    try {
      // output, mask and indices 1.25 GiB each, plus the moved input: over 4 GiB
      ap.maxPool2d(x, { outputSize: [4096, 4096], returnMask: true, backend: 'wasm' });
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(ap.AdaPoolError);
    expect((e as ap.AdaPoolError).code).toBe('UNSUPPORTED');
    expect((e as Error).message).toMatch(/^maxPool2d: the tensors of one call must fit a 32-bit Wasm memory \(4 GiB\) on backend 'wasm', got \d+\.\d\d GiB/);
    expect(b.memoryBytes()).toBe(before);
    x.dispose();
  }, 60_000);
});

describe('createWasmBackend options (issue 9.8, 9.9)', () => {
  async function rejects(p: () => Promise<unknown>, code: string): Promise<ap.AdaPoolError> {
    let e: unknown;
    try {
      await p();
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(ap.AdaPoolError);
    expect((e as ap.AdaPoolError).code).toBe(code);
    expect((e as Error).message).toMatch(/^createWasmBackend: .+, got .+/);
    return e as ap.AdaPoolError;
  }
  it('rejects non-plain objects, revoked Proxies, throwing getters and inherited keys', async () => {
    const r = Proxy.revocable({}, {});
    r.revoke();
    for (const o of [new Map([['simd', true]]), new Date(), [true], r.proxy, Object.create({ simd: 'no' })]) await rejects(() => createWasmBackend(o as never), 'OPTION');
    const boom = new Error('boom');
    const e = await rejects(() => createWasmBackend({ get simd(): boolean { throw boom; } }), 'OPTION');
    expect(e.cause).toBe(boom);
    expect((await createWasmBackend(Object.assign(Object.create(null), { simd: false }))).simd).toBe(false);
  });
});
