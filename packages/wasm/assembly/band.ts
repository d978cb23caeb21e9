/**
 * em (SoftPool) forward over width-3 stride-2 windows whose three lines of taps are consecutive
 * input rows, with rows of outputs two input rows apart (2D k3s2): one exponential an input
 * instead of one a tap. A column of groups (4 outputs wide, all the run's rows) shares one shift
 * c, its largest input; e^{x − c} of each input row is taken once and used by both rows of
 * outputs that read it (the third line of a row is the first of the next), and
 * y = x_max + Σ e^{x−c} (x − x_max) / Σ e^{x−c} per output (shift-invariant; the sum relative to
 * the output's own max, as the window path). Windows whose weights would lose precision (Σ below
 * 2⁻¹⁰⁰, their max some 69 below c), and NaN/±∞, go to the region path (redoNonFinite).
 */
import { Vec, LANES, VBYTES, splat, add, sub, mul, div, pmax, lt, sload, sstore, sloadSplat, expNeg, evens, odds, shiftIn, lane, pack2, maxLanes } from './vec';
import { EM } from './methods';
import { Call } from './call';
import { entryAt, redoNonFinite, withNaN } from './dense';

/** The run's outputs by the banded path, or false when its taps are not of that form (nothing done). */
export function bandedEm(st: Call, reps: i32, yp0: usize): bool {
  const se = st.SE;
  if (st.nEntries != 6 || st.runRows < 2) return false;
  const o0 = entryAt(se, 0);
  const d = entryAt(se, 2) - o0; // bytes from one input row to the next
  if (d <= 0 || entryAt(se, 4) - o0 != 2 * d || (st.runDxr << 2) != 2 * d) return false;
  const step = LANES * st.sx;
  const rows = st.runRows;
  const zero = splat(0);
  const tiny = splat(7.888609e-31); // 2⁻¹⁰⁰
  let sumY = zero;
  for (let k = 0; k < reps; k++) {
    const xs = st.pX + (<usize>(st.bx + k * step) << 2) + <usize>o0;
    // c: the column's largest input over every row it reads (a NaN dropped here still makes its e^{x−c} NaN)
    let M = sload(xs);
    let N = sload(xs + VBYTES);
    let P = sloadSplat(xs + 2 * VBYTES);
    for (let i = 1, n = 2 * rows + 1; i < n; i++) {
      const p = xs + <usize>(i * d);
      M = pmax(M, sload(p)); N = pmax(N, sload(p + VBYTES)); P = pmax(P, sloadSplat(p + 2 * VBYTES));
    }
    const c = splat(maxLanes(pmax(pmax(M, N), P)));
    // line 0 of the first row; later rows take the line 2 before them
    let A0 = sload(xs);
    let B0 = sload(xs + VBYTES);
    let C0 = sloadSplat(xs + 2 * VBYTES);
    let EA0 = expNeg(sub(A0, c));
    let EB0 = expNeg(sub(B0, c));
    let EC0 = expNeg(sub(C0, c));
    for (let rr = 0; rr < rows; rr++) {
      const p1 = xs + <usize>((2 * rr + 1) * d);
      const p2 = p1 + <usize>d;
      const A1 = sload(p1); const B1 = sload(p1 + VBYTES);
      const A2 = sload(p2); const B2 = sload(p2 + VBYTES);
      const c1 = load<f32>(p1 + 2 * VBYTES); const c2 = load<f32>(p2 + 2 * VBYTES);
      const EA1 = expNeg(sub(A1, c)); const EB1 = expNeg(sub(B1, c));
      const EA2 = expNeg(sub(A2, c)); const EB2 = expNeg(sub(B2, c));
      const EC = expNeg(sub(pack2(c1, c2), c)); // the single taps' floats of lines 1 and 2, in one exp
      const C1 = splat(c1); const C2 = splat(c2);
      const EC1 = splat(lane(EC, 0)); const EC2 = splat(lane(EC, 1));
      // the 9 taps of the 4 outputs, per line: even, odd, single (the next output's even tap)
      const x0 = evens(A0, B0); const x1 = evens(A1, B1); const x2 = evens(A2, B2);
      const t0 = odds(A0, B0); const t1 = odds(A1, B1); const t2 = odds(A2, B2);
      const s0 = shiftIn(x0, C0); const s1 = shiftIn(x1, C1); const s2 = shiftIn(x2, C2);
      const xmax = pmax(pmax(pmax(pmax(x0, t0), pmax(s0, x1)), pmax(pmax(t1, s1), pmax(x2, t2))), s2);
      const e0 = evens(EA0, EB0); const e1 = evens(EA1, EB1); const e2 = evens(EA2, EB2);
      const f0 = odds(EA0, EB0); const f1 = odds(EA1, EB1); const f2 = odds(EA2, EB2);
      const g0 = shiftIn(e0, EC0); const g1 = shiftIn(e1, EC1); const g2 = shiftIn(e2, EC2);
      const Z = add(add(add(add(e0, f0), add(g0, e1)), add(add(f1, g1), add(e2, f2))), g2);
      let S = add(add(mul(e0, sub(x0, xmax)), mul(f0, sub(t0, xmax))), mul(g0, sub(s0, xmax)));
      S = add(S, add(add(mul(e1, sub(x1, xmax)), mul(f1, sub(t1, xmax))), mul(g1, sub(s1, xmax))));
      S = add(S, add(add(mul(e2, sub(x2, xmax)), mul(f2, sub(t2, xmax))), mul(g2, sub(s2, xmax))));
      const y = withNaN(add(xmax, div(S, Z)), lt(Z, tiny));
      sumY = add(sumY, y);
      sstore(yp0 + (<usize>(rr * st.runDyr + k * LANES) << 2), y);
      A0 = A2; B0 = B2; C0 = C2; EA0 = EA2; EB0 = EB2; EC0 = EC2;
    }
  }
  redoNonFinite(st, sumY, EM, reps, yp0);
  return true;
}
