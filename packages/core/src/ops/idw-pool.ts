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
  aliases: [],
  section: '4.5',
  formula: 'y = Σ_i w_i x_i,  w_i ∝ 1 / √((x_i − m)² + ε²),  m = mean_R x',
  layer: { cls: 'IDWPool', op: 'idwPool' },
  beta: false,
  indices: false,
  options: {
    idwEps: { kind: 'number', default: 1e-6, doc: 'ε of the distance √((x − m)² + ε²) (OPERATORS.md 4.5), default 1e-6.', valid: (e) => Number.isFinite(e) && e > 0, must: 'a finite number > 0' },
  },
  region: /* @__PURE__ */ scoreRegion(idwScore),
};
