/**
 * The reference engine: walks every region of a plan in N-d and applies an op's region math in
 * float64. Inputs are any `ArrayLike<number>` (so finite-difference checks can feed float64),
 * laid out as the plan says. This is the oracle every backend is checked against.
 */
import { axisPaddedCounts, axisTaps } from './geometry.js';
import type { PoolPlan } from './plan.js';
import { poolOpDefs } from './ops/index.js';
import type { Region, RegionMath } from './ops/region.js';

export { poolOpDefs };

/**
 * Every region of a plan, independent of (n, c): for spatial output `oi` (row-major over O),
 * `count[oi]` valid taps at `tap*[oi·W + j]`, j < count (W = Π K).
 */
export interface RegionTable {
  readonly outputs: number;
  readonly W: number;
  readonly count: Int32Array;
  /** Spatial offset of the tap in the input (layout strides). */
  readonly tapInput: Int32Array;
  /** Flat tap index κ (row-major over K). */
  readonly tapKappa: Int32Array;
  /** Row-major flat spatial index of the tap in the input plane (maxPool indices). */
  readonly tapFlat: Int32Array;
  /** countIncludePad divisor P(o). */
  readonly padded: Int32Array;
  /** Spatial offsets of output o in the output, mask (o part) and β. */
  readonly outputOffset: Int32Array;
  readonly maskOffset: Int32Array;
  readonly betaOffset: Int32Array;
  /** Mask offset of tap κ (κ part). */
  readonly kappaMaskOffset: Int32Array;
}

export function regionTable(plan: PoolPlan): RegionTable {
  const { n, axes, outSize, window, inSize } = plan;
  const taps = axes.map(axisTaps);
  const pads = axes.map(axisPaddedCounts);
  const outputs = outSize.reduce((p, d) => p * d, 1);
  const W = plan.windowSize;
  const count = new Int32Array(outputs);
  const tapInput = new Int32Array(outputs * W);
  const tapKappa = new Int32Array(outputs * W);
  const tapFlat = new Int32Array(outputs * W);
  const padded = new Int32Array(outputs);
  const outputOffset = new Int32Array(outputs);
  const maskOffset = new Int32Array(outputs);
  const betaOffset = new Int32Array(outputs);
  const kappaMaskOffset = new Int32Array(W);
  const xs = plan.inputStrides.s;
  const ms = plan.maskStrides.s;
  const bs = plan.beta?.strides.s;
  const o = new Array<number>(n);
  const kap = new Array<number>(n);
  const decode = (flat: number, dims: readonly number[], out: number[]) => {
    for (let a = n - 1; a >= 0; a--) {
      out[a] = flat % dims[a];
      flat = Math.floor(flat / dims[a]);
    }
  };
  for (let ki = 0; ki < W; ki++) {
    decode(ki, window, kap);
    let off = 0;
    for (let a = 0; a < n; a++) off += kap[a] * ms[n + a];
    kappaMaskOffset[ki] = off;
  }
  for (let oi = 0; oi < outputs; oi++) {
    decode(oi, outSize, o);
    let yo = 0;
    let mo = 0;
    let bo = 0;
    let P = 1;
    for (let a = 0; a < n; a++) {
      yo += o[a] * plan.outputStrides.s[a];
      mo += o[a] * ms[a];
      if (bs) bo += o[a] * bs[a];
      P *= pads[a][o[a]];
    }
    outputOffset[oi] = yo;
    maskOffset[oi] = mo;
    betaOffset[oi] = bo;
    padded[oi] = P;
    let c = 0;
    for (let ki = 0; ki < W; ki++) {
      decode(ki, window, kap);
      let xo = 0;
      let flat = 0;
      let valid = true;
      for (let a = 0; a < n; a++) {
        const pos = taps[a][o[a] * window[a] + kap[a]];
        if (pos < 0) {
          valid = false;
          break;
        }
        xo += pos * xs[a];
        flat = flat * inSize[a] + pos;
      }
      if (!valid) continue;
      const j = oi * W + c++;
      tapInput[j] = xo;
      tapKappa[j] = ki;
      tapFlat[j] = flat;
    }
    count[oi] = c;
  }
  return { outputs, W, count, tapInput, tapKappa, tapFlat, padded, outputOffset, maskOffset, betaOffset, kappaMaskOffset };
}

/**
 * Calls `fn(oi, base)` for every (n, c, spatial output) with the plane bases of input, output,
 * mask and β for that (n, c).
 */
export function forEachPlane(
  plan: PoolPlan,
  fn: (xBase: number, yBase: number, mBase: number, bBase: number) => void,
): void {
  const { inputStrides: xs, outputStrides: ys, maskStrides: ms } = plan;
  const bs = plan.beta?.strides;
  for (let b = 0; b < plan.N; b++) {
    for (let c = 0; c < plan.C; c++) {
      fn(b * xs.n + c * xs.c, b * ys.n + c * ys.c, b * ms.n + c * ms.c, bs ? b * bs.n + c * bs.c : 0);
    }
  }
}

function newRegion(W: number): Region {
  return { r: 0, x: new Float64Array(Math.max(W, 1)), padded: 0, beta: NaN, argmax: -1 };
}

export interface ReferencePoolResult {
  output: Float64Array;
  mask?: Float64Array;
  indices?: Int32Array;
}

/** Forward pooling in float64: output (and mask, indices when `plan.returnMask`). */
export function referencePool(plan: PoolPlan, x: ArrayLike<number>, beta?: ArrayLike<number>): ReferencePoolResult {
  return poolWith(poolOpDefs[plan.method].region, plan, x, beta);
}

/** `referencePool` with the op's math given (the js backend carries only the ops in use). */
export function poolWith(math: RegionMath, plan: PoolPlan, x: ArrayLike<number>, beta?: ArrayLike<number>): ReferencePoolResult {
  const T = regionTable(plan);
  const output = new Float64Array(plan.outputElements);
  const mask = plan.returnMask ? new Float64Array(plan.maskElements) : undefined;
  const indices = plan.returnMask && plan.method === 'max' ? new Int32Array(plan.outputElements).fill(-1) : undefined;
  const reg = newRegion(T.W);
  const w = new Float64Array(Math.max(T.W, 1));
  forEachPlane(plan, (xBase, yBase, mBase, bBase) => {
    for (let oi = 0; oi < T.outputs; oi++) {
      const r = (reg.r = T.count[oi]);
      if (r === 0) continue; // empty region: output 0, mask 0, index −1 (OPERATORS.md 2.3)
      const t0 = oi * T.W;
      for (let j = 0; j < r; j++) reg.x[j] = x[xBase + T.tapInput[t0 + j]];
      reg.padded = T.padded[oi];
      reg.beta = beta ? beta[bBase + T.betaOffset[oi]] : NaN;
      output[yBase + T.outputOffset[oi]] = math.forward(reg, w, plan);
      if (mask) {
        const m0 = mBase + T.maskOffset[oi];
        for (let j = 0; j < r; j++) mask[m0 + T.kappaMaskOffset[T.tapKappa[t0 + j]]] = w[j];
      }
      if (indices) indices[yBase + T.outputOffset[oi]] = T.tapFlat[t0 + reg.argmax];
    }
  });
  return { output, mask, indices };
}

/** Exact vector-Jacobian product in float64: dx (and dβ with β's shape for adaPool). */
export function referencePoolGrad(
  plan: PoolPlan,
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
  beta?: ArrayLike<number>,
): { dx: Float64Array; dbeta?: Float64Array } {
  return poolGradWith(poolOpDefs[plan.method].region, plan, x, dy, beta);
}

/** `referencePoolGrad` with the op's math given. */
export function poolGradWith(
  math: RegionMath,
  plan: PoolPlan,
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
  beta?: ArrayLike<number>,
): { dx: Float64Array; dbeta?: Float64Array } {
  const T = regionTable(plan);
  const dx = new Float64Array(plan.inputElements);
  const dbeta = beta && plan.beta ? new Float64Array(plan.beta.size) : undefined;
  const reg = newRegion(T.W);
  const d = new Float64Array(Math.max(T.W, 1));
  forEachPlane(plan, (xBase, yBase, _mBase, bBase) => {
    for (let oi = 0; oi < T.outputs; oi++) {
      const r = (reg.r = T.count[oi]);
      if (r === 0) continue;
      const t0 = oi * T.W;
      for (let j = 0; j < r; j++) reg.x[j] = x[xBase + T.tapInput[t0 + j]];
      reg.padded = T.padded[oi];
      reg.beta = beta ? beta[bBase + T.betaOffset[oi]] : NaN;
      const g = dy[yBase + T.outputOffset[oi]];
      const dBeta = math.backward(reg, d, plan);
      for (let j = 0; j < r; j++) dx[xBase + T.tapInput[t0 + j]] += g * d[j];
      if (dbeta) dbeta[bBase + T.betaOffset[oi]] += g * dBeta;
    }
  });
  return { dx, dbeta };
}
