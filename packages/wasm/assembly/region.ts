/**
 * The region math: one group of lanes (regions that share one row and differ by a per-lane base
 * offset) at a time, for every op, from the current row (geometry.ts): forward with masks and
 * indices, the exact input gradient and dβ, adaUnpool and its gradient. Values are gathered per
 * tap, so the same code serves 1D/2D/3D, strided and adaptive geometry, both layouts.
 * Differences are taken relative to a tap of the region (t = x − x₀, τ = x − x_max) so that
 * x − m and x − y stay accurate when |x| ≫ |x − m|; edscw and idw weigh in float64 where float32
 * could miss the tolerance. A result that is not finite goes to the careful path (streamed.ts).
 */
import { Vec, LANES, splat, add, sub, mul, div, max, min, pmax, pmin, abs, sqrt, gt, lt, ge, le, eq, ne, and, or, select, ones, lane, anyTrue, sload, sstore, gather, scatter, accumulate, dropLanes, expNeg, expUnit, Wide, WIDE_PARTS, WBYTES, widen, narrow, wsplat, wadd, wsub, wmul, wdiv, wmax, wpmin, wabs, wsqrt, weq, wsgn, wselect, wload, wstore, wexpUnit, PAIRS, gatherPair, accumulatePair } from './vec';
import { AVG, MAX, EM, EDSCW, IDW, ADA, LP } from './methods';
import { Call, BACKWARD, FORWARD, IDW_EPS, OP_PARAM, WIDE_TAPS, at, i32At, nonFinite, plain } from './call';
import { bigRegion } from './streamed';

/** Whether the current lanes allow pair moves (4 lanes at stride 2, taps off and off + 1). */
// @ts-ignore: decorator
@inline export function pairLanes(st: Call): bool { return PAIRS && st.nLanes == LANES && st.sx == 2; }

/** Loads the r tap values of the current lanes from `x` into `dst` (a scratch row). */
export function loadTaps(st: Call, x: usize, r: i32, dst: usize): void {
  const tInput = st.tInput;
  const pairs = pairLanes(st);
  for (let j = 0; j < r; ) {
    const off = i32At(tInput, j);
    if (pairs && j + 1 < r && i32At(tInput, j + 1) == off + 1) {
      gatherPair(x, st.bx, off, at(dst, j), at(dst, j + 1));
      j += 2;
    } else {
      sstore(at(dst, j), gather(x, st.bx, st.sx, off, st.nLanes));
      j++;
    }
  }
}

/** x[π_k] += SD[k] for the r taps of the current lanes (overlapping windows add). */
export function scatterAdd(st: Call, x: usize, r: i32): void {
  const SD = st.SD, tInput = st.tInput;
  const pairs = pairLanes(st);
  for (let k = 0; k < r; ) {
    const off = i32At(tInput, k);
    if (pairs && k + 1 < r && i32At(tInput, k + 1) == off + 1) {
      accumulatePair(x, st.bx, off, sload(at(SD, k)), sload(at(SD, k + 1)));
      k += 2;
    } else {
      accumulate(x, st.bx, st.sx, off, sload(at(SD, k)), st.nLanes);
      k++;
    }
  }
}

/** t = x − x₀ of the loaded taps into ST. */
export function shiftTaps(st: Call, r: i32): void {
  const SV = st.SV;
  const x0 = sload(at(SV, 0));
  for (let j = 0; j < r; j++) sstore(at(st.ST, j), sub(sload(at(SV, j)), x0));
}

// ---- float64 value path ---------------------------------------------------------------------
// edscw and idw weights are close to 1/|R| for every tap, so an output near 0 made of ±1000 inputs
// needs the weights and y to better than float32 precision: they are computed in float64 (Wide,
// two halves per Vec) and rounded once. em needs no such care: its weights concentrate on the
// taps near the max, and y is accumulated relative to that max.
// @ts-ignore: decorator
@inline export function wat(arr: usize, j: i32, part: i32): usize { return arr + (<usize>(j * WIDE_PARTS + part)) * WBYTES; }
/** The last wide y (absolute), per half. */
// @ts-ignore: decorator
@inline export function setY(st: Call, part: i32, y: Wide): void { if (part == 0) st.yLo = y; else st.yHi = y; }

/** Rounds the wide weights (and partials when `grad`) of r taps into SW1 (SA, SB). */
export function narrowWeights(st: Call, r: i32, grad: bool, withB: bool): void {
  const WW = st.WW, WA = st.WA, WB = st.WB;
  const hi = WIDE_PARTS - 1;
  for (let j = 0; j < r; j++) {
    sstore(at(st.SW1, j), narrow(wload(wat(WW, j, 0)), wload(wat(WW, j, hi))));
    if (grad) {
      sstore(at(st.SA, j), narrow(wload(wat(WA, j, 0)), wload(wat(WA, j, hi))));
      if (withB) sstore(at(st.SB, j), narrow(wload(wat(WB, j, 0)), wload(wat(WB, j, hi))));
    }
  }
}

/** Region mean m (float64) of one half: x₀ + Σ t / r. */
export function wideMean(st: Call, r: i32, part: i32): Wide {
  const SV = st.SV;
  const x0 = widen(sload(at(SV, 0)), part);
  let s = wsplat(0);
  for (let j = 0; j < r; j++) s = wadd(s, wsub(widen(sload(at(SV, j)), part), x0));
  return wadd(x0, wdiv(s, wsplat(<f64>r)));
}

/** w ← w / Z; y = x₀ + Σ w (x − x₀). */
export function normalise(st: Call, r: i32, part: i32, Z: Wide): void {
  const SV = st.SV, WW = st.WW;
  const x0 = widen(sload(at(SV, 0)), part);
  let yt = wsplat(0);
  const iz = wdiv(wsplat(1), Z);
  for (let j = 0; j < r; j++) {
    const w = wmul(wload(wat(WW, j, part)), iz);
    wstore(wat(WW, j, part), w);
    yt = wadd(yt, wmul(w, wsub(widen(sload(at(SV, j)), part), x0)));
  }
  setY(st, part, wadd(x0, yt));
}

/** ỹ = y − x₀ in float32 (for the gradient formulas, which use t = x − x₀). */
// @ts-ignore: decorator
@inline export function yRelative(st: Call): Vec {
  const x0 = sload(at(st.SV, 0));
  return narrow(wsub(st.yLo, widen(x0, 0)), wsub(st.yHi, widen(x0, WIDE_PARTS - 1)));
}

/**
 * edscw in float64: D(x, m) = 2|x m|/(x² + m²), D(0,0) = 1 (x² cannot overflow); w ∝ e^{D − 1}
 * into SW1 and y (wide) into yLo/yHi; ∂_x D, ∂_m D into SA, SB when `grad`. Returns ỹ.
 */
export function dscWeights(st: Call, r: i32, grad: bool): Vec {
  const one = wsplat(1);
  const two = wsplat(2);
  for (let part = 0; part < WIDE_PARTS; part++) {
    const m = wideMean(st, r, part);
    const mm = wmul(m, m);
    const sgnm2 = wmul(two, wsgn(m));
    let Z = wsplat(0);
    for (let j = 0; j < r; j++) {
      // float64 squares of float32 values neither overflow nor underflow: no scaling needed
      const x = widen(sload(at(st.SV, j)), part);
      const xx = wmul(x, x);
      const q = wadd(xx, mm);
      const origin = weq(q, wsplat(0)); // x = m = 0
      const iq = wdiv(one, wselect(one, q, origin));
      const D = wselect(one, wmul(wmul(two, wabs(wmul(x, m))), iq), origin);
      // D ∈ [0, 1]: e^{D−1} ∈ [1/e, 1] needs no max subtraction (softmax is shift-invariant)
      const e = wexpUnit(wsub(D, one));
      wstore(wat(st.WW, j, part), e);
      Z = wadd(Z, e);
      if (grad) {
        // ∂_x D = 2ς m (m² − x²)/q², ∂_m D = 2ς x (x² − m²)/q²  (ς = sgn(x m); 0 at the origin)
        const s2iq2 = wmul(wmul(sgnm2, wsgn(x)), wmul(iq, iq));
        const d = wsub(mm, xx);
        wstore(wat(st.WA, j, part), wmul(wmul(s2iq2, m), d));
        wstore(wat(st.WB, j, part), wmul(wmul(s2iq2, x), wsub(wsplat(0), d)));
      }
    }
    normalise(st, r, part, Z);
  }
  narrowWeights(st, r, grad, true);
  return yRelative(st);
}

/** sgn(v) with sgn(0) = 0. */
// @ts-ignore: decorator
@inline export function sgn(v: Vec): Vec { return sub(ones(gt(v, splat(0))), ones(lt(v, splat(0)))); }

/**
 * edscw in float32, the fast path: D = 2|x̂ m̂|/(x̂² + m̂²) with x̂ = x/M, m̂ = m/M, M the region's
 * max |x| (so x̂² cannot overflow; one division per tap); weights into SW1, ∂_x D, ∂_m D into
 * SA, SB when `grad`; y (widened) into yLo/yHi, Σ w |x − y| into dscErr (unless !withErr). Returns ỹ. Float32
 * weights move y by at most ≈ 1.2e-6 · dscErr (about 20 roundings); where that could exceed
 * the tolerance (needsWide) callers redo the region with the float64 dscWeights.
 */
export function dscWeights32(st: Call, r: i32, grad: bool, withErr: bool = true): Vec {
  const SV = st.SV, ST = st.ST, SW1 = st.SW1;
  const zero = splat(0);
  const one = splat(1);
  const x0 = sload(at(SV, 0));
  let s = zero;
  let M = zero;
  for (let j = 0; j < r; j++) {
    const x = sload(at(SV, j));
    const t = sub(x, x0);
    sstore(at(ST, j), t);
    s = add(s, t);
    M = pmax(M, abs(x));
  }
  const m = add(x0, div(s, splat(<f32>r)));
  const iM = div(one, select(one, M, eq(M, zero)));
  const mh = mul(m, iM);
  const mm = mul(mh, mh);
  const mZero = eq(m, zero);
  const mNonZero = ne(m, zero);
  const mh2 = add(mh, mh);
  const sm2iM = mul(add(sgn(m), sgn(m)), iM); // 2 sgn(m)/M
  const SA = st.SA, SB = st.SB;
  let tiny = eq(zero, one);
  let Z = zero;
  for (let j = 0; j < r; j++) {
    const x = sload(at(SV, j));
    const xh = mul(x, iM);
    const xx = mul(xh, xh);
    const q = add(xx, mm);
    const origin = and(eq(x, zero), mZero); // D(0, 0) = 1, partials 0
    tiny = or(tiny, and(lt(q, splat(1e-30)), or(ne(x, zero), mNonZero))); // q underflowed, not the origin
    const iq = div(one, select(one, q, origin));
    const D = select(one, mul(abs(mul(xh, mh2)), iq), origin);
    // D ∈ [0, 1]: shifting by 1 instead of max D keeps e^{D−1} ∈ [1/e, 1] (softmax is shift-invariant)
    const e = expUnit(sub(D, one));
    sstore(at(SW1, j), e);
    Z = add(Z, e);
    if (grad) {
      // ∂_x D = 2ς m̂ (m̂² − x̂²)/(q² M), ∂_m D = 2ς x̂ (x̂² − m̂²)/(q² M); ς = sgn(x m), 0 at the origin
      const cd = mul(mul(mul(sgn(x), sm2iM), mul(iq, iq)), sub(mm, xx));
      sstore(at(SA, j), mul(cd, mh));
      sstore(at(SB, j), mul(cd, sub(zero, xh)));
    }
  }
  st.dscTiny = anyTrue(tiny);
  const iz = div(one, Z);
  let yt = zero;
  for (let j = 0; j < r; j++) {
    const w = mul(sload(at(SW1, j)), iz);
    sstore(at(SW1, j), w);
    yt = add(yt, mul(w, sload(at(ST, j))));
  }
  if (withErr) {
    let spread = zero;
    for (let j = 0; j < r; j++) spread = add(spread, mul(sload(at(SW1, j)), abs(sub(sload(at(ST, j)), yt))));
    st.dscErr = spread;
  }
  const y = add(x0, yt);
  st.yLo = widen(y, 0);
  st.yHi = widen(y, WIDE_PARTS - 1);
  return yt;
}

/**
 * Whether dscWeights32's float32 weights (y error ≲ 1.2e-6 · scale · dscErr) could move `ref`
 * past a fifth of the OPERATORS.md §6 forward tolerance 1e-5 + 1e-4|ref|, or lost precision.
 */
// @ts-ignore: decorator
@inline export function needsWide(st: Call, scale: Vec, ref: Vec): bool {
  return st.dscTiny || anyTrue(gt(mul(scale, st.dscErr), add(splat(1.5), mul(splat(15), abs(ref)))));
}

/**
 * idw: u = x − m, δ = hypot(u, ε) (scale-free), w = (δ_min/δ)/Σ(δ_min/δ) into SW1, y (wide) into
 * yLo/yHi, q = −(u/δ)/δ into SA when `grad` (b = −q). Returns ỹ.
 */
export function idwWeights(st: Call, r: i32, grad: bool): Vec {
  const WW = st.WW;
  const epsV = load<f64>(st.P + (<usize>IDW_EPS << 2));
  const eps = wsplat(epsV);
  const eps2v = epsV * epsV;
  const eps2 = wsplat(eps2v);
  const scaled = eps2v == 0 || eps2v == Infinity; // ε below ~1e-162 or above ~1e154: hypot by scaling
  for (let part = 0; part < WIDE_PARTS; part++) {
    const m = wideMean(st, r, part);
    let dmin = wsplat(Infinity);
    for (let j = 0; j < r; j++) {
      const u = wsub(widen(sload(at(st.SV, j)), part), m);
      let delta: Wide;
      if (scaled) {
        const M = wmax(wabs(u), eps);
        const uh = wdiv(u, M);
        const eh = wdiv(eps, M);
        delta = wmul(M, wsqrt(wadd(wmul(uh, uh), wmul(eh, eh))));
      } else {
        delta = wsqrt(wadd(wmul(u, u), eps2));
      }
      const inv = wdiv(wsplat(1), delta);
      wstore(wat(WW, j, part), inv);
      dmin = wpmin(dmin, delta); // a NaN δ makes Z and y NaN anyway
      if (grad) wstore(wat(st.WA, j, part), wmul(wmul(wsub(wsplat(0), u), inv), inv)); // q = −(u/δ)/δ
    }
    let Z = wsplat(0);
    for (let j = 0; j < r; j++) {
      const rho = wmul(dmin, wload(wat(WW, j, part))); // δ_min/δ ∈ (0, 1]
      wstore(wat(WW, j, part), rho);
      Z = wadd(Z, rho);
    }
    normalise(st, r, part, Z);
  }
  narrowWeights(st, r, grad, false);
  return yRelative(st);
}

/**
 * Max of the r tap values, as the softmax shift. pmax may drop a NaN here, but a NaN tap still
 * makes its τ, Z and so y and every weight NaN, as the spec requires.
 */
export function regionMax(st: Call, r: i32): Vec {
  const SV = st.SV;
  let xmax = sload(at(SV, 0));
  for (let j = 1; j < r; j++) xmax = pmax(xmax, sload(at(SV, j)));
  return xmax;
}

/**
 * em (SoftPool): w = softmax(x) = e^{x − x_max}/Z into `w`, τ = x − x_max into `tau`.
 * Returns ỹ = Σ w τ (y = x_max + ỹ). Uses SD as scratch for regions of more than WIDE_TAPS taps.
 */
export function emWeights(st: Call, r: i32, w: usize, tau: usize, xmax: Vec): Vec {
  const SD = st.SD;
  const wide = r > WIDE_TAPS; // Z and ỹ summed in float64 (see WIDE_TAPS)
  let Z = splat(0);
  for (let j = 0; j < r; j++) {
    const t = sub(sload(at(st.SV, j)), xmax);
    sstore(at(tau, j), t);
    const e = expNeg(t);
    sstore(at(w, j), e);
    Z = add(Z, e);
  }
  if (wide) Z = wideRowSum(w, r, 1);
  const iz = div(splat(1), Z);
  let yt = splat(0);
  for (let j = 0; j < r; j++) {
    const wj = mul(sload(at(w, j)), iz);
    sstore(at(w, j), wj);
    const p = mul(wj, sload(at(tau, j)));
    yt = add(yt, p);
    if (wide) sstore(at(SD, j), p);
  }
  return wide ? wideRowSum(SD, r, 1) : yt;
}

/** Wide (y^D − y^M) or β̂ y^D + (1 − β̂) y^M for adaPool, from yLo/yHi (D) and x_max + ỹ^M. */
export function adaCombine(st: Call, bhat: Vec, xmax: Vec, ytM: Vec, difference: bool): Vec {
  let lo = wsplat(0);
  let hi = wsplat(0);
  for (let part = 0; part < WIDE_PARTS; part++) {
    const yM = wadd(widen(xmax, part), widen(ytM, part));
    const yD = part == 0 ? st.yLo : st.yHi;
    const b = widen(bhat, part);
    const v = difference ? wsub(yD, yM) : wadd(wmul(b, yD), wmul(wsub(wsplat(1), b), yM));
    if (part == 0) lo = v;
    else hi = v;
  }
  return narrow(lo, WIDE_PARTS == 1 ? lo : hi);
}

/** β̂ = clamp(β, 0, 1) of the current lanes at output oi. */
// @ts-ignore: decorator
@inline export function betaAt(st: Call): Vec {
  return gather(st.pBeta, st.bb, st.sb, load<i32>(st.tBeta), st.nLanes);
}
// @ts-ignore: decorator
@inline export function clamp01(b: Vec): Vec { return min(max(b, splat(0)), splat(1)); }

/** scale · Σ_j row[j] over r taps, summed in float64, rounded once. */
export function wideRowSum(row: usize, r: i32, scale: f64): Vec {
  let lo = wsplat(0);
  let hi = wsplat(0);
  for (let j = 0; j < r; j++) {
    const v = sload(at(row, j));
    lo = wadd(lo, widen(v, 0));
    if (WIDE_PARTS > 1) hi = wadd(hi, widen(v, WIDE_PARTS - 1));
  }
  const k = wsplat(scale);
  return narrow(wmul(lo, k), wmul(WIDE_PARTS > 1 ? hi : lo, k));
}
/** Writes the mask row of output oi from weights `w` (row of r taps). */
export function storeMask(st: Call, w: usize, r: i32): void {
  const mask = st.pMask;
  const tapMask = st.tMask;
  const m0 = load<i32>(st.tMaskOff);
  for (let j = 0; j < r; j++) scatter(mask, st.bm, st.sm, m0 + i32At(tapMask, j), sload(at(w, j)), st.nLanes);
}

/** maxPool's winning tap per lane (first max, strict >, NaN wins) as a float index. */
export function argmax(st: Call, r: i32): Vec {
  const SV = st.SV;
  let best = sload(at(SV, 0));
  let bi = splat(0);
  for (let j = 1; j < r; j++) {
    const v = sload(at(SV, j));
    const take = and(or(gt(v, best), ne(v, v)), eq(best, best));
    best = select(v, best, take);
    bi = select(splat(<f32>j), bi, take);
  }
  return bi;
}

// ---- lpPool, p = 1 or 2: float32 lanes -------------------------------------------------------
// With m = max |x| factored out, t = |x|/m ∈ [0, 1] and S = Σ t^p ∈ [1, |R|], so float32 loses
// nothing that matters. Where a lane's m is 0, tiny (1/m would overflow) or not finite, for any
// other p, and for regions too wide for float32 sums, the float64 path (streamed.ts) runs.

/** p when it is 1 or 2 and the region fits float32 sums, else −1 (the float64 path). */
function lpFast(st: Call, r: i32): i32 {
  const p = load<f64>(st.P + (<usize>OP_PARAM << 2));
  return r <= WIDE_TAPS && (p == 1 || p == 2) ? <i32>p : -1;
}

/**
 * For the float32 path (p = lpFast ≥ 0): loads the taps into SV and returns m = max |x|; splat(0)
 * when p < 0 or a lane's m is not in [1e-30, FLT_MAX]: then the float64 path.
 */
function lpMax(st: Call, r: i32, p: i32): Vec {
  if (p < 0) return splat(0);
  loadTaps(st, st.pX, r, st.SV);
  let m = splat(0);
  for (let j = 0; j < r; j++) m = max(m, abs(sload(at(st.SV, j))));
  for (let l = 0; l < st.nLanes; l++) {
    const a = lane(m, l);
    if (!(a >= 1e-30 && a <= 3.4028234663852886e38)) return splat(0);
  }
  return m;
}

/** Σ t^p of the loaded taps with t = |x|·inv, t^p into `w` (a scratch row); returns S (1/S into SW2's first slot for the mask). */
function lpSum(st: Call, r: i32, p: i32, inv: Vec, w: usize): Vec {
  let S = splat(0);
  for (let j = 0; j < r; j++) {
    const t = mul(abs(sload(at(st.SV, j))), inv);
    const tp = p == 2 ? mul(t, t) : t;
    sstore(at(w, j), tp);
    S = add(S, tp);
  }
  return S;
}

/** Forward of one group of lanes at output oi. */
export function forwardRegion(st: Call, method: i32): void {
  const SV = st.SV, SW1 = st.SW1, SW2 = st.SW2, ST2 = st.ST2, pY = st.pY;
  const r = load<i32>(st.tCount);
  if (r == 0) return; // empty region: output 0, mask 0, index −1 (buffers pre-filled)
  if (method == LP) {
    // lp, integer p: y = m·S^{1/p}, w = t^p / S in float32 lanes; else float64 lane by lane (streamed.ts, on this row)
    const p = lpFast(st, r);
    const m = lpMax(st, r, p);
    if (lane(m, 0) == 0) {
      bigRegion(st, FORWARD, method, -1, r);
      return;
    }
    const S = lpSum(st, r, p, div(splat(1), m), SW1);
    const rS = p == 2 ? sqrt(S) : S;
    if (st.withMask) {
      const iS = div(splat(1), S);
      for (let j = 0; j < r; j++) sstore(at(SW1, j), mul(sload(at(SW1, j)), iS));
      storeMask(st, SW1, r);
    }
    scatter(pY, st.by, st.sy, load<i32>(st.tOut), mul(m, rS), st.nLanes);
    return;
  }
  loadTaps(st, st.pX, r, SV);
  const yOff = load<i32>(st.tOut);
  const wide = r > WIDE_TAPS;
  let y = splat(0);
  if (method == AVG) {
    // avg: y = Σ x / P, P = |R| or the countIncludePad divisor
    const Pi = st.countIncludePad ? load<i32>(st.tPadded) : r;
    const P = splat(<f32>Pi);
    if (wide) {
      y = wideRowSum(SV, r, 1 / <f64>Pi);
    } else {
      let sum = splat(0);
      for (let j = 0; j < r; j++) sum = add(sum, sload(at(SV, j)));
      y = div(sum, P);
    }
    if (st.withMask) {
      const w = div(splat(1), P);
      for (let j = 0; j < r; j++) sstore(at(SW1, j), w);
    }
  } else if (method == MAX) {
    const bi = argmax(st, r);
    y = splat(0);
    for (let j = 0; j < r; j++) {
      const hit = eq(bi, splat(<f32>j));
      y = select(sload(at(SV, j)), y, hit);
      if (st.withMask) sstore(at(SW1, j), ones(hit));
    }
    if (st.withMask) {
      storeMask(st, SW1, r);
      for (let l = 0; l < st.nLanes; l++) {
        const k = <i32>lane(bi, l);
        store<i32>(st.pIndices + (<usize>(st.by + l * st.sy + yOff) << 2), i32At(st.tFlat, k) + l * st.sf + st.fShift);
      }
    }
    scatter(pY, st.by, st.sy, yOff, y, st.nLanes);
    return;
  } else if (method == EM) {
    const xmax = regionMax(st, r);
    if (wide) {
      y = add(xmax, emWeights(st, r, SW1, ST2, xmax));
    } else {
      // em in one pass: y = x_max + Σ e^τ τ / Σ e^τ, τ = x − x_max; weights only for the mask
      let Z = splat(0);
      let S = splat(0);
      for (let j = 0; j < r; j++) {
        const t = sub(sload(at(SV, j)), xmax);
        const e = expNeg(t);
        Z = add(Z, e);
        S = add(S, mul(e, t));
        if (st.withMask) sstore(at(SW1, j), e);
      }
      const iz = div(splat(1), Z);
      y = add(xmax, mul(S, iz));
      if (st.withMask) for (let j = 0; j < r; j++) sstore(at(SW1, j), mul(sload(at(SW1, j)), iz));
    }
  } else if (method == EDSCW) {
    if (!wide) dscWeights32(st, r, false);
    if (wide || needsWide(st, splat(1), narrow(st.yLo, st.yHi))) dscWeights(st, r, false);
    y = narrow(st.yLo, st.yHi);
  } else if (method == IDW) {
    idwWeights(st, r, false);
    y = narrow(st.yLo, st.yHi);
  } else if (method == ADA) {
    // ada: y = β̂ y^D + (1 − β̂) y^M, mask likewise
    const b = clamp01(betaAt(st));
    const b1 = sub(splat(1), b);
    const xmax = regionMax(st, r);
    const ytM = emWeights(st, r, SW2, ST2, xmax);
    if (wide) {
      dscWeights(st, r, false);
      y = adaCombine(st, b, xmax, ytM, false);
    } else {
      dscWeights32(st, r, false);
      y = adaCombine(st, b, xmax, ytM, false);
      if (needsWide(st, b, y)) {
        dscWeights(st, r, false);
        y = adaCombine(st, b, xmax, ytM, false);
      }
    }
    if (st.withMask) for (let j = 0; j < r; j++) sstore(at(SW1, j), add(mul(b, sload(at(SW1, j))), mul(b1, sload(at(SW2, j)))));
  } else unreachable();
  if (nonFinite(y)) {
    // an intermediate overflowed, or NaN/±∞ inputs: the careful path (bigRegion on this row)
    bigRegion(st, FORWARD, method, -1, r);
    return;
  }
  if (st.withMask) storeMask(st, SW1, r);
  scatter(pY, st.by, st.sy, yOff, y, st.nLanes);
}

/**
 * A = (1/|R|) Σ_j w_j (x_j − y) b_j from weights SW1, t = x − x₀ (ST), ỹ = y − x₀ and b
 * (SB, or −SA for idw where b = −q).
 */
export function meanTerm(st: Call, r: i32, yt: Vec, bIsMinusA: bool): Vec {
  let A = splat(0);
  for (let j = 0; j < r; j++) {
    const bj = bIsMinusA ? sub(splat(0), sload(at(st.SA, j))) : sload(at(st.SB, j));
    A = add(A, mul(mul(sload(at(st.SW1, j)), sub(sload(at(st.ST, j)), yt)), bj));
  }
  return div(A, splat(<f32>r));
}

/**
 * Exact input gradient of one group at output oi (OPERATORS.md 3):
 *   ∂y/∂x_k = w_k + w_k (x_k − y) a_k + (1/|R|) Σ_j w_j (x_j − y) b_j,
 * scattered as dx[π_k] += g · ∂y/∂x_k (overlapping windows add). adaPool also accumulates
 * dβ += g (y^D − y^M) 1[0 ≤ β ≤ 1] (float64, lane by lane since lanes may share a β).
 */
export function backwardRegion(st: Call, method: i32): void {
  const ST = st.ST, SW1 = st.SW1, SW2 = st.SW2, SA = st.SA, ST2 = st.ST2, SD = st.SD;
  const r = load<i32>(st.tCount);
  if (r == 0) return;
  if (method == LP) {
    // ∂y/∂x_k = sign(x_k)·(|x_k|/y)^{p−1}: sign(x_k) (p = 1), x_k/y (p = 2) in float32 lanes; else the float64 path, which adds dx itself
    const p = lpFast(st, r);
    const m = lpMax(st, r, p);
    if (lane(m, 0) == 0) {
      bigRegion(st, BACKWARD, method, -1, r);
      return;
    }
    const inv = div(splat(1), m);
    const S = lpSum(st, r, p, inv, st.SW1);
    const iR = div(inv, p == 2 ? sqrt(S) : S); // 1/(m·S^{1/p}) = 1/y
    const g = dropLanes(gather(st.pDy, st.by, st.sy, load<i32>(st.tOut), st.nLanes), st.skipLanes);
    const zero = splat(0);
    for (let k = 0; k < r; k++) {
      const x = sload(at(st.SV, k));
      const d = p == 2 ? mul(x, iR) : select(splat(1), select(splat(-1), zero, lt(x, zero)), gt(x, zero));
      sstore(at(st.SD, k), mul(g, d));
    }
    scatterAdd(st, st.pDx, r);
    return;
  }
  loadTaps(st, st.pX, r, st.SV);
  const g = dropLanes(gather(st.pDy, st.by, st.sy, load<i32>(st.tOut), st.nLanes), st.skipLanes);
  const one = splat(1);
  const wide = r > WIDE_TAPS;
  let db = splat(0); // adaPool: g (y^D − y^M) 1[0 ≤ β ≤ 1]
  let sumD = splat(0); // Σ of the contributions (score ops): finite iff every one is
  if (method == AVG) {
    const gd = div(g, splat(st.countIncludePad ? <f32>load<i32>(st.tPadded) : <f32>r));
    for (let k = 0; k < r; k++) sstore(at(SD, k), gd);
  } else if (method == MAX) {
    const bi = argmax(st, r);
    for (let k = 0; k < r; k++) sstore(at(SD, k), select(g, splat(0), eq(bi, splat(<f32>k))));
  } else if (method == EM) {
    // em: ∂y/∂x_k = w_k (1 + x_k − y)
    const yt = emWeights(st, r, SW1, ST2, regionMax(st, r));
    for (let k = 0; k < r; k++) {
      const d = mul(g, mul(sload(at(SW1, k)), add(one, sub(sload(at(ST2, k)), yt))));
      sstore(at(SD, k), d);
      sumD = add(sumD, d);
    }
  } else if (method == EDSCW || method == IDW) {
    // the gradient formulas need the weights to float32 accuracy only (unless x̂² + m̂² underflowed)
    let yt: Vec;
    if (method == IDW) yt = idwWeights(st, r, true);
    else if (wide) yt = dscWeights(st, r, true);
    else {
      yt = dscWeights32(st, r, true, false);
      if (st.dscTiny) yt = dscWeights(st, r, true);
    }
    if (method == IDW || wide) shiftTaps(st, r); // dscWeights32 left t = x − x₀ in ST
    const A = meanTerm(st, r, yt, method == IDW);
    for (let k = 0; k < r; k++) {
      const wk = sload(at(SW1, k));
      const d = mul(g, add(add(wk, mul(mul(wk, sub(sload(at(ST, k)), yt)), sload(at(SA, k)))), A));
      sstore(at(SD, k), d);
      sumD = add(sumD, d);
    }
  } else if (method == ADA) {
    // ada: β̂-mix of the edscw and em derivatives; dβ = (y^D − y^M)·1[0 ≤ β ≤ 1]
    const beta = betaAt(st);
    const b = clamp01(beta);
    const b1 = sub(one, b);
    const xmax = regionMax(st, r);
    const ytM = emWeights(st, r, SW2, ST2, xmax);
    let ytD = wide ? dscWeights(st, r, true) : dscWeights32(st, r, true);
    // dβ needs y^D − y^M to the gradient tolerance: float64 weights where float32 could miss it
    if (!wide && needsWide(st, splat(1), adaCombine(st, b, xmax, ytM, true))) ytD = dscWeights(st, r, true);
    if (wide) shiftTaps(st, r); // dscWeights32 left t = x − x₀ in ST
    const A = meanTerm(st, r, ytD, false);
    for (let k = 0; k < r; k++) {
      const wD = sload(at(SW1, k));
      const dD = add(add(wD, mul(mul(wD, sub(sload(at(ST, k)), ytD)), sload(at(SA, k)))), A);
      const dM = mul(sload(at(SW2, k)), add(one, sub(sload(at(ST2, k)), ytM)));
      const d = mul(g, add(mul(b, dD), mul(b1, dM)));
      sstore(at(SD, k), d);
      sumD = add(sumD, d);
    }
    const inRange = ones(and(ge(beta, splat(0)), le(beta, splat(1))));
    db = mul(mul(g, adaCombine(st, b, xmax, ytM, true)), inRange);
  } else unreachable();
  if (!plain(method)) {
    // a contribution that is not finite (their sum is then not finite either, and a finite sum
    // proves them all finite): the careful path (bigRegion on this row), which also does dβ
    if (nonFinite(sumD)) {
      bigRegion(st, BACKWARD, method, -1, r); // adds dx and dβ itself
      return;
    } else if (method == ADA) {
      const bOff = load<i32>(st.tBeta);
      for (let l = 0; l < st.nLanes; l++) {
        const p = st.pDbeta + (<usize>(st.bb + l * st.sb + bOff) << 3);
        store<f64>(p, load<f64>(p) + <f64>lane(db, l));
      }
    }
  }
  scatterAdd(st, st.pDx, r);
}

/** adaUnpool: U[π(o,κ)] += v_o W_{o,κ}. */
export function unpoolRegion(st: Call): void {
  const r = load<i32>(st.tCount);
  const n = st.nLanes;
  const v = dropLanes(gather(st.pY, st.by, st.sy, load<i32>(st.tOut), st.nLanes), st.skipLanes);
  const m0 = load<i32>(st.tMaskOff);
  const tapMask = st.tMask;
  const tapInput = st.tInput;
  const U = st.pX;
  for (let j = 0; j < r; j++) {
    const w = gather(st.pMask, st.bm, st.sm, m0 + i32At(tapMask, j), st.nLanes);
    accumulate(U, st.bx, st.sx, i32At(tapInput, j), mul(v, w), st.nLanes);
  }
}

/** adaUnpool backward: dv_o = Σ_κ W_{o,κ} G_{π(o,κ)}, dW_{o,κ} = v_o G_{π(o,κ)}. */
export function unpoolGradRegion(st: Call): void {
  const r = load<i32>(st.tCount);
  const n = st.nLanes;
  const yOff = load<i32>(st.tOut);
  const v = gather(st.pY, st.by, st.sy, yOff, st.nLanes);
  const m0 = load<i32>(st.tMaskOff);
  const tapMask = st.tMask;
  const tapInput = st.tInput;
  const wide = r > WIDE_TAPS; // dv summed in float64 (see WIDE_TAPS)
  let dv = splat(0);
  let lo = wsplat(0);
  let hi = wsplat(0);
  for (let j = 0; j < r; j++) {
    const G = gather(st.pDx, st.bx, st.sx, i32At(tapInput, j), st.nLanes);
    const mo = m0 + i32At(tapMask, j);
    const p = mul(gather(st.pMask, st.bm, st.sm, mo, st.nLanes), G);
    if (wide) {
      lo = wadd(lo, widen(p, 0));
      if (WIDE_PARTS > 1) hi = wadd(hi, widen(p, WIDE_PARTS - 1));
    } else {
      dv = add(dv, p);
    }
    scatter(st.pDbeta, st.bm, st.sm, mo, mul(v, G), st.nLanes);
  }
  if (wide) dv = narrow(lo, WIDE_PARTS > 1 ? hi : lo);
  scatter(st.pDy, st.by, st.sy, yOff, dv, st.nLanes);
}

/**
 * edscw's y^D, or adaPool's β̂ y^D + (1 − β̂) y^M, of the r taps in SV in two float32 passes that
 * share the loads: (x₀-relative sum, max |x|, x_max), then both weight families
 * (e^{D−1} with D = 2|x̂ m̂|/(x̂² + m̂²), and e^{x − x_max}), then Σ w|x − y^D| for the error
 * bound of needsWide. Sets fusedRedo where that bound, or a q = x̂² + m̂² below 1e-30 (underflow
 * or the origin D(0,0)), calls for the careful path.
 */
// @ts-ignore: decorator
@inline export function fusedDsc(st: Call, ada: bool, r: i32, b: Vec): Vec {
  const SV = st.SV, ST = st.ST, SW1 = st.SW1;
  const zero = splat(0);
  const one = splat(1);
  const x0 = sload(at(SV, 0));
  let s = zero;
  let M = zero;
  let xmax = x0;
  for (let j = 0; j < r; j++) {
    const x = sload(at(SV, j));
    s = add(s, sub(x, x0));
    M = pmax(M, abs(x));
    xmax = pmax(xmax, x);
  }
  const m = add(x0, div(s, splat(<f32>r)));
  const iM = div(one, select(one, M, eq(M, zero)));
  const mh = mul(m, iM);
  const mm = mul(mh, mh);
  const mh2 = add(mh, mh);
  let qmin = splat(Infinity);
  let ZD = zero; let SD_ = zero; let ZM = zero; let SM = zero;
  for (let j = 0; j < r; j++) {
    const x = sload(at(SV, j));
    const xh = mul(x, iM);
    const q = add(mul(xh, xh), mm);
    qmin = pmin(qmin, q);
    const eD = expUnit(sub(div(abs(mul(xh, mh2)), q), one)); // D ∈ [0, 1]: e^{D−1} ∈ [1/e, 1]
    const t = sub(x, x0);
    sstore(at(SW1, j), eD);
    sstore(at(ST, j), t);
    ZD = add(ZD, eD);
    SD_ = add(SD_, mul(eD, t));
    if (ada) {
      const tau = sub(x, xmax);
      const e = expNeg(tau);
      ZM = add(ZM, e);
      SM = add(SM, mul(e, tau));
    }
  }
  const izD = div(one, ZD);
  const ytD = mul(SD_, izD);
  let spread = zero;
  for (let j = 0; j < r; j++) spread = add(spread, mul(sload(at(SW1, j)), abs(sub(sload(at(ST, j)), ytD))));
  st.dscErr = mul(spread, izD);
  st.dscTiny = anyTrue(lt(qmin, splat(1e-30)));
  const yD = add(x0, ytD);
  let y = yD;
  if (ada) {
    // β̂ y^D + (1 − β̂) y^M in float32 rounds 4 times: error ≤ 2.4e-7 · max(|y^D|, |y^M|), within a
    // fifth of the tolerance (2e-6 + 2e-5|y|) where max(|y^D|, |y^M|) ≤ 8 + 80|y|; else widened
    const ytM = div(SM, ZM);
    const yM = add(xmax, ytM);
    y = add(mul(b, yD), mul(sub(one, b), yM));
    if (anyTrue(gt(pmax(abs(yD), abs(yM)), add(splat(8), mul(splat(80), abs(y)))))) {
      st.yLo = widen(yD, 0);
      st.yHi = widen(yD, WIDE_PARTS - 1);
      y = adaCombine(st, b, xmax, ytM, false);
    }
  }
  st.fusedRedo = needsWide(st, b, y);
  return y;
}
