/**
 * lpPool (OPERATORS.md 4.2a) beyond the shared parity and finite-difference suites: its closed
 * forms (p = 1 is Σ|x|, p = 2 the Euclidean norm, large p tends to max |x|), stability at
 * |x| = 1e30 and 1e-30 with p = 64, the zero region, and the p option's errors.
 */
import { describe, expect, it } from 'vitest';
import { AdaPoolError, avgPool1d, lpPool1d, lpPool1dGrad, lpPool2d, tensor } from '@adapool/core';

const x1 = (v: number[]) => tensor(v, [1, 1, v.length]);
const rd = (t: { readSync(): ArrayLike<number> }) => Array.from(t.readSync());

describe('lpPool closed forms', () => {
  it('p = 1: Σ|x|; p = 2: √Σx²; p = 64: close to max |x|; mask |x|^p / Σ|x|^p', () => {
    const x = x1([3, -4, 0.5, -0.5]);
    expect(rd(lpPool1d(x, { kernelSize: 2, p: 1 }))).toEqual([7, 1]);
    const { output, mask } = lpPool1d(x, { kernelSize: 2, returnMask: true });
    expect(rd(output)[0]).toBeCloseTo(5, 6);
    expect(rd(output)[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(rd(mask).map((v) => Number(v.toFixed(6)))).toEqual([0.36, 0.64, 0.5, 0.5]);
    expect(rd(lpPool1d(x, { kernelSize: 2, p: 64 }))[0]).toBeCloseTo(4 * (1 + (3 / 4) ** 64) ** (1 / 64), 5);
  });

  it('the gradient is sign(x)·(|x|/y)^{p−1}', () => {
    const x = x1([3, -4]);
    const dx = rd(lpPool1dGrad(x, x1([1]), { kernelSize: 2 }));
    expect(dx[0]).toBeCloseTo(3 / 5, 6);
    expect(dx[1]).toBeCloseTo(-4 / 5, 6);
    expect(rd(lpPool1dGrad(x, x1([2]), { kernelSize: 2, p: 1 }))).toEqual([2, -2]);
  });

  it('a zero region: y = 0, a uniform mask, no gradient', () => {
    const x = x1([0, 0, 0]);
    const r = lpPool1d(x, { kernelSize: 3, returnMask: true, p: 3 });
    expect(rd(r.output)).toEqual([0]);
    expect(rd(r.mask).map((v) => Number(v.toFixed(6)))).toEqual([0.333333, 0.333333, 0.333333]);
    expect(rd(lpPool1dGrad(x, x1([1]), { kernelSize: 3, p: 3 }))).toEqual([0, 0, 0]);
  });
});

describe('lpPool is stable at the ends of the range (m = max |x| factored out)', () => {
  for (const scale of [1e30, 1e-30, 1e38, 1e-38]) {
    it(`|x| ≈ ${scale}, p = 64 and p = 2: finite, and the same as at |x| ≈ 1, scaled`, () => {
      const base = [1, -0.75, 0.5, -1, 0.9, 0.1];
      const x = tensor(base.map((v) => v * scale), [1, 1, 2, 3]);
      const ref = tensor(base, [1, 1, 2, 3]);
      for (const p of [2, 64]) {
        const y = rd(lpPool2d(x, { kernelSize: [1, 3], p }));
        const y1 = rd(lpPool2d(ref, { kernelSize: [1, 3], p }));
        y.forEach((v, i) => {
          expect(Number.isFinite(v), `${scale} p${p}`).toBe(true);
          expect(v / scale).toBeCloseTo(y1[i], 5);
        });
        const m = rd((lpPool2d(x, { kernelSize: [1, 3], p, returnMask: true }) as { mask: { readSync(): ArrayLike<number> } }).mask);
        expect(m.every(Number.isFinite)).toBe(true);
      }
    });
  }
});

describe('the p option', () => {
  const x = x1([1, 2, 3, 4]);
  for (const p of [0.5, 0, -1, 65, 1e300, NaN, Infinity, '2', null, [2]]) {
    it(`p = ${JSON.stringify(p) ?? String(p)}: OPTION`, () => {
      let e: unknown;
      try {
        lpPool1d(x, { p } as never);
      } catch (err) {
        e = err;
      }
      expect(e).toBeInstanceOf(AdaPoolError);
      expect((e as AdaPoolError).code).toBe('OPTION');
      expect((e as AdaPoolError).message).toMatch(/^lpPool1d: p must be a number with 1 ≤ p ≤ 64, got /);
    });
  }
  it('p on another op is an unknown option', () => {
    expect(() => avgPool1d(x, { p: 2 } as never)).toThrow(/avgPool1d: options must be among .*got unknown option "p"/);
  });
  it('p = 1, 1.5 and 64 are accepted', () => {
    for (const p of [1, 1.5, 64]) expect(rd(lpPool1d(x, { p }))).toHaveLength(2);
  });
});
