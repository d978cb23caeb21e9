/**
 * idwPool (OPERATORS.md 4.5): u = x − m, δ = hypot(u, ε), w ∝ 1/δ, i.e. φ = −log δ with
 * a = q = −(u/δ)/δ and b = −q.
 */
import type { PoolOpDef } from './region.js';
import { scoreRegion, type Score } from './score-softmax.js';

export const idwScore: Score = {
  phi(x, m, plan, out) {
    const u = x - m;
    const delta = Math.hypot(u, plan.idwEps);
    if (out) {
      out.a = -(u / delta) / delta;
      out.b = -out.a;
    }
    return -Math.log(delta);
  },
};

export const idwPoolDef: PoolOpDef = {
  name: 'idwPool',
  method: 'idw',
  options: ['returnMask', 'idwEps'],
  region: /* @__PURE__ */ scoreRegion(idwScore),
};
