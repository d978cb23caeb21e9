/**
 * Geometry per axis (issue 11): the kernels build each region's row from per-axis tables and walk
 * lane groups formed per axis (runs along the last axis, tails, single outputs at padded borders,
 * rows of outputs along the axis before it translated by per-row steps). These shapes are wide
 * enough for every such form to occur; each op and its gradient (masks and maxPool indices, dβ,
 * adaUnpool and its gradient) must match the float64 reference within OPERATORS.md 6 on both
 * builds, with and without a mask (the mask-free forward takes the dense runs). And the memory a
 * call needs no longer grows with its outputs × taps: no table per output, no cache.
 */
import * as ap from '@adapool/core';
import type { PoolMethod, PoolPlan } from '@adapool/core';
import { compare, rng, TOLERANCE } from '@adapool/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createWasmBackend, HAND_VARIANTS, RUN_KERNELS, VARIANTS, type Variant, type WasmBackend } from '../dist/index.js';
// @ts-expect-error: a plain .mjs helper (shared with scripts/kbench.mjs)
import { caseRunner, variantCases } from '../scripts/variant-cases.mjs';

afterEach(() => {
  if (ap.listBackends().includes('wasm')) ap.removeBackend('wasm');
  ap.setBackend('js');
});

interface Shape {
  name: string;
  shape: number[];
  opts: ap.PoolOptions & { channelsLast?: boolean };
}

const SHAPES: Shape[] = [
  // pairs: one run of 5 groups per row, 6 rows translated
  { name: 'k2 [1,3,12,40]', shape: [1, 3, 12, 40], opts: { kernelSize: 2 } },
  // border singles (padding), runs, a tail overlapping the last run; rows of one run
  { name: 'k3 s2 p1 [2,2,17,38]', shape: [2, 2, 17, 38], opts: { kernelSize: 3, stride: 2, padding: 1 } },
  // triples (width 3 at stride 2), no padding; ceil mode adds a short last window
  { name: 'k3 s2 ceil [1,2,9,45]', shape: [1, 2, 9, 45], opts: { kernelSize: 3, stride: 2, ceilMode: true } },
  // dilation and stride 1 (overlapping windows), rows with a padded first and last row
  { name: 'k[2,3] s1 d[1,2] p1 [1,2,7,30]', shape: [1, 2, 7, 30], opts: { kernelSize: [2, 3], stride: 1, dilation: [1, 2], padding: 1 } },
  // adaptive rows that are not translations of each other
  { name: 'O[5,13] of [11,41]', shape: [1, 3, 11, 41], opts: { outputSize: [5, 13] } },
  // rank 3: rows along axis 1 repeat for every index of axis 0
  { name: 'k[1,3,3] s[1,2,2] p[0,1,1] [1,2,3,9,26]', shape: [1, 2, 3, 9, 26], opts: { kernelSize: [1, 3, 3], stride: [1, 2, 2], padding: [0, 1, 1] } },
  // rank 1: one row
  { name: 'k4 s3 p2 [2,3,61]', shape: [2, 3, 61], opts: { kernelSize: 4, stride: 3, padding: 2 } },
  // channels-last, fewer channels than lanes (lanes across outputs) and more (lanes across channels)
  { name: 'k3 s2 p1 [1,17,30,2] cl', shape: [1, 17, 30, 2], opts: { kernelSize: 3, stride: 2, padding: 1, channelsLast: true } },
  { name: 'k2 [1,10,12,6] cl', shape: [1, 10, 12, 6], opts: { kernelSize: 2, channelsLast: true } },
  // regions of more than 16 384 taps (BIG_TAPS), streamed: a single output, lane groups of them, lanes across channels
  { name: 'O1 of [1,2,130,130] (16 900 taps)', shape: [1, 2, 130, 130], opts: { outputSize: 1 } },
  { name: 'O[1,8] of [1,1,80,2048] (20 480-tap regions in lane groups)', shape: [1, 1, 80, 2048], opts: { outputSize: [1, 8] } },
  { name: 'O[1,2] of [1,150,300,5] cl (22 500 taps)', shape: [1, 150, 300, 5], opts: { outputSize: [1, 2], channelsLast: true } },
];

const METHODS = Object.keys(ap.poolOpDefs) as PoolMethod[];
const lib = ap as unknown as Record<string, unknown>;
const FORWARD = (m: PoolMethod) => lib[ap.poolOpDefs[m].name] as ap.PoolFn<ap.PoolOptions>;
const GRAD = (m: PoolMethod) => lib[`${ap.poolOpDefs[m].name}Grad`] as ap.PoolGradFn<ap.PoolOptions>;

/** Distinct values away from the kinks of OPERATORS.md 6 (|x| ∈ [0.3, 2.5], no ties). */
const values = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => (i % 3 === 1 ? -1 : 1) * (0.3 + ((i * 0.6180339887 + seed * 0.37) % 1) * 2.2));

function plans(s: Shape, method: PoolMethod, x: ap.Tensor, beta?: ap.Tensor): PoolPlan {
  let { plan } = ap.planPool(s.name, method, x, { ...s.opts, returnMask: true }, ap.poolOpDefs[method].options, undefined);
  if (beta) plan = ap.withBeta(plan, ap.planBeta(s.name, beta, plan));
  return plan;
}

const check = (name: string, got: ArrayLike<number>, ref: ArrayLike<number>, tol: { atol: number; rtol: number }) => expect(compare(name, got, ref, tol), name).toBeUndefined();

for (const simd of [true, false]) {
  describe(`geometry per axis on the ${simd ? 'SIMD' : 'scalar'} build`, () => {
    for (const s of SHAPES) {
      it(s.name, async () => {
        ap.registerBackend(await createWasmBackend({ simd }));
        const size = s.shape.reduce((p, d) => p * d, 1);
        const C = s.opts.channelsLast ? s.shape[s.shape.length - 1] : s.shape[1];
        const xData = values(size, 1);
        const x = ap.tensor(xData, s.shape, { backend: 'wasm' });
        const bData = Float32Array.from({ length: C }, (_, c) => 0.15 + (0.7 * c) / Math.max(C - 1, 1));
        const beta = ap.tensor(bData, s.opts.channelsLast ? [C] : [C, ...s.shape.slice(2).map(() => 1)], { backend: 'wasm' });
        for (const method of METHODS) {
          const ada = method === 'ada';
          const plan = plans(s, method, ap.tensor(xData, s.shape, { backend: 'js' }), ada ? ap.tensor(bData, beta.shape, { backend: 'js' }) : undefined);
          const ref = ap.referencePool(plan, xData, ada ? bData : undefined);
          const opts = { ...s.opts, backend: 'wasm' };
          const plain = (ada ? ap.adaPool(x, beta, opts) : FORWARD(method)(x, opts)) as ap.Tensor;
          check(`${method} output (no mask)`, plain.readSync(), ref.output, TOLERANCE.forward);
          const r = ada ? ap.adaPool(x, beta, { ...opts, returnMask: true }) : FORWARD(method)(x, { ...opts, returnMask: true });
          check(`${method} output`, r.output.readSync(), ref.output, TOLERANCE.forward);
          check(`${method} mask`, r.mask.readSync(), ref.mask!, TOLERANCE.forward);
          if (method === 'max') expect(Array.from(r.indices!.readSync()), 'indices').toEqual(Array.from(ref.indices!));
          const dyData = values(plan.outputElements, 2);
          const dy = ap.tensor(dyData, plan.outputShape, { backend: 'wasm' });
          const refg = ap.referencePoolGrad(plan, xData, dyData, ada ? bData : undefined);
          if (ada) {
            const g = ap.adaPoolGrad(x, beta, dy, opts);
            check('ada dx', g.dx.readSync(), refg.dx, TOLERANCE.grad);
            check('ada dβ', g.dbeta.readSync(), refg.dbeta!, TOLERANCE.grad);
          } else {
            check(`${method} dx`, GRAD(method)(x, dy, opts).readSync(), refg.dx, TOLERANCE.grad);
          }
          // adaUnpool of this op's mask, and its gradient
          const v = ap.tensor(dyData, plan.outputShape, { backend: 'wasm' });
          const uopts = { ...s.opts, backend: 'wasm', inputSize: plan.inSize.slice() };
          const uplan = { ...plan, returnMask: false };
          const maskData = Float32Array.from(ref.mask!);
          const U = ap.adaUnpool(v, r.mask, uopts);
          check(`unpool(${method}) U`, U.readSync(), ap.referenceUnpool(uplan, dyData, maskData), TOLERANCE.forward);
          const dUData = values(plan.inputElements, 3);
          const ug = ap.adaUnpoolGrad(v, r.mask, ap.tensor(dUData, plan.inputShape, { backend: 'wasm' }), uopts);
          const refu = ap.referenceUnpoolGrad(uplan, dyData, maskData, dUData);
          check(`unpool(${method}) dv`, ug.dv.readSync(), refu.dv, TOLERANCE.grad);
          check(`unpool(${method}) dmask`, ug.dmask.readSync(), refu.dmask, TOLERANCE.grad);
        }
      });
    }
  });
}

describe('memory per call follows the tensors, not outputs × taps', () => {
  it('softPool2d and its gradient on 1x3x1024x1024: Wasm memory ≤ 1.25x the tensors + 16 MiB; nothing stays allocated', async () => {
    const b = await createWasmBackend();
    ap.registerBackend(b);
    const shape = [1, 3, 1024, 1024];
    const x = ap.tensor(new Float32Array(3 * 2 ** 20).map((_, i) => Math.sin(i)), shape, { backend: 'wasm' });
    const y = ap.softPool2d(x, { kernelSize: 2 });
    const dx = ap.softPool2dGrad(x, ap.tensor(new Float32Array(y.size).fill(1), y.shape, { backend: 'wasm' }), { kernelSize: 2 });
    const tensors = 4 * (2 * x.size + 2 * y.size); // x, y, dy, dx
    expect(b.memoryBytes()).toBeLessThanOrEqual(1.25 * tensors + 16 * 2 ** 20);
    for (const t of [x, y, dx]) t.dispose();
    expect(b.liveBlocks()).toBe(1); // dy
  });

  it('a new geometry costs no table: calls on 100 new shapes leave memory where one call on the largest left it', async () => {
    const b = await createWasmBackend();
    ap.registerBackend(b);
    const run = (h: number) => {
      const x = ap.tensor(new Float32Array(2 * h * 200), [1, 2, h, 200], { backend: 'wasm' });
      ap.softPool2d(x, { kernelSize: 3, stride: 1 }).dispose();
      x.dispose();
    };
    run(200);
    const settled = b.memoryBytes();
    for (let h = 101; h < 200; h++) run(h);
    expect(b.memoryBytes()).toBe(settled);
    expect(b.liveBlocks()).toBe(0);
  });
});

describe("method codes come from core's list", () => {
  it('the generated ./methods of both builds names core\'s methods in its order', async () => {
    const { readFileSync } = await import('node:fs');
    for (const build of ['simd', 'scalar']) {
      const src = readFileSync(new URL(`../wasm-build/src-${build}/methods.ts`, import.meta.url), 'utf8');
      const names = [...src.matchAll(/export const (\w+): i32 = (\d+);/g)].map((m) => [m[1], Number(m[2])]);
      const methods = Object.keys(ap.poolOpDefs);
      expect(names.slice(0, methods.length + 1)).toEqual([...methods.map((m, i) => [m.toUpperCase(), i]), ['METHODS', methods.length]]);
    }
  });

  it('a code outside the list traps before anything is computed (no else to fall into)', async () => {
    for (const simd of [true, false]) {
      const b = await createWasmBackend({ simd });
      const base = (b.exports.heapBase() + 15) & ~15;
      const P = new Int32Array(b.exports.memory.buffer, base, 64);
      P.fill(0);
      P[0] = Object.keys(ap.poolOpDefs).length; // one past the last method
      expect(() => b.exports.runPart(base, 0)).toThrow(WebAssembly.RuntimeError);
      expect(() => b.exports.runPart(base, 1)).toThrow(/unreachable/);
      P[0] = 0;
      expect(() => b.exports.runPart(base, 4)).toThrow(/unreachable/); // a job outside the list
    }
  });
});

/** Runs `fn` with the backend's debug hit counters on: how often each variant ran. */
function countVariants<T>(b: WasmBackend, fn: () => T): { result: T; hits: Record<Variant, number> } {
  const h = b.upload(new Int32Array(VARIANTS.length));
  b.hits = h;
  try {
    const result = fn();
    const counts = b.readSync!(h);
    return { result, hits: Object.fromEntries(VARIANTS.map((v, i) => [v, counts[i]])) as Record<Variant, number> };
  } finally {
    b.hits = undefined;
    b.dispose(h);
  }
}

describe('run variants: chosen once, by the host, and really run (debug hit counters)', () => {
  // one case per variant of src/variants.ts (scripts/variant-cases.mjs; kbench runs the same
  // cases at their `bench` shapes): every generated cell and every hand-written variant
  const cases = variantCases({ RUN_KERNELS, VARIANTS }) as { variant: Variant; op: string; opts: Record<string, unknown>; test: number[] }[];
  it('every variant has a case, and every generated kernel a variant', () => {
    expect(cases.map((c) => c.variant)).toEqual([...VARIANTS]);
    expect(VARIANTS.length).toBe(HAND_VARIANTS.length + RUN_KERNELS.reduce((n, k) => n + k.methods.length, 0));
  });
  for (const c of cases) {
    it(`${c.variant}: ${c.op} ${JSON.stringify(c.opts)} on [${c.test}], and it matches js`, async () => {
      const b = await createWasmBackend({ simd: true });
      ap.registerBackend(b);
      const data = values(c.test.reduce((p, d) => p * d, 1), 4);
      const run = (backend: string) => {
        ap.setBackend(backend);
        const op = caseRunner(ap, c, ap.tensor(data, c.test), (shape: number[], size: number) => ap.tensor(values(size, 5), shape)) as () => ap.Tensor[];
        return () => op().flatMap((t) => Array.from(t.readSync()));
      };
      const onWasm = run('wasm');
      const { result, hits } = countVariants(b, onWasm);
      expect(hits[c.variant], JSON.stringify(hits)).toBeGreaterThan(0);
      // beside it only the hand-written walks (a row's tail, redone groups; a streamed plan walks with lanes across channels)
      for (const v of VARIANTS) if (v !== c.variant && !(HAND_VARIANTS as readonly string[]).includes(v)) expect(hits[v], `${v} ran too`).toBe(0);
      check(c.op, result, run('js')(), TOLERANCE.grad);
    });
  }
  it('the scalar build has no lane groups: every call walks with lanes across channels', async () => {
    const b = await createWasmBackend({ simd: false });
    ap.registerBackend(b);
    const { hits } = countVariants(b, () => ap.softPool2d(ap.tensor(values(256, 1), [1, 2, 8, 16]), { kernelSize: 2, backend: 'wasm' }).readSync());
    expect(hits).toEqual(Object.fromEntries(VARIANTS.map((v) => [v, v === 'channels' ? 1 : 0])));
  });
});

describe('dense gradient runs and the dx the host leaves unfilled (one choice, issue 11)', () => {
  // windows of width 2 at stride 2 along the last axis that tile the input but hold more taps than
  // a dense run takes (40 × 2 = 80 > 64): the gradient runs per region and adds into dx, so dx
  // must be zero-filled; the host used to think the paired run stored it, leaving memory garbage
  it('kernelSize [40, 2], stride [40, 2]: avg, max and softPool gradients match js on a dirty arena', async () => {
    const b = await createWasmBackend({ simd: true });
    ap.registerBackend(b);
    const shape = [1, 2, 80, 16];
    const x = values(2 * 80 * 16, 6);
    const dy = values(2 * 2 * 8, 7);
    const opts = { kernelSize: [40, 2], stride: [40, 2] };
    for (const op of ['avgPoolGrad', 'maxPoolGrad', 'softPoolGrad'] as const) {
      ap.tensor(new Float32Array(6000).fill(777), [6000], { backend: 'wasm' }).dispose(); // leave 777s where dx will go
      const got = ap[op](ap.tensor(x, shape, { backend: 'wasm' }), ap.tensor(dy, [1, 2, 2, 8], { backend: 'wasm' }), opts).readSync();
      const want = ap[op](ap.tensor(x, shape, { backend: 'js' }), ap.tensor(dy, [1, 2, 2, 8], { backend: 'js' }), opts).readSync();
      check(op, got, want, TOLERANCE.grad);
    }
  });
});

describe('global pooling of a 4096×4096 map (16.7 M-tap regions, streamed)', () => {
  it('softPool2d and its gradient: the float64 result, in the memory of the tensors', async () => {
    const b = await createWasmBackend();
    ap.registerBackend(b);
    const n = 4096 * 4096;
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = Math.sin(i * 0.001) * 3;
    // y = Σ e^x x / Σ e^x; ∂y/∂x_k = w_k (1 + x_k − y)
    let Z = 0;
    let S = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.exp(data[i]);
      Z += e;
      S += e * data[i];
    }
    const want = S / Z;
    const x = ap.tensor(data, [1, 1, 4096, 4096], { backend: 'wasm' });
    const y = ap.softPool2d(x, { outputSize: 1 });
    check('y', y.readSync(), [want], TOLERANCE.forward);
    const dx = ap.softPool2dGrad(x, ap.tensor([2], [1, 1, 1, 1], { backend: 'wasm' }), { outputSize: 1 }).readSync();
    for (const k of [0, 1, 4097, n >> 1, n - 1]) check(`dx[${k}]`, [dx[k]], [(2 * Math.exp(data[k]) * (1 + data[k] - want)) / Z], TOLERANCE.grad);
    expect(b.memoryBytes()).toBeLessThanOrEqual(1.25 * (3 * 4 * n) + 16 * 2 ** 20); // x, dx and a freed dx-sized block at most
  }, 120_000);
});

describe('random streamed regions (more than 16 384 taps) against the float64 reference', () => {
  // seeded: rank 1–3, either layout, strided windows with padding/dilation or adaptive sizes,
  // every op with mask, maxPool indices, gradients and dβ; a few outputs each
  it('24 random cases on both builds', async () => {
    const rnd = rng(0x5eed11);
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    const builds = [await createWasmBackend({ simd: true }), await createWasmBackend({ simd: false })];
    for (let i = 0; i < 24; i++) {
      const n = int(1, 3);
      const S = n === 1 ? [int(16400, 40000)] : n === 2 ? [int(130, 200), int(130, 200)] : [int(26, 34), int(26, 34), int(26, 34)];
      const C = int(1, 5);
      const channelsLast = rnd() < 0.4;
      const shape = channelsLast ? [1, ...S, C] : [1, C, ...S];
      const opts: Record<string, unknown> = rnd() < 0.5
        ? { outputSize: S.map(() => int(1, 2)) }
        : { kernelSize: S.map((L) => L - int(0, 3)), stride: S.map(() => int(1, 3)), padding: S.map(() => int(0, 1)) };
      if (channelsLast) opts.channelsLast = true;
      const method = METHODS[int(0, METHODS.length - 1)];
      const xData = values(shape.reduce((p, d) => p * d, 1), i);
      const xt = ap.tensor(xData, shape, { backend: 'js' });
      const bData = Float32Array.from({ length: C }, () => 0.1 + 0.8 * rnd());
      const bShape = channelsLast ? [C] : [C, ...S.map(() => 1)];
      const plan = plans({ name: `case ${i}`, shape, opts }, method, xt, method === 'ada' ? ap.tensor(bData, bShape, { backend: 'js' }) : undefined);
      if (plan.windowSize <= 16384) continue;
      const label = `case ${i}: ${method} [${shape}] ${JSON.stringify(opts)}`;
      const ref = ap.referencePool(plan, xData, method === 'ada' ? bData : undefined);
      const dyData = values(plan.outputElements, 100 + i);
      const refg = ap.referencePoolGrad(plan, xData, dyData, method === 'ada' ? bData : undefined);
      for (const b of builds) {
        ap.registerBackend(b);
        const x = ap.tensor(xData, shape, { backend: 'wasm' });
        const beta = ap.tensor(bData, bShape, { backend: 'wasm' });
        const o = { ...opts, backend: 'wasm', returnMask: true as const };
        const r = method === 'ada' ? ap.adaPool(x, beta, o) : FORWARD(method)(x, o);
        check(`${label} output`, r.output.readSync(), ref.output, TOLERANCE.forward);
        check(`${label} mask`, r.mask.readSync(), ref.mask!, TOLERANCE.forward);
        if (method === 'max') expect(Array.from(r.indices!.readSync()), `${label} indices`).toEqual(Array.from(ref.indices!));
        const dy = ap.tensor(dyData, plan.outputShape, { backend: 'wasm' });
        const g = method === 'ada' ? ap.adaPoolGrad(x, beta, dy, { ...opts, backend: 'wasm' }) : { dx: GRAD(method)(x, dy, { ...opts, backend: 'wasm' }), dbeta: undefined };
        check(`${label} dx`, g.dx.readSync(), refg.dx, TOLERANCE.grad);
        if (g.dbeta) check(`${label} dβ`, g.dbeta.readSync(), refg.dbeta!, TOLERANCE.grad);
        for (const t of [x, beta, dy, r.output, r.mask, r.indices, g.dx, g.dbeta]) t?.dispose();
      }
    }
  }, 300_000);
});
