/**
 * lpPool (OPERATORS.md 4.2a): S = Σ_R |x_i|^p, y = S^{1/p}, w_i = |x_i|^p / S (uniform 1/|R| when
 * S = 0), ∂y/∂x_k = sign(x_k)·(|x_k|/y)^{p−1} (0 when y = 0). The region's m = max |x| is
 * factored out, y = m·(Σ (|x_i|/m)^p)^{1/p}, so that p = 64 and |x| = 1e30 neither overflow nor
 * underflow; a NaN makes m NaN (and with it y and every weight), as does an infinite |x|.
 */
import type { PoolPlan } from '../plan.js';
import type { PoolOpDef, Region } from './region.js';

/** p from the plan's own options (planPool filled its default). */
const P = (plan: PoolPlan): number => plan.params.p as number;

/** max |x_i| over the region, NaN if any x_i is NaN. */
function maxAbs(reg: Region): number {
  let m = 0;
  for (let i = 0; i < reg.r; i++) {
    const a = Math.abs(reg.x[i]);
    if (a > m || a !== a) m = a;
    if (m !== m) break;
  }
  return m;
}

export const lpPoolDef: PoolOpDef = {
  name: 'lpPool',
  method: 'lp',
  aliases: [],
  section: '4.2a',
  formula: 'y = (Σ_{i∈R} |x_i|^p)^{1/p},  w_i = |x_i|^p / Σ_j |x_j|^p',
  layer: { cls: 'LpPool', op: 'lpPool' },
  beta: false,
  indices: false,
  options: {
    p: { kind: 'number', default: 2, doc: 'The power p (OPERATORS.md 4.2a), 1 ≤ p ≤ 64, default 2.', valid: (p) => p >= 1 && p <= 64, must: 'a number with 1 ≤ p ≤ 64' },
  },
  region: {
    forward(reg, w, plan) {
      const m = maxAbs(reg);
      if (m === 0) {
        for (let i = 0; i < reg.r; i++) w[i] = 1 / reg.r;
        return 0;
      }
      let s = 0;
      for (let i = 0; i < reg.r; i++) s += w[i] = (Math.abs(reg.x[i]) / m) ** P(plan);
      for (let i = 0; i < reg.r; i++) w[i] /= s;
      return m * s ** (1 / P(plan));
    },
    backward(reg, d, plan) {
      const m = maxAbs(reg);
      if (m === 0) {
        d.fill(0, 0, reg.r);
        return 0;
      }
      let s = 0;
      for (let i = 0; i < reg.r; i++) s += (Math.abs(reg.x[i]) / m) ** P(plan);
      const y = m * s ** (1 / P(plan));
      for (let k = 0; k < reg.r; k++) d[k] = Math.sign(reg.x[k]) * (Math.abs(reg.x[k]) / y) ** (P(plan) - 1);
      return 0;
    },
  },
};
