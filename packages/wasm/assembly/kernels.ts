/**
 * adapool kernels (OPERATORS.md), one rank-generic region walk for every op family.
 *
 * The host (src/backend.ts) lays out in linear memory, above __heap_base: a parameter block,
 * the plan's geometry per axis (core's one rule: for each axis its taps π(o, κ) and padded
 * counts, O(Σ_a O_a·K_a) ints, no table per output), the lane groups, the tensors, and scratch.
 * Before a region is computed, its row (valid taps as input, mask and flat offsets, the region's
 * output, mask and β offsets) is built from the per-axis tables as nested per-axis ranges
 * (`materialize`) into one scratch row; the region math reads that row.
 * A kernel call walks groups of LANES regions that share one row and differ only by a
 * per-lane base offset: either LANES channels at the same output (channels-last), or LANES
 * neighbouring outputs along the last axis of one plane (channels-first, or fewer channels than
 * lanes; the host forms such groups only where the windows are translations of each other).
 * Values are gathered per tap, so the same code serves 1D/2D/3D, strided and adaptive geometry,
 * both layouts.
 *
 * Names follow OPERATORS.md: x (input), m (region mean), w (weights), y (output),
 * a = ∂φ/∂x, b = ∂φ/∂m, β̂ = clamp(β, 0, 1). Differences are taken relative to a tap of the
 * region (t = x − x₀, τ = x − x_max) so that x − m and x − y stay accurate when |x| ≫ |x − m|;
 * edscw and idw weigh in float64 (see "float64 value path").
 */
import {
  Vec, Mask, LANES, VBYTES, setLaneCount,
  splat, add, sub, mul, div, max, min, pmax, pmin, abs, sqrt, gt, lt, ge, le, eq, ne, and, or, select, ones, lane, anyTrue,
  sload, sstore, gather, scatter, accumulate, dropLanes, countHits, multiHit, exp, expNeg, expUnit, evens, odds, spreadLo, spreadHi, interleaveLo, interleaveHi, not, shiftIn, shiftBack, sloadSplat, andNot, keep,
  Wide, WIDE_PARTS, WBYTES, widen, narrow, wsplat, wadd, wsub, wmul, wdiv, wmax, wmin, wpmax, wpmin, wabs, wsqrt, weq, wsgn, wselect,
  wload, wstore, wexp, wexpUnit, wfirst, PAIRS, gatherPair, accumulatePair,
} from './vec';
import { AVG, MAX, EM, EDSCW, IDW, ADA, METHODS, REGION, DENSE_FORWARD, PAIRED_GRAD, EMPTY, MIXED_GRAD, TRIPLE_GRAD, CHANNELS, STREAMED } from './methods';

// The method codes come from core's list (./methods is generated from it by scripts/build-wasm.mjs).
// Every kernel below handles exactly these six: a method added to core's list stops the build
// here until its kernels are written; a code outside the list traps (run) before anything is computed.
// @ts-ignore: compile-time check
if (METHODS != 6) ERROR('kernels.ts handles the methods avg, max, em, edscw, idw, ada: a method added to core needs its kernels here');

/** avg and max: plain reductions (no weights in float64, no exp). */
// @ts-ignore: decorator
@inline function plain(method: i32): bool { return method == AVG || method == MAX; }

// ---- parameter block (i32 slots, written by the host) -------------------------------------
const METHOD = 0; // a code of ./methods (core's list of methods)
const OUTPUTS = 1; // spatial outputs per plane
const W = 2; // taps per window (Π K: a region row holds at most this many)
const NB = 3; // batch N
const NC = 4; // channels C
const RETURN_MASK = 5;
const COUNT_INCLUDE_PAD = 6;
const GROUPS = 7; // > 0: lanes across outputs, this many groups per plane
const IDW_EPS = 8; // f64 (slots 8 and 9)
const XS_N = 10; const XS_C = 11; const YS_N = 12; const YS_C = 13;
const MS_N = 14; const MS_C = 15; const BS_N = 16; const BS_C = 17;
const TILES = 19; // 1: every input element lies in exactly one window (no overlaps, no gaps)
const RANK = 20; // spatial rank n
const AXES = 21; // the per-axis records (AXIS_INTS ints each, axis 0 first) and their tables
const T_GROUPS = 28;
const HITS = 29; // 0, or where to count the runs of each variant (tests: src/backend.ts countVariants)
const X = 30; const BETA = 31; const DY = 32; const Y = 33; const MASK = 34; const INDICES = 35;
const DX = 36; const DBETA = 37; const SCRATCH = 38;

let P: usize = 0;
// @ts-ignore: decorator
@inline function param(i: i32): i32 { return load<i32>(P + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function ptr(i: i32): usize { return <usize>load<u32>(P + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function i32At(table: usize, i: i32): i32 { return load<i32>(table + (<usize>i << 2)); }

// Parameters of the running call, read once per call.
let withMask = false;
let tiles = false;
let countIncludePad = false;
// The current region's row (materialize): its tap count, countIncludePad divisor, output, mask
// and β offsets (one int each), and per valid tap its input, mask (window) and flat input offsets.
let tCount: usize = 0; let tPadded: usize = 0; let tOut: usize = 0; let tMaskOff: usize = 0; let tBeta: usize = 0;
let tInput: usize = 0; let tMask: usize = 0; let tFlat: usize = 0;
let pX: usize = 0; let pBeta: usize = 0; let pDy: usize = 0; let pY: usize = 0; let pMask: usize = 0;
let pIndices: usize = 0; let pDx: usize = 0; let pDbeta: usize = 0;

// ---- geometry per axis ----------------------------------------------------------------------
// Axis record (ints): O, K, L (input length), output index stride (outputs per step of o),
// spatial strides of x, y and the mask's output part, the mask's window stride, β's stride, and
// the element offsets (from AXES) of taps[o·K + κ] = π(o, κ) or −1, and padded[o].
const A_O = 0; const A_K = 1; const A_L = 2; const A_OS = 3; const A_XS = 4; const A_YS = 5;
const A_MS = 6; const A_MK = 7; const A_BS = 8; const A_TAPS = 9; const A_PADS = 10;
const AXIS_INTS = 12;
let rank = 0;
let axes: usize = 0;
// @ts-ignore: decorator
@inline function axisInt(a: i32, f: i32): i32 { return load<i32>(axes + (<usize>(a * AXIS_INTS + f) << 2)); }

/**
 * The row of output oi: the valid taps of its window in row-major κ order (core's regionTable
 * order), as the product of each axis's valid taps, axis 0 outermost. Entries are expanded in
 * place from the last down, so entry e of the product so far becomes entries e·v … e·v + v − 1.
 */
function materialize(oi: i32): void {
  let c = 1;
  store<i32>(tInput, 0); store<i32>(tMask, 0); store<i32>(tFlat, 0);
  let yo = 0; let mo = 0; let bo = 0; let Pd = 1;
  for (let a = 0; a < rank; a++) {
    const o = (oi / axisInt(a, A_OS)) % axisInt(a, A_O);
    yo += o * axisInt(a, A_YS); mo += o * axisInt(a, A_MS); bo += o * axisInt(a, A_BS);
    Pd *= i32At(axes, axisInt(a, A_PADS) + o);
    const K = axisInt(a, A_K);
    const L = axisInt(a, A_L); const xs = axisInt(a, A_XS); const mk = axisInt(a, A_MK);
    const taps = axes + (<usize>(axisInt(a, A_TAPS) + o * K) << 2);
    let v = 0;
    for (let k = 0; k < K; k++) if (i32At(taps, k) >= 0) v++;
    for (let e = c - 1; e >= 0; e--) {
      const xi = i32At(tInput, e); const mi = i32At(tMask, e); const fi = i32At(tFlat, e) * L;
      let j = <usize>(e * v) << 2;
      for (let k = 0; k < K; k++) {
        const pos = i32At(taps, k);
        if (pos < 0) continue;
        store<i32>(tInput + j, xi + pos * xs); store<i32>(tMask + j, mi + k * mk); store<i32>(tFlat + j, fi + pos);
        j += 4;
      }
    }
    c *= v;
  }
  store<i32>(tCount, c); store<i32>(tPadded, Pd); store<i32>(tOut, yo); store<i32>(tMaskOff, mo); store<i32>(tBeta, bo);
}

/** Bytes of a row buffer for `taps` taps: 8 ints, then 3 ints a tap, 16-byte aligned. */
// @ts-ignore: decorator
@inline function rowBytes(taps: i32): usize { return (32 + 12 * <usize>taps + 15) & ~15; }

/** Makes the row buffer at `at` (for `taps` taps) the current region's row. */
function useRow(at: usize, taps: i32): void {
  tCount = at; tPadded = at + 4; tOut = at + 8; tMaskOff = at + 12; tBeta = at + 16;
  tInput = at + 32; tMask = tInput + (<usize>taps << 2); tFlat = tMask + (<usize>taps << 2);
}

// ---- lanes: lane l of the current group sits at element base + l·step of each tensor --------
let nLanes: i32 = 1;
let bx: i32 = 0; let sx: i32 = 0; // input (x, dx, U)
let by: i32 = 0; let sy: i32 = 0; // output (y, dy, v, dv)
let bm: i32 = 0; let sm: i32 = 0; // mask
let bb: i32 = 0; let sb: i32 = 0; // β
let sf: i32 = 0; // flat input index (maxPool indices)
let fShift: i32 = 0; // flat index shift of the current group within its run
let skipLanes: i32 = 0; // lanes < skipLanes were done by the previous group: accumulating jobs add 0 for them

// ---- scratch: per-tap Vec arrays of length W -------------------------------------------------
let SV: usize = 0; // x
let ST: usize = 0; // t = x − x₀
let SW1: usize = 0; // weights (edscw / em / idw; the D half of ada)
let SW2: usize = 0; // weights of the em half of ada
let SA: usize = 0; // a = ∂φ/∂x (edscw: ∂_x D, idw: q)
let SB: usize = 0; // b = ∂φ/∂m (edscw only; idw has b = −a)
let ST2: usize = 0; // τ = x − x_max (em)
let SD: usize = 0; // per-tap input gradient contributions g·∂y/∂x_k
let SE: usize = 0; // dense runs: per tap entry (offset, 1 if a pair), 8 bytes each
// @ts-ignore: decorator
@inline function at(arr: usize, j: i32): usize { return arr + <usize>j * VBYTES; }

// ---- region math ----------------------------------------------------------------------------

/** Whether the current lanes allow pair moves (4 lanes at stride 2, taps off and off + 1). */
// @ts-ignore: decorator
@inline function pairLanes(): bool { return PAIRS && nLanes == LANES && sx == 2; }

/** Loads the r tap values of the current lanes from `x` into `dst` (a scratch row). */
function loadTaps(x: usize, r: i32, dst: usize): void {
  const pairs = pairLanes();
  for (let j = 0; j < r; ) {
    const off = i32At(tInput, j);
    if (pairs && j + 1 < r && i32At(tInput, j + 1) == off + 1) {
      gatherPair(x, bx, off, at(dst, j), at(dst, j + 1));
      j += 2;
    } else {
      sstore(at(dst, j), gather(x, bx, sx, off));
      j++;
    }
  }
}

/** x[π_k] += SD[k] for the r taps of the current lanes (overlapping windows add). */
function scatterAdd(x: usize, r: i32): void {
  const pairs = pairLanes();
  for (let k = 0; k < r; ) {
    const off = i32At(tInput, k);
    if (pairs && k + 1 < r && i32At(tInput, k + 1) == off + 1) {
      accumulatePair(x, bx, off, sload(at(SD, k)), sload(at(SD, k + 1)));
      k += 2;
    } else {
      accumulate(x, bx, sx, off, sload(at(SD, k)));
      k++;
    }
  }
}

/** t = x − x₀ of the loaded taps into ST. */
function shiftTaps(r: i32): void {
  const x0 = sload(at(SV, 0));
  for (let j = 0; j < r; j++) sstore(at(ST, j), sub(sload(at(SV, j)), x0));
}

// ---- float64 value path ---------------------------------------------------------------------
// edscw and idw weights are close to 1/|R| for every tap, so an output near 0 made of ±1000 inputs
// needs the weights and y to better than float32 precision: they are computed in float64 (Wide,
// two halves per Vec) and rounded once. em needs no such care: its weights concentrate on the
// taps near the max, and y is accumulated relative to that max.
let WW: usize = 0; // float64 weights (per tap, WIDE_PARTS Wides)
let WA: usize = 0; // float64 a
let WB: usize = 0; // float64 b
// @ts-ignore: decorator
@inline function wat(arr: usize, j: i32, part: i32): usize { return arr + (<usize>(j * WIDE_PARTS + part)) * WBYTES; }
/** The last wide y (absolute), per half. */
let yLo: Wide = wsplat(0);
let yHi: Wide = wsplat(0);
// @ts-ignore: decorator
@inline function setY(part: i32, y: Wide): void { if (part == 0) yLo = y; else yHi = y; }

/** Rounds the wide weights (and partials when `grad`) of r taps into SW1 (SA, SB). */
function narrowWeights(r: i32, grad: bool, withB: bool): void {
  const hi = WIDE_PARTS - 1;
  for (let j = 0; j < r; j++) {
    sstore(at(SW1, j), narrow(wload(wat(WW, j, 0)), wload(wat(WW, j, hi))));
    if (grad) {
      sstore(at(SA, j), narrow(wload(wat(WA, j, 0)), wload(wat(WA, j, hi))));
      if (withB) sstore(at(SB, j), narrow(wload(wat(WB, j, 0)), wload(wat(WB, j, hi))));
    }
  }
}

/** Region mean m (float64) of one half: x₀ + Σ t / r. */
function wideMean(r: i32, part: i32): Wide {
  const x0 = widen(sload(at(SV, 0)), part);
  let s = wsplat(0);
  for (let j = 0; j < r; j++) s = wadd(s, wsub(widen(sload(at(SV, j)), part), x0));
  return wadd(x0, wdiv(s, wsplat(<f64>r)));
}

/** w ← w / Z; y = x₀ + Σ w (x − x₀). */
function normalise(r: i32, part: i32, Z: Wide): void {
  const x0 = widen(sload(at(SV, 0)), part);
  let yt = wsplat(0);
  const iz = wdiv(wsplat(1), Z);
  for (let j = 0; j < r; j++) {
    const w = wmul(wload(wat(WW, j, part)), iz);
    wstore(wat(WW, j, part), w);
    yt = wadd(yt, wmul(w, wsub(widen(sload(at(SV, j)), part), x0)));
  }
  setY(part, wadd(x0, yt));
}

/** ỹ = y − x₀ in float32 (for the gradient formulas, which use t = x − x₀). */
// @ts-ignore: decorator
@inline function yRelative(): Vec {
  const x0 = sload(at(SV, 0));
  return narrow(wsub(yLo, widen(x0, 0)), wsub(yHi, widen(x0, WIDE_PARTS - 1)));
}

/**
 * edscw in float64: D(x, m) = 2|x m|/(x² + m²), D(0,0) = 1 (x² cannot overflow); w ∝ e^{D − 1}
 * into SW1 and y (wide) into yLo/yHi; ∂_x D, ∂_m D into SA, SB when `grad`. Returns ỹ.
 */
function dscWeights(r: i32, grad: bool): Vec {
  const one = wsplat(1);
  const two = wsplat(2);
  for (let part = 0; part < WIDE_PARTS; part++) {
    const m = wideMean(r, part);
    const mm = wmul(m, m);
    const sgnm2 = wmul(two, wsgn(m));
    let Z = wsplat(0);
    for (let j = 0; j < r; j++) {
      // float64 squares of float32 values neither overflow nor underflow: no scaling needed
      const x = widen(sload(at(SV, j)), part);
      const xx = wmul(x, x);
      const q = wadd(xx, mm);
      const origin = weq(q, wsplat(0)); // x = m = 0
      const iq = wdiv(one, wselect(one, q, origin));
      const D = wselect(one, wmul(wmul(two, wabs(wmul(x, m))), iq), origin);
      // D ∈ [0, 1]: e^{D−1} ∈ [1/e, 1] needs no max subtraction (softmax is shift-invariant)
      const e = wexpUnit(wsub(D, one));
      wstore(wat(WW, j, part), e);
      Z = wadd(Z, e);
      if (grad) {
        // ∂_x D = 2ς m (m² − x²)/q², ∂_m D = 2ς x (x² − m²)/q²  (ς = sgn(x m); 0 at the origin)
        const s2iq2 = wmul(wmul(sgnm2, wsgn(x)), wmul(iq, iq));
        const d = wsub(mm, xx);
        wstore(wat(WA, j, part), wmul(wmul(s2iq2, m), d));
        wstore(wat(WB, j, part), wmul(wmul(s2iq2, x), wsub(wsplat(0), d)));
      }
    }
    normalise(r, part, Z);
  }
  narrowWeights(r, grad, true);
  return yRelative();
}

/** sgn(v) with sgn(0) = 0. */
// @ts-ignore: decorator
@inline function sgn(v: Vec): Vec { return sub(ones(gt(v, splat(0))), ones(lt(v, splat(0)))); }

/** Σ_j w_j |x_j − y| of the last dscWeights32 call: how far its float32 weights can move y. */
let dscErr: Vec = splat(0);
/** Set by dscWeights32 when x̂² + m̂² lost precision (a tap ≥ 1e15 times smaller than the region's max). */
let dscTiny = false;

/**
 * edscw in float32, the fast path: D = 2|x̂ m̂|/(x̂² + m̂²) with x̂ = x/M, m̂ = m/M, M the region's
 * max |x| (so x̂² cannot overflow; one division per tap); weights into SW1, ∂_x D, ∂_m D into
 * SA, SB when `grad`; y (widened) into yLo/yHi, Σ w |x − y| into dscErr. Returns ỹ. Float32
 * weights move y by at most ≈ 1.2e-6 · dscErr (about 20 roundings); where that could exceed
 * the tolerance (needsWide) callers redo the region with the float64 dscWeights.
 */
function dscWeights32(r: i32, grad: bool): Vec {
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
  let tiny = eq(zero, one);
  let Z = zero;
  for (let j = 0; j < r; j++) {
    const x = sload(at(SV, j));
    const xh = mul(x, iM);
    const xx = mul(xh, xh);
    const q = add(xx, mm);
    const origin = and(eq(x, zero), mZero); // D(0, 0) = 1, partials 0
    tiny = or(tiny, and(lt(q, splat(1e-30)), or(ne(x, zero), ne(m, zero)))); // q underflowed, not the origin
    const iq = div(one, select(one, q, origin));
    const D = select(one, mul(mul(splat(2), abs(mul(xh, mh))), iq), origin);
    // D ∈ [0, 1]: shifting by 1 instead of max D keeps e^{D−1} ∈ [1/e, 1] (softmax is shift-invariant)
    const e = expUnit(sub(D, one));
    sstore(at(SW1, j), e);
    Z = add(Z, e);
    if (grad) {
      // ∂_x D = 2ς m̂ (m̂² − x̂²)/(q² M), ∂_m D = 2ς x̂ (x̂² − m̂²)/(q² M); ς = sgn(x m), 0 at the origin
      const c = mul(mul(splat(2), mul(sgn(x), sgn(m))), mul(mul(iq, iq), iM));
      sstore(at(SA, j), mul(mul(c, mh), sub(mm, xx)));
      sstore(at(SB, j), mul(mul(c, xh), sub(xx, mm)));
    }
  }
  dscTiny = anyTrue(tiny);
  const iz = div(one, Z);
  let yt = zero;
  for (let j = 0; j < r; j++) {
    const w = mul(sload(at(SW1, j)), iz);
    sstore(at(SW1, j), w);
    yt = add(yt, mul(w, sload(at(ST, j))));
  }
  let spread = zero;
  for (let j = 0; j < r; j++) spread = add(spread, mul(sload(at(SW1, j)), abs(sub(sload(at(ST, j)), yt))));
  dscErr = spread;
  const y = add(x0, yt);
  yLo = widen(y, 0);
  yHi = widen(y, WIDE_PARTS - 1);
  return yt;
}

/**
 * Whether dscWeights32's float32 weights (y error ≲ 1.2e-6 · scale · dscErr) could move `ref`
 * past a fifth of the OPERATORS.md §6 forward tolerance 1e-5 + 1e-4|ref|, or lost precision.
 */
// @ts-ignore: decorator
@inline function needsWide(scale: Vec, ref: Vec): bool {
  return dscTiny || anyTrue(gt(mul(scale, dscErr), add(splat(1.5), mul(splat(15), abs(ref)))));
}

/**
 * idw: u = x − m, δ = hypot(u, ε) (scale-free), w = (δ_min/δ)/Σ(δ_min/δ) into SW1, y (wide) into
 * yLo/yHi, q = −(u/δ)/δ into SA when `grad` (b = −q). Returns ỹ.
 */
function idwWeights(r: i32, grad: bool): Vec {
  const epsV = load<f64>(P + (<usize>IDW_EPS << 2));
  const eps = wsplat(epsV);
  const eps2v = epsV * epsV;
  const eps2 = wsplat(eps2v);
  const scaled = eps2v == 0 || eps2v == Infinity; // ε below ~1e-162 or above ~1e154: hypot by scaling
  for (let part = 0; part < WIDE_PARTS; part++) {
    const m = wideMean(r, part);
    let dmin = wsplat(Infinity);
    for (let j = 0; j < r; j++) {
      const u = wsub(widen(sload(at(SV, j)), part), m);
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
      if (grad) wstore(wat(WA, j, part), wmul(wmul(wsub(wsplat(0), u), inv), inv)); // q = −(u/δ)/δ
    }
    let Z = wsplat(0);
    for (let j = 0; j < r; j++) {
      const rho = wmul(dmin, wload(wat(WW, j, part))); // δ_min/δ ∈ (0, 1]
      wstore(wat(WW, j, part), rho);
      Z = wadd(Z, rho);
    }
    normalise(r, part, Z);
  }
  narrowWeights(r, grad, false);
  return yRelative();
}

/**
 * Max of the r tap values, as the softmax shift. pmax may drop a NaN here, but a NaN tap still
 * makes its τ, Z and so y and every weight NaN, as the spec requires.
 */
function regionMax(r: i32): Vec {
  let xmax = sload(at(SV, 0));
  for (let j = 1; j < r; j++) xmax = pmax(xmax, sload(at(SV, j)));
  return xmax;
}

/**
 * em (SoftPool): w = softmax(x) = e^{x − x_max}/Z into `w`, τ = x − x_max into `tau`.
 * Returns ỹ = Σ w τ (y = x_max + ỹ). Uses SD as scratch for regions of more than WIDE_TAPS taps.
 */
function emWeights(r: i32, w: usize, tau: usize, xmax: Vec): Vec {
  const wide = r > WIDE_TAPS; // Z and ỹ summed in float64 (see WIDE_TAPS)
  let Z = splat(0);
  for (let j = 0; j < r; j++) {
    const t = sub(sload(at(SV, j)), xmax);
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
function adaCombine(bhat: Vec, xmax: Vec, ytM: Vec, difference: bool): Vec {
  let lo = wsplat(0);
  let hi = wsplat(0);
  for (let part = 0; part < WIDE_PARTS; part++) {
    const yM = wadd(widen(xmax, part), widen(ytM, part));
    const yD = part == 0 ? yLo : yHi;
    const b = widen(bhat, part);
    const v = difference ? wsub(yD, yM) : wadd(wmul(b, yD), wmul(wsub(wsplat(1), b), yM));
    if (part == 0) lo = v;
    else hi = v;
  }
  return narrow(lo, WIDE_PARTS == 1 ? lo : hi);
}

/** β̂ = clamp(β, 0, 1) of the current lanes at output oi. */
// @ts-ignore: decorator
@inline function betaAt(): Vec {
  return gather(pBeta, bb, sb, load<i32>(tBeta));
}
// @ts-ignore: decorator
@inline function clamp01(b: Vec): Vec { return min(max(b, splat(0)), splat(1)); }

// ---- large regions -------------------------------------------------------------------------
// A float32 sum of r terms can be off by ≈ r·2⁻²⁴ of Σ|terms| (r = 65 536: 0.4%, far past the
// §6 tolerance). Regions of more than WIDE_TAPS taps therefore accumulate their sums (avg's Σx,
// em's Z and Σ w τ, unpool's dv) in float64 and weigh edscw in float64 (dscWeights); idw always
// does. Smaller regions, every dense run among them, keep their float32 sums (error ≤ 64·2⁻²⁴).
const WIDE_TAPS = 64;

/** scale · Σ_j row[j] over r taps, summed in float64, rounded once. */
function wideRowSum(row: usize, r: i32, scale: f64): Vec {
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

/** Whether a lane of v is ±∞ or NaN (v − v is 0 exactly for finite v). */
// @ts-ignore: decorator
@inline function nonFinite(v: Vec): bool { return anyTrue(ne(sub(v, v), splat(0))); }

// ---- the reference's scores in float64 (the careful path and streamed regions: bigRegion) -----

/** Partials a = ∂φ/∂x, b = ∂φ/∂m of the last exactScore call with `grad`. */
let exactA: f64 = 0;
let exactB: f64 = 0;

/** φ(x, m) of em (2), edscw (3) or idw (4), as the reference computes it. */
function exactScore(method: i32, x: f64, m: f64, grad: bool): f64 {
  if (method == EM) {
    exactA = 1;
    exactB = 0;
    return x;
  }
  if (method == EDSCW) {
    const M = Math.max(Math.abs(x), Math.abs(m));
    if (M == 0) {
      exactA = 0;
      exactB = 0;
      return 1;
    }
    const xh = x / M;
    const mh = m / M;
    const q = xh * xh + mh * mh;
    if (grad) {
      const sg = Math.sign(x) * Math.sign(m);
      const den = q * q * M;
      exactA = (2 * sg * mh * (mh * mh - xh * xh)) / den;
      exactB = (2 * sg * xh * (xh * xh - mh * mh)) / den;
    }
    return (2 * Math.abs(xh * mh)) / q;
  }
  const u = x - m;
  const delta = Math.hypot(u, load<f64>(P + (<usize>IDW_EPS << 2)));
  if (grad) {
    exactA = -(u / delta) / delta;
    exactB = -exactA;
  }
  return -Math.log(delta);
}

// @ts-ignore: decorator
@inline function exactClamp(b: f64): f64 { return Math.min(Math.max(b, 0), 1); }

/** Writes the mask row of output oi from weights `w` (row of r taps). */
function storeMask(w: usize, r: i32): void {
  const mask = pMask;
  const tapMask = tMask;
  const m0 = load<i32>(tMaskOff);
  for (let j = 0; j < r; j++) scatter(mask, bm, sm, m0 + i32At(tapMask, j), sload(at(w, j)));
}

/** maxPool's winning tap per lane (first max, strict >, NaN wins) as a float index. */
function argmax(r: i32): Vec {
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

/** Forward of one group of lanes at output oi. */
function forwardRegion(method: i32): void {
  const r = load<i32>(tCount);
  if (r == 0) return; // empty region: output 0, mask 0, index −1 (buffers pre-filled)
  loadTaps(pX, r, SV);
  const yOff = load<i32>(tOut);
  const wide = r > WIDE_TAPS;
  let y: Vec;
  if (method == AVG) {
    // avg: y = Σ x / P, P = |R| or the countIncludePad divisor
    const Pi = countIncludePad ? load<i32>(tPadded) : r;
    const P = splat(<f32>Pi);
    if (wide) {
      y = wideRowSum(SV, r, 1 / <f64>Pi);
    } else {
      let sum = splat(0);
      for (let j = 0; j < r; j++) sum = add(sum, sload(at(SV, j)));
      y = div(sum, P);
    }
    if (withMask) {
      const w = div(splat(1), P);
      for (let j = 0; j < r; j++) sstore(at(SW1, j), w);
    }
  } else if (method == MAX) {
    const bi = argmax(r);
    y = splat(0);
    for (let j = 0; j < r; j++) {
      const hit = eq(bi, splat(<f32>j));
      y = select(sload(at(SV, j)), y, hit);
      if (withMask) sstore(at(SW1, j), ones(hit));
    }
    if (withMask) {
      storeMask(SW1, r);
      for (let l = 0; l < nLanes; l++) {
        const k = <i32>lane(bi, l);
        store<i32>(pIndices + (<usize>(by + l * sy + yOff) << 2), i32At(tFlat, k) + l * sf + fShift);
      }
    }
    scatter(pY, by, sy, yOff, y);
    return;
  } else if (method == EM) {
    const xmax = regionMax(r);
    if (wide) {
      y = add(xmax, emWeights(r, SW1, ST2, xmax));
    } else {
      // em in one pass: y = x_max + Σ e^τ τ / Σ e^τ, τ = x − x_max; weights only for the mask
      let Z = splat(0);
      let S = splat(0);
      for (let j = 0; j < r; j++) {
        const t = sub(sload(at(SV, j)), xmax);
        const e = expNeg(t);
        Z = add(Z, e);
        S = add(S, mul(e, t));
        if (withMask) sstore(at(SW1, j), e);
      }
      const iz = div(splat(1), Z);
      y = add(xmax, mul(S, iz));
      if (withMask) for (let j = 0; j < r; j++) sstore(at(SW1, j), mul(sload(at(SW1, j)), iz));
    }
  } else if (method == EDSCW) {
    if (!wide) dscWeights32(r, false);
    if (wide || needsWide(splat(1), narrow(yLo, yHi))) dscWeights(r, false);
    y = narrow(yLo, yHi);
  } else if (method == IDW) {
    idwWeights(r, false);
    y = narrow(yLo, yHi);
  } else {
    // ada: y = β̂ y^D + (1 − β̂) y^M, mask likewise
    const b = clamp01(betaAt());
    const b1 = sub(splat(1), b);
    const xmax = regionMax(r);
    const ytM = emWeights(r, SW2, ST2, xmax);
    if (wide) {
      dscWeights(r, false);
      y = adaCombine(b, xmax, ytM, false);
    } else {
      dscWeights32(r, false);
      y = adaCombine(b, xmax, ytM, false);
      if (needsWide(b, y)) {
        dscWeights(r, false);
        y = adaCombine(b, xmax, ytM, false);
      }
    }
    if (withMask) for (let j = 0; j < r; j++) sstore(at(SW1, j), add(mul(b, sload(at(SW1, j))), mul(b1, sload(at(SW2, j)))));
  }
  if (nonFinite(y)) {
    // an intermediate overflowed, or NaN/±∞ inputs: the careful path (bigRegion on this row)
    bigRegion(FORWARD, method, -1, r);
    return;
  }
  if (withMask) storeMask(SW1, r);
  scatter(pY, by, sy, yOff, y);
}

/**
 * A = (1/|R|) Σ_j w_j (x_j − y) b_j from weights SW1, t = x − x₀ (ST), ỹ = y − x₀ and b
 * (SB, or −SA for idw where b = −q).
 */
function meanTerm(r: i32, yt: Vec, bIsMinusA: bool): Vec {
  let A = splat(0);
  for (let j = 0; j < r; j++) {
    const bj = bIsMinusA ? sub(splat(0), sload(at(SA, j))) : sload(at(SB, j));
    A = add(A, mul(mul(sload(at(SW1, j)), sub(sload(at(ST, j)), yt)), bj));
  }
  return div(A, splat(<f32>r));
}

/**
 * Exact input gradient of one group at output oi (OPERATORS.md 3):
 *   ∂y/∂x_k = w_k + w_k (x_k − y) a_k + (1/|R|) Σ_j w_j (x_j − y) b_j,
 * scattered as dx[π_k] += g · ∂y/∂x_k (overlapping windows add). adaPool also accumulates
 * dβ += g (y^D − y^M) 1[0 ≤ β ≤ 1] (float64, lane by lane since lanes may share a β).
 */
function backwardRegion(method: i32): void {
  const r = load<i32>(tCount);
  if (r == 0) return;
  loadTaps(pX, r, SV);
  const g = dropLanes(gather(pDy, by, sy, load<i32>(tOut)), skipLanes);
  const one = splat(1);
  const wide = r > WIDE_TAPS;
  let db = splat(0); // adaPool: g (y^D − y^M) 1[0 ≤ β ≤ 1]
  if (method == AVG) {
    const gd = div(g, splat(countIncludePad ? <f32>load<i32>(tPadded) : <f32>r));
    for (let k = 0; k < r; k++) sstore(at(SD, k), gd);
  } else if (method == MAX) {
    const bi = argmax(r);
    for (let k = 0; k < r; k++) sstore(at(SD, k), select(g, splat(0), eq(bi, splat(<f32>k))));
  } else if (method == EM) {
    // em: ∂y/∂x_k = w_k (1 + x_k − y)
    const yt = emWeights(r, SW1, ST2, regionMax(r));
    for (let k = 0; k < r; k++) {
      sstore(at(SD, k), mul(g, mul(sload(at(SW1, k)), add(one, sub(sload(at(ST2, k)), yt)))));
    }
  } else if (method == EDSCW || method == IDW) {
    // the gradient formulas need the weights to float32 accuracy only (unless x̂² + m̂² underflowed)
    let yt: Vec;
    if (method == IDW) yt = idwWeights(r, true);
    else if (wide) yt = dscWeights(r, true);
    else {
      yt = dscWeights32(r, true);
      if (dscTiny) yt = dscWeights(r, true);
    }
    shiftTaps(r);
    const A = meanTerm(r, yt, method == IDW);
    for (let k = 0; k < r; k++) {
      const wk = sload(at(SW1, k));
      const d = add(add(wk, mul(mul(wk, sub(sload(at(ST, k)), yt)), sload(at(SA, k)))), A);
      sstore(at(SD, k), mul(g, d));
    }
  } else {
    // ada: β̂-mix of the edscw and em derivatives; dβ = (y^D − y^M)·1[0 ≤ β ≤ 1]
    const beta = betaAt();
    const b = clamp01(beta);
    const b1 = sub(one, b);
    const xmax = regionMax(r);
    const ytM = emWeights(r, SW2, ST2, xmax);
    let ytD = wide ? dscWeights(r, true) : dscWeights32(r, true);
    // dβ needs y^D − y^M to the gradient tolerance: float64 weights where float32 could miss it
    if (!wide && needsWide(splat(1), adaCombine(b, xmax, ytM, true))) ytD = dscWeights(r, true);
    shiftTaps(r);
    const A = meanTerm(r, ytD, false);
    for (let k = 0; k < r; k++) {
      const wD = sload(at(SW1, k));
      const dD = add(add(wD, mul(mul(wD, sub(sload(at(ST, k)), ytD)), sload(at(SA, k)))), A);
      const dM = mul(sload(at(SW2, k)), add(one, sub(sload(at(ST2, k)), ytM)));
      sstore(at(SD, k), mul(g, add(mul(b, dD), mul(b1, dM))));
    }
    const inRange = ones(and(ge(beta, splat(0)), le(beta, splat(1))));
    db = mul(mul(g, adaCombine(b, xmax, ytM, true)), inRange);
  }
  if (!plain(method)) {
    // a contribution that is not finite (their sum is then not finite either, and a finite sum
    // proves them all finite): the careful path (bigRegion on this row), which also does dβ
    let sumD = splat(0);
    for (let k = 0; k < r; k++) sumD = add(sumD, sload(at(SD, k)));
    if (nonFinite(sumD)) {
      bigRegion(BACKWARD, method, -1, r); // adds dx and dβ itself
      return;
    } else if (method == ADA) {
      const bOff = load<i32>(tBeta);
      for (let l = 0; l < nLanes; l++) {
        const p = pDbeta + (<usize>(bb + l * sb + bOff) << 3);
        store<f64>(p, load<f64>(p) + <f64>lane(db, l));
      }
    }
  }
  scatterAdd(pDx, r);
}

/** adaUnpool: U[π(o,κ)] += v_o W_{o,κ}. */
function unpoolRegion(): void {
  const r = load<i32>(tCount);
  const n = nLanes;
  const v = dropLanes(gather(pY, by, sy, load<i32>(tOut)), skipLanes);
  const m0 = load<i32>(tMaskOff);
  const tapMask = tMask;
  const tapInput = tInput;
  const U = pX;
  for (let j = 0; j < r; j++) {
    const w = gather(pMask, bm, sm, m0 + i32At(tapMask, j));
    accumulate(U, bx, sx, i32At(tapInput, j), mul(v, w));
  }
}

/** adaUnpool backward: dv_o = Σ_κ W_{o,κ} G_{π(o,κ)}, dW_{o,κ} = v_o G_{π(o,κ)}. */
function unpoolGradRegion(): void {
  const r = load<i32>(tCount);
  const n = nLanes;
  const yOff = load<i32>(tOut);
  const v = gather(pY, by, sy, yOff);
  const m0 = load<i32>(tMaskOff);
  const tapMask = tMask;
  const tapInput = tInput;
  const wide = r > WIDE_TAPS; // dv summed in float64 (see WIDE_TAPS)
  let dv = splat(0);
  let lo = wsplat(0);
  let hi = wsplat(0);
  for (let j = 0; j < r; j++) {
    const G = gather(pDx, bx, sx, i32At(tapInput, j));
    const mo = m0 + i32At(tapMask, j);
    const p = mul(gather(pMask, bm, sm, mo), G);
    if (wide) {
      lo = wadd(lo, widen(p, 0));
      if (WIDE_PARTS > 1) hi = wadd(hi, widen(p, WIDE_PARTS - 1));
    } else {
      dv = add(dv, p);
    }
    scatter(pDbeta, bm, sm, mo, mul(v, G));
  }
  if (wide) dv = narrow(lo, WIDE_PARTS > 1 ? hi : lo);
  scatter(pDy, by, sy, yOff, dv);
}

/**
 * max of a group's paired taps at xb (see pairedRun), a NaN tap winning: pmax reductions (one
 * instruction each, where the NaN-propagating max is several) plus NaN flags.
 */
// @ts-ignore: decorator
@inline function pairedMax(xb: usize, nE: i32): Vec {
  let p = xb + (<usize>load<i32>(SE) << 2);
  let A = sload(p);
  let B = sload(p + VBYTES);
  let nA = ne(A, A);
  let nB = ne(B, B);
  for (let e = 1; e < nE; e++) {
    p = xb + (<usize>load<i32>(SE + (<usize>e << 3)) << 2);
    const a = sload(p);
    const b = sload(p + VBYTES);
    A = pmax(A, a); B = pmax(B, b);
    nA = or(nA, ne(a, a)); nB = or(nB, ne(b, b));
  }
  const fa = ones(nA);
  const fb = ones(nB);
  return withNaN(pmax(evens(A, B), odds(A, B)), gt(add(evens(fa, fb), odds(fa, fb)), splat(0)));
}

/** NaN in the lanes of `nan`, else y. */
// @ts-ignore: decorator
@inline function withNaN(y: Vec, nan: Mask): Vec { return select(splat(NaN), y, nan); }

/**
 * Group k of row rr of the prepared run, redone by forwardRegion (which takes the careful path
 * where needed) or backwardRegion; bx, by, bb are the plane's bases (the fast run functions
 * leave them so).
 */
function redoGroup(job: i32, method: i32, rr: i32, k: i32): void {
  const sbx = bx; const sby = by; const sbb = bb;
  bx += rr * runDxr + k * nLanes * sx; by += rr * runDyr + k * nLanes; bb += rr * runDbr + k * nLanes * sb;
  if (job == FORWARD) forwardRegion(method);
  else backwardRegion(method);
  bx = sbx; by = sby; bb = sbb;
}

/**
 * After a fast forward run whose outputs summed to sumY (one add per group instead of a test):
 * if sumY is not finite, the groups with an output that is not (a sum that overflowed, or NaN/±∞
 * inputs) are redone by forwardRegion. A finite sumY proves every output finite.
 */
function redoNonFinite(sumY: Vec, method: i32, reps: i32, yp0: usize): void {
  if (!nonFinite(sumY)) return;
  for (let rr = 0; rr < runRows; rr++) {
    const yp = yp0 + (<usize>(rr * runDyr) << 2);
    for (let k = 0; k < reps; k++) if (nonFinite(sload(yp + <usize>k * VBYTES))) redoGroup(FORWARD, method, rr, k);
  }
}

/**
 * denseRun where every tap is half of a pair (windows of width 2 along the last axis, stride 2):
 * the taps stay interleaved as loaded (a = outputs 0, 1; b = outputs 2, 3, two taps each) and
 * each pass reduces them in that form; one deinterleave per reduction, none per tap.
 */
function pairedRun(method: i32, reps: i32, nE: i32, step: i32, yp0: usize, P: Vec): void {
  let sumY = splat(0);
  for (let rr = 0; rr < runRows; rr++) {
  const xr = bx + rr * runDxr;
  const yp = yp0 + (<usize>(rr * runDyr) << 2);
  for (let k = 0; k < reps; k++) {
    const xb = pX + (<usize>(xr + k * step) << 2);
    let p = xb + (<usize>load<i32>(SE) << 2);
    let A = sload(p);
    let B = sload(p + VBYTES);
    let y: Vec;
    if (method == AVG) {
      for (let e = 1; e < nE; e++) {
        p = xb + (<usize>load<i32>(SE + (<usize>e << 3)) << 2);
        A = add(A, sload(p));
        B = add(B, sload(p + VBYTES));
      }
      y = div(add(evens(A, B), odds(A, B)), P);
    } else if (method == MAX) {
      y = pairedMax(xb, nE);
    } else {
      // em: x_max, then y = x_max + Σ e^τ τ / Σ e^τ with τ = x − x_max, interleaved
      for (let e = 1; e < nE; e++) {
        p = xb + (<usize>load<i32>(SE + (<usize>e << 3)) << 2);
        A = pmax(A, sload(p));
        B = pmax(B, sload(p + VBYTES));
      }
      const xmax = pmax(evens(A, B), odds(A, B)); // a dropped NaN still makes its τ and Z NaN
      const mA = spreadLo(xmax);
      const mB = spreadHi(xmax);
      let ZA = splat(0); let ZB = splat(0); let SA_ = splat(0); let SB_ = splat(0);
      for (let e = 0; e < nE; e++) {
        p = xb + (<usize>load<i32>(SE + (<usize>e << 3)) << 2);
        const ta = sub(sload(p), mA);
        const ea = expNeg(ta);
        ZA = add(ZA, ea);
        SA_ = add(SA_, mul(ea, ta));
        const tb = sub(sload(p + VBYTES), mB);
        const eb = expNeg(tb);
        ZB = add(ZB, eb);
        SB_ = add(SB_, mul(eb, tb));
      }
      const Z = add(evens(ZA, ZB), odds(ZA, ZB));
      const S = add(evens(SA_, SB_), odds(SA_, SB_));
      y = add(xmax, div(S, Z));
    }
    sumY = add(sumY, y);
    sstore(yp + (<usize>k * VBYTES), y);
  }
  }
  if (method != MAX) redoNonFinite(sumY, method, reps, yp0);
}

/**
 * avg or max of a run whose entries mix pairs and single taps (e.g. width-3 windows at stride 2):
 * pairs reduce interleaved (A, B), singles deinterleaved (D), one combine per group.
 */
function mixedRun(isMax: bool, reps: i32, nE: i32, step: i32, yp0: usize, P: Vec): void {
  const zero = splat(0);
  let sumY = zero;
  for (let rr = 0; rr < runRows; rr++) {
  const xr = bx + rr * runDxr;
  const yp = yp0 + (<usize>(rr * runDyr) << 2);
  for (let k = 0; k < reps; k++) {
    const base = xr + k * step;
    const xb = pX + (<usize>base << 2);
    // the first entry seeds every accumulator (a single one's value fills A and B as pairs would)
    const first = xb + (<usize>load<i32>(SE) << 2);
    let A: Vec; let B: Vec; let D: Vec;
    if (load<i32>(SE, 4)) {
      A = sload(first); B = sload(first + VBYTES);
      D = isMax ? evens(A, B) : zero;
    } else {
      D = gather(pX, base, sx, load<i32>(SE));
      A = isMax ? spreadLo(D) : zero; B = isMax ? spreadHi(D) : zero;
    }
    // max: pmax (one instruction) and NaN flags (a NaN tap wins); avg: sums
    let nA = ne(A, A); let nB = ne(B, B); let nD = ne(D, D);
    for (let e = 1; e < nE; e++) {
      const off = load<i32>(SE + (<usize>e << 3));
      if (load<i32>(SE + (<usize>e << 3), 4)) {
        const p = xb + (<usize>off << 2);
        const a = sload(p);
        const b = sload(p + VBYTES);
        if (isMax) {
          A = pmax(A, a); B = pmax(B, b);
          nA = or(nA, ne(a, a)); nB = or(nB, ne(b, b));
        } else {
          A = add(A, a); B = add(B, b);
        }
      } else {
        const v = gather(pX, base, sx, off);
        if (isMax) {
          D = pmax(D, v);
          nD = or(nD, ne(v, v));
        } else {
          D = add(D, v);
        }
      }
    }
    let y: Vec;
    if (isMax) {
      const fa = ones(nA);
      const fb = ones(nB);
      const nan = or(nD, gt(add(evens(fa, fb), odds(fa, fb)), zero));
      y = withNaN(pmax(pmax(evens(A, B), odds(A, B)), D), nan);
    } else {
      y = div(add(add(evens(A, B), odds(A, B)), D), P);
      sumY = add(sumY, y);
    }
    sstore(yp + (<usize>k * VBYTES), y);
  }
  }
  if (!isMax) redoNonFinite(sumY, AVG, reps, yp0);
}

/**
 * avg or max of a run whose entries are triples (see tapEntries: windows of width 3 along the
 * last axis at stride 2). Each line of taps is read as the 8 floats at its offset (A, B: the
 * pairs, interleaved) and the float after them (C): the single taps of the 4 outputs are the
 * even taps one output further (shiftIn), so overlapping windows share their loads. max reduces
 * with pmax and sums the loaded values (F) to spot a NaN (or ∞ − ∞): such a group is redone with
 * the NaN-propagating max.
 */
function tripleRun(isMax: bool, reps: i32, nE: i32, step: i32, yp0: usize, P: Vec): void {
  let sumY = splat(0);
  for (let rr = 0; rr < runRows; rr++) {
  const xr = bx + rr * runDxr;
  const yp = yp0 + (<usize>(rr * runDyr) << 2);
  for (let k = 0; k < reps; k++) {
    const xb = pX + (<usize>(xr + k * step) << 2);
    let p = xb + (<usize>load<i32>(SE) << 2);
    let A = sload(p);
    let B = sload(p + VBYTES);
    let C = sloadSplat(p + 2 * VBYTES);
    let F = add(add(A, B), C);
    for (let e = 2; e < nE; e += 2) {
      p = xb + (<usize>load<i32>(SE + (<usize>e << 3)) << 2);
      const a = sload(p);
      const b = sload(p + VBYTES);
      const c = sloadSplat(p + 2 * VBYTES);
      if (isMax) {
        A = pmax(A, a); B = pmax(B, b); C = pmax(C, c);
        F = add(F, add(add(a, b), c));
      } else {
        A = add(A, a); B = add(B, b); C = add(C, c);
      }
    }
    const ev = evens(A, B);
    let y: Vec;
    if (isMax) {
      y = pmax(pmax(ev, odds(A, B)), shiftIn(ev, C));
      if (anyTrue(ne(F, F))) {
        for (let e = 0; e < nE; e += 2) {
          p = xb + (<usize>load<i32>(SE + (<usize>e << 3)) << 2);
          const a = sload(p);
          const b = sload(p + VBYTES);
          const ea = evens(a, b);
          y = max(max(max(y, ea), odds(a, b)), shiftIn(ea, sloadSplat(p + 2 * VBYTES)));
        }
      }
    } else {
      y = div(add(add(ev, odds(A, B)), shiftIn(ev, C)), P);
      sumY = add(sumY, y);
    }
    sstore(yp + (<usize>k * VBYTES), y);
  }
  }
  if (!isMax) redoNonFinite(sumY, AVG, reps, yp0);
}

/**
 * em (SoftPool) of a run of triples (see tripleRun): x_max from the lines' pmax (a dropped NaN
 * still makes its τ and Z NaN), then per line the even, odd and single taps deinterleaved.
 */
function tripleRunEm(reps: i32, nE: i32, step: i32, yp0: usize): void {
  const zero = splat(0);
  let sumY = zero;
  for (let rr = 0; rr < runRows; rr++) {
  const xr = bx + rr * runDxr;
  const yp = yp0 + (<usize>(rr * runDyr) << 2);
  for (let k = 0; k < reps; k++) {
    const xb = pX + (<usize>(xr + k * step) << 2);
    let p = xb + (<usize>load<i32>(SE) << 2);
    let A = sload(p);
    let B = sload(p + VBYTES);
    let C = sloadSplat(p + 2 * VBYTES);
    for (let e = 2; e < nE; e += 2) {
      p = xb + (<usize>load<i32>(SE + (<usize>e << 3)) << 2);
      A = pmax(A, sload(p)); B = pmax(B, sload(p + VBYTES)); C = pmax(C, sloadSplat(p + 2 * VBYTES));
    }
    const ev = evens(A, B);
    const xmax = pmax(pmax(ev, odds(A, B)), shiftIn(ev, C));
    let Z = zero; let S = zero;
    for (let e = 0; e < nE; e += 2) {
      p = xb + (<usize>load<i32>(SE + (<usize>e << 3)) << 2);
      const a = sload(p);
      const b = sload(p + VBYTES);
      const ea = evens(a, b);
      const t0 = sub(ea, xmax);
      const t1 = sub(odds(a, b), xmax);
      const t2 = sub(shiftIn(ea, sloadSplat(p + 2 * VBYTES)), xmax);
      const e0 = expNeg(t0);
      const e1 = expNeg(t1);
      const e2 = expNeg(t2);
      Z = add(Z, add(add(e0, e1), e2));
      S = add(S, add(add(mul(e0, t0), mul(e1, t1)), mul(e2, t2)));
    }
    const y = add(xmax, div(S, Z));
    sumY = add(sumY, y);
    sstore(yp + (<usize>k * VBYTES), y);
  }
  }
  redoNonFinite(sumY, EM, reps, yp0); // x − x_max overflowed, or NaN/±∞ inputs
}

/** Set by fusedDsc when its float32 result may miss the tolerance (the caller redoes the group). */
let fusedRedo = false;

/**
 * edscw's y^D, or adaPool's β̂ y^D + (1 − β̂) y^M, of the r taps in SV in two float32 passes that
 * share the loads: (x₀-relative sum, max |x|, x_max), then both weight families
 * (e^{D−1} with D = 2|x̂ m̂|/(x̂² + m̂²), and e^{x − x_max}), then Σ w|x − y^D| for the error
 * bound of needsWide. Sets fusedRedo where that bound, or a q = x̂² + m̂² below 1e-30 (underflow
 * or the origin D(0,0)), calls for the careful path.
 */
function fusedDsc(ada: bool, r: i32, b: Vec): Vec {
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
  dscErr = mul(spread, izD);
  dscTiny = anyTrue(lt(qmin, splat(1e-30)));
  const yD = add(x0, ytD);
  let y = yD;
  if (ada) {
    // β̂ y^D + (1 − β̂) y^M in float32 rounds 4 times: error ≤ 2.4e-7 · max(|y^D|, |y^M|), within a
    // fifth of the tolerance (2e-6 + 2e-5|y|) where max(|y^D|, |y^M|) ≤ 8 + 80|y|; else widened
    const ytM = div(SM, ZM);
    const yM = add(xmax, ytM);
    y = add(mul(b, yD), mul(sub(one, b), yM));
    if (anyTrue(gt(pmax(abs(yD), abs(yM)), add(splat(8), mul(splat(80), abs(y)))))) {
      yLo = widen(yD, 0);
      yHi = widen(yD, WIDE_PARTS - 1);
      y = adaCombine(b, xmax, ytM, false);
    }
  }
  fusedRedo = needsWide(b, y);
  return y;
}

/**
 * Forward of a run of `reps` full groups (lanes across outputs, outputs contiguous) for avg,
 * and max / em without mask: the tap offsets of group oi are read once; group k is group oi
 * shifted by k·lanes outputs. Taps at (off, off + 1) of stride-2 lanes come as deinterleaved pairs.
 */
/** Entry count of the last tapEntries call; whether all its entries were pairs. */
let nEntries = 0;
let entriesPaired = false;
/** Whether the last tapEntries call's entries come as triples: a pair at off, then a single at off + 2. */
let entriesTriple = false;

/** The taps of group oi as entries (offset, 1 if taps off and off + 1 of stride-2 lanes pair up) in SE. */
function tapEntries(r: i32): void {
  const pairs = pairLanes();
  let nE = 0;
  let allPairs = pairs;
  for (let j = 0; j < r; nE++) {
    const off = i32At(tInput, j);
    const pair = pairs && j + 1 < r && i32At(tInput, j + 1) == off + 1;
    store<i32>(SE + (<usize>nE << 3), off);
    store<i32>(SE + (<usize>nE << 3), pair ? 1 : 0, 4);
    allPairs = allPairs && pair;
    j += pair ? 2 : 1;
  }
  nEntries = nE;
  entriesPaired = allPairs;
  let triple = pairs && (nE & 1) == 0;
  for (let e = 0; triple && e < nE; e += 2) {
    const q = SE + (<usize>e << 3);
    triple = load<i32>(q, 4) == 1 && load<i32>(q, 12) == 0 && load<i32>(q, 8) == load<i32>(q) + 2;
  }
  entriesTriple = triple;
}

// A run's plane-independent facts, prepared once per group entry (prepareRun) for every plane.
let runR: i32 = 0; // taps per region
let runYOff: i32 = 0; // output offset of the run's first group
let runBOff: i32 = 0; // β offset
let runP: f32 = 0; // avg divisor
// Rows of outputs the run repeats over (plane-dependent bases bx, by, bb step by these per row).
let runRows: i32 = 1; let runDxr: i32 = 0; let runDyr: i32 = 0; let runDbr: i32 = 0;

/** Reads the run of group oi: its tap entries into SE and the facts above. False for empty regions. */
function prepareRun(): bool {
  const r = load<i32>(tCount);
  runR = r;
  if (r == 0) return false;
  tapEntries(r);
  runYOff = load<i32>(tOut);
  runBOff = load<i32>(tBeta);
  runP = countIncludePad ? <f32>load<i32>(tPadded) : <f32>r;
  return true;
}

/** denseRun of the prepared run (prepareRun) in the current plane (bases bx, by, bb). */
function denseRun(method: i32, reps: i32): void {
  const r = runR;
  const nE = nEntries;
  const allPairs = entriesPaired;
  const step = nLanes * sx;
  const yp = pY + (<usize>(by + runYOff) << 2);
  const P = splat(runP);
  if (allPairs && (plain(method) || method == EM)) {
    pairedRun(method, reps, nE, step, yp, P);
    return;
  }
  if (entriesTriple && (plain(method) || method == EM)) {
    if (method == EM) tripleRunEm(reps, nE, step, yp);
    else tripleRun(method == MAX, reps, nE, step, yp, P);
    return;
  }
  if (plain(method)) {
    mixedRun(method == MAX, reps, nE, step, yp, P);
    return;
  }
  const bOff = runBOff;
  const bx0 = bx; const by0 = by; const bb0 = bb;
  for (let rr = 0; rr < runRows; rr++) {
  bx = bx0 + rr * runDxr; by = by0 + rr * runDyr; bb = bb0 + rr * runDbr;
  const ypr = pY + (<usize>(by + runYOff) << 2);
  for (let k = 0; k < reps; k++) {
    const base = bx + k * step;
    let j = 0;
    if (entriesTriple) {
      // triples (see tripleRun): 9 floats per line, deinterleaved, instead of a 4-lane gather per single tap
      for (let e = 0; e < nE; e += 2) {
        const p = pX + (<usize>(base + load<i32>(SE + (<usize>e << 3))) << 2);
        const a = sload(p);
        const b = sload(p + VBYTES);
        const ea = evens(a, b);
        sstore(at(SV, j), ea);
        sstore(at(SV, j + 1), odds(a, b));
        sstore(at(SV, j + 2), shiftIn(ea, sloadSplat(p + 2 * VBYTES)));
        j += 3;
      }
    } else
    for (let e = 0; e < nE; e++) {
      const off = load<i32>(SE + (<usize>e << 3));
      if (load<i32>(SE + (<usize>e << 3), 4)) {
        gatherPair(pX, base, off, at(SV, j), at(SV, j + 1));
        j += 2;
      } else {
        sstore(at(SV, j), gather(pX, base, sx, off));
        j++;
      }
    }
    let y: Vec;
    if (method == AVG) {
      let sum = splat(0);
      for (let i = 0; i < r; i++) sum = add(sum, sload(at(SV, i)));
      y = div(sum, P);
    } else if (method == MAX) {
      y = sload(at(SV, 0));
      for (let i = 1; i < r; i++) y = max(y, sload(at(SV, i))); // NaN-propagating: a NaN tap wins
    } else if (method == EM) {
      const xmax = regionMax(r);
      let Z = splat(0);
      let S = splat(0);
      for (let i = 0; i < r; i++) {
        const t = sub(sload(at(SV, i)), xmax);
        const w = expNeg(t);
        Z = add(Z, w);
        S = add(S, mul(w, t));
      }
      y = add(xmax, div(S, Z));
    } else {
      // edscw (3) / ada (5): fused float32 pass; where it could miss the tolerance (or x̂² + m̂²
      // underflowed, or the region is all zeros) the group goes through forwardRegion instead (below)
      const b = method == ADA ? clamp01(gather(pBeta, bb + k * nLanes * sb, sb, bOff)) : splat(1);
      y = fusedDsc(method == ADA, r, b);
    }
    // edscw / ada: fusedDsc's error bound; any: a result that is not finite (an overflow, NaN/±∞ inputs)
    if (((method == EDSCW || method == ADA) && fusedRedo) || (method != MAX && nonFinite(y))) {
      const sbx = bx; const sby = by; const sbb = bb;
      bx = base; by += k * nLanes; bb += k * nLanes * sb;
      forwardRegion(method);
      bx = sbx; by = sby; bb = sbb;
      continue;
    }
    sstore(ypr + (<usize>k * VBYTES), y);
  }
  }
  bx = bx0; by = by0; bb = bb0;
}

/** dx at p (4 floats) gets v: stored where windows tile the input, else added. */
// @ts-ignore: decorator
@inline function put(p: usize, v: Vec): void { sstore(p, tiles && skipLanes == 0 ? v : add(sload(p), v)); }

/**
 * Input gradient of the prepared run (prepareRun; its taps all pair up, see pairedRun) of `reps`
 * full groups in the current plane, for avg, max and em.
 */
function pairedRunGrad(method: i32, reps: i32): void {
  const nE = nEntries;
  const step = nLanes * sx;
  const gp = pDy + (<usize>(by + runYOff) << 2);
  const P = splat(runP);
  const zero = splat(0);
  for (let rr = 0; rr < runRows; rr++) {
  const xr = bx + rr * runDxr;
  const gpr = gp + (<usize>(rr * runDyr) << 2);
  for (let k = 0; k < reps; k++) {
    const xb = pX + (<usize>(xr + k * step) << 2);
    const db = pDx + (<usize>(xr + k * step) << 2);
    const g = dropLanes(sload(gpr + (<usize>k * VBYTES)), skipLanes);
    if (method == AVG) {
      const d = div(g, P);
      const dA = spreadLo(d);
      const dB = spreadHi(d);
      for (let e = 0; e < nE; e++) {
        const q = db + (<usize>load<i32>(SE + (<usize>e << 3)) << 2);
        put(q, dA);
        put(q + VBYTES, dB);
      }
    } else if (method == MAX) {
      // the first tap attaining y (a NaN tap, if any) takes g; taps run even, odd per entry
      if (tiles && skipLanes == 0) {
        // fast: every tap equal to the pmax (or NaN) takes g (stores, interleaved as loaded); an
        // output with two such taps (a tie, a NaN next to the max, two NaNs) makes the exact pass
        // below store its group again; a lone NaN is the only hit and rightly takes g
        let p = xb + (<usize>load<i32>(SE) << 2);
        let A = sload(p);
        let B = sload(p + VBYTES);
        for (let e = 1; e < nE; e++) {
          p = xb + (<usize>load<i32>(SE + (<usize>e << 3)) << 2);
          A = pmax(A, sload(p));
          B = pmax(B, sload(p + VBYTES));
        }
        const m = pmax(evens(A, B), odds(A, B));
        const yA = spreadLo(m); const yB = spreadHi(m);
        const gA = spreadLo(g); const gB = spreadHi(g);
        let cA = zero; let cB = zero;
        for (let e = 0; e < nE; e++) {
          const off = <usize>load<i32>(SE + (<usize>e << 3)) << 2;
          const a = sload(xb + off);
          const b = sload(xb + off + VBYTES);
          const hA = or(eq(a, yA), ne(a, a));
          const hB = or(eq(b, yB), ne(b, b));
          sstore(db + off, keep(gA, hA));
          sstore(db + off + VBYTES, keep(gB, hB));
          cA = countHits(cA, hA); cB = countHits(cB, hB);
        }
        if (!multiHit(cA, cB)) continue;
      }
      const y = pairedMax(xb, nE);
      let taken = lt(zero, zero);
      for (let e = 0; e < nE; e++) {
        const off = <usize>load<i32>(SE + (<usize>e << 3)) << 2;
        const a = sload(xb + off);
        const b = sload(xb + off + VBYTES);
        const ev = evens(a, b);
        const od = odds(a, b);
        const hitE = and(or(eq(ev, y), ne(ev, ev)), not(taken));
        taken = or(taken, hitE);
        const hitO = and(or(eq(od, y), ne(od, od)), not(taken));
        taken = or(taken, hitO);
        const vE = keep(g, hitE);
        const vO = keep(g, hitO);
        put(db + off, interleaveLo(vE, vO));
        put(db + off + VBYTES, interleaveHi(vE, vO));
      }
    } else {
      // em: ∂y/∂x_k = w_k (1 + τ_k − ỹ); e^τ and τ kept in SV (4 rows per entry)
      let p = xb + (<usize>load<i32>(SE) << 2);
      let A = sload(p);
      let B = sload(p + VBYTES);
      for (let e = 1; e < nE; e++) {
        p = xb + (<usize>load<i32>(SE + (<usize>e << 3)) << 2);
        A = pmax(A, sload(p));
        B = pmax(B, sload(p + VBYTES));
      }
      const xmax = pmax(evens(A, B), odds(A, B));
      const mA = spreadLo(xmax);
      const mB = spreadHi(xmax);
      let ZA = zero; let ZB = zero; let SA_ = zero; let SB_ = zero;
      for (let e = 0; e < nE; e++) {
        p = xb + (<usize>load<i32>(SE + (<usize>e << 3)) << 2);
        const ta = sub(sload(p), mA);
        const ea = expNeg(ta);
        ZA = add(ZA, ea);
        SA_ = add(SA_, mul(ea, ta));
        const tb = sub(sload(p + VBYTES), mB);
        const eb = expNeg(tb);
        ZB = add(ZB, eb);
        SB_ = add(SB_, mul(eb, tb));
        const row = at(SV, 4 * e);
        sstore(row, ta); sstore(row + VBYTES, tb); sstore(row + 2 * VBYTES, ea); sstore(row + 3 * VBYTES, eb);
      }
      const iz = div(splat(1), add(evens(ZA, ZB), odds(ZA, ZB)));
      const yt = mul(add(evens(SA_, SB_), odds(SA_, SB_)), iz);
      if (nonFinite(yt)) {
        // x − x_max overflowed, or NaN/±∞ inputs: dx of these taps from backwardRegion (it adds)
        for (let e = 0; e < nE; e++) {
          const q = db + (<usize>load<i32>(SE + (<usize>e << 3)) << 2);
          put(q, zero);
          put(q + VBYTES, zero);
        }
        redoGroup(BACKWARD, EM, rr, k);
        continue;
      }
      const gz = mul(g, iz);
      const gA = spreadLo(gz); const gB = spreadHi(gz);
      const c = sub(splat(1), yt);
      const cA = spreadLo(c); const cB = spreadHi(c);
      for (let e = 0; e < nE; e++) {
        const q = db + (<usize>load<i32>(SE + (<usize>e << 3)) << 2);
        const row = at(SV, 4 * e);
        put(q, mul(mul(gA, sload(row + 2 * VBYTES)), add(cA, sload(row))));
        put(q + VBYTES, mul(mul(gB, sload(row + 3 * VBYTES)), add(cB, sload(row + VBYTES))));
      }
    }
  }
  }
}

/**
 * Input gradient of a run mixing pairs and single taps (see mixedRun) for avg and max; windows
 * may overlap, so every contribution is added. max: the first tap (table order) attaining y, or
 * the first NaN, takes g.
 */
function mixedRunGrad(isMax: bool, reps: i32): void {
  const nE = nEntries;
  const step = nLanes * sx;
  const gp = pDy + (<usize>(by + runYOff) << 2);
  const P = splat(runP);
  const zero = splat(0);
  for (let rr = 0; rr < runRows; rr++) {
  const xr = bx + rr * runDxr;
  const gpr = gp + (<usize>(rr * runDyr) << 2);
  for (let k = 0; k < reps; k++) {
    const base = xr + k * step;
    const g = dropLanes(sload(gpr + (<usize>k * VBYTES)), skipLanes);
    if (!isMax) {
      const d = div(g, P);
      const dA = spreadLo(d);
      const dB = spreadHi(d);
      for (let e = 0; e < nE; e++) {
        const off = load<i32>(SE + (<usize>e << 3));
        if (load<i32>(SE + (<usize>e << 3), 4)) {
          const q = pDx + (<usize>(base + off) << 2);
          sstore(q, add(sload(q), dA));
          sstore(q + VBYTES, add(sload(q + VBYTES), dB));
        } else {
          accumulatePair(pDx, base, off, d, zero);
        }
      }
      continue;
    }
    // y: pmax over all taps, NaN flagged
    let M = splat(-Infinity);
    let nan = lt(zero, zero);
    for (let e = 0; e < nE; e++) {
      const off = load<i32>(SE + (<usize>e << 3));
      if (load<i32>(SE + (<usize>e << 3), 4)) {
        const p = pX + (<usize>(base + off) << 2);
        const a = sload(p);
        const b = sload(p + VBYTES);
        const ev = evens(a, b);
        const od = odds(a, b);
        M = pmax(pmax(M, ev), od);
        nan = or(nan, or(ne(ev, ev), ne(od, od)));
      } else {
        const v = gather(pX, base, sx, off);
        M = pmax(M, v);
        nan = or(nan, ne(v, v));
      }
    }
    const y = withNaN(M, nan);
    let taken = lt(zero, zero);
    for (let e = 0; e < nE; e++) {
      const off = load<i32>(SE + (<usize>e << 3));
      if (load<i32>(SE + (<usize>e << 3), 4)) {
        const p = pX + (<usize>(base + off) << 2);
        const a = sload(p);
        const b = sload(p + VBYTES);
        const ev = evens(a, b);
        const od = odds(a, b);
        const hitE = and(or(eq(ev, y), ne(ev, ev)), not(taken));
        taken = or(taken, hitE);
        const hitO = and(or(eq(od, y), ne(od, od)), not(taken));
        taken = or(taken, hitO);
        accumulatePair(pDx, base, off, keep(g, hitE), keep(g, hitO));
      } else {
        const v = gather(pX, base, sx, off);
        const hit = and(or(eq(v, y), ne(v, v)), not(taken));
        taken = or(taken, hit);
        accumulatePair(pDx, base, off, keep(g, hit), zero);
      }
    }
  }
  }
}

/**
 * Input gradient of a run of triples (see tripleRun) for avg and max. Per line of taps, the even
 * positions off + 2l get output l's even tap and output l − 1's single tap, the odd ones output
 * l's odd tap: two read-modify-writes of 4 floats, plus one float at off + 8 (output 3's single).
 * max: the first tap (table order: even, odd, single per line) attaining y, or the first NaN.
 */
function tripleRunGrad(isMax: bool, reps: i32): void {
  const nE = nEntries;
  const step = nLanes * sx;
  const gp = pDy + (<usize>(by + runYOff) << 2);
  const P = splat(runP);
  const zero = splat(0);
  for (let rr = 0; rr < runRows; rr++) {
  const xr = bx + rr * runDxr;
  const gpr = gp + (<usize>(rr * runDyr) << 2);
  let dPrev = zero;
  for (let k = 0; k < reps; k++) {
    const base = xr + k * step;
    const xb = pX + (<usize>base << 2);
    const db = pDx + (<usize>base << 2);
    const g = dropLanes(sload(gpr + (<usize>k * VBYTES)), skipLanes);
    if (!isMax) {
      // output 3's single tap is the next group's even tap 0: carried there (dPrev) instead of a
      // one-float add that the next group's 4-float load would wait on; stored at the run's end
      const d = div(g, P);
      const vE = add(d, shiftBack(dPrev, d));
      dPrev = d;
      const lo = interleaveLo(vE, d);
      const hi = interleaveHi(vE, d);
      const d3 = lane(d, 3);
      const last = k == reps - 1;
      for (let e = 0; e < nE; e += 2) {
        const q = db + (<usize>load<i32>(SE + (<usize>e << 3)) << 2);
        sstore(q, add(sload(q), lo));
        sstore(q + VBYTES, add(sload(q + VBYTES), hi));
        if (last) store<f32>(q + 2 * VBYTES, load<f32>(q + 2 * VBYTES) + d3);
      }
      continue;
    }
    // y as tripleRun computes it (pmax; a NaN or ∞ − ∞ in the sum F: NaN-propagating max)
    let p = xb + (<usize>load<i32>(SE) << 2);
    let A = sload(p);
    let B = sload(p + VBYTES);
    let C = sloadSplat(p + 2 * VBYTES);
    let F = add(add(A, B), C);
    for (let e = 2; e < nE; e += 2) {
      p = xb + (<usize>load<i32>(SE + (<usize>e << 3)) << 2);
      const a = sload(p);
      const b = sload(p + VBYTES);
      const c = sloadSplat(p + 2 * VBYTES);
      A = pmax(A, a); B = pmax(B, b); C = pmax(C, c);
      F = add(F, add(add(a, b), c));
    }
    const ev = evens(A, B);
    let y = pmax(pmax(ev, odds(A, B)), shiftIn(ev, C));
    const nan = anyTrue(ne(F, F));
    if (nan) {
      for (let e = 0; e < nE; e += 2) {
        p = xb + (<usize>load<i32>(SE + (<usize>e << 3)) << 2);
        const a = sload(p);
        const b = sload(p + VBYTES);
        const ea = evens(a, b);
        y = max(max(max(y, ea), odds(a, b)), shiftIn(ea, sloadSplat(p + 2 * VBYTES)));
      }
    }
    let taken = lt(zero, zero);
    for (let e = 0; e < nE; e += 2) {
      const off = <usize>load<i32>(SE + (<usize>e << 3)) << 2;
      p = xb + off;
      const a = sload(p);
      const b = sload(p + VBYTES);
      const ea = evens(a, b);
      const od = odds(a, b);
      const s = shiftIn(ea, sloadSplat(p + 2 * VBYTES));
      // without a NaN in the group, a hit is a tap equal to y
      const hitE = andNot(nan ? or(eq(ea, y), ne(ea, ea)) : eq(ea, y), taken);
      taken = or(taken, hitE);
      const hitO = andNot(nan ? or(eq(od, y), ne(od, od)) : eq(od, y), taken);
      taken = or(taken, hitO);
      const hitS = andNot(nan ? or(eq(s, y), ne(s, s)) : eq(s, y), taken);
      taken = or(taken, hitS);
      const vS = keep(g, hitS);
      const vE = add(keep(g, hitE), shiftBack(zero, vS));
      const vO = keep(g, hitO);
      const q = db + off;
      sstore(q, add(sload(q), interleaveLo(vE, vO)));
      sstore(q + VBYTES, add(sload(q + VBYTES), interleaveHi(vE, vO)));
      store<f32>(q + 2 * VBYTES, load<f32>(q + 2 * VBYTES) + lane(vS, 3));
    }
  }
  }
}

/**
 * em (SoftPool) gradient of a run of triples (see tripleRunGrad): ∂y/∂x_k = w_k (1 + τ_k − ỹ);
 * per line e^τ and τ of the even, odd and single taps are kept in SV (6 rows per line).
 */
function tripleRunGradEm(reps: i32): void {
  const nE = nEntries;
  const step = nLanes * sx;
  const gp = pDy + (<usize>(by + runYOff) << 2);
  const zero = splat(0);
  const one = splat(1);
  for (let rr = 0; rr < runRows; rr++) {
  const xr = bx + rr * runDxr;
  const gpr = gp + (<usize>(rr * runDyr) << 2);
  for (let k = 0; k < reps; k++) {
    const base = xr + k * step;
    const xb = pX + (<usize>base << 2);
    const db = pDx + (<usize>base << 2);
    const g = dropLanes(sload(gpr + (<usize>k * VBYTES)), skipLanes);
    let p = xb + (<usize>load<i32>(SE) << 2);
    let A = sload(p);
    let B = sload(p + VBYTES);
    let C = sloadSplat(p + 2 * VBYTES);
    for (let e = 2; e < nE; e += 2) {
      p = xb + (<usize>load<i32>(SE + (<usize>e << 3)) << 2);
      A = pmax(A, sload(p)); B = pmax(B, sload(p + VBYTES)); C = pmax(C, sloadSplat(p + 2 * VBYTES));
    }
    const ev = evens(A, B);
    const xmax = pmax(pmax(ev, odds(A, B)), shiftIn(ev, C)); // a dropped NaN still makes Z NaN
    let Z = zero; let S = zero;
    for (let e = 0; e < nE; e += 2) {
      p = xb + (<usize>load<i32>(SE + (<usize>e << 3)) << 2);
      const a = sload(p);
      const b = sload(p + VBYTES);
      const ea = evens(a, b);
      const t0 = sub(ea, xmax);
      const t1 = sub(odds(a, b), xmax);
      const t2 = sub(shiftIn(ea, sloadSplat(p + 2 * VBYTES)), xmax);
      const e0 = expNeg(t0);
      const e1 = expNeg(t1);
      const e2 = expNeg(t2);
      Z = add(Z, add(add(e0, e1), e2));
      S = add(S, add(add(mul(e0, t0), mul(e1, t1)), mul(e2, t2)));
      const row = at(SV, 3 * e);
      sstore(row, t0); sstore(row + VBYTES, t1); sstore(row + 2 * VBYTES, t2);
      sstore(row + 3 * VBYTES, e0); sstore(row + 4 * VBYTES, e1); sstore(row + 5 * VBYTES, e2);
    }
    const iz = div(one, Z);
    if (nonFinite(mul(S, iz))) {
      redoGroup(BACKWARD, EM, rr, k); // x − x_max overflowed, or NaN/±∞ inputs (dx is added to)
      continue;
    }
    const c = sub(one, mul(S, iz)); // 1 − ỹ
    const gz = mul(g, iz);
    for (let e = 0; e < nE; e += 2) {
      const row = at(SV, 3 * e);
      const vE0 = mul(mul(gz, sload(row + 3 * VBYTES)), add(c, sload(row)));
      const vO = mul(mul(gz, sload(row + 4 * VBYTES)), add(c, sload(row + VBYTES)));
      const vS = mul(mul(gz, sload(row + 5 * VBYTES)), add(c, sload(row + 2 * VBYTES)));
      const vE = add(vE0, shiftBack(zero, vS));
      const q = db + (<usize>load<i32>(SE + (<usize>e << 3)) << 2);
      sstore(q, add(sload(q), interleaveLo(vE, vO)));
      sstore(q + VBYTES, add(sload(q + VBYTES), interleaveHi(vE, vO)));
      store<f32>(q + 2 * VBYTES, load<f32>(q + 2 * VBYTES) + lane(vS, 3));
    }
  }
  }
}

// @ts-ignore: decorator
@inline function imin(a: i32, b: i32): i32 { return a < b ? a : b; }


// ---- huge regions: streamed -----------------------------------------------------------------
// A region of more than BIG_TAPS taps (global pooling of large maps) is never laid out per tap:
// its taps are walked as nested per-axis κ ranges (valid κ are one contiguous range per axis),
// once per pass, lane by lane, with the careful path's float64 formulas (exactScore), so scratch
// stays at BIG_TAPS taps whatever the window, and results follow the reference (OPERATORS.md 5).
const BIG_TAPS: i32 = 16384;
// the walk's state (CURSOR, 16 B an axis): the axis's taps row for this output, κ range, current κ
const C_ROW = 0; const C_LO = 4; const C_HI = 8; const C_K = 12;
let cursor: usize = 0;
// the walked output's offsets (y, mask, β), countIncludePad divisor; the current tap's mask and flat offsets
let bigYOff = 0; let bigMOff = 0; let bigBOff = 0; let bigPad = 0;
let tapMaskOff = 0; let tapFlat = 0;
// walking the current row (the careful path on a laid-out region) instead of the per-axis ranges
let walkRow = false; let walkJ = 0;

/**
 * Starts the walk over output oi's taps, or with oi < 0 over the current row's (and sets the
 * region's offsets); returns the region's tap count, Π_a (valid κ of axis a).
 */
function walkStart(oi: i32): i32 {
  walkRow = oi < 0;
  walkJ = 0;
  if (walkRow) {
    bigYOff = load<i32>(tOut); bigMOff = load<i32>(tMaskOff); bigBOff = load<i32>(tBeta); bigPad = load<i32>(tPadded);
    return load<i32>(tCount);
  }
  let r = 1;
  bigYOff = 0; bigMOff = 0; bigBOff = 0; bigPad = 1;
  for (let a = 0; a < rank; a++) {
    const o = (oi / axisInt(a, A_OS)) % axisInt(a, A_O);
    bigYOff += o * axisInt(a, A_YS); bigMOff += o * axisInt(a, A_MS); bigBOff += o * axisInt(a, A_BS);
    bigPad *= i32At(axes, axisInt(a, A_PADS) + o);
    const K = axisInt(a, A_K);
    const taps = axes + (<usize>(axisInt(a, A_TAPS) + o * K) << 2);
    let lo = 0;
    while (lo < K && i32At(taps, lo) < 0) lo++;
    let hi = lo;
    while (hi < K && i32At(taps, hi) >= 0) hi++;
    const c = cursor + (<usize>a << 4);
    store<i32>(c, <i32>taps, C_ROW); store<i32>(c, lo, C_LO); store<i32>(c, hi, C_HI); store<i32>(c, lo, C_K);
    r *= hi - lo;
  }
  return r;
}

/** Input offset of the current tap (its mask and flat offsets into tapMaskOff, tapFlat); steps to the next. */
function walkTap(): i32 {
  if (walkRow) {
    const j = walkJ++;
    tapMaskOff = i32At(tMask, j); tapFlat = i32At(tFlat, j);
    return i32At(tInput, j);
  }
  let off = 0; let m = 0; let f = 0;
  for (let a = 0; a < rank; a++) {
    const c = cursor + (<usize>a << 4);
    const k = load<i32>(c, C_K);
    const pos = i32At(<usize>load<i32>(c, C_ROW), k);
    off += pos * axisInt(a, A_XS); m += k * axisInt(a, A_MK); f = f * axisInt(a, A_L) + pos;
  }
  tapMaskOff = m; tapFlat = f;
  for (let a = rank - 1; a >= 0; a--) {
    const c = cursor + (<usize>a << 4);
    const k = load<i32>(c, C_K) + 1;
    if (k < load<i32>(c, C_HI)) { store<i32>(c, k, C_K); break; }
    store<i32>(c, load<i32>(c, C_LO), C_K);
  }
  return off;
}

// @ts-ignore: decorator
@inline function bigX(l: i32, off: i32): f64 { return <f64>load<f32>(pX + (<usize>(bx + l * sx + off) << 2)); }
// @ts-ignore: decorator
@inline function bigAdd(base: usize, i: i32, v: f64): void { const p = base + (<usize>i << 2); store<f32>(p, <f32>(<f64>load<f32>(p) + v)); }

// One score op's weights over a streamed region of lane l: m (mean), mx (max score), Z, and for
// gradients the reference's c (the tap of the largest weight), yc = Σ w (x − c), A.
let bM: f64 = 0; let bMx: f64 = 0; let bZ: f64 = 0; let bY: f64 = 0; let bC: f64 = 0; let bYc: f64 = 0; let bA: f64 = 0;

/** Weights of a score op (em, edscw, idw) of lane l over output oi's r taps; y into bY. */
function bigWeights(method: i32, oi: i32, r: i32, l: i32, grad: bool): void {
  let m: f64 = 0; // the region mean (em's score does not use it)
  if (method != EM) {
    walkStart(oi);
    for (let j = 0; j < r; j++) m += bigX(l, walkTap());
    m /= <f64>r;
  }
  walkStart(oi);
  let mx: f64 = -Infinity; // the NaN-propagating max score
  let best: f64 = 0; // the first largest score, ignoring NaN: its x is c (the reference's tap of the largest weight)
  let c: f64 = 0;
  for (let j = 0; j < r; j++) {
    const x = bigX(l, walkTap());
    const sj = exactScore(method, x, m, false);
    if (sj > mx || sj != sj) mx = sj;
    if (j == 0 || sj > best) { best = sj; c = x; }
  }
  // Z = Σ e, y = Σ e x / Z, yc = Σ e (x − c) / Z with e = e^{s − mx}
  walkStart(oi);
  let Z: f64 = 0; let S: f64 = 0; let T: f64 = 0;
  for (let j = 0; j < r; j++) {
    const x = bigX(l, walkTap());
    const e = Math.exp(exactScore(method, x, m, false) - mx);
    Z += e; S += e * x; T += e * (x - c);
  }
  bM = m; bMx = mx; bZ = Z; bY = S / Z; bC = c; bYc = T / Z;
  if (!grad) return;
  walkStart(oi);
  let A: f64 = 0;
  for (let j = 0; j < r; j++) {
    const x = bigX(l, walkTap());
    const w = Math.exp(exactScore(method, x, m, true) - mx) / Z;
    A += w * (x - c - bYc) * exactB;
  }
  bA = A / <f64>r;
}

/** w_j of the last bigWeights at x (∂y/∂x_j too when `grad`: w + w (x − c − yc) a + A). */
// @ts-ignore: decorator
@inline function bigW(method: i32, x: f64, grad: bool): f64 {
  const w = Math.exp(exactScore(method, x, bM, grad) - bMx) / bZ;
  return grad ? w + w * (x - bC - bYc) * exactA + bA : w;
}

/** maxPool's winner over output oi's r taps of lane l (first max, a NaN wins): its x, tap index, input offset and flat index. */
let bigBestOff = 0; let bigBestFlat = 0; let bigBestJ = 0;
function bigArgmax(oi: i32, r: i32, l: i32): f64 {
  walkStart(oi);
  let best: f64 = 0;
  for (let j = 0; j < r; j++) {
    const off = walkTap();
    const v = bigX(l, off);
    if (j == 0 || ((v > best || v != v) && best == best)) { best = v; bigBestOff = off; bigBestFlat = tapFlat; bigBestJ = j; }
  }
  return best;
}

/**
 * The job for the current lanes at output oi, whose region has r > BIG_TAPS taps, streamed; or
 * (oi < 0) for the current row, the careful path: a group whose float32 result is not finite (an
 * intermediate overflowed: x − x₀, x − y or a sum beyond 3.4e38, a reciprocal of a denormal; or
 * NaN/±∞ inputs) is redone here, so finite inputs give finite results over the whole float32
 * range and NaN/±∞ land where the reference puts them (OPERATORS.md 5).
 */
function bigRegion(job: i32, method: i32, oi: i32, r: i32): void {
  countHit(STREAMED);
  for (let l = 0; l < nLanes; l++) {
    walkStart(oi);
    const yo = by + l * sy + bigYOff; const mo = bm + l * sm + bigMOff; const bo = bb + l * sb + bigBOff;
    const Pd: f64 = countIncludePad ? <f64>bigPad : <f64>r;
    if (job == UNPOOL || job == UNPOOL_GRAD) {
      if (l < skipLanes && job == UNPOOL) continue;
      const v = <f64>load<f32>(pY + (<usize>yo << 2));
      let dv: f64 = 0;
      for (let j = 0; j < r; j++) {
        const off = walkTap();
        const mp = pMask + (<usize>(mo + tapMaskOff) << 2);
        const xi = bx + l * sx + off;
        if (job == UNPOOL) bigAdd(pX, xi, v * <f64>load<f32>(mp));
        else {
          const G = <f64>load<f32>(pDx + (<usize>xi << 2));
          dv += <f64>load<f32>(mp) * G;
          store<f32>(pDbeta + (<usize>(mo + tapMaskOff) << 2), <f32>(v * G));
        }
      }
      if (job == UNPOOL_GRAD) store<f32>(pDy + (<usize>yo << 2), <f32>dv);
      continue;
    }
    if (job == BACKWARD) {
      if (l < skipLanes) continue; // done by the previous group
      const g = <f64>load<f32>(pDy + (<usize>yo << 2));
      if (method == AVG) {
        for (let j = 0; j < r; j++) bigAdd(pDx, bx + l * sx + walkTap(), g / Pd);
      } else if (method == MAX) {
        bigArgmax(oi, r, l);
        bigAdd(pDx, bx + l * sx + bigBestOff, g);
      } else if (method == ADA) {
        const beta = <f64>load<f32>(pBeta + (<usize>bo << 2));
        const b = exactClamp(beta);
        // ∂y^D/∂x_k and ∂y^M/∂x_k need each op's region facts: edscw's kept in locals, em's in bM…
        bigWeights(EDSCW, oi, r, l, true);
        const dm = bM; const dmx = bMx; const dz = bZ; const dy_ = bY; const dc = bC; const dyc = bYc; const dA = bA;
        bigWeights(EM, oi, r, l, true);
        walkStart(oi);
        for (let j = 0; j < r; j++) {
          const off = walkTap();
          const x = bigX(l, off);
          const dM = bigW(EM, x, true);
          const wD = Math.exp(exactScore(EDSCW, x, dm, true) - dmx) / dz;
          const dD = wD + wD * (x - dc - dyc) * exactA + dA;
          bigAdd(pDx, bx + l * sx + off, g * (b * dD + (1 - b) * dM));
        }
        const p = pDbeta + (<usize>bo << 3);
        store<f64>(p, load<f64>(p) + g * ((dy_ - bY) * (beta >= 0 && beta <= 1 ? 1 : 0)));
      } else {
        bigWeights(method, oi, r, l, true);
        walkStart(oi);
        for (let j = 0; j < r; j++) {
          const off = walkTap();
          bigAdd(pDx, bx + l * sx + off, g * bigW(method, bigX(l, off), true));
        }
      }
      continue;
    }
    // forward: y, and the mask (weights) and maxPool's index when asked for
    let y: f64;
    if (method == AVG) {
      let s: f64 = 0;
      for (let j = 0; j < r; j++) {
        s += bigX(l, walkTap());
        if (withMask) store<f32>(pMask + (<usize>(mo + tapMaskOff) << 2), <f32>(1 / Pd));
      }
      y = s / Pd;
    } else if (method == MAX) {
      y = bigArgmax(oi, r, l);
      if (withMask) {
        walkStart(oi);
        for (let j = 0; j < r; j++) { walkTap(); store<f32>(pMask + (<usize>(mo + tapMaskOff) << 2), j == bigBestJ ? 1 : 0); }
        store<i32>(pIndices + (<usize>yo << 2), bigBestFlat + l * sf + fShift);
      }
    } else if (method == ADA) {
      const b = exactClamp(<f64>load<f32>(pBeta + (<usize>bo << 2)));
      bigWeights(EDSCW, oi, r, l, false);
      const dm = bM; const dmx = bMx; const dz = bZ; const yD = bY;
      bigWeights(EM, oi, r, l, false);
      y = b * yD + (1 - b) * bY;
      if (withMask) {
        walkStart(oi);
        for (let j = 0; j < r; j++) {
          const x = bigX(l, walkTap());
          const wD = Math.exp(exactScore(EDSCW, x, dm, false) - dmx) / dz;
          store<f32>(pMask + (<usize>(mo + tapMaskOff) << 2), <f32>(b * wD + (1 - b) * bigW(EM, x, false)));
        }
      }
    } else {
      bigWeights(method, oi, r, l, false);
      y = bY;
      if (withMask) {
        walkStart(oi);
        for (let j = 0; j < r; j++) {
          const x = bigX(l, walkTap());
          store<f32>(pMask + (<usize>(mo + tapMaskOff) << 2), <f32>bigW(method, x, false));
        }
      }
    }
    store<f32>(pY + (<usize>yo << 2), <f32>y);
  }
}

// ---- drivers --------------------------------------------------------------------------------

const GROUP_ROW = 20; // ints per row of the group table (src/backend.ts)
// Slots of a group entry filled by the host: its region's tap count, how its taps pair (as
// tapEntries pairs them: TAPS_PAIRS all pairs, TAPS_TRIPLES pair + single at +2), the call's variant.
const G_TAPS = 16; const G_KIND = 17; const G_VARIANT = 18;
const TAPS_PAIRS = 1; const TAPS_TRIPLES = 2;
const FORWARD = 0;
const BACKWARD = 1;
const UNPOOL = 2;
const UNPOOL_GRAD = 3;

// @ts-ignore: decorator
@inline function regionRow(job: i32, method: i32): void {
  if (job == FORWARD) forwardRegion(method);
  else if (job == BACKWARD) backwardRegion(method);
  else if (job == UNPOOL) unpoolRegion();
  else unpoolGradRegion();
}

/** The job for the current lanes at output oi. */
// @ts-ignore: decorator
@inline function region(job: i32, method: i32, oi: i32): void {
  const r = mayBeBig ? walkStart(oi) : 0;
  if (r > BIG_TAPS) bigRegion(job, method, oi, r);
  else {
    materialize(oi);
    regionRow(job, method);
  }
}

/** Whether some region of the call may have more than BIG_TAPS taps (the window does). */
let mayBeBig = false;
/** The call's debug hit counters (HITS), or 0. */
let hits: usize = 0;
/** One more run of `variant` on the debug hit counters, if they are on. */
// @ts-ignore: decorator
@inline function countHit(variant: i32): void {
  if (hits != 0) store<i32>(hits + (<usize>variant << 2), load<i32>(hits + (<usize>variant << 2)) + 1);
}

// @ts-ignore: decorator
@inline function setLanes(n: i32): void {
  nLanes = n;
  setLaneCount(n);
}

function run(job: i32): void {
  const method = param(METHOD);
  if (<u32>method >= <u32>METHODS) unreachable();
  const outputs = param(OUTPUTS);
  const N = param(NB);
  const C = param(NC);
  const groups = param(GROUPS);
  const W_ = param(W);
  withMask = param(RETURN_MASK) != 0;
  countIncludePad = param(COUNT_INCLUDE_PAD) != 0;
  tiles = param(TILES) != 0;
  rank = param(RANK);
  axes = ptr(AXES);
  hits = ptr(HITS);
  pX = ptr(X); pBeta = ptr(BETA); pDy = ptr(DY); pY = ptr(Y); pMask = ptr(MASK);
  pIndices = ptr(INDICES); pDx = ptr(DX); pDbeta = ptr(DBETA);
  // rows per tap are laid out for regions up to BIG_TAPS taps; bigger ones are streamed
  mayBeBig = W_ > BIG_TAPS;
  const taps: i32 = W_ < 1 ? 1 : mayBeBig ? BIG_TAPS : W_;
  // scratch: the streaming cursor (64 B), a row buffer (rowBytes), then per-tap Vec rows, then
  // per lane group its tap entries (8 B a tap), a 64 B record and its row buffer
  cursor = ptr(SCRATCH);
  const freeRow = cursor + 64;
  useRow(freeRow, taps);
  const row: usize = <usize>taps * VBYTES;
  SV = freeRow + rowBytes(taps); ST = SV + row; SW1 = ST + row; SW2 = SW1 + row; SA = SW2 + row; SB = SA + row; ST2 = SB + row; SD = ST2 + row;
  // float64 rows: edscw/idw's value path; avg, max and unpool (method 0) have none
  const wrow: usize = plain(method) ? 0 : <usize>taps * <usize>WIDE_PARTS * WBYTES;
  WW = SD + row; WA = WW + wrow; WB = WA + wrow;
  SE = WB + wrow;
  const xsN = param(XS_N); const xsC = param(XS_C);
  const ysN = param(YS_N); const ysC = param(YS_C);
  const msN = param(MS_N); const msC = param(MS_C);
  const bsN = param(BS_N); const bsC = param(BS_C);
  // the scalar build (one lane) never gets group entries: with LANES a constant 1 the compiler
  // drops everything below and the dense runs with it
  if (LANES == 1 || groups == 0) {
    // lanes across channels: LANES channels share every output's row (built once per output)
    countHit(CHANNELS);
    sx = xsC; sy = ysC; sm = msC; sb = bsC; sf = 0; fShift = 0;
    for (let oi = 0; oi < outputs; oi++) {
      const r = mayBeBig ? walkStart(oi) : 0;
      if (r <= BIG_TAPS) materialize(oi);
      for (let b = 0; b < N; b++) {
        for (let c = 0; c < C; c += LANES) {
          setLanes(imin(LANES, C - c));
          bx = b * xsN + c * xsC; by = b * ysN + c * ysC; bm = b * msN + c * msC; bb = b * bsN + c * bsC;
          if (r > BIG_TAPS) bigRegion(job, method, oi, r);
          else regionRow(job, method);
        }
      }
    }
    return;
  }
  // lanes across neighbouring outputs of one plane: entry = (oi, lanes, Δx, Δy, Δmask, Δβ, Δflat,
  // reps, skip, rows, Δx, Δy, Δβ, outputs, Δmask, Δflat per row), a run of `reps` groups, group k
  // being group oi translated by k·lanes outputs (groups of one: outputs oi … oi + reps − 1),
  // repeated over `rows` rows of outputs, each the first translated by the per-row steps;
  // a row's tail group overlaps the previous one by `skip` lanes (forward recomputes them,
  // accumulating jobs add 0 for them). Each entry's region row and plane-independent facts are
  // prepared once.
  const gt = ptr(T_GROUPS);
  const entries = SE;
  const records = entries + <usize>groups * <usize>taps * 8;
  const groupRows = records + (<usize>groups << 6);
  for (let g = 0; g < groups; g++) {
    const e = g * GROUP_ROW;
    const oi = i32At(gt, e);
    const n = i32At(gt, e + 1);
    sx = i32At(gt, e + 2);
    const rec = records + (<usize>g << 6);
    SE = entries + <usize>g * <usize>taps * 8;
    setLanes(n);
    useRow(groupRows + <usize>g * rowBytes(taps), taps);
    // a region of more than BIG_TAPS taps is streamed (bigRegion), never laid out
    const count = mayBeBig ? walkStart(oi) : 0;
    store<i32>(rec, count, 32);
    if (count <= BIG_TAPS) materialize(oi);
    // the run variant, chosen by the host (src/backend.ts, `variant`) from the facts it wrote here;
    // what tapEntries makes of the taps must be what the host saw, or nothing is computed
    const fast = i32At(gt, e + G_VARIANT);
    if (fast != REGION && fast != EMPTY) {
      prepareRun();
      const kind = i32At(gt, e + G_KIND);
      if (entriesPaired != (kind == TAPS_PAIRS) || entriesTriple != (kind == TAPS_TRIPLES) || runR != i32At(gt, e + G_TAPS)) unreachable();
    }
    store<i32>(rec, fast);
    store<i32>(rec, runR, 4); store<i32>(rec, runYOff, 8); store<i32>(rec, runBOff, 12);
    store<f32>(rec, runP, 16); store<i32>(rec, nEntries, 20); store<i32>(rec, entriesPaired ? 1 : 0, 24);
    store<i32>(rec, entriesTriple ? 1 : 0, 28);
  }
  for (let b = 0; b < N; b++) {
    for (let c = 0; c < C; c++) {
      const x0 = b * xsN + c * xsC;
      const y0 = b * ysN + c * ysC;
      const m0 = b * msN + c * msC;
      const b0 = b * bsN + c * bsC;
      for (let g = 0; g < groups; g++) {
        const e = g * GROUP_ROW;
        const rec = records + (<usize>g << 6);
        const fast = load<i32>(rec);
        countHit(fast);
        if (fast == EMPTY) continue;
        const oi = i32At(gt, e);
        const n = i32At(gt, e + 1);
        setLanes(n);
        sx = i32At(gt, e + 2); sy = i32At(gt, e + 3); sm = i32At(gt, e + 4); sb = i32At(gt, e + 5); sf = i32At(gt, e + 6);
        const reps = i32At(gt, e + 7);
        skipLanes = job == BACKWARD || job == UNPOOL ? i32At(gt, e + 8) : 0;
        const rows = i32At(gt, e + 9);
        // the group's row (prepared above); the fast runs' redone groups read it too
        if (n != 1) useRow(groupRows + <usize>g * rowBytes(taps), taps);
        if (fast != REGION) {
          // the run repeats over `rows` rows of outputs, translated by (Δx, Δy, Δβ) per row
          const dxr = i32At(gt, e + 10); const dyr = i32At(gt, e + 11); const dbr = i32At(gt, e + 12);
          SE = entries + <usize>g * <usize>taps * 8;
          runR = load<i32>(rec, 4); runYOff = load<i32>(rec, 8); runBOff = load<i32>(rec, 12);
          runP = load<f32>(rec, 16); nEntries = load<i32>(rec, 20); entriesPaired = load<i32>(rec, 24) != 0;
          entriesTriple = load<i32>(rec, 28) != 0;
          bx = x0; by = y0; bb = b0; bm = m0; fShift = 0;
          runRows = rows; runDxr = dxr; runDyr = dyr; runDbr = dbr;
          if (fast == DENSE_FORWARD) denseRun(method, reps);
          else if (fast == PAIRED_GRAD) pairedRunGrad(method, reps);
          else if (fast == TRIPLE_GRAD) {
            if (method == EM) tripleRunGradEm(reps);
            else tripleRunGrad(method == MAX, reps);
          } else if (fast == MIXED_GRAD) mixedRunGrad(method == MAX, reps);
          else unreachable();
          continue;
        }
        if (n == 1) {
          // `reps` single outputs oi … oi + reps − 1 in each of `rows` rows, each with its own row
          const rowStep = i32At(gt, e + 13);
          useRow(freeRow, taps);
          bx = x0; by = y0; bm = m0; bb = b0; fShift = 0;
          for (let rr = 0; rr < rows; rr++) for (let k = 0; k < reps; k++) region(job, method, oi + k + rr * rowStep);
          continue;
        }
        // the group's row, translated by (Δx, Δy, Δmask, Δβ, Δflat) per row of outputs
        const dxr = i32At(gt, e + 10); const dyr = i32At(gt, e + 11); const dbr = i32At(gt, e + 12);
        const dmr = i32At(gt, e + 14); const dfr = i32At(gt, e + 15);
        const count = load<i32>(rec, 32);
        for (let rr = 0; rr < rows; rr++) {
          for (let k = 0; k < reps; k++) {
            const s = k * n;
            bx = x0 + rr * dxr + s * sx; by = y0 + rr * dyr + s * sy; bm = m0 + rr * dmr + s * sm; bb = b0 + rr * dbr + s * sb;
            fShift = rr * dfr + s * sf;
            if (count > BIG_TAPS) bigRegion(job, method, oi, count);
            else regionRow(job, method);
          }
        }
      }
    }
  }
  skipLanes = 0;
}

/** The SIMD width this build was compiled for (4, or 1 for the scalar build). */
export function lanes(): i32 { return LANES; }
/** First free byte above the module's static data; the host's arena starts here. */
export function heapBase(): usize { return __heap_base; }

export function poolForward(params: usize): void { P = params; run(FORWARD); }
export function poolBackward(params: usize): void { P = params; run(BACKWARD); }
/**
 * Unpool reuses the slots: v → Y, mask → MASK, U → X. Returns 1 when U holds a ±∞ or NaN (a
 * float32 partial sum of overlapping windows overflowed, or NaN/±∞ inputs): the host then takes
 * U from the float64 reference, which decides where those belong (OPERATORS.md 5).
 */
export function unpool(params: usize): i32 {
  P = params;
  run(UNPOOL);
  return anyNonFinite(pX, param(NB) * param(XS_N)) ? 1 : 0;
}

/** Whether any of the n floats at p is ±∞ or NaN. */
function anyNonFinite(p: usize, n: i32): bool {
  let bad = ne(splat(0), splat(0));
  let i = 0;
  for (; i + LANES <= n; i += LANES) {
    const v = sload(p + (<usize>i << 2));
    bad = or(bad, ne(sub(v, v), splat(0)));
  }
  for (; i < n; i++) {
    const v = load<f32>(p + (<usize>i << 2));
    if (v - v != 0) return true;
  }
  return anyTrue(bad);
}
/** Unpool backward: v → Y, mask → MASK, dU → DX; writes dv → DY, dmask → DBETA (f32). */
export function unpoolGrad(params: usize): void { P = params; run(UNPOOL_GRAD); }

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
