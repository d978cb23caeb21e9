/**
 * The test build's entry (scripts/build-wasm.mjs writes wasm-build/test-simd.wasm and
 * test-scalar.wasm from it; they are not shipped): every export of the kernels, plus the exp
 * polynomials applied in place, so test/exp.test.ts measures them against Math.exp.
 */
export * from './pool';
import { Vec, LANES, splat, lane, sload, sstore, exp, expNeg, expUnit, wsplat, wexp, wexpUnit, wfirst } from './vec';

/** f applied to n floats in place, LANES at a time, then one by one (tests of the polynomials). */
function mapInPlace(p: usize, n: i32, f: (v: Vec) => Vec): void {
  let i = 0;
  for (; i + LANES <= n; i += LANES) sstore(p + (<usize>i << 2), f(sload(p + (<usize>i << 2))));
  for (; i < n; i++) {
    const q = p + (<usize>i << 2);
    store<f32>(q, lane(f(splat(load<f32>(q))), 0));
  }
}

/** exp of n floats in place. */
export function expInPlace(p: usize, n: i32): void { mapInPlace(p, n, (v: Vec): Vec => exp(v)); }
/** e^t on [−1, 0] (edscw's weights, float32) of n floats in place. */
export function expUnit32InPlace(p: usize, n: i32): void { mapInPlace(p, n, (v: Vec): Vec => expUnit(v)); }
/** The lean e^t (t ≤ 0) of n floats in place. */
export function expNegInPlace(p: usize, n: i32): void { mapInPlace(p, n, (v: Vec): Vec => expNeg(v)); }

/** float64 exp of n doubles in place (tests of the wide path's series). */
export function expWideInPlace(p: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const q = p + (<usize>i << 3);
    store<f64>(q, wfirst(wexp(wsplat(load<f64>(q)))));
  }
}

/** float64 e^t for t ∈ [−1, 0] (edscw's weights) of n doubles in place (tests). */
export function expUnitInPlace(p: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const q = p + (<usize>i << 3);
    store<f64>(q, wfirst(wexpUnit(wsplat(load<f64>(q)))));
  }
}
