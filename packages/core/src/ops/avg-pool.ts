/** avgPool (OPERATORS.md 4.1): w_i = 1/|R| (or 1/P(o) with countIncludePad), ∂y/∂x_k = w_k. */
import type { PoolPlan } from '../plan.js';
import type { PoolOpDef, Region } from './region.js';

const divisor = (reg: Region, plan: PoolPlan): number => (plan.countIncludePad ? reg.padded : reg.r);

export const avgPoolDef: PoolOpDef = {
  name: 'avgPool',
  method: 'avg',
  aliases: [],
  section: '4.1',
  formula: 'y = (1/|R|) Σ_{i∈R} x_i',
  layer: { cls: 'AvgPool', op: 'avgPool' },
  beta: false,
  indices: false,
  options: { countIncludePad: { kind: 'boolean', default: false, doc: 'Divide by the taps inside the padded input instead of the valid ones (OPERATORS.md 4.1).' } },
  region: {
    forward(reg, w, plan) {
      const P = divisor(reg, plan);
      let s = 0;
      for (let i = 0; i < reg.r; i++) {
        s += reg.x[i];
        w[i] = 1 / P;
      }
      return s / P;
    },
    backward(reg, d, plan) {
      const P = divisor(reg, plan);
      for (let k = 0; k < reg.r; k++) d[k] = 1 / P;
      return 0;
    },
  },
};
