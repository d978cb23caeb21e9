/**
 * The wasm backend beyond parity: build selection (SIMD / scalar / a given module), the
 * 32-bit memory limit (UNSUPPORTED, checked before anything is allocated), flat memory over
 * 100 000 calls, 'auto' ranking, and larger geometries that exercise both lane strategies
 * (lanes across channels, lanes across neighbouring outputs) on both builds.
 */
import { readFileSync } from 'node:fs';
import * as ap from '@adapool/core';
import type { PoolPlan } from '@adapool/core';
import { compare, runParityCase, TOLERANCE, type ParityCase } from '@adapool/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseBuild, createWasmBackend, type WasmTensor } from '../dist/index.js';

const dist = (f: string) => readFileSync(new URL(`../dist/${f}`, import.meta.url));

/**
 * `fn` with a backend 'wasm' of 1 and then of 2 threads (2: every call split, threadMinWork 0),
 * each registered for the call and then removed and destroyed.
 */
async function onOneAndTwoThreads(fn: (threads: number) => Promise<void>): Promise<void> {
  for (const threads of [1, 2]) {
    const b = await createWasmBackend({ threads, threadMinWork: 0, name: 'wasm' });
    ap.registerBackend(b);
    try {
      await fn(threads);
    } finally {
      ap.removeBackend('wasm');
      b.destroy();
    }
  }
}

afterEach(() => {
  if (ap.listBackends().includes('wasm')) ap.removeBackend('wasm');
  ap.setBackend('js');
});

describe('build selection and loading', () => {
  it('picks the SIMD build when WebAssembly.validate accepts it, else the scalar build', () => {
    const simd = dist('adapool.wasm');
    expect(chooseBuild(simd)).toBe('simd'); // Node 20 has Wasm SIMD
    expect(chooseBuild(simd, () => false)).toBe('scalar');
    expect(chooseBuild(simd, () => true)).toBe('simd');
  });

  it('createWasmBackend() with no options loads the SIMD build; simd: false forces the scalar one', async () => {
    const a = await createWasmBackend();
    expect(a.name).toBe('wasm');
    expect(a.simd).toBe(true);
    expect(a.exports.lanes()).toBe(4);
    const b = await createWasmBackend({ simd: false });
    expect(b.simd).toBe(false);
    expect(b.exports.lanes()).toBe(1);
  });

  it('accepts the shipped .wasm files as bytes or as a compiled WebAssembly.Module', async () => {
    for (const [file, simd] of [['adapool.wasm', true], ['adapool-scalar.wasm', false]] as const) {
      const bytes = dist(file);
      expect((await createWasmBackend({ module: new Uint8Array(bytes) })).simd).toBe(simd);
      expect((await createWasmBackend({ module: await WebAssembly.compile(bytes) })).simd).toBe(simd);
    }
  });

  it('the scalar build is valid Wasm without the SIMD feature; the SIMD build needs SIMD and nothing newer', async () => {
    // binaryen (AssemblyScript's compiler back end) validates against an explicit feature set:
    // the post-MVP features Node 12+ and every current browser have, minus SIMD.
    const { default: binaryen } = await import('binaryen');
    const F = binaryen.Features;
    const noSimd = F.MVP | F.MutableGlobals | F.NontrappingFPToInt | F.SignExt | F.BulkMemory;
    const valid = (file: string, features: number) => {
      const m = binaryen.readBinary(dist(file));
      m.setFeatures(features);
      const ok = m.validate();
      m.dispose();
      return ok;
    };
    expect(valid('adapool-scalar.wasm', noSimd)).toBeTruthy();
    expect(valid('adapool.wasm', noSimd | F.SIMD128)).toBeTruthy();
    // one import, the memory (threads share it between instances)
    for (const f of ['adapool.wasm', 'adapool-scalar.wasm']) expect(WebAssembly.Module.imports(new WebAssembly.Module(dist(f)))).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
  });
});

describe('bad input to createWasmBackend', () => {
  async function rejects(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
    let err: unknown;
    try {
      await p;
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ap.AdaPoolError);
    expect((err as ap.AdaPoolError).code).toBe(code);
    expect((err as Error).message).toMatch(message);
  }

  it('rejects options that are not an object, unknown keys and wrong types', async () => {
    await rejects(createWasmBackend(42 as never), 'OPTION', /^createWasmBackend: options must be an object \(a plain \{ … \} or Object\.create\(null\)\), got 42$/);
    await rejects(createWasmBackend({ simdd: true } as never), 'OPTION', /^createWasmBackend: options must be among module, simd, threads, name, threadMinWork, got unknown option "simdd"$/);
    await rejects(createWasmBackend({ simd: 'yes' } as never), 'OPTION', /^createWasmBackend: simd must be a boolean, got "yes"$/);
    await rejects(createWasmBackend({ module: 'adapool.wasm' } as never), 'OPTION', /^createWasmBackend: module must be adapool\.wasm or adapool-scalar\.wasm, as a WebAssembly\.Module, its bytes, its URL or a Response, got "adapool\.wasm", which is not a URL here$/);
  });

  it('rejects bytes that are not Wasm, and Wasm modules that are not adapool builds', async () => {
    await rejects(createWasmBackend({ module: new Uint8Array([1, 2, 3]) }), 'BACKEND', /^createWasmBackend: module must be .*, got bytes that do not compile \(/);
    // the smallest valid module: magic + version, nothing exported
    const empty = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    await rejects(createWasmBackend({ module: empty }), 'BACKEND', /^createWasmBackend: module must be .*, got a module without memory, lanes, heapBase, runPart, anyNonFinite$/);
    await rejects(createWasmBackend({ module: new WebAssembly.Module(empty) }), 'BACKEND', /without memory/);
  });
});

/** A plain-data plan for a [N, C, H, W] input, k2s2 (what planPool would build), without data. */
function bigPlan(N: number, C: number, H: number, W: number): PoolPlan {
  const axes = [ap.stridedAxis(H, 2, 2, 0, 1, false), ap.stridedAxis(W, 2, 2, 0, 1, false)];
  const outSize = axes.map((a) => a.O);
  const window = [2, 2];
  const prod = (v: number[]) => v.reduce((p, d) => p * d, 1);
  return {
    op: 'softPool2d', method: 'em', n: 2, N, C, inSize: [H, W], outSize, window, axes, adaptive: false,
    channelsLast: false, returnMask: false, countIncludePad: false, idwEps: 1e-6, params: {},
    inputShape: [N, C, H, W], outputShape: [N, C, ...outSize], maskShape: [N, C, ...outSize, ...window],
    inputStrides: ap.layoutStrides(C, [H, W], false), outputStrides: ap.layoutStrides(C, outSize, false),
    maskStrides: ap.layoutStrides(C, [...outSize, ...window], false),
    inputElements: N * C * H * W, outputElements: N * C * prod(outSize), maskElements: N * C * prod(outSize) * 4, windowSize: 4,
  };
}

describe('memory', () => {
  it("a call that cannot fit a 32-bit Wasm memory throws AdaPoolError 'UNSUPPORTED' and allocates nothing", async () => {
    const b = await createWasmBackend();
    const before = b.memoryBytes();
    // 1×64×8192×8192 float32 = 16 GiB of input alone; the kernel must refuse before touching x
    // (so a handle to nothing will do).
    const plan = bigPlan(1, 64, 8192, 8192);
    const nothing: WasmTensor = { ptr: 0, length: 0, dtype: 'float32' };
    let err: unknown;
    try {
      b.kernels.emPool!(plan, nothing);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ap.AdaPoolError);
    expect((err as ap.AdaPoolError).code).toBe('UNSUPPORTED');
    expect((err as Error).message).toMatch(/^softPool2d: the tensors of one call must fit a 32-bit Wasm memory \(4 GiB\) on backend 'wasm', got \d+\.\d\d GiB needed$/);
    // just over the limit too (input 4 GiB + output), and the gradient kernel
    expect(() => b.kernels.emPoolGrad!(bigPlan(1, 1, 32768, 32768), nothing, nothing)).toThrow(/4 GiB/);
    expect(b.memoryBytes()).toBe(before);
    // the backend still works afterwards
    ap.registerBackend(b);
    const x = ap.tensor([1, 2, 3, 4], [1, 1, 2, 2]);
    expect(Array.from((await ap.softPool2d(x, { backend: 'wasm' }).read()) as Float32Array)[0]).toBeCloseTo(3.49265, 4);
  });

  it('stays flat over 100 000 calls (one arena, reused)', async () => {
    const b = await createWasmBackend();
    ap.registerBackend(b);
    const x = ap.tensor(Float32Array.from({ length: 2 * 3 * 6 * 6 }, (_, i) => Math.sin(i)), [2, 3, 6, 6]);
    const beta = ap.tensor([0.4], []);
    const opts = { kernelSize: 2, backend: 'wasm' } as const;
    const dy = ap.tensor(new Float32Array(2 * 3 * 3 * 3).fill(1), [2, 3, 3, 3]);
    const step = (i: number) => {
      switch (i % 4) {
        case 0: return [ap.softPool(x, opts)];
        case 1: { const r = ap.adaPool(x, beta, { ...opts, returnMask: true }); return [r.output, r.mask]; }
        case 2: { const g = ap.adaPoolGrad(x, beta, dy, opts); return [g.dx, g.dbeta]; }
        default: return [ap.maxPoolGrad(x, dy, opts)];
      }
    };
    for (let i = 0; i < 100; i++) for (const t of step(i)) t.dispose();
    const settled = b.memoryBytes();
    for (let i = 0; i < 100_000; i++) for (const t of step(i)) t.dispose();
    expect(b.memoryBytes()).toBe(settled);
    expect(settled).toBeLessThanOrEqual(4 * 65536);
  }, 120_000);
});

describe('resident tensors', () => {
  it('upload copies in, readSync/read return fresh copies, dispose frees the block for reuse', async () => {
    const b = await createWasmBackend();
    const data = Float32Array.from({ length: 1000 }, (_, i) => i / 3);
    const h = b.upload(data.slice());
    const r1 = b.readSync!(h) as Float32Array;
    expect(Array.from(r1)).toEqual(Array.from(data));
    r1[0] = 42; // a copy: the resident data does not change
    expect((b.readSync!(h) as Float32Array)[0]).toBe(0);
    expect((await b.read(h)) as Float32Array).not.toBe(r1);
    const ints = b.upload(Int32Array.from([-1, 7, 2 ** 30]));
    expect(b.readSync!(ints)).toBeInstanceOf(Int32Array);
    expect(Array.from(b.readSync!(ints))).toEqual([-1, 7, 2 ** 30]);
    b.dispose(h);
    const again = b.upload(new Float32Array(1000));
    expect(again.ptr).toBe(h.ptr); // first fit: the freed block
    b.dispose(again);
    b.dispose(ints);
  });

  it('read / readSync with { into } copy straight out of Wasm memory into the caller\'s array (threaded backend too)', async () => {
    await onOneAndTwoThreads(async () => {
      const x = ap.tensor(Float32Array.from({ length: 2 * 8 * 64 * 64 }, (_, i) => Math.sin(i)), [2, 8, 64, 64], { backend: 'wasm' });
      const y = ap.softPool2d(x);
      const want = y.readSync();
      const into = new Float32Array(y.size);
      expect(await y.read({ into })).toBe(into);
      expect(into).toEqual(want);
      const shared = new Float32Array(new SharedArrayBuffer(y.size * 4));
      expect(y.readSync({ into: shared })).toBe(shared);
      expect(Array.from(shared)).toEqual(Array.from(want));
      const { indices } = ap.maxPool2d(x, { returnMask: true }) as { indices: ap.Tensor };
      const ix = new Int32Array(indices.size);
      expect(Array.from(indices.readSync({ into: ix }))).toEqual(Array.from(indices.readSync()));
      expect(() => y.readSync({ into: new Float32Array(3) })).toThrow(/options\.into must have the tensor's/);
      for (const t of [x, y, indices]) t.dispose();
    });
  });

  it('kernels read inputs in place without changing them; live results survive other calls; memory is reused in any dispose order', async () => {
    const b = await createWasmBackend();
    ap.registerBackend(b);
    const data = Float32Array.from({ length: 4 * 8 * 8 }, (_, i) => Math.cos(i));
    const x = ap.tensor(data, [1, 4, 8, 8], { backend: 'wasm' });
    expect(x.backend).toBe('wasm');
    const ref = (await ap.softPool2d(ap.tensor(data, [1, 4, 8, 8]), { backend: 'js' }).read()) as Float32Array;
    const opts = { kernelSize: 2, backend: 'wasm' } as const;
    const warm = [ap.softPool2d(x, opts), ap.maxPool2d(x, { ...opts, returnMask: true }).output];
    warm.forEach((t) => t.dispose());
    const settled = b.memoryBytes();
    for (let round = 0; round < 200; round++) {
      const ys = [ap.softPool2d(x, opts), ap.adaPool2d(x, ap.tensor([0.3], []), opts), ap.softPool2dGrad(x, ap.tensor(new Float32Array(64).fill(1), [1, 4, 4, 4]), opts)];
      const order = round % 2 ? [2, 0, 1] : [1, 2, 0];
      expect(compare('softPool2d', (await ys[0].read()) as Float32Array, ref, TOLERANCE.forward)).toBeUndefined();
      for (const i of order) ys[i].dispose();
    }
    expect(b.memoryBytes()).toBe(settled);
    expect(Array.from((await x.read()) as Float32Array)).toEqual(Array.from(data));
  });
});

describe('dense runs (lanes across outputs, width-2 stride-2 windows)', () => {
  it('maxPool: ties go to the first tap, a NaN wins, in forward, indices and gradient; avg/soft where windows tile, overlap, and mix pairs with single taps', async () => {
    ap.registerBackend(await createWasmBackend());
    // 2 rows × 32 columns per plane: runs of 4 groups; ties in every pattern across the 4 taps
    const data = Float32Array.from({ length: 3 * 4 * 32 }, (_, i) => [1, 1, 2, 2, 0, 3, 3, 0, 5, -1, -1, 5][i % 12]);
    data[37] = NaN;
    data[70] = NaN;
    data[71] = NaN;
    const shape = [1, 3, 4, 32];
    const dyData = Float32Array.from({ length: 3 * 2 * 16 }, (_, i) => 1 + (i % 5));
    for (const opts of [{ kernelSize: 2 }, { kernelSize: [2, 2], stride: [1, 2] }, { kernelSize: 3, stride: 2 }, { kernelSize: [2, 3], stride: 2 }] as Record<string, unknown>[]) {
      const dyShape = ap.avgPool(ap.tensor(data, shape), opts).shape as number[];
      const dy = Float32Array.from({ length: dyShape.reduce((p, d) => p * d, 1) }, (_, i) => dyData[i % dyData.length]);
      const run = (backend: string) => {
        const x = ap.tensor(data, shape);
        const g = ap.tensor(dy, dyShape);
        const m = ap.maxPool(x, { ...opts, returnMask: true, backend });
        const clean = ap.tensor(data.map((v) => (Number.isNaN(v) ? 0.5 : v)), shape);
        return [
          ap.maxPool(x, { ...opts, backend }), m.output, m.mask, m.indices!, ap.maxPoolGrad(x, g, { ...opts, backend }),
          ap.avgPoolGrad(x, g, { ...opts, backend }), ap.softPoolGrad(clean, g, { ...opts, backend }), ap.softPool(clean, { ...opts, backend }),
        ].map((t) => Array.from(t.readSync()));
      };
      const got = run('wasm');
      const ref = run('js');
      for (let i = 0; i < 5; i++) expect(got[i].map(String), `${JSON.stringify(opts)} #${i}`).toEqual(ref[i].map(String));
      for (let i = 5; i < 8; i++) expect(compare(`#${i}`, Float32Array.from(got[i]), Float32Array.from(ref[i]), i === 7 ? TOLERANCE.forward : TOLERANCE.grad)).toBeUndefined();
    }
  });
});

describe('dense pair gradients that store dx (windows tile the input) where a row ends in an overlapping tail group', () => {
  it('store every tap once, keep the overlapped lanes\' taps, and need no zeroed dx: avg, max (ties, NaN), soft (±∞ redone), 1 and 2 threads', async () => {
    await onOneAndTwoThreads(async (threads) => {
      // output widths 5, 6, 7, 14: a tail group over the last 4 outputs overlaps the one before by 3, 2, 1, 2 lanes
      for (const W of [10, 12, 14, 28]) {
        const shape = [2, 3, 6, W];
        const n = shape.reduce((p, d) => p * d, 1);
        const data = Float32Array.from({ length: n }, (_, i) => [1, 1, 2, 0.5, 3, 3, -1, 2, 0, 4][i % 10] + (i % 7) * 0.25);
        data[W - 1] = NaN; // a tail lane of the first row
        data[2 * W - 3] = NaN;
        const soft = data.map((v, i) => (Number.isNaN(v) ? (i % 2 ? Infinity : -Infinity) : v)); // ±∞: the tail groups go to the region path
        const clean = data.map((v) => (Number.isNaN(v) ? 0.5 : v));
        const outShape = [2, 3, 3, W / 2];
        const dy = Float32Array.from({ length: outShape.reduce((p, d) => p * d, 1) }, (_, i) => 1 + (i % 5) * 0.5);
        const run = (backend: string) => {
          // poison the arena: the gradients' blocks come from memory that held NaN
          ap.tensor(new Float32Array(8 * n).fill(NaN), [8 * n], { backend }).dispose();
          const [x, s, c] = [data, soft, clean].map((d) => ap.tensor(d, shape, { backend }));
          const g = ap.tensor(dy, outShape, { backend });
          const o = { kernelSize: 2, backend };
          const r = [ap.avgPoolGrad(x, g, o), ap.maxPoolGrad(x, g, o), ap.softPoolGrad(s, g, o), ap.softPoolGrad(c, g, o)];
          const out = r.map((t) => Array.from(t.readSync()));
          for (const t of [x, s, c, g, ...r]) t.dispose();
          return out;
        };
        const got = run('wasm');
        const ref = run('js');
        expect(got[1].map(String), `maxPoolGrad W=${W} threads=${threads}`).toEqual(ref[1].map(String));
        for (const i of [0, 2, 3]) expect(compare(`W=${W} threads=${threads} #${i}`, Float32Array.from(got[i]), Float32Array.from(ref[i]), TOLERANCE.grad)).toBeUndefined();
      }
    });
  });
});

describe('softPool over width-3 stride-2 windows in bands of rows (band.ts: one exponential an input, a shift per column of groups)', () => {
  it('matches the reference where a column spans a wide range (windows far below its shift go to the region path), with NaN/±∞, 1 and 2 threads', async () => {
    await onOneAndTwoThreads(async (threads) => {
      // 2 × 3 planes of 21 × 37: rows of 18 outputs (4 full groups and a tail), 10 rows
      const shape = [2, 3, 21, 37];
      const n = shape.reduce((p, d) => p * d, 1);
      const base = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 2);
      const wide = base.slice();
      for (let p = 0; p < 6; p++) {
        wide[p * 21 * 37 + 3] = 100; // a column's shift 100 at its top row
        for (let c = 0; c < 9; c++) wide[p * 21 * 37 + 18 * 37 + c] = 10 + (c % 3) * 2; // windows 84–90 below it, rows later
      }
      const extreme = wide.slice();
      extreme[5 * 37 + 20] = NaN;
      extreme[21 * 37 + 8 * 37 + 2] = Infinity;
      extreme[2 * 21 * 37 + 30] = -Infinity;
      for (const [name, data] of [['ordinary', base], ['wide', wide], ['extreme', extreme]] as const) {
        const run = (backend: string) => Array.from(ap.softPool2d(ap.tensor(data, shape, { backend }), { kernelSize: 3, stride: 2, backend }).readSync());
        const got = Float32Array.from(run('wasm'));
        const ref = Float32Array.from(run('js'));
        expect(compare(`${name} threads=${threads}`, got, ref, TOLERANCE.forward)).toBeUndefined();
      }
    });
  });
});

describe('dense runs of width-3 stride-2 windows (triples)', () => {
  it('max/avg forward and gradients with ±∞ (∞ − ∞ sends a group to the NaN-propagating redo) and NaN match the reference', async () => {
    ap.registerBackend(await createWasmBackend());
    const shape = [1, 2, 5, 40];
    const data = Float32Array.from({ length: 2 * 5 * 40 }, (_, i) => Math.sin(i * 1.7) * 3);
    data[45] = Infinity;
    data[46] = -Infinity;
    data[130] = -Infinity;
    data[211] = NaN;
    data[300] = Infinity;
    data[302] = NaN;
    for (const opts of [{ kernelSize: 3, stride: 2 }, { kernelSize: [1, 3], stride: 2 }, { kernelSize: [2, 3], stride: [1, 2] }] as Record<string, unknown>[]) {
      for (const op of [ap.maxPool, ap.avgPool] as ((x: ap.Tensor, o: Record<string, unknown>) => ap.Tensor)[]) {
        const got = Array.from(op(ap.tensor(data, shape), { ...opts, backend: 'wasm' }).readSync());
        const ref = Array.from(op(ap.tensor(data, shape), { ...opts, backend: 'js' }).readSync());
        if (op === ap.maxPool) {
          expect(got.map(String), JSON.stringify(opts)).toEqual(ref.map(String));
          const yShape = op(ap.tensor(data, shape), opts).shape as number[];
          const dy = ap.tensor(Float32Array.from({ length: yShape.reduce((p, d) => p * d, 1) }, (_, i) => 1 + (i % 7)), yShape);
          for (const grad of [ap.maxPoolGrad, ap.avgPoolGrad]) {
            const gw = Array.from(grad(ap.tensor(data, shape), dy, { ...opts, backend: 'wasm' }).readSync());
            const gr = Array.from(grad(ap.tensor(data, shape), dy, { ...opts, backend: 'js' }).readSync());
            expect(compare('grad', Float32Array.from(gw), Float32Array.from(gr), TOLERANCE.grad), JSON.stringify(opts)).toBeUndefined();
          }
        }
        else {
          const odd = (v: number) => (Number.isFinite(v) ? 'finite' : String(v));
          expect(got.map(odd), JSON.stringify(opts)).toEqual(ref.map(odd));
          const finite = (a: number[]) => Float32Array.from(a, (v) => (Number.isFinite(v) ? v : 0));
          expect(compare('avg', finite(got), finite(ref), TOLERANCE.forward)).toBeUndefined();
        }
      }
    }
  });
});

describe('edscw and ada forward over triples (width-3 stride-2 dense runs)', () => {
  it('match the reference on both builds, incl. groups sent to the careful path (zeros, tiny taps)', async () => {
    const shape = [1, 3, 5, 40];
    const data = Float32Array.from({ length: 3 * 5 * 40 }, (_, i) => Math.sin(i * 1.3) * 2 + (i % 5 === 0 ? 0.5 : 0));
    for (let i = 40; i < 60; i++) data[i] = 0; // all-zero regions: D(0, 0)
    data[250] = 1e-20; // x̂² underflows
    data[410] = 3e4;
    const beta = ap.tensor(Float32Array.from([0.3, 0, 1]), [3, 1, 1]);
    for (const simd of [true, false]) {
      ap.registerBackend(await createWasmBackend({ simd }));
      for (const opts of [{ kernelSize: 3, stride: 2 }, { kernelSize: [2, 3], stride: [1, 2] }] as Record<string, unknown>[]) {
        const runs: [string, (o: Record<string, unknown>) => ap.Tensor][] = [
          ['edscwPool', (o) => ap.edscwPool(ap.tensor(data, shape), o)],
          ['adaPool', (o) => ap.adaPool(ap.tensor(data, shape), beta, o)],
        ];
        for (const [name, f] of runs) {
          const got = f({ ...opts, backend: 'wasm' }).readSync() as Float32Array;
          const ref = f({ ...opts, backend: 'js' }).readSync() as Float32Array;
          expect(compare(name, Float32Array.from(got), Float32Array.from(ref), TOLERANCE.forward), `${name} simd=${simd} ${JSON.stringify(opts)}`).toBeUndefined();
        }
      }
    }
  });
});

describe('adaPool forward combination', () => {
  it('widens β̂ y^D + (1 − β̂) y^M where |y^D| ≫ |y| and no group is redone (small β̂, spread-out taps)', async () => {
    // every 2×2 window holds {−1346, −1346, −1346, 10}: y^D ≈ −1190, y^M ≈ 10, β̂ = 0.005 → y ≈ 4
    const W = 32;
    const data = Float32Array.from({ length: 2 * W }, (_, i) => (i >= W && i % 2 === 1 ? 10 : -1346));
    const beta = ap.tensor(Float32Array.from([0.005]), [1, 1, 1]);
    for (const simd of [true, false]) {
      ap.registerBackend(await createWasmBackend({ simd }));
      const run = (backend: string) => ap.adaPool(ap.tensor(data, [1, 1, 2, W]), beta, { kernelSize: 2, backend }).readSync() as Float32Array;
      expect(compare('adaPool', Float32Array.from(run('wasm')), Float32Array.from(run('js')), TOLERANCE.forward), `simd=${simd}`).toBeUndefined();
    }
  });
});

describe('bad input to the ops on this backend', () => {
  it('is rejected by core before any Wasm memory is touched; inputs stay unchanged', async () => {
    const b = await createWasmBackend();
    ap.registerBackend(b);
    const data = Float32Array.from({ length: 2 * 3 * 5 * 5 }, (_, i) => i / 7);
    const x = ap.tensor(data, [2, 3, 5, 5]);
    const before = b.memoryBytes();
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as ap.AdaPoolError).code;
      }
      return 'no error';
    };
    expect(code(() => ap.softPool2d(x, { kernelSize: 0, backend: 'wasm' }))).toBe('OPTION');
    expect(code(() => ap.softPool2d(x, { kernelSize: 9, backend: 'wasm' }))).toBe('SHAPE');
    expect(code(() => ap.adaPool2d(x, ap.tensor([0.5, 0.5, 0.5], [3]), { backend: 'wasm' }))).toBe('SHAPE');
    expect(code(() => ap.softPool2dGrad(x, ap.tensor(new Float32Array(3), [1, 1, 3]), { backend: 'wasm' }))).toBe('SHAPE');
    expect(b.memoryBytes()).toBe(before);
    expect(Array.from((await x.read()) as Float32Array)).toEqual(Array.from(data));
  });
});

describe('edscw / adaPool: the float32 fast path and its float64 redo', () => {
  /** One 2×8 plane whose k2s2 windows are the given 2×2 regions (row-major taps). */
  function plane(windows: number[][]): Float32Array {
    const x = new Float32Array(16);
    windows.forEach((w, o) => w.forEach((v, k) => (x[(k >> 1) * 8 + 2 * o + (k & 1)] = v)));
    return x;
  }
  const run = (x: Float32Array, betaValue: number, backend: string) => {
    const xt = ap.tensor(x, [1, 1, 2, 8]);
    const beta = ap.tensor([betaValue], []);
    const dy = ap.tensor([0.5, -1, 2, 1], [1, 1, 1, 4]);
    const e = ap.edscwPool(xt, { kernelSize: 2, returnMask: true, backend });
    const a = ap.adaPool(xt, beta, { kernelSize: 2, returnMask: true, backend });
    const ge = ap.edscwPoolGrad(xt, dy, { kernelSize: 2, backend });
    const ga = ap.adaPoolGrad(xt, beta, dy, { kernelSize: 2, backend });
    // without a mask, full groups take the fused float32 pass (and its redo)
    const e2 = ap.edscwPool(xt, { kernelSize: 2, backend });
    const a2 = ap.adaPool(xt, beta, { kernelSize: 2, backend });
    return [e.output, e.mask, a.output, a.mask, ge, ga.dx, ga.dbeta, e2, a2].map((t) => Array.from(t.readSync() as Float32Array));
  };
  const NAMES = ['edscw y', 'edscw mask', 'ada y', 'ada mask', 'edscw dx', 'ada dx', 'ada dβ', 'edscw y (no mask)', 'ada y (no mask)'];

  for (const simd of [true, false]) {
    it(`matches the float64 reference where float32 weights would not (${simd ? 'SIMD' : 'scalar'} build)`, async () => {
      ap.registerBackend(await createWasmBackend({ simd }));
      const x = plane([
        [1000.5, -999.25, 1000.125, -1000.75], // output near 0 from ±1000: cancellation → float64
        [0, 0, 0, 0], // D(0,0) = 1: uniform weights
        [0.75, -1.5, 2.25, 0.5], // ordinary data: float32
        [3e15, 1e15, 2e15, 2.5e15], // large but well conditioned: float32, scale-free
      ]);
      for (const betaValue of [1, 0.6]) {
        const got = run(x, betaValue, 'wasm');
        const ref = run(x, betaValue, 'js');
        got.forEach((g, i) => expect(compare(`${NAMES[i]} (β ${betaValue})`, g, ref[i], i < 4 || i > 6 ? TOLERANCE.forward : TOLERANCE.grad)).toBeUndefined());
      }
    });

    it(`stays finite where x̂² + m̂² underflows in float32 (${simd ? 'SIMD' : 'scalar'} build)`, async () => {
      ap.registerBackend(await createWasmBackend({ simd }));
      // taps 1e25 below the region's max with a mean that cancels to ~0 (a kink: no reference
      // value to match, OPERATORS.md §6), redone in float64
      const x = plane([[1e20, -1e20, 1e-5, 0], [1e30, -1e30, 0, 1e-20], [0.75, -1.5, 2.25, 0.5], [1, 2, 3, 4]]);
      const [y, mask, ya, maska, dx, dxa, db, y2, ya2] = run(x, 0.6, 'wasm');
      for (const v of [...y, ...mask, ...ya, ...maska, ...dx, ...dxa, ...db, ...y2, ...ya2]) expect(Number.isFinite(v)).toBe(true);
      for (const m of [mask, maska]) for (let o = 0; o < 4; o++) expect(m.slice(4 * o, 4 * o + 4).reduce((p, v) => p + v, 0)).toBeCloseTo(1, 5);
    });
  }
});

describe("'auto'", () => {
  it('ranks wasm above js', async () => {
    const b = await createWasmBackend();
    expect(b.auto?.priority).toBeGreaterThan(0);
    ap.registerBackend(b);
    ap.setBackend('auto');
    const y = ap.softPool2d(ap.tensor(new Float32Array(64).fill(1), [1, 1, 8, 8]));
    expect(y.backend).toBe('wasm');
  });
});

/** Geometries larger than the parity suite's, so both lane strategies and their edges run. */
const GEOMETRIES: { name: string; S: number[]; opts: Record<string, unknown> }[] = [
  { name: 'k2s2', S: [17, 23], opts: { kernelSize: 2 } },
  { name: 'k3s2', S: [17, 23], opts: { kernelSize: 3, stride: 2 } },
  { name: 'k3s1p1', S: [9, 14], opts: { kernelSize: 3, stride: 1, padding: 1 } },
  { name: 'k3s2p1 ceil dil', S: [15, 19], opts: { kernelSize: 3, stride: 2, padding: 1, dilation: 2, ceilMode: true } },
  { name: 'adaptive 5x7', S: [16, 22], opts: { outputSize: [5, 7] } },
  { name: '1d k4s3', S: [41], opts: { kernelSize: 4, stride: 3 } },
  { name: '3d k2', S: [4, 6, 10], opts: { kernelSize: 2 } },
];
const METHODS = ['avg', 'max', 'em', 'edscw', 'idw', 'ada'] as const;

for (const simd of [true, false]) {
  describe(`larger geometries vs the float64 reference (${simd ? 'SIMD' : 'scalar'} build)`, () => {
    for (const g of GEOMETRIES) {
      for (const cl of [false, true]) {
        for (const C of [5, 2]) {
          it(`${g.name} ${cl ? 'channelsLast' : 'channelsFirst'} C=${C}: every op, forward, mask and gradients`, async () => {
            ap.registerBackend(await createWasmBackend({ simd }));
            const shape = cl ? [2, ...g.S, C] : [2, C, ...g.S];
            for (const method of METHODS) {
              for (const kind of method === 'ada' ? (['pool', 'unpool'] as const) : (['pool'] as const)) {
                const c: ParityCase = {
                  id: `${kind} ${method} ${g.name} ${shape}`, kind, method, n: g.S.length, shape, opts: { ...g.opts, channelsLast: cl },
                  beta: method === 'ada' ? 'position' : undefined, data: 'safe', grad: true, seed: 7 + C, tags: [],
                };
                const r = await runParityCase(c, 'wasm');
                expect(r.failures, `${c.id}\n${r.failures.join('\n')}`).toEqual([]);
              }
            }
          }, 60_000);
        }
      }
    }
  });
}
