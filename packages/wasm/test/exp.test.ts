/**
 * The kernels' own exp (assembly/vec-simd.ts: Cody–Waite range reduction, degree-7 polynomial,
 * two-step 2^n scaling) against Math.exp, over everything the max-subtracted softmax can feed it
 * (x ≤ 0: em's x − x_max; [−1, 0] for edscw's D − 1), down through the subnormal range to
 * underflow, plus −∞, NaN and the positive range. Also the float64 exp of the wide path.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend, type WasmBackend } from '../dist/index.js';

/** The test build of the SIMD or scalar kernels (assembly/testing.ts: the shipped exports plus the exp polynomials in place). */
const testBuild = (simd: boolean) => readFileSync(new URL(`../wasm-build/test-${simd ? 'simd' : 'scalar'}.wasm`, import.meta.url));

/** Max relative error of the float32 exp for normal results, documented in README.md. */
const EXP_MAX_REL = 1.2e-7;
const MIN_NORMAL = 2 ** -126;
const MIN_SUBNORMAL = 2 ** -149;

/** Max relative error of the lean e^t (t ≤ 0; degree-5 polynomial) the kernels' weights use. */
const EXPNEG_MAX_REL = 3.5e-7;

function runExp(b: WasmBackend, xs: Float32Array, fn: 'expInPlace' | 'expNegInPlace' | 'expUnit32InPlace' = 'expInPlace'): Float32Array {
  const ex = b.exports;
  const ptr = (ex.heapBase() + 15) & ~15;
  const need = ptr + xs.byteLength;
  const mem = ex.memory;
  if (mem.buffer.byteLength < need) mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536));
  new Float32Array(mem.buffer, ptr, xs.length).set(xs);
  ex[fn]!(ptr, xs.length);
  return new Float32Array(mem.buffer, ptr, xs.length).slice();
}

/** n evenly spaced float32 values in [lo, hi]. */
function samples(lo: number, hi: number, n: number): Float32Array {
  const xs = new Float32Array(n);
  for (let i = 0; i < n; i++) xs[i] = lo + ((hi - lo) * i) / (n - 1);
  return xs;
}

for (const simd of [true, false]) {
  describe(`exp, ${simd ? 'SIMD' : 'scalar'} build`, () => {
    let b: WasmBackend;
    beforeAll(async () => {
      b = await createWasmBackend({ module: testBuild(simd) });
      expect(b.simd).toBe(simd);
    });

    function check(xs: Float32Array): { maxRel: number; worstX: number } {
      const got = runExp(b, xs);
      let maxRel = 0;
      let worstX = NaN;
      for (let i = 0; i < xs.length; i++) {
        const ref = Math.exp(xs[i]);
        const g = got[i];
        if (ref >= MIN_NORMAL && ref <= 3.4e38) {
          const rel = Math.abs(g - ref) / ref;
          if (rel > maxRel) {
            maxRel = rel;
            worstX = xs[i];
          }
        } else if (ref < MIN_NORMAL) {
          // subnormal results: one rounding to the subnormal grid on top of the polynomial error
          expect(Math.abs(g - ref), `exp(${xs[i]})`).toBeLessThanOrEqual(MIN_SUBNORMAL + EXP_MAX_REL * ref);
        }
      }
      return { maxRel, worstX };
    }

    it(`max relative error ≤ ${EXP_MAX_REL} on the softmax range x ∈ [−87.33, 0] (normal results)`, () => {
      const { maxRel, worstX } = check(samples(-87.33, 0, 400_001));
      console.log(`exp (${simd ? 'simd' : 'scalar'}): max relative error ${maxRel.toExponential(3)} at x = ${worstX} over [−87.33, 0]`);
      expect(maxRel).toBeLessThanOrEqual(EXP_MAX_REL);
    });

    it('edscw range [−1, 0] and random float32 bit patterns with x ≤ 0', () => {
      expect(check(samples(-1, 0, 100_001)).maxRel).toBeLessThanOrEqual(EXP_MAX_REL);
      // every float32 in [−1, −0.5): the bulk of edscw's arguments, exhaustively
      const all = new Float32Array(1 << 23);
      const u = new Uint32Array(all.buffer);
      for (let i = 0; i < u.length; i++) u[i] = 0xbf000000 + i;
      expect(check(all).maxRel).toBeLessThanOrEqual(EXP_MAX_REL);
      const bits = new Uint32Array(200_000);
      let s = 12345;
      for (let i = 0; i < bits.length; i++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        bits[i] = (s | 0x80000000) >>> 0; // negative floats of every exponent
      }
      const xs = new Float32Array(bits.buffer).filter((v) => !Number.isNaN(v));
      expect(check(xs).maxRel).toBeLessThanOrEqual(EXP_MAX_REL);
    });

    it('subnormal results and underflow: (−103.98, −87.33), then exactly 0', () => {
      check(samples(-103.97, -87.34, 100_001));
      const out = runExp(b, Float32Array.from([-104, -110, -200, -1e4, -3.4e38, -Infinity]));
      expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 0]);
    });

    it('special values: exp(0) = 1, exp(−0) = 1, NaN → NaN, positive range, overflow → +∞', () => {
      const out = runExp(b, Float32Array.from([0, -0, NaN, 1, 10, 88.7, 89, 1000, Infinity]));
      expect(out[0]).toBe(1);
      expect(out[1]).toBe(1);
      expect(out[2]).toBeNaN();
      for (const [i, x] of [[3, 1], [4, 10], [5, 88.7]]) {
        const ref = Math.exp(Math.fround(x));
        expect(Math.abs(out[i] - ref) / ref).toBeLessThanOrEqual(EXP_MAX_REL);
      }
      expect(out[6]).toBe(Infinity);
      expect(out[7]).toBe(Infinity);
      expect(out[8]).toBe(Infinity);
      const { maxRel } = check(samples(0, 88.72, 100_001));
      expect(maxRel).toBeLessThanOrEqual(EXP_MAX_REL);
    });

    describe("the lean e^t (t ≤ 0) of the kernels' weights", () => {
      const rel = (xs: Float32Array) => {
        const got = runExp(b, xs, 'expNegInPlace');
        let m = 0;
        let at = NaN;
        xs.forEach((x, i) => {
          const ref = Math.exp(x);
          const e = Math.abs(got[i] - ref) / ref;
          if (e > m) [m, at] = [e, x];
        });
        return { m, at };
      };
      it(`max relative error ≤ ${EXPNEG_MAX_REL} on [−87.33, 0], on [−1, 0] exhaustively below −0.5, and on random negative floats`, () => {
        const { m, at } = rel(samples(-87.33, 0, 400_001));
        console.log(`expNeg (${simd ? 'simd' : 'scalar'}): max relative error ${m.toExponential(3)} at t = ${at} over [−87.33, 0]`);
        expect(m).toBeLessThanOrEqual(EXPNEG_MAX_REL);
        const all = new Float32Array(1 << 23);
        const u = new Uint32Array(all.buffer);
        for (let i = 0; i < u.length; i++) u[i] = 0xbf000000 + i; // every float32 in [−1, −0.5)
        expect(rel(all).m).toBeLessThanOrEqual(EXPNEG_MAX_REL);
        expect(rel(samples(-1e-3, 0, 10_001)).m).toBeLessThanOrEqual(EXPNEG_MAX_REL);
      });
      it('exp(0) = exp(−0) = 1; below −87.68 exactly 0 (−∞ included, so a far tap adds 0·τ, not 1.2e-38·τ); NaN → NaN', () => {
        const out = runExp(b, Float32Array.from([0, -0, -87.3, -87.6, -87.7, -88, -1e4, -3e38, -Infinity, NaN]), 'expNegInPlace');
        expect(out[0]).toBe(1);
        expect(out[1]).toBe(1);
        const e = (t: number) => Math.exp(Math.fround(t));
        expect(Math.abs(out[2] - e(-87.3)) / e(-87.3)).toBeLessThan(EXPNEG_MAX_REL);
        expect(Math.abs(out[3] - e(-87.6))).toBeLessThan(1e-44); // a subnormal result
        for (const v of out.slice(4, 9)) expect(Object.is(v, 0)).toBe(true);
        expect(out[9]).toBeNaN();
      });
    });

    it("float32 e^t on edscw's [−1, 0] (degree-6 polynomial): relative error ≤ 3e-7, exhaustively on [−1, −0.5), NaN → NaN", () => {
      const rel = (xs: Float32Array) => {
        const got = runExp(b, xs, 'expUnit32InPlace');
        return xs.reduce((m, x, i) => Math.max(m, Math.abs(got[i] - Math.exp(x)) / Math.exp(x)), 0);
      };
      const m = rel(samples(-1, 0, 200_001));
      console.log(`expUnit (${simd ? 'simd' : 'scalar'}): max relative error ${m.toExponential(3)} over [−1, 0]`);
      expect(m).toBeLessThanOrEqual(3e-7);
      const all = new Float32Array(1 << 23);
      const u = new Uint32Array(all.buffer);
      for (let i = 0; i < u.length; i++) u[i] = 0xbf000000 + i;
      expect(rel(all)).toBeLessThanOrEqual(3e-7);
      expect(runExp(b, Float32Array.from([NaN]), 'expUnit32InPlace')[0]).toBeNaN();
    });

    function runWide(fn: 'expWideInPlace' | 'expUnitInPlace', xs: Float64Array): Float64Array {
      const ex = b.exports;
      const ptr = (ex.heapBase() + 15) & ~15;
      const need = ptr + xs.byteLength;
      if (ex.memory.buffer.byteLength < need) ex.memory.grow(Math.ceil((need - ex.memory.buffer.byteLength) / 65536));
      new Float64Array(ex.memory.buffer, ptr, xs.length).set(xs);
      ex[fn]!(ptr, xs.length);
      return new Float64Array(ex.memory.buffer, ptr, xs.length).slice();
    }
    const maxRel = (xs: Float64Array, got: Float64Array) => xs.reduce((m, x, i) => Math.max(m, Math.abs(got[i] - Math.exp(x)) / Math.exp(x)), 0);

    it('float64 exp of the wide path: relative error ≤ 1e-13 on [−708, 708]', () => {
      const xs = new Float64Array(100_001).map((_, i) => -708 + (1416 * i) / 100_000);
      expect(maxRel(xs, runWide('expWideInPlace', xs))).toBeLessThanOrEqual(1e-13);
    });

    it("float64 e^t on edscw's range t = D − 1 ∈ [−1, 0]: relative error ≤ 2e-11", () => {
      const xs = new Float64Array(100_001).map((_, i) => -i / 100_000);
      expect(maxRel(xs, runWide('expUnitInPlace', xs))).toBeLessThanOrEqual(2e-11);
      expect(runWide('expUnitInPlace', Float64Array.from([NaN]))[0]).toBeNaN();
    });
  });
}
