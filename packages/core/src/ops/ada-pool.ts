/**
 * adaPool (OPERATORS.md 4.6): β̂ = clamp(β, 0, 1), y = β̂ y^D + (1 − β̂) y^M, mask likewise,
 * ∂y/∂x = β̂ ∂y^D/∂x + (1 − β̂) ∂y^M/∂x, ∂y/∂β = (y^D − y^M)·1[0 ≤ β ≤ 1].
 * β broadcasting is validated by `planBeta` (plan.ts); here β arrives per region.
 */
import { dscScore } from './edscw-pool.js';
import { emScore } from './em-pool.js';
import { scratchBuffer, type PoolOpDef } from './region.js';
import { scoreBackward, scoreForward } from './score-softmax.js';

export const clampBeta = (beta: number): number => Math.min(Math.max(beta, 0), 1);
/** Derivative of the clamp, boundaries inclusive (PyTorch rule). */
export const clampBetaGrad = (beta: number): number => (beta >= 0 && beta <= 1 ? 1 : 0);

export const adaPoolDef: PoolOpDef = {
  name: 'adaPool',
  method: 'ada',
  aliases: [],
  section: '4.6',
  formula: 'y = β̂ · edscwPool(x) + (1 − β̂) · softPool(x),  β̂ = clamp(β, 0, 1)',
  layer: { cls: 'AdaPool', op: 'adaPool' },
  beta: true,
  indices: false,
  options: {},
  region: {
    forward(reg, w, plan) {
      const b = clampBeta(reg.beta);
      const wD = scratchBuffer(2, reg.r);
      const wM = scratchBuffer(3, reg.r);
      const yD = scoreForward(reg, wD, dscScore, plan);
      const yM = scoreForward(reg, wM, emScore, plan);
      for (let i = 0; i < reg.r; i++) w[i] = b * wD[i] + (1 - b) * wM[i];
      return b * yD + (1 - b) * yM;
    },
    backward(reg, d, plan) {
      const b = clampBeta(reg.beta);
      const dD = scratchBuffer(2, reg.r);
      const dM = scratchBuffer(3, reg.r);
      const yD = scoreBackward(reg, dD, dscScore, plan);
      const yM = scoreBackward(reg, dM, emScore, plan);
      for (let k = 0; k < reg.r; k++) d[k] = b * dD[k] + (1 - b) * dM[k];
      return (yD - yM) * clampBetaGrad(reg.beta);
    },
  },
};
