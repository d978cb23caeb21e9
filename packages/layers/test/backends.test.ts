/**
 * The layers on the fast core backends: framework-free layers and the tfjs adapter with core ops
 * on @adapool/wasm (built package) and @adapool/webgpu (Dawn; SwiftShader without a GPU), against
 * the same layers on the reference `js`. WebGPU has no synchronous reads, so the tfjs adapter
 * recomputes there on `js` with one warning; framework-free layers stay on the GPU.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { listBackends, registerBackend, removeBackend, setBackend, tensor, type Backend, type Tensor } from '@adapool/core';
import * as L from '@adapool/layers';
import * as T from '@adapool/layers/tfjs';
import { itWhenAvailable } from '@adapool/testkit/vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, vi } from 'vitest';
import { createWebGPUBackend } from '../../webgpu/src/index.js';
import { probeGpu } from '../../webgpu/test/gpu.js';
import { distinctData } from './helpers.js';

const wasmDist = fileURLToPath(new URL('../../wasm/dist/index.js', import.meta.url));
const wasmMissing = existsSync(wasmDist) ? undefined : `@adapool/wasm is not built (${wasmDist}); npm test builds it first`;
const { gpu, missing: gpuMissing } = await probeGpu();

beforeAll(async () => {
  await tf.setBackend('cpu');
  if (!wasmMissing) {
    const { createWasmBackend } = (await import(/* @vite-ignore */ wasmDist)) as { createWasmBackend: () => Promise<never> };
    const w = await createWasmBackend();
    registerBackend(w);
    backends = new Map([['wasm', w as Backend]]);
  }
  if (gpu) registerBackend(await createWebGPUBackend({ gpu }));
});
afterAll(() => {
  for (const name of ['wasm', 'webgpu']) {
    try {
      removeBackend(name);
    } catch {
      // not registered here
    }
  }
});

const close = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(b[i]));
};

/** The registered backend object behind a tensor (to count what core asks of it). */
let backends: Map<string, Backend> | undefined;
function backendOf(t: Tensor): Backend {
  return backends!.get(t.backend)!;
}

const SHAPE = [2, 3, 6, 6];
const X = distinctData(SHAPE, 7);
const DY = distinctData([2, 3, 3, 3], 8);

/** Forward and backward of a framework-free AdaPool2d with a per-channel β on `backend`. */
async function frameworkFree(backend: string) {
  const pool = new L.AdaPool2d({ kernelSize: 2, backend });
  pool.setParameter('beta', tensor(new Float32Array([0.2, 0.5, 0.9]), [3, 1, 1]));
  const x = tensor(X.slice(), SHAPE);
  const dy = tensor(DY.slice(), [2, 3, 3, 3]);
  const y = pool.forward(x);
  const dx = pool.backward(dy);
  const r = { backend: y.backend, y: await y.read(), dx: await dx.read(), dbeta: await (pool.grads.beta as Tensor).read() };
  for (const t of [x, dy, y, dx]) t.dispose();
  pool.dispose();
  return r;
}

/** The tfjs functional op and its gradient (x and β) with core ops on `backend`. */
function tfjsGrad(backend: string) {
  const x = tf.tensor(X, [2, 6, 6, 3]); // channelsLast, tfjs's default
  const beta = tf.tensor([0.2, 0.5, 0.9], [3]);
  const dy = tf.tensor(DY, [2, 3, 3, 3]);
  const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(T.ops.adaPool2d(a, b, { poolSize: 2, backend }), dy)) as tf.Scalar;
  const [gx, gb] = tf.grads(f)([x, beta]);
  const y = T.ops.adaPool2d(x, beta, { poolSize: 2, backend });
  return { y: y.dataSync(), gx: gx.dataSync(), gb: gb.dataSync() };
}

describe('layers on the wasm backend', () => {
  itWhenAvailable('framework-free AdaPool2d forward/backward on wasm equals js', wasmMissing, async () => {
    const [w, j] = [await frameworkFree('wasm'), await frameworkFree('js')];
    expect(w.backend).toBe('wasm');
    close(w.y, j.y);
    close(w.dx, j.dx);
    close(w.dbeta, j.dbeta);
  });
  itWhenAvailable("setBackend('wasm'): β, results and gradients live on wasm; no tensor is moved per call", wasmMissing, async () => {
    expect(listBackends()).toContain('wasm');
    setBackend('wasm');
    try {
      const pool = new L.AdaPool2d({ kernelSize: 2, betaShape: [3, 1, 1] });
      const x = tensor(X.slice(), SHAPE);
      const dy = tensor(DY.slice(), [2, 3, 3, 3]);
      expect([pool.beta!.backend, x.backend]).toEqual(['wasm', 'wasm']);
      const b = backendOf(x);
      const moves = [vi.spyOn(b, 'upload'), ...(b.write ? [vi.spyOn(b, 'write')] : [])];
      for (let i = 0; i < 3; i++) {
        const y = pool.forward(x);
        const dx = pool.backward(dy);
        expect([y.backend, dx.backend, pool.grads.beta!.backend]).toEqual(['wasm', 'wasm', 'wasm']);
        y.dispose();
        dx.dispose();
      }
      for (const m of moves) expect(m).not.toHaveBeenCalled();
      // a β made elsewhere moves once, at the next forward, then stays
      pool.setParameter('beta', tensor([0.1, 0.2, 0.3], [3, 1, 1], { backend: 'js' }));
      pool.forward(x).dispose();
      expect(pool.beta!.backend).toBe('wasm');
      const calls = moves.reduce((n, m) => n + m.mock.calls.length, 0);
      pool.forward(x).dispose();
      expect(moves.reduce((n, m) => n + m.mock.calls.length, 0)).toBe(calls);
      for (const t of [x, dy]) t.dispose();
      pool.dispose();
      vi.restoreAllMocks();
    } finally {
      setBackend('auto');
    }
  });
  itWhenAvailable("tfjs adapter with setBackend('wasm'): one copy of each input into wasm, the op moves nothing", wasmMissing, () => {
    setBackend('wasm');
    try {
      const b = backendOf(tensor([0], [1]));
      const upload = vi.spyOn(b, 'upload');
      const write = vi.spyOn(b, 'write');
      const x = tf.tensor(X, [2, 6, 6, 3]);
      const y = T.ops.adaPool2d(x, tf.tensor([0.2, 0.5, 0.9], [3]), { poolSize: 2 });
      expect(y.shape).toEqual([2, 3, 3, 3]);
      expect(upload).not.toHaveBeenCalled();
      expect(write).toHaveBeenCalledTimes(2); // x and β, straight into wasm memory
      vi.restoreAllMocks();
    } finally {
      setBackend('auto');
    }
  });
  itWhenAvailable('tfjs functional adaPool2d and tf.grads with core ops on wasm equal js', wasmMissing, () => {
    const [w, j] = [tfjsGrad('wasm'), tfjsGrad('js')];
    close(w.y, j.y);
    close(w.gx, j.gx);
    close(w.gb, j.gb);
  });
});

describe('layers on the webgpu backend', () => {
  itWhenAvailable('framework-free AdaPool2d stays on the GPU and equals js', gpuMissing, async () => {
    const [g, j] = [await frameworkFree('webgpu'), await frameworkFree('js')];
    expect(g.backend).toBe('webgpu');
    close(g.y, j.y);
    close(g.dx, j.dx);
    close(g.dbeta, j.dbeta);
  });
  itWhenAvailable('tfjs adapter: core backend without synchronous reads → computed on js, warned once', gpuMissing, () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const [g, j] = [tfjsGrad('webgpu'), tfjsGrad('js')];
      close(g.y, j.y);
      close(g.gx, j.gx);
      close(g.gb, j.gb);
      const ours = warn.mock.calls.filter(([m]) => String(m).includes("backend 'webgpu' cannot"));
      expect(ours.length).toBe(1);
    } finally {
      warn.mockRestore();
    }
  });
});
