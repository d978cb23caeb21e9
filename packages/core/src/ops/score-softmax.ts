/**
 * The common form of OPERATORS.md section 3: score-softmax pooling. An op supplies its score
 * φ(x, m) and the partials a = ∂φ/∂x, b = ∂φ/∂m; this file does the softmax and the exact
 * derivative
 *   ∂y/∂x_k = w_k + w_k (x_k − y) a_k + (1/|R|) Σ_j w_j (x_j − y) b_j.
 */
import type { PoolPlan } from '../plan.js';
import { regionMean, scratchBuffer, type Region, type RegionMath } from './region.js';

export interface Partials {
  a: number;
  b: number;
}

export interface Score {
  /** σ = φ(x, m); when `out` is given also writes a = ∂φ/∂x and b = ∂φ/∂m. */
  phi(x: number, m: number, plan: PoolPlan, out?: Partials): number;
}

/** Max that propagates NaN (a NaN anywhere makes the result NaN). */
export function nanMax(v: Float64Array, r: number): number {
  let mx = -Infinity;
  for (let j = 0; j < r; j++) {
    const s = v[j];
    if (s > mx || s !== s) mx = s;
    if (mx !== mx) break;
  }
  return mx;
}

/** w = softmax_R(σ), σ_i = φ(x_i, m); returns y = Σ w_i x_i. */
export function scoreForward(reg: Region, w: Float64Array, score: Score, plan: PoolPlan): number {
  const { r, x } = reg;
  const m = regionMean(reg);
  for (let i = 0; i < r; i++) w[i] = score.phi(x[i], m, plan);
  const smax = nanMax(w, r);
  let Z = 0;
  for (let i = 0; i < r; i++) Z += w[i] = Math.exp(w[i] - smax);
  let y = 0;
  for (let i = 0; i < r; i++) y += (w[i] /= Z) * x[i];
  return y;
}

/**
 * d[k] = ∂y/∂x_k (exact); returns y. Uses scratch slots 0 and 1. x_k − y is taken as
 * (x_k − c) − Σ_i w_i (x_i − c) with c the tap of the largest weight: float64 loses about
 * |x|·2⁻⁵³ in x_k − y itself (3e22 next to 3e38, which em's a = 1 turned into a gradient of
 * 1e22), while the weights concentrate around c, so these differences stay exact.
 */
export function scoreBackward(reg: Region, d: Float64Array, score: Score, plan: PoolPlan): number {
  const { r, x } = reg;
  const w = scratchBuffer(0, r);
  const a = scratchBuffer(1, r);
  const y = scoreForward(reg, w, score, plan);
  const m = regionMean(reg);
  let top = 0;
  for (let j = 1; j < r; j++) if (w[j] > w[top]) top = j;
  const c = x[top];
  let yc = 0; // y − c
  for (let j = 0; j < r; j++) yc += w[j] * (x[j] - c);
  const p: Partials = { a: 0, b: 0 };
  let A = 0; // (1/|R|) Σ_j w_j (x_j − y) b_j
  for (let j = 0; j < r; j++) {
    score.phi(x[j], m, plan, p);
    a[j] = p.a;
    A += w[j] * (x[j] - c - yc) * p.b;
  }
  A /= r;
  for (let k = 0; k < r; k++) d[k] = w[k] + w[k] * (x[k] - c - yc) * a[k] + A;
  return y;
}

/** The region math of a pure score-softmax op (em, edscw, idw). */
export function scoreRegion(score: Score): RegionMath {
  return {
    forward: (reg, w, plan) => scoreForward(reg, w, score, plan),
    backward: (reg, d, plan) => (scoreBackward(reg, d, score, plan), 0),
  };
}
