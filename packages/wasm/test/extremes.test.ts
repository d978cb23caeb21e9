/**
 * OPERATORS.md 5 through every kernel path (issue 9): finite extremes (±3e38, FLT_MAX, denormals)
 * give finite results equal to the float64 reference within §6, and ±∞/NaN land where it puts
 * them, in the dense runs (pairs, triples, mixed; forward and gradients), the generic region
 * walk (masks, channels-last lanes across channels), adaUnpool, on both builds.
 */
import * as ap from '@adapool/core';
import { compare, TOLERANCE } from '@adapool/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createWasmBackend } from '../dist/index.js';

afterEach(() => {
  if (ap.listBackends().includes('wasm')) ap.removeBackend('wasm');
});

const FLT_MAX = 3.4028234663852886e38;

/**
 * O(1) values with extremes planted every 7 elements, of one sign per channel (`channelOf`): a
 * window never holds +huge and −huge, whose cancellation float64 itself gets wrong
 * (1 + 1e30 − 1e30 = 0), so the reference's values are accurate and compared within §6.
 */
function extremeData(n: number, nonFinite: boolean, channelOf: (i: number) => number): Float32Array {
  const x = Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -1 : 1) * (0.5 + ((i * 0.618) % 1)));
  const plant = [3e38, 3e38, FLT_MAX, 1e-40, 1e-45, 0, 1e30, 3e38, 2e30, 3e38, 3e38];
  for (let i = 0; i < n; i += 7) x[i] = (channelOf(i) % 2 ? -1 : 1) * plant[(i / 7) % plant.length];
  if (nonFinite) for (let i = 5; i < n; i += 53) x[i] = [Infinity, -Infinity, NaN][(i / 53) % 3 | 0];
  return x;
}

const OPS = ['avgPool', 'maxPool', 'softPool', 'edscwPool', 'idwPool', 'adaPool'] as const;
type Op = (typeof OPS)[number];

function forward(op: Op, x: ap.Tensor, opts: Record<string, unknown>) {
  return op === 'adaPool' ? ap.adaPool(x, 0.4, { ...opts, returnMask: true }) : (ap[op] as ap.PoolFn<ap.PoolOptions>)(x, { ...opts, returnMask: true });
}
function backward(op: Op, x: ap.Tensor, dy: ap.Tensor, opts: Record<string, unknown>): ap.Tensor[] {
  if (op === 'adaPool') {
    const g = ap.adaPoolGrad(x, 0.4, dy, opts);
    return [g.dx, g.dbeta];
  }
  return [(ap[`${op}Grad`] as ap.PoolGradFn<ap.PoolOptions>)(x, dy, opts)];
}

const GEOMETRIES: Record<string, unknown>[] = [
  { kernelSize: 2 }, // pairs (paired runs, tiles: dx stored, not added)
  { kernelSize: 3, stride: 2 }, // triples
  { kernelSize: [2, 3], stride: [1, 2] }, // triples over overlapping rows
  { kernelSize: 4, stride: 2, padding: 1 }, // mixed pairs and single taps
  { kernelSize: 2, stride: 1 }, // lanes at stride 1
  { outputSize: [3, 5] }, // adaptive, generic walk
];

describe.each([true, false])('extremes through every kernel path (simd: %s)', (simd) => {
  for (const nonFinite of [false, true]) {
    it(`${nonFinite ? '±∞/NaN placed as the reference does' : 'finite extremes give finite results equal to the reference'}: every op, forward, mask, dx, dβ, both layouts`, async () => {
      ap.registerBackend(await createWasmBackend({ simd }));
      for (const cl of [false, true]) {
        const shape = cl ? [1, 6, 40, 4] : [1, 4, 6, 40];
        const data = extremeData(4 * 6 * 40, nonFinite, (i) => (cl ? i % 4 : Math.floor(i / 240)));
        for (const geo of GEOMETRIES) {
          const opts = { ...geo, ...(cl ? { channelsLast: true } : {}) };
          for (const op of OPS) {
            const where = `${op} ${JSON.stringify(opts)}`;
            const run = (backend: string) => {
              const x = ap.tensor(data, shape);
              const f = forward(op, x, { ...opts, backend });
              const plain = (op === 'adaPool' ? ap.adaPool(x, 0.4, { ...opts, backend }) : (ap[op] as ap.PoolFn<ap.PoolOptions>)(x, { ...opts, backend })) as ap.Tensor;
              const dy = ap.tensor(Float32Array.from({ length: plain.size }, (_, i) => 0.5 + (i % 3) * 0.25), plain.shape as number[]);
              return [plain, f.output, f.mask, ...backward(op, x, dy, { ...opts, backend })].map((t) => Float32Array.from(t.readSync() as Float32Array));
            };
            const got = run('wasm');
            const ref = run('js');
            const names = ['output (dense)', 'output', 'mask', 'dx', 'dbeta'];
            got.forEach((g, i) => {
              if (!nonFinite && names[i] !== 'dbeta') expect(ref[i].every(Number.isFinite), `${where} ${names[i]}: reference finite`).toBe(true);
              expect(compare(names[i], g, ref[i], i < 3 ? TOLERANCE.forward : TOLERANCE.grad), where).toBeUndefined();
            });
          }
        }
      }
    });
  }

  it('adaUnpool: partial sums of overlapping windows that overflow float32 give the reference U', async () => {
    ap.registerBackend(await createWasmBackend({ simd }));
    // windows k3 s1 overlap 3 times: U[3] = 3e38 + 3e38 − 3e38 overflows in float32, not in float64
    const v = ap.tensor(Float32Array.from([-3e38, 3e38, 3e38, -3e38]), [1, 1, 4]);
    const mask = ap.tensor(new Float32Array(12).fill(1), [1, 1, 4, 3]);
    const opts = { kernelSize: 3, stride: 1 };
    const got = ap.adaUnpool(v, mask, { ...opts, backend: 'wasm' }).readSync() as Float32Array;
    const ref = ap.adaUnpool(v, mask, { ...opts, backend: 'js' }).readSync() as Float32Array;
    expect(Array.from(ref).every(Number.isFinite)).toBe(true);
    expect(compare('U', got, ref, TOLERANCE.forward)).toBeUndefined();
  });
});
