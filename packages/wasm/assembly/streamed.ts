/**
 * The reference's formulas in float64, lane by lane: the careful path (a group whose float32
 * result is not finite, redone on its row) and huge regions (more than BIG_TAPS taps, walked as
 * nested per-axis κ ranges and never laid out per tap), so that finite inputs give finite results
 * and NaN/±∞ land where the reference puts them (OPERATORS.md 5).
 */
import { AVG, MAX, EM, EDSCW, IDW, ADA, LP, STREAMED } from './methods';
import { Call, BACKWARD, IDW_EPS, OP_PARAM, UNPOOL, UNPOOL_GRAD, countHit } from './call';
import { walkStart, walkTap } from './geometry';

// ---- the reference's scores in float64 (the careful path and streamed regions: bigRegion) -----

/** φ(x, m) of em, edscw or idw, as the reference computes it; with `grad`, a = ∂φ/∂x, b = ∂φ/∂m into st.exactA, exactB. */
export function exactScore(st: Call, method: i32, x: f64, m: f64, grad: bool): f64 {
  if (method == EM) {
    st.exactA = 1;
    st.exactB = 0;
    return x;
  }
  if (method == EDSCW) {
    const M = Math.max(Math.abs(x), Math.abs(m));
    if (M == 0) {
      st.exactA = 0;
      st.exactB = 0;
      return 1;
    }
    const xh = x / M;
    const mh = m / M;
    const q = xh * xh + mh * mh;
    if (grad) {
      const sg = Math.sign(x) * Math.sign(m);
      const den = q * q * M;
      st.exactA = (2 * sg * mh * (mh * mh - xh * xh)) / den;
      st.exactB = (2 * sg * xh * (xh * xh - mh * mh)) / den;
    }
    return (2 * Math.abs(xh * mh)) / q;
  }
  const u = x - m;
  const delta = Math.hypot(u, load<f64>(st.P + (<usize>IDW_EPS << 2)));
  if (grad) {
    st.exactA = -(u / delta) / delta;
    st.exactB = -st.exactA;
  }
  return -Math.log(delta);
}

// @ts-ignore: decorator
@inline export function exactClamp(b: f64): f64 { return Math.min(Math.max(b, 0), 1); }


// @ts-ignore: decorator
@inline export function bigX(st: Call, l: i32, off: i32): f64 { return <f64>load<f32>(st.pX + (<usize>(st.bx + l * st.sx + off) << 2)); }
// @ts-ignore: decorator
@inline export function bigAdd(st: Call, base: usize, i: i32, v: f64): void { const p = base + (<usize>i << 2); store<f32>(p, <f32>(<f64>load<f32>(p) + v)); }

/**
 * Weights of a score op (em, edscw, idw) of lane l over output oi's r taps: into st.bM (the mean),
 * bMx (max score), bZ, bY (y), and for gradients bC (the reference's c, the tap of the largest
 * weight), bYc = Σ w (x − c), bA (the mean term).
 */
export function bigWeights(st: Call, method: i32, oi: i32, r: i32, l: i32, grad: bool): void {
  let m: f64 = 0; // the region mean (em's score does not use it)
  if (method != EM) {
    walkStart(st, oi);
    for (let j = 0; j < r; j++) m += bigX(st, l, walkTap(st));
    m /= <f64>r;
  }
  walkStart(st, oi);
  let mx: f64 = -Infinity; // the NaN-propagating max score
  let best: f64 = 0; // the first largest score, ignoring NaN: its x is c (the reference's tap of the largest weight)
  let c: f64 = 0;
  for (let j = 0; j < r; j++) {
    const x = bigX(st, l, walkTap(st));
    const sj = exactScore(st, method, x, m, false);
    if (sj > mx || sj != sj) mx = sj;
    if (j == 0 || sj > best) { best = sj; c = x; }
  }
  // Z = Σ e, y = Σ e x / Z, yc = Σ e (x − c) / Z with e = e^{s − mx}
  walkStart(st, oi);
  let Z: f64 = 0; let S: f64 = 0; let T: f64 = 0;
  for (let j = 0; j < r; j++) {
    const x = bigX(st, l, walkTap(st));
    const e = Math.exp(exactScore(st, method, x, m, false) - mx);
    Z += e; S += e * x; T += e * (x - c);
  }
  st.bM = m; st.bMx = mx; st.bZ = Z; st.bY = S / Z; st.bC = c; st.bYc = T / Z;
  if (!grad) return;
  walkStart(st, oi);
  let A: f64 = 0;
  for (let j = 0; j < r; j++) {
    const x = bigX(st, l, walkTap(st));
    const w = Math.exp(exactScore(st, method, x, m, true) - mx) / Z;
    A += w * (x - c - st.bYc) * st.exactB;
  }
  st.bA = A / <f64>r;
}

/** w_j of the last bigWeights at x (∂y/∂x_j too when `grad`: w + w (x − c − yc) a + A). */
// @ts-ignore: decorator
@inline export function bigW(st: Call, method: i32, x: f64, grad: bool): f64 {
  const w = Math.exp(exactScore(st, method, x, st.bM, grad) - st.bMx) / st.bZ;
  return grad ? w + w * (x - st.bC - st.bYc) * st.exactA + st.bA : w;
}

/** t^e for t ≥ 0 (or NaN) through exp and log, which the binary has anyway (Math.pow would add about 5 KB); t^0 = 1. */
// @ts-ignore: decorator
@inline function powNonNeg(t: f64, e: f64): f64 { return e == 0 ? 1 : Math.exp(e * Math.log(t)); }

/**
 * lpPool over output oi's r taps of lane l (OPERATORS.md 4.2a): m = max |x| (NaN if any x is),
 * S = Σ (|x|/m)^p into st.bM, bZ; returns y = m·S^{1/p} (0 when m = 0).
 */
export function bigLp(st: Call, oi: i32, r: i32, l: i32): f64 {
  const p = load<f64>(st.P + (<usize>OP_PARAM << 2));
  walkStart(st, oi);
  let m: f64 = 0;
  for (let j = 0; j < r; j++) {
    const a = Math.abs(bigX(st, l, walkTap(st)));
    if (a > m || a != a) m = a;
  }
  st.bM = m;
  if (m == 0) return 0;
  walkStart(st, oi);
  let S: f64 = 0;
  for (let j = 0; j < r; j++) S += powNonNeg(Math.abs(bigX(st, l, walkTap(st))) / m, p);
  st.bZ = S;
  return m * powNonNeg(S, 1 / p);
}

/** maxPool's winner over output oi's r taps of lane l (first max, a NaN wins): its x, tap index, input offset and flat index. */
export function bigArgmax(st: Call, oi: i32, r: i32, l: i32): f64 {
  walkStart(st, oi);
  let best: f64 = 0;
  for (let j = 0; j < r; j++) {
    const off = walkTap(st);
    const v = bigX(st, l, off);
    if (j == 0 || ((v > best || v != v) && best == best)) { best = v; st.bigBestOff = off; st.bigBestFlat = st.tapFlat; st.bigBestJ = j; }
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
export function bigRegion(st: Call, job: i32, method: i32, oi: i32, r: i32): void {
  const pBeta = st.pBeta, pDy = st.pDy, pY = st.pY, pMask = st.pMask, pDx = st.pDx, pDbeta = st.pDbeta;
  countHit(st, STREAMED);
  for (let l = 0; l < st.nLanes; l++) {
    walkStart(st, oi);
    const yo = st.by + l * st.sy + st.bigYOff; const mo = st.bm + l * st.sm + st.bigMOff; const bo = st.bb + l * st.sb + st.bigBOff;
    const Pd: f64 = st.countIncludePad ? <f64>st.bigPad : <f64>r;
    if (job == UNPOOL || job == UNPOOL_GRAD) {
      if (l < st.skipLanes && job == UNPOOL) continue;
      const v = <f64>load<f32>(pY + (<usize>yo << 2));
      let dv: f64 = 0;
      for (let j = 0; j < r; j++) {
        const off = walkTap(st);
        const mp = pMask + (<usize>(mo + st.tapMaskOff) << 2);
        const xi = st.bx + l * st.sx + off;
        if (job == UNPOOL) bigAdd(st, st.pX, xi, v * <f64>load<f32>(mp));
        else {
          const G = <f64>load<f32>(pDx + (<usize>xi << 2));
          dv += <f64>load<f32>(mp) * G;
          store<f32>(pDbeta + (<usize>(mo + st.tapMaskOff) << 2), <f32>(v * G));
        }
      }
      if (job == UNPOOL_GRAD) store<f32>(pDy + (<usize>yo << 2), <f32>dv);
      continue;
    }
    if (job == BACKWARD) {
      if (l < st.skipLanes) continue; // done by the previous group
      const g = <f64>load<f32>(pDy + (<usize>yo << 2));
      if (method == AVG) {
        for (let j = 0; j < r; j++) bigAdd(st, pDx, st.bx + l * st.sx + walkTap(st), g / Pd);
      } else if (method == MAX) {
        bigArgmax(st, oi, r, l);
        bigAdd(st, pDx, st.bx + l * st.sx + st.bigBestOff, g);
      } else if (method == LP) {
        // ∂y/∂x_k = sign(x_k)·(|x_k|/y)^{p−1}, 0 when y = 0
        const p = load<f64>(st.P + (<usize>OP_PARAM << 2));
        const y = bigLp(st, oi, r, l);
        walkStart(st, oi);
        for (let j = 0; j < r; j++) {
          const off = walkTap(st);
          const x = bigX(st, l, off);
          if (st.bM != 0) bigAdd(st, pDx, st.bx + l * st.sx + off, g * (Math.sign(x) * powNonNeg(Math.abs(x) / y, p - 1)));
        }
      } else if (method == ADA) {
        const beta = <f64>load<f32>(pBeta + (<usize>bo << 2));
        const b = exactClamp(beta);
        // ∂y^D/∂x_k and ∂y^M/∂x_k need each op's region facts: edscw's kept in locals, em's in bM…
        bigWeights(st, EDSCW, oi, r, l, true);
        const dm = st.bM; const dmx = st.bMx; const dz = st.bZ; const dy_ = st.bY; const dc = st.bC; const dyc = st.bYc; const dA = st.bA;
        bigWeights(st, EM, oi, r, l, true);
        walkStart(st, oi);
        for (let j = 0; j < r; j++) {
          const off = walkTap(st);
          const x = bigX(st, l, off);
          const dM = bigW(st, EM, x, true);
          const wD = Math.exp(exactScore(st, EDSCW, x, dm, true) - dmx) / dz;
          const dD = wD + wD * (x - dc - dyc) * st.exactA + dA;
          bigAdd(st, pDx, st.bx + l * st.sx + off, g * (b * dD + (1 - b) * dM));
        }
        const p = pDbeta + (<usize>bo << 3);
        store<f64>(p, load<f64>(p) + g * ((dy_ - st.bY) * (beta >= 0 && beta <= 1 ? 1 : 0)));
      } else if (method == EM || method == EDSCW || method == IDW) {
        bigWeights(st, method, oi, r, l, true);
        walkStart(st, oi);
        for (let j = 0; j < r; j++) {
          const off = walkTap(st);
          bigAdd(st, pDx, st.bx + l * st.sx + off, g * bigW(st, method, bigX(st, l, off), true));
        }
      } else unreachable();
      continue;
    }
    // forward: y, and the mask (weights) and maxPool's index when asked for
    let y: f64 = 0;
    if (method == AVG) {
      let s: f64 = 0;
      for (let j = 0; j < r; j++) {
        s += bigX(st, l, walkTap(st));
        if (st.withMask) store<f32>(pMask + (<usize>(mo + st.tapMaskOff) << 2), <f32>(1 / Pd));
      }
      y = s / Pd;
    } else if (method == MAX) {
      y = bigArgmax(st, oi, r, l);
      if (st.withMask) {
        walkStart(st, oi);
        for (let j = 0; j < r; j++) { walkTap(st); store<f32>(pMask + (<usize>(mo + st.tapMaskOff) << 2), j == st.bigBestJ ? 1 : 0); }
        store<i32>(st.pIndices + (<usize>yo << 2), st.bigBestFlat + l * st.sf + st.fShift);
      }
    } else if (method == LP) {
      y = bigLp(st, oi, r, l);
      if (st.withMask) {
        // w = (|x|/m)^p / S, uniform 1/|R| when m = 0
        const p = load<f64>(st.P + (<usize>OP_PARAM << 2));
        const m = st.bM; const S = st.bZ;
        walkStart(st, oi);
        for (let j = 0; j < r; j++) {
          const x = bigX(st, l, walkTap(st));
          store<f32>(pMask + (<usize>(mo + st.tapMaskOff) << 2), <f32>(m == 0 ? 1 / <f64>r : powNonNeg(Math.abs(x) / m, p) / S));
        }
      }
    } else if (method == ADA) {
      const b = exactClamp(<f64>load<f32>(pBeta + (<usize>bo << 2)));
      bigWeights(st, EDSCW, oi, r, l, false);
      const dm = st.bM; const dmx = st.bMx; const dz = st.bZ; const yD = st.bY;
      bigWeights(st, EM, oi, r, l, false);
      y = b * yD + (1 - b) * st.bY;
      if (st.withMask) {
        walkStart(st, oi);
        for (let j = 0; j < r; j++) {
          const x = bigX(st, l, walkTap(st));
          const wD = Math.exp(exactScore(st, EDSCW, x, dm, false) - dmx) / dz;
          store<f32>(pMask + (<usize>(mo + st.tapMaskOff) << 2), <f32>(b * wD + (1 - b) * bigW(st, EM, x, false)));
        }
      }
    } else if (method == EM || method == EDSCW || method == IDW) {
      bigWeights(st, method, oi, r, l, false);
      y = st.bY;
      if (st.withMask) {
        walkStart(st, oi);
        for (let j = 0; j < r; j++) {
          const x = bigX(st, l, walkTap(st));
          store<f32>(pMask + (<usize>(mo + st.tapMaskOff) << 2), <f32>bigW(st, method, x, false));
        }
      }
    } else unreachable();
    store<f32>(pY + (<usize>yo << 2), <f32>y);
  }
}
