/**
 * Identities of OPERATORS.md checked through the public ops (tensors, float32 results) and, where
 * exactness matters, through the float64 reference. Every public op call goes through `guard`,
 * which asserts that no input tensor's data changed.
 */
import { describe, expect, it } from 'vitest';
import * as core from '@adapool/core';
import {
  AdaPoolError,
  adaPool,
  adaPoolGrad,
  adaUnpool,
  adaUnpoolGrad,
  avgPool,
  avgPoolGrad,
  edscwPool,
  edscwPoolGrad,
  emPool,
  emPoolGrad,
  idwPool,
  idwPoolGrad,
  lpPool,
  lpPoolGrad,
  maxPool,
  maxPoolGrad,
  referencePool,
  referencePoolGrad,
  softPool,
  softPoolGrad,
  tensor,
  type PoolMethod,
  type Tensor,
} from '@adapool/core';
import {
  cfToCl,
  clToCf,
  dot,
  expectClose,
  expectSame,
  layoutShape,
  naiveGeometry,
  naivePool,
  poolPlan,
  prod,
  randomArray,
  rng,
  uniform,
  type Geo,
  type NaiveGeometry,
} from './helpers/fd.js';

// ------------------------------------------------------------------------------------------------
// Plumbing

type Opts = Record<string, unknown>;
type Plain = Exclude<PoolMethod, 'ada'>;
const METHODS = Object.keys(core.poolOpDefs) as PoolMethod[];
type AnyFn = (...args: any[]) => any;

const f32 = (a: ArrayLike<number>): Float32Array => Float32Array.from(a);
const T = (data: ArrayLike<number>, shape: readonly number[]): Tensor => tensor(f32(data), shape);
const rd = (t: Tensor): Float64Array => Float64Array.from(t.readSync());

/** Runs `fn`, then asserts that the data of every input tensor is bit-for-bit unchanged. */
function guard<R>(inputs: readonly unknown[], fn: () => R): R {
  const ts = inputs.filter((t): t is Tensor => t instanceof core.Tensor);
  const before = ts.map((t) => t.readSync().slice());
  const r = fn();
  ts.forEach((t, i) => {
    expect(t.isDisposed, 'an op disposed its input').toBe(false);
    const after = t.readSync();
    expect(new Uint8Array(after.buffer, after.byteOffset, after.byteLength)).toEqual(
      new Uint8Array(before[i].buffer, before[i].byteOffset, before[i].byteLength),
    );
  });
  return r;
}

const FWD: Record<Plain, AnyFn> = { avg: avgPool, max: maxPool, em: emPool, edscw: edscwPool, idw: idwPool, lp: lpPool };
const BWD: Record<Plain, AnyFn> = { avg: avgPoolGrad, max: maxPoolGrad, em: emPoolGrad, edscw: edscwPoolGrad, idw: idwPoolGrad, lp: lpPoolGrad };

interface Fwd {
  output: Float64Array;
  mask: Float64Array;
  indices?: Int32Array;
  outputShape: readonly number[];
  maskShape: readonly number[];
}

/** Public forward with returnMask; also checks the plain call returns the same output. */
function fwd(method: PoolMethod, x: Tensor, opts: Opts, beta?: Tensor | number): Fwd {
  const call = (o: Opts) => (method === 'ada' ? adaPool(x, beta!, o as any) : FWD[method](x, o));
  const r = guard([x, beta], () => call({ ...opts, returnMask: true }));
  const plain = guard([x, beta], () => call({ ...opts }));
  const output = rd(r.output);
  expectSame(rd(plain), output, `${method}: output with and without returnMask`);
  const res: Fwd = { output, mask: rd(r.mask), outputShape: r.output.shape, maskShape: r.mask.shape };
  if (method === 'max') {
    expect(r.indices.dtype).toBe('int32');
    expect(r.indices.shape).toEqual(r.output.shape);
    res.indices = Int32Array.from(r.indices.readSync());
  } else expect(r.indices).toBeUndefined();
  return res;
}

function grad(method: PoolMethod, x: Tensor, dy: Tensor, opts: Opts, beta?: Tensor | number): { dx: Float64Array; dbeta?: Float64Array } {
  if (method === 'ada') {
    const r = guard([x, dy, beta], () => adaPoolGrad(x, beta!, dy, opts as any));
    expect(r.dx.shape, 'dx has x\'s shape').toEqual(x.shape);
    expect(r.dbeta.shape, 'dbeta has beta\'s shape').toEqual(typeof beta === 'number' ? [] : beta!.shape);
    return { dx: rd(r.dx), dbeta: rd(r.dbeta) };
  }
  const dx = guard([x, dy], () => BWD[method](x, dy, opts));
  expect(dx.shape, 'dx has x\'s shape').toEqual(x.shape);
  return { dx: rd(dx) };
}

/** The extra options an op case carries. */
interface OpCase {
  label: string;
  method: PoolMethod;
  extra: Opts;
}
const OPS: OpCase[] = [
  { label: 'avgPool', method: 'avg', extra: {} },
  { label: 'avgPool countIncludePad', method: 'avg', extra: { countIncludePad: true } },
  { label: 'maxPool', method: 'max', extra: {} },
  { label: 'emPool', method: 'em', extra: {} },
  { label: 'edscwPool', method: 'edscw', extra: {} },
  { label: 'idwPool', method: 'idw', extra: {} },
  { label: 'idwPool idwEps=0.3', method: 'idw', extra: { idwEps: 0.3 } },
  { label: 'adaPool', method: 'ada', extra: {} },
];

interface GeoCase {
  name: string;
  S: number[];
  g: Geo;
}
const GEOS: Record<1 | 2 | 3, GeoCase[]> = {
  1: [
    { name: 'k3 s2 p1', S: [7], g: { kernelSize: 3, stride: 2, padding: 1 } },
    { name: 'k2 s1 d2 p1', S: [7], g: { kernelSize: 2, stride: 1, dilation: 2, padding: 1 } },
    { name: 'k3 s2 ceil', S: [6], g: { kernelSize: 3, stride: 2, ceilMode: true } },
    { name: 'adaptive 7→3', S: [7], g: { outputSize: 3 } },
    { name: 'k2 s2 p1 ceil (PyTorch drop of a window starting in the padding)', S: [5], g: { kernelSize: 2, stride: 2, padding: 1, ceilMode: true } },
    { name: 'k3 s3 p1 d2 ceil (dilated taps beyond the padding)', S: [7], g: { kernelSize: 3, stride: 3, padding: 1, dilation: 2, ceilMode: true } },
  ],
  2: [
    { name: 'k[3,2] s[2,1] p[1,0]', S: [5, 6], g: { kernelSize: [3, 2], stride: [2, 1], padding: [1, 0] } },
    { name: 'k3 s2 p[1,0] d[1,2] ceil', S: [6, 7], g: { kernelSize: 3, stride: 2, padding: [1, 0], dilation: [1, 2], ceilMode: true } },
    { name: 'adaptive [5,7]→[3,4]', S: [5, 7], g: { outputSize: [3, 4] } },
  ],
  3: [
    { name: 'k[2,3,2] s[1,2,2] p[1,1,0]', S: [4, 5, 3], g: { kernelSize: [2, 3, 2], stride: [1, 2, 2], padding: [1, 1, 0] } },
    { name: 'adaptive [4,5,3]→[3,2,2]', S: [4, 5, 3], g: { outputSize: [3, 2, 2] } },
  ],
};
const RANKS = [1, 2, 3] as const;
const ALL_GEOS = RANKS.flatMap((rank) => GEOS[rank].map((gc) => ({ rank, ...gc })));
const N = 2;
const C = 3;
const lname = (cl: boolean) => (cl ? 'channelsLast' : 'channelsFirst');

/** A random input case: logical (channels-first) data and the tensor in the requested layout. */
function input(seed: number, S: number[], cl: boolean, lo = -2, hi = 2, n = N, c = C) {
  const r = rng(seed);
  const xl = Float64Array.from(f32(randomArray(r, n * c * prod(S), lo, hi)));
  const P = prod(S);
  const x = T(cl ? cfToCl(xl, n, c, P) : xl, layoutShape(n, c, S, cl));
  return { r, xl, x };
}

/** Full β (logical [N,C,*O]) with values inside and outside [0,1]. */
function fullBeta(r: () => number, n: number, c: number, G: NaiveGeometry, cl: boolean) {
  const bl = new Float64Array(n * c * G.outPlane);
  for (let i = 0; i < bl.length; i++) {
    const u = r();
    bl[i] = u < 0.6 ? uniform(r, 0, 1) : u < 0.8 ? uniform(r, -1, 0) : uniform(r, 1, 2);
  }
  const bf = Float64Array.from(f32(bl));
  const beta = T(cl ? cfToCl(bf, n, c, G.outPlane) : bf, layoutShape(n, c, G.O, cl));
  return { bl: bf, beta };
}

/** Logical [N,C,*O] (or with window [*O,*K]) view of a laid-out result. */
const logical = (a: Float64Array, cl: boolean, n: number, c: number, P: number) => (cl ? clToCf(a, n, c, P) : a);

let seed = 1;

// ------------------------------------------------------------------------------------------------

describe('forward = independent float64 transcription of OPERATORS.md sections 2-4', () => {
  for (const op of OPS) {
    for (const gc of ALL_GEOS) {
      it(`${op.label}, rank ${gc.rank}, ${gc.name}`, () => {
        for (const cl of [false, true]) {
          const { r, xl, x } = input(seed++, gc.S, cl);
          const G = naiveGeometry(gc.S, gc.g);
          let beta: Tensor | undefined;
          let bl: Float64Array | undefined;
          if (op.method === 'ada') ({ beta, bl } = fullBeta(r, N, C, G, cl));
          const got = fwd(op.method, x, { ...gc.g, ...op.extra, channelsLast: cl }, beta);
          const want = naivePool(op.method, xl, N, C, G, {
            ...(op.extra as object),
            betaAt: bl ? (n, c, o) => bl![(n * C + c) * G.outPlane + o] : undefined,
          });
          const tag = `${op.label} ${gc.name} ${lname(cl)}`;
          expect(got.outputShape, `${tag}: output shape`).toEqual(layoutShape(N, C, G.O, cl));
          expect(got.maskShape, `${tag}: mask shape`).toEqual(layoutShape(N, C, [...G.O, ...G.K], cl));
          expectClose(logical(got.output, cl, N, C, G.outPlane), want.output, 1e-6, 1e-7, `${tag}: output`);
          expectClose(logical(got.mask, cl, N, C, G.outPlane * G.win), want.mask, 1e-6, 1e-7, `${tag}: mask`);
          if (op.method === 'max') expectSame(logical(Float64Array.from(got.indices!), cl, N, C, G.outPlane), want.indices, `${tag}: indices`);
        }
      });
    }
  }
});

describe('SoftPool identity: emPool(x) = avg(x·eˣ)/avg(eˣ) over the same windows (no padding)', () => {
  const cases: { name: string; S: number[]; g: Geo }[] = [
    { name: '1D k3 s2', S: [9], g: { kernelSize: 3, stride: 2 } },
    { name: '1D k3 s2 ceil (valid-only last window)', S: [6], g: { kernelSize: 3, stride: 2, ceilMode: true } },
    { name: '2D k[3,2] s[1,2] d[1,2]', S: [6, 7], g: { kernelSize: [3, 2], stride: [1, 2], dilation: [1, 2] } },
    { name: '2D adaptive [5,7]→[3,4]', S: [5, 7], g: { outputSize: [3, 4] } },
    { name: '3D k2 s1', S: [3, 4, 3], g: { kernelSize: 2, stride: 1 } },
    { name: '3D k[2,3,2] s[2,1,1] ceil', S: [5, 4, 3], g: { kernelSize: [2, 3, 2], stride: [2, 1, 1], ceilMode: true } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      for (const cl of [false, true]) {
        const { xl, x } = input(seed++, c.S, cl, -3, 3);
        const G = naiveGeometry(c.S, c.g);
        const want = new Float64Array(N * C * G.outPlane);
        for (let nc = 0; nc < N * C; nc++) {
          for (const R of G.regions) {
            const xs = R.pos.map((p) => xl[nc * G.inPlane + p]);
            const avg = (f: (v: number) => number) => xs.reduce((s, v) => s + f(v), 0) / xs.length;
            want[nc * G.outPlane + R.o] = avg((v) => v * Math.exp(v)) / avg(Math.exp);
          }
        }
        const opts = { ...c.g, channelsLast: cl };
        const out = rd(guard([x], () => softPool(x, opts)));
        expectClose(logical(out, cl, N, C, G.outPlane), want, 2e-7, 1e-7, `${c.name} ${lname(cl)}`);
        expectSame(rd(guard([x], () => emPool(x, opts))), out, 'softPool is emPool');
        const dy = T(randomArray(rng(seed++), out.length), layoutShape(N, C, G.O, cl));
        expectSame(rd(guard([x, dy], () => softPoolGrad(x, dy, opts))), rd(guard([x, dy], () => emPoolGrad(x, dy, opts))), 'softPoolGrad is emPoolGrad');
      }
    });
  }
});

describe('adaPool: β = 1 is edscwPool, β = 0 is emPool (exactly); ∂y/∂β = (yD − yM)·1[0 ≤ β ≤ 1]', () => {
  for (const gc of ALL_GEOS) {
    it(`rank ${gc.rank}, ${gc.name}`, () => {
      for (const cl of [false, true]) {
        const { r, x } = input(seed++, gc.S, cl);
        const G = naiveGeometry(gc.S, gc.g);
        const opts = { ...gc.g, channelsLast: cl };
        const oShape = layoutShape(N, C, G.O, cl);
        const dyData = randomArray(r, N * C * G.outPlane);
        const dy = T(dyData, oShape);
        const D = fwd('edscw', x, opts);
        const M = fwd('em', x, opts);
        const gD = grad('edscw', x, dy, opts).dx;
        const gM = grad('em', x, dy, opts).dx;
        const ones = T(new Float32Array(prod(oShape)).fill(1), oShape);
        const zeros = T(new Float32Array(prod(oShape)), oShape);
        const cases: [Tensor | number, Fwd, Float64Array, string][] = [
          [1, D, gD, 'β = 1 (number)'],
          [T([1], []), D, gD, 'β = 1 (scalar tensor)'],
          [ones, D, gD, 'β = 1 (full tensor)'],
          [1.5, D, gD, 'β = 1.5 clamps to 1'],
          [0, M, gM, 'β = 0 (number)'],
          [T([0], [1]), M, gM, 'β = 0 ([1] tensor)'],
          [zeros, M, gM, 'β = 0 (full tensor)'],
          [-0.25, M, gM, 'β = −0.25 clamps to 0'],
        ];
        for (const [beta, ref, gref, what] of cases) {
          const tag = `${what} ${lname(cl)}`;
          const a = fwd('ada', x, opts, beta);
          expectSame(a.output, ref.output, `${tag}: output`);
          expectSame(a.mask, ref.mask, `${tag}: mask`);
          expectSame(grad('ada', x, dy, opts, beta).dx, gref, `${tag}: dx`);
        }

        // scalar β: dβ = Σ g (yD − yM) inside [0,1] (boundaries inclusive), exactly 0 outside
        const want = dot(dyData, D.output.map((v, i) => v - M.output[i]));
        for (const b of [0, 0.3, 1, -0.2, 1.3, -1e-7, 1 + 1e-7]) {
          const { dbeta } = grad('ada', x, dy, opts, b);
          expect(dbeta!.length).toBe(1);
          if (b >= 0 && b <= 1) expect(dbeta![0], `dβ at β = ${b}`).toBeCloseTo(want, 4);
          else expect(dbeta![0], `dβ at β = ${b}`).toBe(0);
        }

        // float64 reference, full β with values at and beyond the boundaries: elementwise
        const xd = rd(x);
        const bvals = [-0.5, 0, 0.25, 1, 1.5, 0.75];
        const bdata = Float64Array.from({ length: prod(oShape) }, (_, i) => bvals[i % bvals.length]);
        const planD = poolPlan('edscw', x.shape, opts);
        const planM = poolPlan('em', x.shape, opts);
        const planA = poolPlan('ada', x.shape, opts, oShape);
        const yD = referencePool(planD, xd).output;
        const yM = referencePool(planM, xd).output;
        const { dbeta } = referencePoolGrad(planA, xd, dyData, bdata);
        const exp = bdata.map((b, i) => (b >= 0 && b <= 1 ? dyData[i] * (yD[i] - yM[i]) : 0));
        expectClose(dbeta!, exp, 1e-12, 1e-15, `reference dβ ${lname(cl)}`);
        for (let i = 0; i < bdata.length; i++) if (bdata[i] < 0 || bdata[i] > 1) expect(dbeta![i]).toBe(0);
        // and the public op agrees in float32
        const { dbeta: pub } = grad('ada', x, dy, opts, T(bdata, oShape));
        expectClose(pub!, exp, 1e-5, 1e-6, `public dβ ${lname(cl)}`);
      }
    });
  }
});

describe('adaptive geometry equals strided geometry when L = k·O', () => {
  const cases: { S: number[]; O: number[] }[] = [
    { S: [6], O: [2] },
    { S: [6, 4], O: [3, 2] },
    { S: [6, 6], O: [2, 3] },
    { S: [4, 6, 2], O: [2, 2, 1] },
  ];
  for (const op of OPS) {
    if (op.extra.countIncludePad) continue; // no padding here: countIncludePad is a no-op
    for (const c of cases) {
      it(`${op.label}, S=[${c.S}] → O=[${c.O}]`, () => {
        const k = c.S.map((L, a) => L / c.O[a]);
        for (const cl of [false, true]) {
          const { r, x } = input(seed++, c.S, cl);
          const oShape = layoutShape(N, C, c.O, cl);
          const dy = T(randomArray(r, prod(oShape)), oShape);
          const beta = op.method === 'ada' ? T(randomArray(r, prod(oShape), -0.5, 1.5), oShape) : undefined;
          const ad = { outputSize: c.O, channelsLast: cl, ...op.extra };
          const st = { kernelSize: k, stride: k, channelsLast: cl, ...op.extra };
          const a = fwd(op.method, x, ad, beta);
          const s = fwd(op.method, x, st, beta);
          expectSame(a.output, s.output, 'output');
          expectSame(a.mask, s.mask, 'mask');
          if (a.indices) expectSame(a.indices, s.indices!, 'indices');
          const ga = grad(op.method, x, dy, ad, beta);
          const gs = grad(op.method, x, dy, st, beta);
          expectSame(ga.dx, gs.dx, 'dx');
          if (beta) expectSame(ga.dbeta!, gs.dbeta!, 'dbeta');
          // adaUnpool too
          const m = T(a.mask, layoutShape(N, C, [...c.O, ...k], cl));
          const v = T(a.output, oShape);
          const ua = rd(guard([v, m], () => adaUnpool(v, m, { outputSize: c.O, inputSize: c.S, channelsLast: cl })));
          const us = rd(guard([v, m], () => adaUnpool(v, m, { kernelSize: k, stride: k, channelsLast: cl })));
          expectSame(ua, us, 'adaUnpool');
        }
      });
    }
  }
});

describe('masks: weights ≥ 0 summing to 1 on every non-empty region; countIncludePad sums to |R|/P', () => {
  for (const op of OPS) {
    for (const gc of ALL_GEOS) {
      it(`${op.label}, rank ${gc.rank}, ${gc.name}`, () => {
        for (const cl of [false, true]) {
          const { r, x } = input(seed++, gc.S, cl);
          const G = naiveGeometry(gc.S, gc.g);
          const beta = op.method === 'ada' ? fullBeta(r, N, C, G, cl).beta : undefined;
          const { mask } = fwd(op.method, x, { ...gc.g, ...op.extra, channelsLast: cl }, beta);
          const ml = logical(mask, cl, N, C, G.outPlane * G.win);
          for (let nc = 0; nc < N * C; nc++) {
            for (const R of G.regions) {
              const base = (nc * G.outPlane + R.o) * G.win;
              let s = 0;
              for (let k = 0; k < G.win; k++) {
                const w = ml[base + k];
                if (!R.kappa.includes(k)) expect(w, 'weight at an invalid tap').toBe(0);
                else expect(w).toBeGreaterThanOrEqual(0);
                s += w;
              }
              const want = op.extra.countIncludePad ? R.pos.length / R.P : 1;
              expect(Math.abs(s - want), `${op.label} ${lname(cl)}: Σ mask = ${s}, want ${want}`).toBeLessThan(1e-6);
              if (op.method === 'max') expect(ml.slice(base, base + G.win).filter((w) => w === 1).length).toBe(1);
            }
          }
        }
      });
    }
  }

  it('countIncludePad really changes the divisor where windows overlap the padding', () => {
    const x = T([1, 2, 3, 4], [1, 1, 4]);
    const opts = { kernelSize: 3, stride: 1, padding: 1 };
    expectClose(rd(guard([x], () => avgPool(x, opts))), [1.5, 2, 3, 3.5], 1e-7, 0, 'valid-only');
    expectClose(rd(guard([x], () => avgPool(x, { ...opts, countIncludePad: true }))), [1, 2, 3, 7 / 3], 1e-7, 0, 'countIncludePad');
  });
});

describe('empty regions (dilation jumps over the input): output 0, mask 0, index −1, no gradient', () => {
  const cases: { name: string; shapeS: number[]; g: Geo }[] = [
    { name: '1D L=1 k2 d2 p1', shapeS: [1], g: { kernelSize: 2, dilation: 2, padding: 1 } },
    { name: '2D [1,4] k2 d[2,1] p[1,0]', shapeS: [1, 4], g: { kernelSize: 2, dilation: [2, 1], padding: [1, 0] } },
    { name: '3D [3,2,4] k[1,2,2] d[1,3,1] p[0,1,0]', shapeS: [3, 2, 4], g: { kernelSize: [1, 2, 2], dilation: [1, 3, 1], padding: [0, 1, 0] } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const G = naiveGeometry(c.shapeS, c.g);
      expect(G.regions.every((R) => R.pos.length === 0)).toBe(true);
      for (const cl of [false, true]) {
        const { r, x } = input(seed++, c.shapeS, cl);
        const oShape = layoutShape(N, C, G.O, cl);
        const dy = T(randomArray(r, prod(oShape)), oShape);
        for (const op of OPS) {
          const beta = op.method === 'ada' ? T([0.4], []) : undefined;
          const opts = { ...c.g, ...op.extra, channelsLast: cl };
          const f = fwd(op.method, x, opts, beta);
          expect(f.output.every((v) => v === 0)).toBe(true);
          expect(f.mask.every((v) => v === 0)).toBe(true);
          if (f.indices) expect(Array.from(f.indices).every((v) => v === -1)).toBe(true);
          const g = grad(op.method, x, dy, opts, beta);
          expect(g.dx.every((v) => v === 0), `${op.label}: dx`).toBe(true);
          if (g.dbeta) expect(g.dbeta.every((v) => v === 0), `${op.label}: dbeta`).toBe(true);
        }
        const m = T(randomArray(r, N * C * G.outPlane * G.win), layoutShape(N, C, [...G.O, ...G.K], cl));
        const v = T(randomArray(r, prod(oShape)), oShape);
        const U = rd(guard([v, m], () => adaUnpool(v, m, { ...c.g, channelsLast: cl, inputSize: c.shapeS })));
        expect(U.every((u) => u === 0)).toBe(true);
      }
    });
  }
});

describe('maxPool: indices, ties, NaN', () => {
  it('2D index is h·W + w, 3D index is (d·H + h)·W + w (both layouts)', () => {
    // one window covering the whole plane, the max placed at a known position
    for (const cl of [false, true]) {
      const x2 = new Float64Array(3 * 5).fill(-1);
      x2[2 * 5 + 3] = 7;
      const t2 = T(x2, cl ? [1, 3, 5, 1] : [1, 1, 3, 5]);
      const r2 = guard([t2], () => maxPool(t2, { kernelSize: [3, 5], channelsLast: cl, returnMask: true }));
      expect(Array.from(r2.indices!.readSync())).toEqual([13]);
      const x3 = new Float64Array(2 * 4 * 5).fill(-1);
      x3[(1 * 4 + 2) * 5 + 3] = 7;
      const t3 = T(x3, cl ? [1, 2, 4, 5, 1] : [1, 1, 2, 4, 5]);
      const r3 = guard([t3], () => maxPool(t3, { kernelSize: [2, 4, 5], channelsLast: cl, returnMask: true }));
      expect(Array.from(r3.indices!.readSync())).toEqual([33]);
      expect(rd(r3.output)).toEqual(new Float64Array([7]));
    }
  });

  it('indices are per-plane spatial indices (not counting n, c) for every geometry', () => {
    for (const gc of ALL_GEOS) {
      for (const cl of [false, true]) {
        // distinct values: a permutation, so the max is unique
        const P = prod(gc.S);
        const r = rng(seed++);
        const xl = Float64Array.from({ length: N * C * P }, (_, i) => i);
        for (let i = xl.length - 1; i > 0; i--) {
          const j = Math.floor(r() * (i + 1));
          [xl[i], xl[j]] = [xl[j], xl[i]];
        }
        const x = T(cl ? cfToCl(xl, N, C, P) : xl, layoutShape(N, C, gc.S, cl));
        const G = naiveGeometry(gc.S, gc.g);
        const f = fwd('max', x, { ...gc.g, channelsLast: cl });
        const idx = logical(Float64Array.from(f.indices!), cl, N, C, G.outPlane);
        const out = logical(f.output, cl, N, C, G.outPlane);
        for (let nc = 0; nc < N * C; nc++) {
          for (const R of G.regions) {
            const i = idx[nc * G.outPlane + R.o];
            expect(R.pos).toContain(i);
            expect(out[nc * G.outPlane + R.o]).toBe(xl[nc * P + i]);
            expect(Math.max(...R.pos.map((p) => xl[nc * P + p]))).toBe(xl[nc * P + i]);
          }
        }
      }
    }
  });

  it('ties go to the first valid tap (mask, index and gradient)', () => {
    const x = T([1, 1, 1, 1], [1, 1, 4]);
    const opts = { kernelSize: 3, stride: 1, padding: 1 };
    const f = fwd('max', x, opts);
    expect(Array.from(f.indices!)).toEqual([0, 0, 1, 2]);
    expect(Array.from(f.mask)).toEqual([0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0]);
    const dy = T([1, 10, 100, 1000], [1, 1, 4]);
    expect(Array.from(grad('max', x, dy, opts).dx)).toEqual([11, 100, 1000, 0]);
    // 2D: a constant window → the first tap in row-major κ order
    const x2 = T(new Float32Array(16).fill(3), [1, 1, 4, 4]);
    expect(Array.from(fwd('max', x2, { kernelSize: 2 }).indices!)).toEqual([0, 2, 8, 10]);
  });

  it('NaN wins the max (output NaN, index and gradient at the NaN)', () => {
    const x = T([1, NaN, 3, 0, 5, NaN, -1], [1, 1, 7]);
    const f = fwd('max', x, { kernelSize: 2, stride: 1 });
    expectSame(f.output, [NaN, NaN, 3, 5, NaN, NaN], 'output');
    expect(Array.from(f.indices!)).toEqual([1, 1, 2, 4, 5, 5]);
    const dy = T([1, 2, 4, 8, 16, 32], [1, 1, 6]);
    expect(Array.from(grad('max', x, dy, { kernelSize: 2, stride: 1 }).dx)).toEqual([0, 3, 4, 0, 8, 48, 0]);
    const first = T([NaN, 5, 7], [1, 1, 3]);
    expect(Array.from(fwd('max', first, { kernelSize: 3 }).indices!)).toEqual([0]);
  });
});

describe('adaUnpool', () => {
  const tiled = [
    { S: [6], k: [2] },
    { S: [6, 4], k: [3, 2] },
    { S: [4, 2, 6], k: [2, 1, 3] },
  ];
  for (const c of tiled) {
    it(`tiled form for s = k, p = 0, d = 1, k | L: S=[${c.S}] k=[${c.k}]`, () => {
      for (const cl of [false, true]) {
        const n = c.S.length;
        const { r, x } = input(seed++, c.S, cl);
        const O = c.S.map((L, a) => L / c.k[a]);
        const opts = { kernelSize: c.k, channelsLast: cl };
        const b = 0.3;
        const a = fwd('ada', x, opts, b);
        const v = T(randomArray(r, a.output.length), layoutShape(N, C, O, cl));
        const W = T(a.mask, layoutShape(N, C, [...O, ...c.k], cl));
        const U = rd(guard([v, W], () => adaUnpool(v, W, opts)));
        expect(U.length).toBe(N * C * prod(c.S));
        const Ul = logical(U, cl, N, C, prod(c.S));
        const vl = logical(rd(v), cl, N, C, prod(O));
        const Wl = logical(rd(W), cl, N, C, prod(O) * prod(c.k));
        const D = logical(fwd('edscw', x, opts).mask, cl, N, C, prod(O) * prod(c.k));
        const M = logical(fwd('em', x, opts).mask, cl, N, C, prod(O) * prod(c.k));
        const G = naiveGeometry(c.S, { kernelSize: c.k });
        for (let nc = 0; nc < N * C; nc++) {
          for (const R of G.regions) {
            const vo = vl[nc * G.outPlane + R.o];
            let sum = 0;
            R.pos.forEach((p, j) => {
              // p = o·k + κ per axis (checked through the naive geometry), U_p = v_o W_{o,κ}
              const mi = (nc * G.outPlane + R.o) * G.win + R.kappa[j];
              const u = Ul[nc * G.inPlane + p];
              expect(Math.abs(u - Math.fround(vo * Wl[mi]))).toBeLessThanOrEqual(1e-7 * Math.abs(vo));
              // the paper's β̂·I(v)·w^D + (1−β̂)·I(v)·w^M
              expect(Math.abs(u - (b * vo * D[mi] + (1 - b) * vo * M[mi]))).toBeLessThan(1e-6);
              sum += u;
            });
            expect(R.pos.length).toBe(prod(c.k));
            expect(Math.abs(sum - vo)).toBeLessThan(1e-6);
          }
        }
        expect(n).toBe(O.length);
      }
    });
  }

  for (const gc of ALL_GEOS) {
    it(`adjoint of "pool with fixed W": ⟨U(v), G⟩ = ⟨v, Σ_κ W G⟩, rank ${gc.rank}, ${gc.name}`, () => {
      for (const cl of [false, true]) {
        const r = rng(seed++);
        const G = naiveGeometry(gc.S, gc.g);
        const vl = randomArray(r, N * C * G.outPlane);
        const Wl = randomArray(r, N * C * G.outPlane * G.win); // arbitrary W, invalid taps too
        const Gl = randomArray(r, N * C * G.inPlane);
        const lay = (a: Float64Array, P: number) => (cl ? cfToCl(a, N, C, P) : a);
        const v = T(lay(vl, G.outPlane), layoutShape(N, C, G.O, cl));
        const W = T(lay(Wl, G.outPlane * G.win), layoutShape(N, C, [...G.O, ...G.K], cl));
        const dU = T(lay(Gl, G.inPlane), layoutShape(N, C, gc.S, cl));
        const opts = { ...gc.g, channelsLast: cl, inputSize: gc.S };
        const U = logical(rd(guard([v, W], () => adaUnpool(v, W, opts))), cl, N, C, G.inPlane);
        // Σ_κ W G per output, from the naive geometry; and U directly from the definition
        const pooled = new Float64Array(N * C * G.outPlane);
        const Uw = new Float64Array(N * C * G.inPlane);
        const vf = rd(v);
        const Wf = rd(W);
        const vL = logical(vf, cl, N, C, G.outPlane);
        const WL = logical(Wf, cl, N, C, G.outPlane * G.win);
        const GL = logical(rd(dU), cl, N, C, G.inPlane);
        for (let nc = 0; nc < N * C; nc++) {
          for (const R of G.regions) {
            R.pos.forEach((p, j) => {
              const w = WL[(nc * G.outPlane + R.o) * G.win + R.kappa[j]];
              pooled[nc * G.outPlane + R.o] += w * GL[nc * G.inPlane + p];
              Uw[nc * G.inPlane + p] += vL[nc * G.outPlane + R.o] * w;
            });
          }
        }
        expectClose(U, Uw, 1e-5, 1e-6, `U by definition ${lname(cl)}`);
        const lhs = dot(U, GL);
        const rhs = dot(vL, pooled);
        expect(Math.abs(lhs - rhs)).toBeLessThan(1e-5 * (1 + Math.abs(rhs)));
        // and the backward: dv = Σ_κ W G, dmask = v·G at valid taps, 0 elsewhere
        const { dv, dmask } = guard([v, W, dU], () => adaUnpoolGrad(v, W, dU, opts));
        expectClose(logical(rd(dv), cl, N, C, G.outPlane), pooled, 1e-5, 1e-6, `dv ${lname(cl)}`);
        const dm = logical(rd(dmask), cl, N, C, G.outPlane * G.win);
        const want = new Float64Array(dm.length);
        for (let nc = 0; nc < N * C; nc++)
          for (const R of G.regions)
            R.pos.forEach((p, j) => (want[(nc * G.outPlane + R.o) * G.win + R.kappa[j]] = vL[nc * G.outPlane + R.o] * GL[nc * G.inPlane + p]));
        expectClose(dm, want, 1e-6, 1e-7, `dmask ${lname(cl)}`);
      }
    });
  }

  it('default inputSize is (O−1)s − 2p + d(k−1) + 1 and reproduces O; adaptive needs inputSize', () => {
    const cases: { O: number[]; g: Geo }[] = [
      { O: [3], g: { kernelSize: 3, stride: 2, padding: 1 } },
      { O: [4], g: { kernelSize: 2 } },
      { O: [5], g: { kernelSize: 2, stride: 1, dilation: 2, padding: 1 } },
      { O: [3, 2], g: { kernelSize: [3, 2], stride: [2, 3], padding: [1, 1], dilation: [1, 2] } },
      { O: [2, 3, 2], g: { kernelSize: [2, 3, 4], stride: [1, 2, 3], padding: [0, 1, 2] } },
    ];
    for (const c of cases) {
      const n = c.O.length;
      const per = (v: unknown, d: number) => (v === undefined ? new Array(n).fill(d) : typeof v === 'number' ? new Array(n).fill(v) : (v as number[]));
      const k = per(c.g.kernelSize, 2);
      const s = per(c.g.stride, NaN).map((v, a) => (Number.isNaN(v) ? k[a] : v));
      const p = per(c.g.padding, 0);
      const d = per(c.g.dilation, 1);
      const S = c.O.map((O, a) => (O - 1) * s[a] - 2 * p[a] + d[a] * (k[a] - 1) + 1);
      expect(naiveGeometry(S, c.g).O).toEqual(c.O);
      for (const cl of [false, true]) {
        const G = naiveGeometry(S, c.g);
        const v = T(randomArray(rng(seed++), N * C * G.outPlane), layoutShape(N, C, c.O, cl));
        const W = T(new Float32Array(N * C * G.outPlane * G.win).fill(0.5), layoutShape(N, C, [...c.O, ...G.K], cl));
        const U = guard([v, W], () => adaUnpool(v, W, { ...c.g, channelsLast: cl }));
        expect(U.shape).toEqual(layoutShape(N, C, S, cl));
        const U2 = guard([v, W], () => adaUnpool(v, W, { ...c.g, channelsLast: cl, inputSize: S }));
        expectSame(rd(U), rd(U2), 'explicit inputSize = default');
      }
    }
    const v = T([1, 2, 3], [1, 1, 3]);
    const W = T(new Float32Array(3 * 3), [1, 1, 3, 3]);
    expect(() => adaUnpool(v, W, { outputSize: 3 })).toThrow(AdaPoolError);
    expect(() => adaUnpool(v, W, { kernelSize: 3, stride: 2, padding: 1, inputSize: 9 })).toThrow(AdaPoolError);
  });
});

describe('numerics (OPERATORS.md section 5)', () => {
  it('x = 1000 in a region: finite outputs, masks and gradients; emPool ≈ 1000', () => {
    const x = T([1000, 1, -2, 0.5, 3, 2, 1, 0], [1, 2, 4]);
    const dy = T([1, -1, 0.5, 2], [1, 2, 2]);
    for (const m of METHODS) {
      const beta = m === 'ada' ? 0.5 : undefined;
      const f = fwd(m, x, { kernelSize: 2 }, beta);
      expect(f.output.every(Number.isFinite), m).toBe(true);
      expect(f.mask.every(Number.isFinite), m).toBe(true);
      const g = grad(m, x, dy, { kernelSize: 2 }, beta);
      expect(g.dx.every(Number.isFinite), m).toBe(true);
      if (g.dbeta) expect(g.dbeta.every(Number.isFinite), m).toBe(true);
      if (m === 'em') expect(f.output[0]).toBe(1000);
    }
  });

  it('a region of −1000s returns −1000 (em, ada for any β, edscw, idw)', () => {
    const x = T([-1000, -1000, -1000, -1000, -1000, -1000], [1, 1, 6]);
    for (const [m, b] of [['em'], ['ada', 0], ['ada', 0.4], ['ada', 1], ['ada', -3], ['edscw'], ['idw']] as [PoolMethod, number?][]) {
      const f = fwd(m, x, { kernelSize: 3 }, b);
      expect(Array.from(f.output), `${m} β=${b}`).toEqual([-1000, -1000]);
    }
  });

  it('edscwPool(c·x) = c·edscwPool(x), mask unchanged, for c = −3, 1e−20, 1e20', () => {
    const { xl } = input(seed++, [5, 6], false);
    const opts = { kernelSize: 3, stride: 2, padding: 1 };
    const shape = [N, C, 5, 6];
    const base = fwd('edscw', T(xl, shape), opts);
    const refPlan = poolPlan('edscw', shape, { ...opts, returnMask: true });
    const ref = referencePool(refPlan, xl);
    for (const c of [-3, 1e-20, 1e20]) {
      const xc = f32(xl.map((v) => c * v));
      const f = fwd('edscw', T(xc, shape), opts);
      expectClose(f.output, base.output.map((v) => c * v), 1e-5, 0, `c = ${c}: output`);
      expectClose(f.mask, base.mask, 1e-5, 1e-7, `c = ${c}: mask`);
      // float64 reference: exact up to rounding
      const rc = referencePool(refPlan, xl.map((v) => c * v));
      expectClose(rc.output, ref.output.map((v) => c * v), 1e-12, 0, `c = ${c}: reference output`);
      expectClose(rc.mask!, ref.mask!, 1e-12, 1e-15, `c = ${c}: reference mask`);
    }
  });

  it('D(0,0) = 1: an all-zero region gives output 0 and a uniform mask; m = 0 gives output 0', () => {
    const x = T([0, 0, 0, 0, 1, -1, 2, -2, 0, 0, 0, 0], [1, 1, 3, 4]);
    const opts = { kernelSize: [1, 4] };
    for (const m of METHODS.filter((m) => m !== 'max')) {
      const b = m === 'ada' ? 0.6 : undefined;
      const f = fwd(m, x, opts, b);
      expect(f.output[0], m).toBe(0);
      expect(Array.from(f.mask.slice(0, 4)), m).toEqual([0.25, 0.25, 0.25, 0.25]);
      const g = grad(m, x, T([1, 1, 1], [1, 1, 3, 1]), opts, b);
      expect(g.dx.every(Number.isFinite), m).toBe(true);
    }
    const e = fwd('edscw', x, opts);
    expect(Math.abs(e.output[1])).toBeLessThan(1e-7); // m = 0, every D = 0 → uniform → y = m = 0
    expectClose(e.mask.slice(4, 8), [0.25, 0.25, 0.25, 0.25], 1e-7, 0, 'm = 0 mask');
    // where D(0,0) = 1 matters: x = 0 with m = 0 scores 1, every other element scores 0
    const z = fwd('edscw', T([0, 2, -2, 0], [1, 1, 4]), { kernelSize: 4 });
    const Z = 2 * Math.E + 2;
    expect(z.output[0]).toBe(0);
    expectClose(z.mask, [Math.E / Z, 1 / Z, 1 / Z, Math.E / Z], 1e-6, 0, 'D(0,0) = 1 weights');
    // float64 reference: exact zero, and the (0,0) partials are 0 so the gradient is the mask
    const plan = poolPlan('edscw', [1, 1, 1, 4], { kernelSize: [1, 4] });
    expect(referencePool(plan, [0, 0, 0, 0]).output[0]).toBe(0);
    expectClose(referencePoolGrad(plan, [0, 0, 0, 0], [1]).dx, [0.25, 0.25, 0.25, 0.25], 1e-15, 0, 'dx at 0');
  });

  it('idwPool: a constant region returns the constant with uniform weights; 1D |R| = 2 is the average', () => {
    const x = T([2.5, 2.5, 2.5, -7, -7, -7, 0, 0, 0], [1, 1, 9]);
    for (const eps of [undefined, 1e-3, 0.5]) {
      const f = fwd('idw', x, { kernelSize: 3, ...(eps ? { idwEps: eps } : {}) });
      expect(Array.from(f.output)).toEqual([2.5, -7, 0]);
      expectClose(f.mask, new Array(9).fill(1 / 3), 1e-7, 0, 'uniform');
    }
    for (const cl of [false, true]) {
      const { r, x: x2 } = input(seed++, [8], cl);
      const opts = { kernelSize: 2, stride: 1, channelsLast: cl };
      const oShape = layoutShape(N, C, [7], cl);
      const dy = T(randomArray(r, prod(oShape)), oShape);
      expectClose(fwd('idw', x2, opts).output, fwd('avg', x2, opts).output, 1e-6, 1e-7, '|R| = 2 output');
      expectClose(fwd('idw', x2, opts).mask, new Array(N * C * 7 * 2).fill(0.5), 1e-6, 0, '|R| = 2 mask');
      expectClose(grad('idw', x2, dy, opts).dx, grad('avg', x2, dy, opts).dx, 1e-6, 1e-7, '|R| = 2 dx');
    }
  });

  for (const op of OPS) {
    it(`NaN propagates to exactly the outputs whose region contains it: ${op.label}`, () => {
      for (const gc of [GEOS[1][0], GEOS[1][1], GEOS[2][1], GEOS[3][0], GEOS[2][2]]) {
        for (const cl of [false, true]) {
          const { r, xl } = input(seed++, gc.S, cl);
          const G = naiveGeometry(gc.S, gc.g);
          const P = G.inPlane;
          const lay = (a: Float64Array) => T(cl ? cfToCl(a, N, C, P) : a, layoutShape(N, C, gc.S, cl));
          const opts = { ...gc.g, ...op.extra, channelsLast: cl };
          const beta = op.method === 'ada' ? 0.5 : undefined;
          const clean = logical(fwd(op.method, lay(xl), opts, beta).output, cl, N, C, G.outPlane);
          const nc = Math.floor(r() * N * C);
          const pos = Math.floor(r() * P);
          const xn = xl.slice();
          xn[nc * P + pos] = NaN;
          const dirty = logical(fwd(op.method, lay(xn), opts, beta).output, cl, N, C, G.outPlane);
          for (let q = 0; q < N * C; q++) {
            for (const R of G.regions) {
              const i = q * G.outPlane + R.o;
              if (q === nc && R.pos.includes(pos)) expect(dirty[i], `${gc.name}: output ${i} must be NaN`).toBeNaN();
              else expect(dirty[i], `${gc.name}: output ${i} must be untouched`).toBe(clean[i]);
            }
          }
        }
      }
    });
  }
});

describe('layout: channelsLast = transposed channelsFirst (output, mask, indices, dx, dβ)', () => {
  for (const op of OPS) {
    for (const rank of RANKS) {
      it(`${op.label}, rank ${rank}`, () => {
        for (const gc of GEOS[rank]) {
          const G = naiveGeometry(gc.S, gc.g);
          const { r, xl } = input(seed++, gc.S, false);
          const xf = T(xl, layoutShape(N, C, gc.S, false));
          const xc = T(cfToCl(xl, N, C, G.inPlane), layoutShape(N, C, gc.S, true));
          const dyl = randomArray(r, N * C * G.outPlane);
          const dyf = T(dyl, layoutShape(N, C, G.O, false));
          const dyc = T(cfToCl(f32(dyl), N, C, G.outPlane), layoutShape(N, C, G.O, true));
          const betas: [Tensor | undefined, Tensor | undefined, string][] = [];
          if (op.method === 'ada') {
            const full = f32(randomArray(r, N * C * G.outPlane, -0.5, 1.5));
            betas.push([T(full, layoutShape(N, C, G.O, false)), T(cfToCl(full, N, C, G.outPlane), layoutShape(N, C, G.O, true)), 'full β']);
            const perC = f32(randomArray(r, C, -0.2, 1.2));
            const ones = G.O.map(() => 1);
            betas.push([T(perC, [C, ...ones]), T(perC, [C]), 'per-channel β']);
            const perP = f32(randomArray(r, G.outPlane, 0, 1));
            betas.push([T(perP, G.O), T(perP, [...G.O, 1]), 'per-position β']);
            const perNC = f32(randomArray(r, N * C, 0, 1));
            betas.push([T(perNC, [N, C, ...ones]), T(perNC, [N, ...ones, C]), 'per-sample-channel β']);
          } else betas.push([undefined, undefined, '']);
          for (const [bf, bc, what] of betas) {
            const tag = `${gc.name} ${what}`;
            const F = fwd(op.method, xf, { ...gc.g, ...op.extra }, bf);
            const L = fwd(op.method, xc, { ...gc.g, ...op.extra, channelsLast: true }, bc);
            expectSame(clToCf(L.output, N, C, G.outPlane), F.output, `${tag}: output`);
            expectSame(clToCf(L.mask, N, C, G.outPlane * G.win), F.mask, `${tag}: mask`);
            if (F.indices) expectSame(clToCf(L.indices!, N, C, G.outPlane), F.indices, `${tag}: indices`);
            const gF = grad(op.method, xf, dyf, { ...gc.g, ...op.extra }, bf);
            const gL = grad(op.method, xc, dyc, { ...gc.g, ...op.extra, channelsLast: true }, bc);
            expectSame(clToCf(gL.dx, N, C, G.inPlane), gF.dx, `${tag}: dx`);
            if (bf) {
              const same = what === 'full β' ? clToCf(gL.dbeta!, N, C, G.outPlane) : gL.dbeta!;
              if (what === 'full β') expectSame(same, gF.dbeta!, `${tag}: dbeta`);
              else expectClose(same, gF.dbeta!, 1e-6, 1e-6, `${tag}: dbeta`); // float32 sums
            }
          }
        }
      });
    }
  }

  for (const rank of RANKS) {
    it(`adaUnpool and adaUnpoolGrad, rank ${rank}`, () => {
      for (const gc of GEOS[rank]) {
        const G = naiveGeometry(gc.S, gc.g);
        const r = rng(seed++);
        const vl = f32(randomArray(r, N * C * G.outPlane));
        const Wl = f32(randomArray(r, N * C * G.outPlane * G.win));
        const Gl = f32(randomArray(r, N * C * G.inPlane));
        const mk = (a: Float32Array, dims: number[], P: number, cl: boolean) => T(cl ? cfToCl(a, N, C, P) : a, layoutShape(N, C, dims, cl));
        const run = (cl: boolean) => {
          const v = mk(vl, G.O, G.outPlane, cl);
          const W = mk(Wl, [...G.O, ...G.K], G.outPlane * G.win, cl);
          const dU = mk(Gl, gc.S, G.inPlane, cl);
          const opts = { ...gc.g, channelsLast: cl, inputSize: gc.S };
          const U = rd(guard([v, W], () => adaUnpool(v, W, opts)));
          const { dv, dmask } = guard([v, W, dU], () => adaUnpoolGrad(v, W, dU, opts));
          return { U, dv: rd(dv), dmask: rd(dmask) };
        };
        const F = run(false);
        const L = run(true);
        expectSame(clToCf(L.U, N, C, G.inPlane), F.U, 'U');
        expectSame(clToCf(L.dv, N, C, G.outPlane), F.dv, 'dv');
        expectSame(clToCf(L.dmask, N, C, G.outPlane * G.win), F.dmask, 'dmask');
      }
    });
  }
});

describe('1d/2d/3d aliases equal the generic op and check the rank', () => {
  // every name of every descriptor (emPool and its alias softPool, …), and adaUnpool
  const lib0 = core as unknown as Record<string, AnyFn>;
  const fams: { name: string; generic: AnyFn; grad: AnyFn; method: PoolMethod; unpool?: boolean }[] = [
    ...Object.values(core.poolOpDefs).flatMap((d) => [d.name, ...d.aliases].map((name) => ({ name, generic: lib0[name], grad: lib0[`${name}Grad`], method: d.method }))),
    { name: 'adaUnpool', generic: adaUnpool, grad: adaUnpoolGrad, method: 'avg', unpool: true },
  ];
  for (const fam of fams) {
    it(fam.name, () => {
      const lib = core as unknown as Record<string, AnyFn>;
      for (const rank of RANKS) {
        const alias = lib[`${fam.name}${rank}d`];
        const aliasGrad = lib[`${fam.name}${rank}dGrad`];
        expect(typeof alias, `${fam.name}${rank}d`).toBe('function');
        expect(typeof aliasGrad, `${fam.name}${rank}dGrad`).toBe('function');
        const gc = GEOS[rank][0];
        const G = naiveGeometry(gc.S, gc.g);
        const r = rng(seed++);
        const opts = { ...gc.g };
        const same = (a: any, b: any, what: string) => {
          if (a instanceof core.Tensor) return expectSame(rd(a), rd(b), what);
          for (const key of Object.keys(b)) expectSame(rd(a[key]), rd(b[key]), `${what}.${key}`);
        };
        if (fam.unpool) {
          const v = T(randomArray(r, N * C * G.outPlane), [N, C, ...G.O]);
          const W = T(randomArray(r, N * C * G.outPlane * G.win), [N, C, ...G.O, ...G.K]);
          const dU = T(randomArray(r, N * C * G.inPlane), [N, C, ...gc.S]);
          const o = { ...opts, inputSize: gc.S };
          same(guard([v, W], () => alias(v, W, o)), fam.generic(v, W, o), 'adaUnpool');
          same(guard([v, W, dU], () => aliasGrad(v, W, dU, o)), fam.grad(v, W, dU, o), 'adaUnpoolGrad');
          const wrong = rank === 1 ? 2 : 1;
          expect(() => lib[`${fam.name}${wrong}d`](v, W, o)).toThrow(AdaPoolError);
          continue;
        }
        const x = T(randomArray(r, N * C * G.inPlane), [N, C, ...gc.S]);
        const dy = T(randomArray(r, N * C * G.outPlane), [N, C, ...G.O]);
        const beta = fam.method === 'ada' ? [T([0.35], [])] : [];
        const o = { ...opts, returnMask: true };
        same(guard([x, ...beta], () => alias(x, ...beta, o)), fam.generic(x, ...beta, o), `${fam.name}${rank}d`);
        same(guard([x, ...beta, dy], () => aliasGrad(x, ...beta, dy, opts)), fam.grad(x, ...beta, dy, opts), `${fam.name}${rank}dGrad`);
        for (const wrong of RANKS.filter((q) => q !== rank)) {
          let err: unknown;
          try {
            lib[`${fam.name}${wrong}d`](x, ...beta, opts);
          } catch (e) {
            err = e;
          }
          expect(err, `${fam.name}${wrong}d on rank ${rank}`).toBeInstanceOf(AdaPoolError);
          expect((err as AdaPoolError).code).toBe('SHAPE');
        }
      }
    });
  }
});

describe('inputs are never modified (async read before and after)', () => {
  it('every op and gradient, via Tensor.read()', async () => {
    const { r, x } = input(seed++, [5, 6], false);
    const dy = T(randomArray(r, N * C * 3 * 5), [N, C, 3, 5]);
    const beta = T(randomArray(r, 15, -0.5, 1.5), [3, 5]);
    const opts = { kernelSize: [3, 2], stride: [2, 1], padding: [1, 0] };
    const before = await Promise.all([x.read(), dy.read(), beta.read()]);
    for (const m of METHODS.filter((m): m is Plain => m !== 'ada')) {
      FWD[m](x, { ...opts, returnMask: true });
      BWD[m](x, dy, opts);
    }
    const { output, mask } = adaPool(x, beta, { ...opts, returnMask: true });
    adaPoolGrad(x, beta, dy, opts);
    const mb = await mask.read();
    const ob = await output.read();
    adaUnpool(output, mask, { ...opts, inputSize: [5, 6] });
    adaUnpoolGrad(output, mask, x, { ...opts, inputSize: [5, 6] });
    const after = await Promise.all([x.read(), dy.read(), beta.read()]);
    after.forEach((a, i) => expect(Array.from(a)).toEqual(Array.from(before[i])));
    expect(Array.from(await mask.read())).toEqual(Array.from(mb));
    expect(Array.from(await output.read())).toEqual(Array.from(ob));
  });
});
