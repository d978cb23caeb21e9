/**
 * The float64 reference gradients (referencePoolGrad, referenceUnpoolGrad) against central finite
 * differences of L = Σ dy·output computed with the float64 forward (referencePool,
 * referenceUnpool), for every op, ranks 1-3, strided (stride ≠ kernel, padding, dilation, ceil
 * mode) and adaptive (non-dividing) geometry, both layouts. Inputs are kept away from the kinks
 * (OPERATORS.md section 6); β away from 0 and 1.
 *
 * Also: the exact gradient must differ from the "weights as constants" shortcut Σ_o g_o w_{o,p}
 * (OPERATORS.md section 8 #7) for em/edscw/idw/ada, and equal it for avg/max.
 */
import { describe, expect, it } from 'vitest';
import {
  planUnpool,
  referencePool,
  referencePoolGrad,
  referenceUnpool,
  referenceUnpoolGrad,
  type PoolMethod,
} from '@adapool/core';
import {
  awayFromKinks,
  centralFD,
  cfToCl,
  dot,
  dummy,
  expectClose,
  layoutShape,
  maxAbs,
  naiveGeometry,
  poolPlan,
  randomArray,
  rng,
  uniform,
  type Geo,
} from './helpers/fd.js';

/** FD vs analytic: |Δ| ≤ ATOL + RTOL·|fd|. Observed |Δ| ≤ 2.3e-9 with gradients of size ~1. */
const RTOL = 1e-6;
const ATOL = 5e-8;

interface GeoCase {
  name: string;
  S: number[];
  g: Geo;
  N: number;
  C: number;
}

const GEOS: Record<1 | 2 | 3, GeoCase[]> = {
  1: [
    { name: 'k3 s2 p1', S: [7], g: { kernelSize: 3, stride: 2, padding: 1 }, N: 2, C: 3 },
    { name: 'k2 s1 d2 p1 (overlap, dilation)', S: [7], g: { kernelSize: 2, stride: 1, dilation: 2, padding: 1 }, N: 2, C: 2 },
    { name: 'k3 s2 ceil (partial last window)', S: [6], g: { kernelSize: 3, stride: 2, ceilMode: true }, N: 2, C: 2 },
    { name: 'k3 s3 p1 d2 ceil (1-tap window)', S: [7], g: { kernelSize: 3, stride: 3, padding: 1, dilation: 2, ceilMode: true }, N: 1, C: 3 },
    { name: 'k4 s3 p2', S: [7], g: { kernelSize: 4, stride: 3, padding: 2 }, N: 2, C: 2 },
    { name: 'k2 s2 p1 ceil (window starting in the padding dropped)', S: [5], g: { kernelSize: 2, stride: 2, padding: 1, ceilMode: true }, N: 2, C: 2 },
    { name: 'adaptive 7→3', S: [7], g: { outputSize: 3 }, N: 2, C: 2 },
    { name: 'adaptive 5→3', S: [5], g: { outputSize: 3 }, N: 2, C: 2 },
    { name: 'adaptive 3→5 (O > L)', S: [3], g: { outputSize: 5 }, N: 2, C: 2 },
  ],
  2: [
    { name: 'k[3,2] s[2,1] p[1,0]', S: [5, 6], g: { kernelSize: [3, 2], stride: [2, 1], padding: [1, 0] }, N: 2, C: 2 },
    { name: 'k2 s1 d2 p1', S: [5, 5], g: { kernelSize: 2, stride: 1, dilation: 2, padding: 1 }, N: 1, C: 2 },
    { name: 'k3 s2 p[1,0] ceil', S: [6, 5], g: { kernelSize: 3, stride: 2, padding: [1, 0], ceilMode: true }, N: 2, C: 2 },
    { name: 'k[2,3] s[3,1] d[1,2] p1', S: [5, 6], g: { kernelSize: [2, 3], stride: [3, 1], dilation: [1, 2], padding: 1 }, N: 1, C: 2 },
    { name: 'adaptive [5,7]→[3,4]', S: [5, 7], g: { outputSize: [3, 4] }, N: 2, C: 2 },
    { name: 'adaptive [3,2]→[4,3] (O > L)', S: [3, 2], g: { outputSize: [4, 3] }, N: 1, C: 3 },
  ],
  3: [
    { name: 'k[2,3,2] s[1,2,2] p[1,1,0]', S: [4, 5, 3], g: { kernelSize: [2, 3, 2], stride: [1, 2, 2], padding: [1, 1, 0] }, N: 1, C: 2 },
    { name: 'k2 s1 d[1,2,2] p[0,1,1] ceil', S: [3, 4, 5], g: { kernelSize: 2, stride: 1, dilation: [1, 2, 2], padding: [0, 1, 1], ceilMode: true }, N: 1, C: 2 },
    { name: 'k3 s2 p1 ceil', S: [5, 4, 4], g: { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }, N: 1, C: 2 },
    { name: 'adaptive [4,5,3]→[3,2,2]', S: [4, 5, 3], g: { outputSize: [3, 2, 2] }, N: 2, C: 1 },
  ],
};

interface OpCase {
  label: string;
  method: Exclude<PoolMethod, 'ada'>;
  extra: Record<string, unknown>;
  /** The exact gradient differs from Σ g·w (true) or equals it (false). */
  weightsDependOnX: boolean;
}

const OPS: OpCase[] = [
  { label: 'avgPool', method: 'avg', extra: {}, weightsDependOnX: false },
  { label: 'avgPool countIncludePad', method: 'avg', extra: { countIncludePad: true }, weightsDependOnX: false },
  { label: 'maxPool', method: 'max', extra: {}, weightsDependOnX: false },
  { label: 'emPool', method: 'em', extra: {}, weightsDependOnX: true },
  { label: 'edscwPool', method: 'edscw', extra: {}, weightsDependOnX: true },
  { label: 'idwPool', method: 'idw', extra: {}, weightsDependOnX: true },
  { label: 'idwPool idwEps=0.1', method: 'idw', extra: { idwEps: 0.1 }, weightsDependOnX: true },
  { label: 'idwPool idwEps=0.7', method: 'idw', extra: { idwEps: 0.7 }, weightsDependOnX: true },
  { label: 'lpPool', method: 'lp', extra: {}, weightsDependOnX: true },
  { label: 'lpPool p=1', method: 'lp', extra: { p: 1 }, weightsDependOnX: true },
  { label: 'lpPool p=3.5', method: 'lp', extra: { p: 3.5 }, weightsDependOnX: true },
  { label: 'lpPool p=9', method: 'lp', extra: { p: 9 }, weightsDependOnX: true },
];

const LAYOUTS = [false, true] as const;
const layoutName = (cl: boolean) => (cl ? 'channelsLast' : 'channelsFirst');

let seedCounter = 1;

/** Logical inputs away from the kinks, laid out as requested. */
function makeInput(r: () => number, gc: GeoCase, cl: boolean) {
  const G = naiveGeometry(gc.S, gc.g);
  const xl = awayFromKinks(r, gc.N, gc.C, G);
  const x = cl ? cfToCl(xl, gc.N, gc.C, G.inPlane) : xl;
  return { G, x, shape: layoutShape(gc.N, gc.C, gc.S, cl) };
}

/** Σ_o g_o w_{o,p}: the weights-as-constants "gradient" (OPERATORS.md 8 #7). */
function shortcut(plan: ReturnType<typeof poolPlan>, x: Float64Array, dy: Float64Array, beta?: Float64Array): Float64Array {
  const { mask } = referencePool({ ...plan, returnMask: true }, x, beta);
  return referenceUnpool(plan, dy, mask!);
}

function checkPool(op: OpCase, gc: GeoCase, cl: boolean): void {
  const label = `${op.label} ${gc.name} ${layoutName(cl)}`;
  const r = rng(1000 + seedCounter++);
  const { G, x, shape } = makeInput(r, gc, cl);
  const plan = poolPlan(op.method, shape, { ...gc.g, ...op.extra, channelsLast: cl });
  expect(plan.outSize, `${label}: output size`).toEqual(G.O);
  const dy = randomArray(r, plan.outputElements);
  const { dx, dbeta } = referencePoolGrad(plan, x, dy);
  expect(dbeta).toBeUndefined();
  const fd = centralFD((v) => dot(dy, referencePool(plan, v).output), x);
  expectClose(dx, fd, RTOL, ATOL, `${label}: dx vs FD`);

  const sc = shortcut(plan, x, dy);
  // idwPool with |R| ≤ 2 everywhere is the average (OPERATORS.md 4.5): its weights are constant.
  const maxR = Math.max(...G.regions.map((R) => R.pos.length));
  if (op.weightsDependOnX && !(op.method === 'idw' && maxR <= 2)) {
    // the exact gradient is not Σ g·w, and finite differences agree with the exact one only
    const diff = maxAbs(dx.map((v, i) => v - sc[i]));
    expect(diff, `${label}: exact gradient must differ from the weights-as-constants shortcut`).toBeGreaterThan(1e-2 * maxAbs(dx));
    expect(maxAbs(fd.map((v, i) => v - sc[i])), `${label}: FD must disagree with the shortcut`).toBeGreaterThan(1e-2 * maxAbs(fd));
  } else {
    expectClose(dx, sc, 1e-12, 1e-14, `${label}: gradient is Σ g·w (avg, max, idw with |R| ≤ 2)`);
  }
}

describe.each([1, 2, 3] as const)('rank %i: pooling dx vs central differences', (rank) => {
  for (const gc of GEOS[rank]) {
    for (const op of OPS) {
      it(`${op.label}, ${gc.name}, S=[${gc.S}]`, () => {
        for (const cl of LAYOUTS) checkPool(op, gc, cl);
      });
    }
  }
});

// ------------------------------------------------------------------------------------------------
// adaPool: dx and dβ, every β broadcast form

type BetaForm = 'scalar []' | 'scalar [1,…,1]' | 'per-position' | 'per-channel' | 'per-sample-channel' | 'full';
const FORMS: BetaForm[] = ['scalar []', 'scalar [1,…,1]', 'per-position', 'per-channel', 'per-sample-channel', 'full'];

function betaShape(form: BetaForm, N: number, C: number, O: number[], cl: boolean): number[] {
  const ones = O.map(() => 1);
  switch (form) {
    case 'scalar []':
      return [];
    case 'scalar [1,…,1]':
      return [1, 1, ...ones];
    case 'per-position':
      return cl ? [...O, 1] : [...O];
    case 'per-channel':
      return cl ? [C] : [C, ...ones];
    case 'per-sample-channel':
      return cl ? [N, ...ones, C] : [N, C, ...ones];
    case 'full':
      return cl ? [N, ...O, C] : [N, C, ...O];
  }
}

/** β values inside (0,1) and outside [0,1], all at least 0.05 from 0 and 1. */
function betaValue(r: () => number): number {
  const u = r();
  if (u < 0.6) return uniform(r, 0.05, 0.95);
  if (u < 0.8) return uniform(r, -1.5, -0.05);
  return uniform(r, 1.05, 2.5);
}

function checkAda(gc: GeoCase, cl: boolean, form: BetaForm, scalarValue?: number): void {
  const label = `adaPool ${gc.name} ${layoutName(cl)} β ${form}${scalarValue !== undefined ? ` = ${scalarValue}` : ''}`;
  const r = rng(5000 + seedCounter++);
  const { G, x, shape } = makeInput(r, gc, cl);
  const bShape = betaShape(form, gc.N, gc.C, G.O, cl);
  const plan = poolPlan('ada', shape, { ...gc.g, channelsLast: cl }, bShape);
  const nb = bShape.reduce((p, d) => p * d, 1);
  const beta = new Float64Array(nb);
  for (let i = 0; i < nb; i++) beta[i] = scalarValue ?? betaValue(r);
  const dy = randomArray(r, plan.outputElements);
  const { dx, dbeta } = referencePoolGrad(plan, x, dy, beta);
  expect(dbeta, `${label}: dbeta`).toBeDefined();
  expect(dbeta!.length).toBe(nb);
  const L = (xv: ArrayLike<number>, bv: ArrayLike<number>) => dot(dy, referencePool(plan, xv, bv).output);
  expectClose(dx, centralFD((v) => L(v, beta), x), RTOL, ATOL, `${label}: dx vs FD`);
  expectClose(dbeta!, centralFD((b) => L(x, b), beta), RTOL, ATOL, `${label}: dbeta vs FD`);
  for (let i = 0; i < nb; i++) {
    if (beta[i] < 0 || beta[i] > 1) expect(dbeta![i], `${label}: dbeta outside [0,1] is exactly 0`).toBe(0);
  }
  // exact ≠ weights-as-constants (unless β is clamped… both halves have x-dependent weights)
  const sc = shortcut(plan, x, dy, beta);
  expect(maxAbs(dx.map((v, i) => v - sc[i])), `${label}: differs from the shortcut`).toBeGreaterThan(1e-2 * maxAbs(dx));
}

describe.each([1, 2, 3] as const)('rank %i: adaPool dx and dbeta vs central differences', (rank) => {
  for (const gc of GEOS[rank]) {
    it(`every β form, ${gc.name}, S=[${gc.S}]`, () => {
      for (const cl of LAYOUTS) {
        for (const form of FORMS) {
          if (form === 'scalar []') for (const b of [0.37, -0.4, 1.6]) checkAda(gc, cl, form, b);
          else checkAda(gc, cl, form);
        }
      }
    });
  }
});

// ------------------------------------------------------------------------------------------------
// adaUnpool: dv and dmask

function checkUnpool(gc: GeoCase, cl: boolean, inferSize: boolean): void {
  const label = `adaUnpool ${gc.name} ${layoutName(cl)}${inferSize ? ' (default inputSize)' : ''}`;
  const r = rng(9000 + seedCounter++);
  const G = naiveGeometry(gc.S, gc.g);
  const vShape = layoutShape(gc.N, gc.C, G.O, cl);
  const opts: Record<string, unknown> = { ...gc.g, channelsLast: cl };
  if (!inferSize) opts.inputSize = gc.S;
  const { plan } = planUnpool('adaUnpool', dummy(vShape), opts, undefined);
  if (!inferSize) expect(plan.inSize, `${label}: input size`).toEqual(gc.S);
  // arbitrary W (not a pooling mask), non-zero at invalid taps too: they must be ignored
  const v = randomArray(r, plan.outputElements);
  const mask = randomArray(r, plan.maskElements);
  const dU = randomArray(r, plan.inputElements);
  const { dv, dmask } = referenceUnpoolGrad(plan, v, mask, dU);
  expectClose(dv, centralFD((vv) => dot(dU, referenceUnpool(plan, vv, mask)), v), RTOL, ATOL, `${label}: dv vs FD`);
  expectClose(dmask, centralFD((mm) => dot(dU, referenceUnpool(plan, v, mm)), mask), RTOL, ATOL, `${label}: dmask vs FD`);
}

describe.each([1, 2, 3] as const)('rank %i: adaUnpool dv and dmask vs central differences', (rank) => {
  for (const gc of GEOS[rank]) {
    it(`${gc.name}, S=[${gc.S}]`, () => {
      for (const cl of LAYOUTS) {
        checkUnpool(gc, cl, false);
        if (!gc.g.outputSize && !gc.g.ceilMode) checkUnpool(gc, cl, true);
      }
    });
  }
});
