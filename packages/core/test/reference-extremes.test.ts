/**
 * The float64 reference at the ends of the float32 range (OPERATORS.md 5, issue 9): its results
 * are what every backend is held to, so they must be right there too.
 */
import * as ap from '@adapool/core';
import { describe, expect, it } from 'vitest';

describe('reference at ±3e38', () => {
  it('a region of equal huge values has the uniform gradient 1/|R| for every score op (x − y is exact)', () => {
    // y = Σ w x in float64 differs from x by ≈ |x|·2⁻⁵³ (3e22 at 3e38): taken as x − y, em's
    // gradient w(1 + x − y) was 1.26e22 instead of 1/3
    for (const v of [3e38, -3e38, 1.7e38, -1e30]) {
      const x = ap.tensor([v, v, v, 0.5, -2, 1], [1, 1, 6]);
      const dy = ap.tensor([1, 1], [1, 1, 2]);
      const opts = { kernelSize: 3 };
      for (const dx of [ap.emPool1dGrad(x, dy, opts), ap.edscwPool1dGrad(x, dy, opts), ap.idwPool1dGrad(x, dy, opts), ap.adaPool1dGrad(x, 0.3, dy, opts).dx]) {
        const d = Array.from(dx.readSync());
        for (const g of d.slice(0, 3)) expect(g).toBeCloseTo(1 / 3, 6);
      }
    }
  });

  it('finite inputs over the whole float32 range give finite results (the issue\'s cases)', () => {
    const one = (t: ap.Tensor) => (t.readSync() as Float32Array)[0];
    expect(one(ap.avgPool1d(ap.tensor([-3e38, -3e38], [1, 1, 2]))) / -3e38).toBeCloseTo(1, 6);
    expect(one(ap.emPool1d(ap.tensor([-3e38, 1], [1, 1, 2])))).toBe(1);
    const d = one(ap.edscwPool1d(ap.tensor([1e-40, 0], [1, 1, 2])));
    expect(Number.isFinite(d) && d > 0 && d < 1e-40).toBe(true);
  });
});
