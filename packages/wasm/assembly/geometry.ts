/**
 * Geometry per axis (core's one rule, built by the host: for each axis its taps π(o, κ) or −1 and
 * its padded counts, O(Σ_a O_a·K_a) ints, no table per output). `materialize` builds the row of
 * one region (its valid taps as input, mask and flat offsets; its divisor and output offsets) as
 * nested per-axis ranges; `walkStart` / `walkTap` step through a region's taps without building
 * a row (streamed regions, streamed.ts).
 */
import { Call, A_BS, A_K, A_L, A_MK, A_MS, A_O, A_OS, A_PADS, A_TAPS, A_XS, A_YS, axisInt, i32At } from './call';

/**
 * The row of output oi: the valid taps of its window in row-major κ order (core's regionTable
 * order), as the product of each axis's valid taps, axis 0 outermost. Entries are expanded in
 * place from the last down, so entry e of the product so far becomes entries e·v … e·v + v − 1.
 */
export function materialize(st: Call, oi: i32): void {
  const tInput = st.tInput, tMask = st.tMask, tFlat = st.tFlat;
  let c = 1;
  store<i32>(tInput, 0); store<i32>(tMask, 0); store<i32>(tFlat, 0);
  let yo = 0; let mo = 0; let bo = 0; let Pd = 1;
  for (let a = 0; a < st.rank; a++) {
    const o = (oi / axisInt(st, a, A_OS)) % axisInt(st, a, A_O);
    yo += o * axisInt(st, a, A_YS); mo += o * axisInt(st, a, A_MS); bo += o * axisInt(st, a, A_BS);
    Pd *= i32At(st.axes, axisInt(st, a, A_PADS) + o);
    const K = axisInt(st, a, A_K);
    const L = axisInt(st, a, A_L); const xs = axisInt(st, a, A_XS); const mk = axisInt(st, a, A_MK);
    const taps = st.axes + (<usize>(axisInt(st, a, A_TAPS) + o * K) << 2);
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
  store<i32>(st.tCount, c); store<i32>(st.tPadded, Pd); store<i32>(st.tOut, yo); store<i32>(st.tMaskOff, mo); store<i32>(st.tBeta, bo);
}

// the walk's state (st.cursor, 16 B an axis): the axis's taps row for this output, κ range, current κ
export const C_ROW = 0; export const C_LO = 4; export const C_HI = 8; export const C_K = 12;

/**
 * Starts the walk over output oi's taps, or with oi < 0 over the current row's (and sets the
 * region's offsets); returns the region's tap count, Π_a (valid κ of axis a).
 */
export function walkStart(st: Call, oi: i32): i32 {
  st.walkRow = oi < 0;
  st.walkJ = 0;
  if (st.walkRow) {
    st.bigYOff = load<i32>(st.tOut); st.bigMOff = load<i32>(st.tMaskOff); st.bigBOff = load<i32>(st.tBeta); st.bigPad = load<i32>(st.tPadded);
    return load<i32>(st.tCount);
  }
  let r = 1;
  st.bigYOff = 0; st.bigMOff = 0; st.bigBOff = 0; st.bigPad = 1;
  for (let a = 0; a < st.rank; a++) {
    const o = (oi / axisInt(st, a, A_OS)) % axisInt(st, a, A_O);
    st.bigYOff += o * axisInt(st, a, A_YS); st.bigMOff += o * axisInt(st, a, A_MS); st.bigBOff += o * axisInt(st, a, A_BS);
    st.bigPad *= i32At(st.axes, axisInt(st, a, A_PADS) + o);
    const K = axisInt(st, a, A_K);
    const taps = st.axes + (<usize>(axisInt(st, a, A_TAPS) + o * K) << 2);
    let lo = 0;
    while (lo < K && i32At(taps, lo) < 0) lo++;
    let hi = lo;
    while (hi < K && i32At(taps, hi) >= 0) hi++;
    const c = st.cursor + (<usize>a << 4);
    store<i32>(c, <i32>taps, C_ROW); store<i32>(c, lo, C_LO); store<i32>(c, hi, C_HI); store<i32>(c, lo, C_K);
    r *= hi - lo;
  }
  return r;
}

/** Input offset of the current tap (its mask and flat offsets into tapMaskOff, tapFlat); steps to the next. */
export function walkTap(st: Call): i32 {
  if (st.walkRow) {
    const j = st.walkJ++;
    st.tapMaskOff = i32At(st.tMask, j); st.tapFlat = i32At(st.tFlat, j);
    return i32At(st.tInput, j);
  }
  let off = 0; let m = 0; let f = 0;
  for (let a = 0; a < st.rank; a++) {
    const c = st.cursor + (<usize>a << 4);
    const k = load<i32>(c, C_K);
    const pos = i32At(<usize>load<i32>(c, C_ROW), k);
    off += pos * axisInt(st, a, A_XS); m += k * axisInt(st, a, A_MK); f = f * axisInt(st, a, A_L) + pos;
  }
  st.tapMaskOff = m; st.tapFlat = f;
  for (let a = st.rank - 1; a >= 0; a--) {
    const c = st.cursor + (<usize>a << 4);
    const k = load<i32>(c, C_K) + 1;
    if (k < load<i32>(c, C_HI)) { store<i32>(c, k, C_K); break; }
    store<i32>(c, load<i32>(c, C_LO), C_K);
  }
  return off;
}
