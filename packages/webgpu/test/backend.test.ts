/** Runtime behaviour of the WebGPU backend on a real implementation (Dawn; SwiftShader without a GPU). */
import * as ap from '@adapool/core';
import { AdaPoolError, registerBackend, removeBackend, tensor, type Tensor } from '@adapool/core';
import { parityCases, runParityCase } from '@adapool/testkit';
import { itWhenAvailable } from '@adapool/testkit/vitest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createWebGPUBackend, DEFAULT_MIN_WORK, type WebGPUBackend } from '../src/index.js';
import { probeGpu } from './gpu.js';

const { gpu, missing } = await probeGpu();
const test = (title: string, fn: () => Promise<void> | void, timeout?: number) => itWhenAvailable(title, missing, fn, timeout);

function expectCode(fn: () => unknown, code: string, message?: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AdaPoolError);
    expect((e as AdaPoolError).code).toBe(code);
    if (message) expect((e as Error).message).toMatch(message);
    return;
  }
  throw new Error(`expected AdaPoolError ${code}, nothing was thrown`);
}
async function expectRejects(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, `expected a rejection with ${code}`).toBeInstanceOf(AdaPoolError);
  expect((e as AdaPoolError).code).toBe(code);
  if (message) expect((e as Error).message).toMatch(message);
}

const rand = (n: number, seed = 1) => {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 4 - 2);
};

/** Runs `fn` inside validation and out-of-memory error scopes and expects neither to fire. */
async function noGpuErrors(device: GPUDevice, fn: () => Promise<void>): Promise<void> {
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  await fn();
  const oom = await device.popErrorScope();
  const validation = await device.popErrorScope();
  expect(oom?.message).toBeUndefined();
  expect(validation?.message).toBeUndefined();
}

describe('webgpu backend', () => {
  let b: WebGPUBackend;
  const uncaptured: string[] = [];
  beforeAll(async () => {
    if (!gpu) return;
    b = await createWebGPUBackend({ gpu });
    b.device.onuncapturederror = (e) => uncaptured.push(e.error.message);
    registerBackend(b);
  });
  afterAll(() => {
    if (!gpu) return;
    removeBackend('webgpu');
    b.destroy();
  });

  test('ops return tensors synchronously; chained ops run with no readback until read()', async () => {
    await noGpuErrors(b.device, async () => {
      const x = tensor(rand(2 * 3 * 16 * 16), [2, 3, 16, 16]);
      const before = b.stats().readbacks;
      const y1 = ap.softPool2d(x, { backend: 'webgpu' }); // moves x from js through upload
      expect(y1.backend).toBe('webgpu');
      const y2 = ap.adaPool2d(y1, 0.5, { kernelSize: 3, stride: 1, padding: 1 });
      const y3 = ap.maxPool2d(y2, { outputSize: [3, 3] });
      const g = ap.maxPool2dGrad(y2, y3, { outputSize: [3, 3] });
      for (const t of [y2, y3, g]) expect(t.backend).toBe('webgpu'); // 'auto' keeps GPU tensors on the GPU
      expect(b.stats().readbacks).toBe(before); // no mapAsync between chained ops
      const got = await y3.read();
      expect(b.stats().readbacks).toBe(before + 1);
      // same chain on the reference backend
      const r1 = ap.softPool2d(x, { backend: 'js' });
      const r2 = ap.adaPool2d(r1, 0.5, { kernelSize: 3, stride: 1, padding: 1, backend: 'js' });
      const r3 = ap.maxPool2d(r2, { outputSize: [3, 3], backend: 'js' });
      const want = await r3.read();
      for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 4);
      for (const t of [x, y1, y2, y3, g, r1, r2, r3]) t.dispose();
    });
  });

  test('error scopes do catch validation errors (so the clean scopes above mean something)', async () => {
    b.device.pushErrorScope('validation');
    b.device.createBuffer({ size: 16, usage: 1 | 128 }); // MAP_READ | STORAGE: invalid
    const error = await b.device.popErrorScope();
    expect(error).toBeInstanceOf(Object);
    expect(error!.message.length).toBeGreaterThan(0);
  });

  test('gpuTime reports the GPU time of every pass of several submissions (timestamp queries)', async () => {
    const x = tensor(rand(1 * 4 * 16 * 16), [1, 4, 16, 16], { backend: 'webgpu' });
    await noGpuErrors(b.device, async () => {
      const made: Tensor[] = [];
      const t = await b.gpuTime(() => {
        const y = ap.adaPool2d(x, 0.5); // one submission
        const g = ap.adaPool2dGrad(x, 0.5, y); // another
        made.push(y, g.dx, g.dbeta);
      });
      if (b.device.features.has('timestamp-query')) {
        expect(t!.passes).toBe(4); // forward + (per-window record, gather, dβ reduction)
        expect(t!.ms).toBeGreaterThanOrEqual(0);
      } else expect(t).toBeUndefined();
      const [xc, yc] = [tensor(await x.read(), x.shape), tensor(await made[0].read(), made[0].shape)];
      const ref = ap.adaPool2dGrad(xc, 0.5, yc, { backend: 'js' });
      const want = await ref.dx.read();
      made.push(xc, yc, ref.dx, ref.dbeta);
      const got = await made[1].read();
      for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 4); // the timed work did run
      for (const m of made) m.dispose();
    });
    x.dispose();
  });

  test('forward is one dispatch per op; backward one (avg), two (max, em, edscw, idw) or three (ada)', () => {
    const x = tensor(rand(2 * 3 * 8 * 8), [2, 3, 8, 8], { backend: 'webgpu' });
    const count = (fn: () => Tensor[]) => {
      const before = b.stats().dispatches;
      for (const t of fn()) t.dispose();
      return b.stats().dispatches - before;
    };
    const o = { kernelSize: 3, stride: 2, padding: 1 };
    const fwd = { avg: ap.avgPool, max: ap.maxPool, em: ap.emPool, edscw: ap.edscwPool, idw: ap.idwPool } as const;
    const grad = { avg: ap.avgPoolGrad, max: ap.maxPoolGrad, em: ap.emPoolGrad, edscw: ap.edscwPoolGrad, idw: ap.idwPoolGrad } as const;
    const dy = ap.avgPool2d(x, o);
    for (const m of ['avg', 'max', 'em', 'edscw', 'idw'] as const) {
      const pool = fwd[m] as ap.PoolFn<ap.PoolOptions>;
      const poolGrad = grad[m] as ap.PoolGradFn<ap.PoolOptions>;
      expect(count(() => Object.values(pool(x, { ...o, returnMask: true })) as Tensor[]), m).toBe(1);
      expect(count(() => [poolGrad(x, dy, o)]), m).toBe(m === 'avg' ? 1 : 2);
    }
    const r = ap.adaPool2d(x, 0.3, { ...o, returnMask: true });
    expect(count(() => [ap.adaPool2d(x, 0.3, o)])).toBe(1);
    expect(count(() => Object.values(ap.adaPool2dGrad(x, 0.3, dy, o)))).toBe(3);
    expect(count(() => [ap.adaUnpool2d(r.output, r.mask, { ...o, inputSize: [8, 8] })])).toBe(1);
    expect(count(() => Object.values(ap.adaUnpool2dGrad(r.output, r.mask, x, { ...o, inputSize: [8, 8] })))).toBe(1);
    for (const t of [x, dy, r.output, r.mask]) t.dispose();
  });

  test('a webgpu tensor used with a CPU backend raises BACKEND (GPU reads are async)', async () => {
    const x = tensor(rand(1 * 2 * 8), [1, 2, 8]);
    const y = ap.avgPool1d(x, { backend: 'webgpu' });
    expectCode(() => ap.avgPool1d(y, { backend: 'js' }), 'BACKEND', /await x\.to\('js'\)/);
    expectCode(() => y.readSync(), 'UNSUPPORTED');
    const copy = tensor(await y.read(), y.shape); // the documented way across
    expect(ap.avgPool1d(copy, { backend: 'js' }).shape).toEqual([1, 2, 2]);
    for (const t of [x, y, copy]) t.dispose();
  });

  test('buffers return to the pool on dispose: the buffer count stays flat over 10 000 calls', async () => {
    await noGpuErrors(b.device, async () => {
      const x = tensor(rand(2 * 4 * 32), [2, 4, 32], { backend: 'webgpu' }); // x on the GPU
      const warm = () => {
        const r = ap.emPool1d(x, { kernelSize: 3, stride: 2, padding: 1, returnMask: true });
        r.output.dispose();
        r.mask.dispose();
        const dy = ap.avgPool1d(x, { kernelSize: 3, stride: 2, padding: 1 });
        ap.emPool1dGrad(x, dy, { kernelSize: 3, stride: 2, padding: 1 }).dispose();
        dy.dispose();
      };
      for (let i = 0; i < 10; i++) warm();
      await b.sync();
      const before = b.stats();
      for (let i = 0; i < 10_000 / 3; i++) warm(); // 3 ops per round
      await b.sync();
      const after = b.stats();
      expect(after.created).toBe(before.created);
      expect(after.live).toBe(before.live);
      expect(after.pipelines).toBe(before.pipelines);
      x.dispose();
    });
  }, 120_000);

  test('pipelines are cached per spec, not per shape: ranks 1-3 and both layouts share one', async () => {
    const run = (shape: number[], channelsLast: boolean) => {
      const x = tensor(rand(shape.reduce((p, d) => p * d, 1)), shape);
      ap.idwPool(x, { backend: 'webgpu', channelsLast, kernelSize: 2 }).dispose();
      x.dispose();
    };
    run([1, 2, 8], false);
    const n = b.stats().pipelines;
    run([2, 3, 6, 5], false);
    run([1, 2, 4, 4, 6], true);
    run([3, 7, 2], true);
    expect(b.stats().pipelines).toBe(n);
  });

  test('GPU objects are labelled', () => {
    const x = tensor(rand(8), [1, 1, 8]);
    const y = ap.avgPool1d(x, { backend: 'webgpu', returnMask: true });
    expect(y.mask).toBeDefined();
    // a handle's buffer, seen through the backend's upload
    const h = b.upload(new Float32Array(4));
    expect(h.buffer.label).toMatch(/^adapool:/);
    b.dispose(h);
    for (const t of [x, y.output, y.mask]) t.dispose();
  });

  test('errors while moving an input to the GPU name the op the user called, not upload', async () => {
    const device = await (await gpu!.requestAdapter())!.requestDevice();
    const lost = await createWebGPUBackend({ device, name: 'gpu-upload' });
    registerBackend(lost);
    const x = tensor(rand(16), [1, 1, 16]); // on js: moved by upload
    try {
      device.destroy();
      await device.lost;
      expectCode(() => ap.emPool1d(x, { backend: 'gpu-upload' }), 'DEVICE', /^emPool1d: the WebGPU device must be alive, got a lost device/);
      expectCode(() => lost.upload(new Float32Array(2)), 'DEVICE', /^gpu-upload\.upload: /); // called directly: named after it
    } finally {
      removeBackend('gpu-upload');
      lost.destroy();
      x.dispose();
    }
  });

  test('dispatches above 65 535 workgroups are folded into 2D', async () => {
    const L = 2 * b.workgroupSize * 65_536 + 6; // output needs > 65 535 workgroups
    const data = new Float32Array(L);
    for (let i = 0; i < L; i++) data[i] = (i % 1000) * 0.5 - (i % 7);
    await noGpuErrors(b.device, async () => {
      const x = ap.tensor(data, [1, 1, L]);
      const { output, indices } = ap.maxPool1d(x, { backend: 'webgpu', returnMask: true });
      const mean = ap.avgPool1d(x, { backend: 'webgpu' });
      const [y, idx, m] = await Promise.all([output.read(), indices!.read(), mean.read()]);
      expect(y.length).toBe(L / 2);
      for (const o of [0, 1, 65_535 * b.workgroupSize, L / 2 - 2, L / 2 - 1]) {
        const a = data[2 * o];
        const c = data[2 * o + 1];
        expect(y[o]).toBe(c > a ? c : a);
        expect(idx[o]).toBe(c > a ? 2 * o + 1 : 2 * o);
        expect(m[o]).toBeCloseTo((a + c) / 2, 4);
      }
      for (const t of [x, output, indices!, mean, ap.avgPool1d(x, { backend: 'js', kernelSize: 1 })]) t.dispose();
    });
  }, 120_000);

  test("buffers above maxStorageBufferBindingSize raise UNSUPPORTED before anything is allocated", () => {
    const x = tensor(rand(2 * 3 * 8 * 8), [2, 3, 8, 8]);
    const { plan } = ap.planPool('avgPool2d', 'avg', x, { returnMask: true }, ap.poolOpDefs.avg.options, 2);
    const limit = b.device.limits.maxStorageBufferBindingSize;
    const huge = { ...plan, N: 1 << 20, inputElements: plan.inputElements << 20, maskElements: Math.floor(limit / 4) + 1 };
    const before = b.stats().created;
    const h = b.upload(new Float32Array(4));
    const created = b.stats().created;
    expectCode(() => b.kernels.avgPool!(huge, h), 'UNSUPPORTED', /maxStorageBufferBindingSize \(\d+ bytes\), got the input of \d+ bytes/);
    expectCode(() => b.kernels.emPoolGrad!({ ...plan, outputElements: Math.floor(limit / 4) + 1 }, h, h), 'UNSUPPORTED', /got the output/);
    expectCode(() => b.kernels.avgPool!({ ...plan, maskElements: Math.floor(limit / 4) + 1 }, h), 'UNSUPPORTED', /got the mask/);
    expect(b.stats().created).toBe(created);
    expect(created - before).toBeLessThanOrEqual(1);
    b.dispose(h);
    x.dispose();
  });

  test('dβ over many outputs per β element (workgroup tree sum) matches the reference', async () => {
    await noGpuErrors(b.device, async () => {
      const x = tensor(rand(2 * 8 * 32 * 32, 5), [2, 8, 32, 32]);
      const dy = tensor(rand(2 * 8 * 16 * 16, 9), [2, 8, 16, 16]);
      for (const beta of [tensor([0.4], []), tensor(Float32Array.from({ length: 8 }, (_, i) => i / 7), [8, 1, 1]), tensor(rand(16 * 16, 3), [16, 16])]) {
        const g = ap.adaPool2dGrad(x, beta, dy, { backend: 'webgpu' });
        const r = ap.adaPool2dGrad(x, beta, dy, { backend: 'js' });
        const [got, want, dx, dxr] = await Promise.all([g.dbeta.read(), r.dbeta.read(), g.dx.read(), r.dx.read()]);
        for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-4 + 1e-3 * Math.abs(want[i]) + 1e-5 * 2048);
        for (let i = 0; i < dxr.length; i++) expect(Math.abs(dx[i] - dxr[i])).toBeLessThanOrEqual(1e-4 + 1e-3 * Math.abs(dxr[i]));
        for (const t of [beta, g.dx, g.dbeta, r.dx, r.dbeta]) t.dispose();
      }
      x.dispose();
      dy.dispose();
    });
  });

  test('int32 indices and zero-size tensors read back', async () => {
    const x = tensor([1, 5, 2, 2, 9, 0], [1, 1, 6]);
    const r = ap.maxPool1d(x, { backend: 'webgpu', returnMask: true, kernelSize: 3 });
    expect(Array.from(await r.indices!.read())).toEqual([1, 4]);
    expect(await r.indices!.read()).toBeInstanceOf(Int32Array);
    expect(Array.from(await r.mask.read())).toEqual([0, 1, 0, 0, 1, 0]);
    const empty = ap.avgPool1d(tensor(new Float32Array(0), [0, 3, 4]), { backend: 'webgpu' });
    expect(empty.shape).toEqual([0, 3, 2]);
    expect((await empty.read()).length).toBe(0);
    for (const t of [x, r.output, r.mask, r.indices!, empty]) t.dispose();
  });

  test("'auto' keeps small work on the CPU and sends work ≥ minWork to WebGPU", async () => {
    // a software adapter (SwiftShader) is slower than js at every size (benches/webgpu-bench.mjs --sweep)
    expect(b.auto!.minWork).toBe(b.software ? Infinity : DEFAULT_MIN_WORK);
    const g = await createWebGPUBackend({ gpu, name: 'gpu-auto', minWork: 4096 });
    registerBackend(g);
    try {
      // inputs on the CPU ('auto' would place tensor() on gpu-auto, where it runs large ops)
      const placed = tensor([1], [1]);
      expect(placed.backend).toBe('gpu-auto');
      placed.dispose();
      const small = tensor(rand(1 * 2 * 8 * 8), [1, 2, 8, 8], { backend: 'js' }); // work 512
      const y = ap.avgPool2d(small);
      expect(y.backend).toBe('js');
      const big = tensor(rand(1 * 4 * 32 * 32), [1, 4, 32, 32], { backend: 'js' }); // work 16 384
      const z = ap.avgPool2d(big);
      expect(z.backend).toBe('gpu-auto');
      for (const t of [small, y, big, z]) t.dispose();
    } finally {
      removeBackend('gpu-auto');
      g.destroy();
    }
  });

  test('another workgroup size (96, not a power of two) gives the same results: a parity sample', async () => {
    const g = await createWebGPUBackend({ gpu, name: 'gpu-wg96', workgroupSize: 96 });
    registerBackend(g);
    try {
      const sample = parityCases.filter((_, i) => i % 7 === 0);
      for (const c of sample) {
        const r = await runParityCase(c, 'gpu-wg96');
        expect(r.failures, c.id).toEqual([]);
      }
      expect(g.workgroupSize).toBe(96);
    } finally {
      removeBackend('gpu-wg96');
      g.destroy();
    }
  }, 120_000);

  test('options are validated', async () => {
    await expectRejects(createWebGPUBackend({ gpu, workgroupSize: 100_000 }), 'OPTION', /workgroupSize must be an integer in \[1, \d+\]/);
    await expectRejects(createWebGPUBackend({ gpu, wgSize: 64 } as never), 'OPTION', /unknown option "wgSize"/);
    await expectRejects(createWebGPUBackend({ gpu, minWork: -1 }), 'OPTION', /minWork must be a number ≥ 0, got -1/);
    // wrong types are OPTION errors before anything touches WebGPU, never a TypeError
    const bad: [unknown, RegExp][] = [
      [{ gpu: 42 }, /^createWebGPUBackend: gpu must be a GPU object .*, got 42$/],
      [{ gpu: 'navigator.gpu' }, /gpu must be a GPU object .*, got "navigator.gpu"/],
      [{ gpu: {} }, /gpu must be a GPU object with requestAdapter\(\), got an object without requestAdapter\(\)/],
      [{ device: {} }, /^createWebGPUBackend: device must be a GPUDevice, got an object without createBuffer\(\)$/],
      [{ device: 7 }, /device must be a GPUDevice, got 7/],
      [{ device: null }, /device must be a GPUDevice, got null/],
      [{ device: { ...Object.fromEntries(['createBuffer', 'createShaderModule', 'createComputePipeline', 'createBindGroup', 'createCommandEncoder', 'destroy'].map((k) => [k, () => 0])) } }, /got an object without queue/],
      [{ gpu, name: 42 }, /name must be a non-empty string, got 42/],
      [{ gpu, name: '' }, /name must be a non-empty string, got ""/],
      [{ gpu, workgroupSize: '64' }, /workgroupSize must be an integer, got "64"/],
      [{ gpu, minWork: 'big' }, /minWork must be a number ≥ 0, got "big"/],
      [[gpu], /options must be an object/],
      [42, /options must be an object, got 42/],
    ];
    for (const [o, msg] of bad) await expectRejects(createWebGPUBackend(o as never), 'OPTION', msg);
    // a GPU object whose calls throw: BACKEND, with what failed
    const throwing = { requestAdapter: () => Promise.reject(new TypeError('boom')) } as unknown as GPU;
    await expectRejects(createWebGPUBackend({ gpu: throwing }), 'BACKEND', /^createWebGPUBackend: requestAdapter\(\) must succeed, got TypeError: boom$/);
    const d = await createWebGPUBackend({ gpu });
    expect(d.workgroupSize).toBeLessThanOrEqual(128);
    d.destroy();
  });

  test('no uncaptured WebGPU error on this backend during these tests', async () => {
    await b.sync();
    expect(uncaptured).toEqual([]);
  });
});

describe('webgpu backend: adapters and device loss', () => {
  itWhenAvailable('rejects with UNSUPPORTED when there is no WebGPU or no adapter', undefined, async () => {
    await expectRejects(createWebGPUBackend(), 'UNSUPPORTED', /^createWebGPUBackend: WebGPU must be available \(Node has no navigator\.gpu: pass \{ gpu: create\(\[\]\) \} with create from the 'webgpu' package.*\), got no GPU object$/);
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU; // a GPU whose adapter query finds nothing
    await expectRejects(createWebGPUBackend({ gpu: noAdapter }), 'UNSUPPORTED', /adapter must be available, got none/);
  });

  test('device loss: the next call raises DEVICE; a re-created backend works again', async () => {
    const adapter = (await gpu!.requestAdapter())!;
    const device = await adapter.requestDevice();
    const b = await createWebGPUBackend({ device, name: 'gpu-lost' });
    registerBackend(b);
    const x = tensor(rand(2 * 2 * 6 * 6), [2, 2, 6, 6]);
    const y = ap.softPool2d(x, { backend: 'gpu-lost' });
    device.destroy();
    await device.lost;
    expect(b.lost).toBe(true);
    expectCode(() => ap.softPool2d(x, { backend: 'gpu-lost' }), 'DEVICE', /device must be alive, got a lost device \(destroyed/);
    expectCode(() => ap.softPool2dGrad(y, y, { kernelSize: 1, backend: 'gpu-lost' }), 'DEVICE');
    await expectRejects(y.read(), 'DEVICE');
    // the destroyed device given to a new backend: DEVICE, saying it was lost
    await expectRejects(createWebGPUBackend({ device, name: 'gpu-lost-again' }), 'DEVICE', /^createWebGPUBackend: the WebGPU device must be alive, got a lost device \(destroyed/);
    const fresh = await createWebGPUBackend({ gpu, name: 'gpu-lost' });
    registerBackend(fresh); // replaces the lost one
    // a tensor of the lost device, given to the new backend of the same name: says the device was lost
    expectCode(() => ap.softPool2d(y, { backend: 'gpu-lost' }), 'DEVICE', /^softPool2d: inputs must live on a usable backend, got a tensor of backend 'gpu-lost' whose WebGPU device was lost \(destroyed/);
    expectCode(() => ap.adaPool2d(x, y, { backend: 'gpu-lost' }), 'DEVICE', /^adaPool2d: .*device was lost/);
    y.dispose(); // disposing a tensor of a lost device is allowed
    const z = ap.softPool2d(x, { backend: 'gpu-lost' });
    const want = await ap.softPool2d(x, { backend: 'js' }).read();
    const got = await z.read();
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
    removeBackend('gpu-lost');
    fresh.destroy();
    for (const t of [x, z] as Tensor[]) t.dispose();
  });

  test('a shared device is not destroyed with the backend', async () => {
    const device = await (await gpu!.requestAdapter())!.requestDevice();
    const b = await createWebGPUBackend({ device, name: 'shared' });
    b.destroy();
    expectCode(() => b.upload(new Float32Array(1)), 'DEVICE', /must not be destroyed/);
    const again = await createWebGPUBackend({ device, name: 'shared' }); // the device still works
    const h = again.upload(new Float32Array([1, 2, 3]));
    expect(Array.from(await again.read(h))).toEqual([1, 2, 3]);
    again.destroy();
    device.destroy();
  });
});
