/**
 * edscwPool (OPERATORS.md 4.4): φ = D(x, m) = 2|x m| / (x² + m²), D(0,0) = 1, evaluated scale-free
 * (x̂ = x/M, m̂ = m/M, M = max(|x|,|m|)) so that x² never overflows; partials with ς = sgn(x·m):
 *   ∂_x D = 2ς m̂ (m̂² − x̂²) / ((x̂² + m̂²)² M),   ∂_m D = 2ς x̂ (x̂² − m̂²) / ((x̂² + m̂²)² M).
 */
import type { PoolOpDef } from './region.js';
import { scoreRegion, type Score } from './score-softmax.js';

export const dscScore: Score = {
  phi(x, m, _plan, out) {
    const M = Math.max(Math.abs(x), Math.abs(m));
    if (M === 0) {
      if (out) out.a = out.b = 0;
      return 1;
    }
    const xh = x / M;
    const mh = m / M;
    const q = xh * xh + mh * mh;
    if (out) {
      const sg = Math.sign(x) * Math.sign(m);
      const den = q * q * M;
      out.a = (2 * sg * mh * (mh * mh - xh * xh)) / den;
      out.b = (2 * sg * xh * (xh * xh - mh * mh)) / den;
    }
    return (2 * Math.abs(xh * mh)) / q;
  },
};

export const edscwPoolDef: PoolOpDef = {
  name: 'edscwPool',
  method: 'edscw',
  aliases: [],
  section: '4.4',
  formula: 'y = Σ_i w_i x_i,  w_i ∝ e^{D(x_i, m)},  D(x, m) = 2|x m| / (x² + m²),  m = mean_R x',
  layer: { cls: 'EDSCWPool', op: 'edscwPool' },
  beta: false,
  indices: false,
  options: {},
  region: /* @__PURE__ */ scoreRegion(dscScore),
};
