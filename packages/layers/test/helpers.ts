import { AdaPoolError } from '@adapool/core';
import { expect } from 'vitest';

import { rng } from '@adapool/testkit';

export { rng };

export const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/**
 * Distinct positive values away from every kink of OPERATORS.md §6: x ∈ [0.3, 1.5] (so x, m ≠ 0),
 * pairwise gaps ≥ 1.2/size (no near-ties for max), in random order.
 */
export function distinctData(shape: readonly number[], seed: number): Float32Array {
  const n = size(shape);
  const r = rng(seed);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return Float32Array.from(idx, (k) => 0.3 + (1.2 * k) / n);
}

export function uniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
}

/**
 * Central differences of L(p) = Σ r·f(p) for every entry of `p` (float32 values; the step is the
 * float32 difference actually taken), against `analytic`.
 */
export function checkGradient(
  name: string,
  p: Float32Array,
  loss: (p: Float32Array) => number,
  analytic: ArrayLike<number>,
  { h = 1e-3, atol = 2e-3, rtol = 2e-3 } = {},
): void {
  const bad: string[] = [];
  for (let i = 0; i < p.length; i++) {
    const q = p.slice();
    q[i] = p[i] + h;
    const up = q[i];
    const lp = loss(q);
    q[i] = p[i] - h;
    const lm = loss(q);
    const num = (lp - lm) / (up - q[i]);
    if (!(Math.abs(num - analytic[i]) <= atol + rtol * Math.abs(num))) bad.push(`${name}[${i}]: numeric ${num}, analytic ${analytic[i]}`);
  }
  expect(bad.slice(0, 5), `${bad.length} of ${p.length} entries differ`).toEqual([]);
}

/** `fn` throws AdaPoolError with `code` and a message matching `pattern`. */
export function expectAdaPoolError(fn: () => unknown, code: string, pattern?: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a throw').toBeInstanceOf(AdaPoolError);
  expect((err as AdaPoolError).code, (err as Error).message).toBe(code);
  if (pattern) expect((err as Error).message).toMatch(pattern);
}
