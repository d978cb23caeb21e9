/**
 * adaUnpool (OPERATORS.md 4.7): scatters values v (pooled shape) with saved weights W (a mask of
 * the same geometry) back to the input grid: U_p = Σ_{(o,κ): π(o,κ)=p} v_o W_{o,κ}. Positions
 * covered by no window get 0, overlaps add, invalid taps of W are ignored. Its plan comes from
 * `planUnpool` (plan.ts: inputSize given or inferred, and it must reproduce v's size).
 * Backward: ∂ℒ/∂v_o = Σ_κ W_{o,κ} G_{π(o,κ)}, ∂ℒ/∂W_{o,κ} = v_o G_{π(o,κ)} (0 at invalid taps).
 */
import type { PoolPlan } from '../plan.js';
import { forEachPlane, regionTable } from '../reference.js';

export const adaUnpoolOptions = ['inputSize'] as const;

export function referenceUnpool(plan: PoolPlan, v: ArrayLike<number>, mask: ArrayLike<number>): Float64Array {
  const T = regionTable(plan);
  const U = new Float64Array(plan.inputElements);
  forEachPlane(plan, (xBase, yBase, mBase) => {
    for (let oi = 0; oi < T.outputs; oi++) {
      const vo = v[yBase + T.outputOffset[oi]];
      const m0 = mBase + T.maskOffset[oi];
      for (let j = oi * T.W, end = j + T.count[oi]; j < end; j++) {
        U[xBase + T.tapInput[j]] += vo * mask[m0 + T.kappaMaskOffset[T.tapKappa[j]]];
      }
    }
  });
  return U;
}

export function referenceUnpoolGrad(
  plan: PoolPlan,
  v: ArrayLike<number>,
  mask: ArrayLike<number>,
  dU: ArrayLike<number>,
): { dv: Float64Array; dmask: Float64Array } {
  const T = regionTable(plan);
  const dv = new Float64Array(plan.outputElements);
  const dmask = new Float64Array(plan.maskElements);
  forEachPlane(plan, (xBase, yBase, mBase) => {
    for (let oi = 0; oi < T.outputs; oi++) {
      const yo = yBase + T.outputOffset[oi];
      const m0 = mBase + T.maskOffset[oi];
      let acc = 0;
      for (let j = oi * T.W, end = j + T.count[oi]; j < end; j++) {
        const G = dU[xBase + T.tapInput[j]];
        const mi = m0 + T.kappaMaskOffset[T.tapKappa[j]];
        acc += mask[mi] * G;
        dmask[mi] = v[yo] * G;
      }
      dv[yo] = acc;
    }
  });
  return { dv, dmask };
}
