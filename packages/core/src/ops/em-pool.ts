/** emPool = SoftPool (OPERATORS.md 4.3): φ(x, m) = x, so w = softmax_R(x), ∂y/∂x_k = w_k (1 + x_k − y). */
import type { PoolOpDef } from './region.js';
import { scoreRegion, type Score } from './score-softmax.js';

export const emScore: Score = {
  phi(x, _m, _plan, out) {
    if (out) {
      out.a = 1;
      out.b = 0;
    }
    return x;
  },
};

export const emPoolDef: PoolOpDef = {
  name: 'emPool',
  method: 'em',
  aliases: ['softPool'],
  section: '4.3',
  formula: 'y = Σ_i w_i x_i,  w_i = e^{x_i} / Σ_j e^{x_j}',
  layer: { cls: 'SoftPool', op: 'softPool' },
  beta: false,
  indices: false,
  options: {},
  region: /* @__PURE__ */ scoreRegion(emScore),
};
