/**
 * Hand-written support of the generated dense runs (runs.ts, from runs.ts.in): a group entry's
 * tap entries (`tapEntries`, `prepareRun`), reading them (`entryAt`, `entryIsPair`), and sending
 * groups whose fast result is not finite back to the region path (`redoGroup`, `redoNonFinite`).
 */
import { Vec, Mask, VBYTES, splat, add, max, pmax, gt, ne, or, select, ones, sload, sstore, sloadSplat, evens, odds, shiftIn } from './vec';
import { Call, FORWARD, i32At, nonFinite } from './call';
import { backwardRegion, forwardRegion, pairLanes } from './region';

/**
 * max of a group's paired taps at xb (entries at se; see the pairs runs), a NaN tap winning: pmax
 * reductions (one instruction each, where the NaN-propagating max is several) plus NaN flags.
 */
// @ts-ignore: decorator
@inline export function pairedMax(se: usize, xb: usize, nE: i32): Vec {
  let p = xb + entryAt(se, 0);
  let A = sload(p);
  let B = sload(p + VBYTES);
  let nA = ne(A, A);
  let nB = ne(B, B);
  for (let e = 1; e < nE; e++) {
    p = xb + entryAt(se, e);
    const a = sload(p);
    const b = sload(p + VBYTES);
    A = pmax(A, a); B = pmax(B, b);
    nA = or(nA, ne(a, a)); nB = or(nB, ne(b, b));
  }
  const fa = ones(nA);
  const fb = ones(nB);
  return withNaN(pmax(evens(A, B), odds(A, B)), gt(add(evens(fa, fb), odds(fa, fb)), splat(0)));
}

/** Byte offset of tap entry e (element offset, pair flag: 8 B each at se) from its group's base. */
// @ts-ignore: decorator
@inline export function entryAt(se: usize, e: i32): usize { return <usize>load<i32>(se + (<usize>e << 3)) << 2; }
/** Whether tap entry e is a pair (taps off, off + 1 of stride-2 lanes). */
// @ts-ignore: decorator
@inline export function entryIsPair(se: usize, e: i32): bool { return load<i32>(se + (<usize>e << 3), 4) != 0; }

/**
 * y maxed with every tap of a group's triples at xb (entries at se, a line every second one: its
 * even, odd and single taps), NaN-propagating: a group's pmax y redone where a tap is NaN.
 */
// @ts-ignore: decorator
@inline export function tripledMax(se: usize, xb: usize, nE: i32, y: Vec): Vec {
  for (let e = 0; e < nE; e += 2) {
    const p = xb + entryAt(se, e);
    const a = sload(p);
    const b = sload(p + VBYTES);
    const ea = evens(a, b);
    y = max(max(max(y, ea), odds(a, b)), shiftIn(ea, sloadSplat(p + 2 * VBYTES)));
  }
  return y;
}

/** NaN in the lanes of `nan`, else y. */
// @ts-ignore: decorator
@inline export function withNaN(y: Vec, nan: Mask): Vec { return select(splat(NaN), y, nan); }

/**
 * A dense gradient run's dx store: added, or where the windows tile the input (`overwrite`)
 * stored, keeping the taps of a tail group's skipped lanes (`m` false there; `all`: none skipped),
 * which the group before it stored: so such calls need no zeroed dx.
 */
// @ts-ignore: decorator
@inline export function putDx(q: usize, v: Vec, m: Mask, overwrite: bool, all: bool): void {
  if (!overwrite) sstore(q, add(sload(q), v));
  else if (all) sstore(q, v);
  else sstore(q, select(v, sload(q), m));
}

/**
 * Group k of row rr of the prepared run, redone by forwardRegion (which takes the careful path
 * where needed) or backwardRegion; bx, by, bb are the plane's bases (the fast run functions
 * leave them so).
 */
export function redoGroup(st: Call, job: i32, method: i32, rr: i32, k: i32): void {
  const sbx = st.bx; const sby = st.by; const sbb = st.bb;
  st.bx += rr * st.runDxr + k * st.nLanes * st.sx; st.by += rr * st.runDyr + k * st.nLanes; st.bb += rr * st.runDbr + k * st.nLanes * st.sb;
  if (job == FORWARD) forwardRegion(st, method);
  else backwardRegion(st, method);
  st.bx = sbx; st.by = sby; st.bb = sbb;
}

/**
 * After a fast forward run whose outputs summed to sumY (one add per group instead of a test):
 * if sumY is not finite, the groups with an output that is not (a sum that overflowed, or NaN/±∞
 * inputs) are redone by forwardRegion. A finite sumY proves every output finite.
 */
export function redoNonFinite(st: Call, sumY: Vec, method: i32, reps: i32, yp0: usize): void {
  if (!nonFinite(sumY)) return;
  for (let rr = 0; rr < st.runRows; rr++) {
    const yp = yp0 + (<usize>(rr * st.runDyr) << 2);
    for (let k = 0; k < reps; k++) if (nonFinite(sload(yp + <usize>k * VBYTES))) redoGroup(st, FORWARD, method, rr, k);
  }
}


/** The taps of group oi as entries (offset, 1 if taps off and off + 1 of stride-2 lanes pair up) in SE. */
export function tapEntries(st: Call, r: i32): void {
  const SE = st.SE, tInput = st.tInput;
  const pairs = pairLanes(st);
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
  st.nEntries = nE;
  st.entriesPaired = allPairs;
  let triple = pairs && (nE & 1) == 0;
  for (let e = 0; triple && e < nE; e += 2) {
    const q = SE + (<usize>e << 3);
    triple = load<i32>(q, 4) == 1 && load<i32>(q, 12) == 0 && load<i32>(q, 8) == load<i32>(q) + 2;
  }
  st.entriesTriple = triple;
}

/**
 * Reads the run of the current row: its tap entries into SE, and its plane-independent facts
 * (st.runR, runYOff, runBOff, runP), prepared once per group entry for every plane. False for
 * empty regions.
 */
export function prepareRun(st: Call): bool {
  const r = load<i32>(st.tCount);
  st.runR = r;
  if (r == 0) return false;
  tapEntries(st, r);
  st.runYOff = load<i32>(st.tOut);
  st.runBOff = load<i32>(st.tBeta);
  st.runP = st.countIncludePad ? <f32>load<i32>(st.tPadded) : <f32>r;
  return true;
}
