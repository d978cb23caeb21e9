/**
 * Threads (src/threads.ts): the whole parity suite on a 2-thread backend that splits every call
 * (threadMinWork 0), each result bitwise equal to the 1-thread backend's; large calls split at
 * the default threshold, bitwise equal too (dβ chunks where planes share β); options; the
 * fallback to one thread; destroy, and a process that exits with or without it.
 */
import { adaPool2d, adaPoolGrad, maxPool2d, registerBackend, removeBackend, setBackend, softPool2d, softPoolGrad, tensor, type Tensor } from '@adapool/core';
import { defineParitySuite } from '@adapool/testkit/vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createWasmBackend, type WasmBackend } from '../dist/index.js';

const made: WasmBackend[] = [];
const make = async (o: Parameters<typeof createWasmBackend>[0]) => {
  const b = await createWasmBackend(o);
  made.push(b);
  return b;
};
afterAll(() => {
  for (const b of made) b.destroy();
});

defineParitySuite({
  backend: 'wasm-t2',
  sameAs: 'wasm-t1',
  setup: async () => {
    const two = await make({ threads: 2, name: 'wasm-t2', threadMinWork: 0 });
    expect(two.threads).toBe(2);
    registerBackend(two);
    registerBackend(await make({ threads: 1, name: 'wasm-t1' }));
  },
});

const bits = async (t: Tensor) => new Uint32Array((await t.read()).buffer.slice(0));
const data = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * 3 + Math.cos(i * 0.011) * 0.5);

describe('threads at the default threshold', () => {
  it('large calls split over 3 threads give the bits of one thread (softPool, maxPool, adaPool with β shared by planes and per plane, gradients; dx pre-filled by the threads)', async () => {
    const one = await make({ threads: 1, name: 'big-t1' });
    const three = await make({ threads: 3, name: 'big-t3' });
    expect(three.threads).toBe(3);
    const shape = [2, 12, 64, 60]; // dx 360 KB: its pre-fill (windows that overlap, or a row's tail group) is split too
    const xs = data(shape.reduce((a, b) => a * b), 1);
    const run = async (backend: string) => {
      const x = tensor(xs, shape, { backend });
      const out: Uint32Array[] = [];
      for (const kernelSize of [2, 3]) {
        const o = { kernelSize, stride: 2, backend };
        const y = softPool2d(x, o);
        out.push(await bits(y));
        const dy = tensor(data(y.size, 2), y.shape, { backend });
        out.push(await bits(softPoolGrad(x, dy, o)));
        out.push(await bits(maxPool2d(x, o)));
        for (const betaShape of [[y.shape[2]!, y.shape[3]!], [1, 12, 1, 1], y.shape]) {
          const beta = tensor(Float32Array.from({ length: betaShape.reduce((a, b) => a * b) }, (_, i) => (i % 7) / 6), betaShape, { backend });
          out.push(await bits(adaPool2d(x, beta, o)));
          const g = adaPoolGrad(x, beta, dy, o);
          out.push(await bits(g.dx), await bits(g.dbeta));
        }
      }
      return out;
    };
    registerBackend(one);
    registerBackend(three);
    try {
      const [a, b] = [await run('big-t1'), await run('big-t3')];
      expect(b.length).toBe(a.length);
      a.forEach((r, i) => expect(Buffer.from(b[i]!.buffer).equals(Buffer.from(r.buffer)), `result ${i}`).toBe(true));
    } finally {
      removeBackend('big-t1');
      removeBackend('big-t3');
    }
  }, 60_000);
});

describe('options and fallback', () => {
  it('rejects bad threads, name and threadMinWork with OPTION', async () => {
    for (const [o, msg] of [
      [{ threads: 0 }, /threads must be 'auto' or an integer from 1 to 64, got 0/],
      [{ threads: 1.5 }, /threads must be 'auto' or an integer from 1 to 64, got 1\.5/],
      [{ threads: 'all' }, /threads must be 'auto' or an integer/],
      [{ threads: 65 }, /got 65/],
      [{ name: '' }, /name must be 1 to 64 letters/],
      [{ name: 'a b' }, /name must be/],
      [{ threadMinWork: -1 }, /threadMinWork must be a non-negative integer, got -1/],
    ] as const) {
      const e = await createWasmBackend(o as never).then(() => undefined, (err: unknown) => err as { code: string; message: string });
      expect(e?.code).toBe('OPTION');
      expect(e?.message).toMatch(msg);
    }
  });

  it("'auto' takes the core count; the default in Node is threaded; name and threads are reported", async () => {
    const { availableParallelism } = await import('node:os');
    expect((await make({ threads: 'auto' })).threads).toBe(availableParallelism());
    const d = await make(undefined);
    expect(d.threads).toBe(availableParallelism());
    expect(d.name).toBe('wasm');
    expect((await make({ name: 'mine' })).name).toBe('mine');
  });

  it('a compiled WebAssembly.Module runs on one thread and says why once', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const mod = await WebAssembly.compile(readFileSync(new URL('../dist/adapool.wasm', import.meta.url)));
      const b = await make({ module: mod, threads: 2 });
      expect(b.threads).toBe(1);
      expect(b.threadsNote).toMatch(/threads need the build as bytes or a URL/);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(/^createWasmBackend: backend 'wasm' runs on one thread: threads need the build/);
      // the bytes thread
      expect((await make({ module: readFileSync(new URL('../dist/adapool.wasm', import.meta.url)), threads: 2 })).threads).toBe(2);
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('destroy', () => {
  it('ends the workers; later calls throw BACKEND; tensors read before stay valid', async () => {
    const b = await createWasmBackend({ threads: 2, name: 'gone', threadMinWork: 0 });
    registerBackend(b);
    try {
      const x = tensor(data(2 * 4 * 8 * 8, 3), [2, 4, 8, 8], { backend: 'gone' });
      const y = await softPool2d(x, { kernelSize: 2 }).read();
      b.destroy();
      b.destroy();
      expect(() => softPool2d(x, { kernelSize: 2 })).toThrow(/softPool2d: the 'gone' backend must not be destroyed, got a destroyed backend/);
      expect(y.length).toBe(2 * 4 * 4 * 4);
      // still registered, but 'auto' no longer picks it: new tensors and ops go elsewhere
      expect(b.auto).toBeUndefined();
      setBackend('auto');
      const z = tensor(data(2 * 4 * 8 * 8, 3), [2, 4, 8, 8]);
      expect(z.backend).not.toBe('gone');
      expect(softPool2d(z, { kernelSize: 2 }).backend).not.toBe('gone');
      // its tensors can still be read (and moved)
      expect((await x.to('js')).backend).toBe('js');
    } finally {
      removeBackend('gone');
    }
  });

  it('a threaded backend dropped without destroy() ends its workers once collected (Linux: the process\'s threads)', () => {
    const script = `
      import { readdirSync } from 'node:fs';
      import { createWasmBackend } from '@adapool/wasm';
      const threads = () => readdirSync('/proc/self/task').length;
      const settle = async () => { for (let i = 0; i < 20; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 50)); } };
      await settle();
      const before = threads();
      for (let i = 0; i < 6; i++) await createWasmBackend({ threads: 2 });
      const live = threads();
      await settle();
      console.log(JSON.stringify({ before, live, after: threads() }));`;
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000, cwd: new URL('..', import.meta.url).pathname });
    expect(r.stderr).toBe('');
    const { before, live, after } = JSON.parse(r.stdout) as { before: number; live: number; after: number };
    expect(live).toBeGreaterThanOrEqual(before + 6);
    expect(after).toBeLessThan(live - 3);
  });

  for (const destroy of [true, false]) {
    it(`a Node process with a threaded backend exits ${destroy ? 'after destroy()' : 'without destroy() (workers are unref’d)'}`, () => {
      const script = `
        import { registerBackend, setBackend, softPool2d, tensor } from '@adapool/core';
        import { createWasmBackend } from '@adapool/wasm';
        const b = await createWasmBackend({ threads: 2 });
        registerBackend(b); setBackend('wasm');
        const x = tensor(new Float32Array(64 * 64 * 64).fill(1), [1, 64, 64, 64]);
        const y = await softPool2d(x, { kernelSize: 2 }).read();
        console.log('threads', b.threads, 'y', y[0]);
        ${destroy ? 'b.destroy();' : ''}`;
      const t = performance.now();
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000, cwd: new URL('..', import.meta.url).pathname });
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('threads 2 y 1');
      expect(r.status).toBe(0);
      expect(performance.now() - t).toBeLessThan(15_000);
    });
  }
});
