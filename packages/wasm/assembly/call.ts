/**
 * The call record and the shared constants of the kernels (README.md, "Kernels").
 *
 * The host (src/backend.ts) lays out in linear memory, above __heap_base: the parameter slots
 * (PARAM_SLOTS ints: the call's sizes, options and the tensors' addresses), then room for the
 * kernels' Call record; elsewhere the plan's geometry per axis, the lane groups, the tensors and
 * scratch. Every kernel takes the Call record (`st`) as its first argument: it is the call's only
 * state. Names follow OPERATORS.md: x (input), m (region mean), w (weights), y (output),
 * a = ∂φ/∂x, b = ∂φ/∂m, β̂ = clamp(β, 0, 1).
 */
import { Vec, Wide, VBYTES, splat, sub, max, ne, anyTrue } from './vec';
import { AVG, MAX, METHODS } from './methods';

// The method codes come from core's list (./methods is generated from it by scripts/build-wasm.mjs).
// Every kernel below handles exactly these six: a method added to core's list stops the build
// here until its kernels are written; a code outside the list traps (run) before anything is computed.
// @ts-ignore: compile-time check
if (METHODS != 7) ERROR('the kernels handle the methods avg, max, em, edscw, idw, ada, lp: a method added to core needs its kernels here');

/** avg and max: plain reductions (no weights in float64, no exp). */
// @ts-ignore: decorator
@inline export function plain(method: i32): bool { return method == AVG || method == MAX; }


/**
 * The running call's state: one record in linear memory, right after the host's parameter slots
 * (PARAM_SLOTS ints; the host reserves PARAM_BYTES for both), passed to every kernel as `st`.
 * Nothing is kept in module globals: a call's kernels see only this record and the memory it
 * points to.
 */
@unmanaged export class Call {
  /** The host's parameter slots (params block; `param`, `ptr`). */
  P: usize;
  // options of the call, read once
  withMask: bool;
  tiles: bool;
  countIncludePad: bool;
  mayBeBig: bool; // some region may have more than BIG_TAPS taps (the window does)
  rank: i32;
  axes: usize; // the per-axis records and tables (geometry.ts)
  hits: usize; // the debug hit counters (HITS), or 0
  // the tensors
  pX: usize; pBeta: usize; pDy: usize; pY: usize; pMask: usize; pIndices: usize; pDx: usize; pDbeta: usize;
  // the current region's row (materialize): its tap count, countIncludePad divisor, output, mask
  // and β offsets (one int each), and per valid tap its input, mask (window) and flat input offsets
  tCount: usize; tPadded: usize; tOut: usize; tMaskOff: usize; tBeta: usize;
  tInput: usize; tMask: usize; tFlat: usize;
  // lanes: lane l of the current group sits at element base + l·step of each tensor
  nLanes: i32;
  bx: i32; sx: i32; // input (x, dx, U)
  by: i32; sy: i32; // output (y, dy, v, dv)
  bm: i32; sm: i32; // mask
  bb: i32; sb: i32; // β
  sf: i32; // flat input index (maxPool indices)
  fShift: i32; // flat index shift of the current group within its run
  skipLanes: i32; // lanes < skipLanes were done by the previous group: accumulating jobs add 0 for them
  // scratch: per-tap Vec rows of length W
  SV: usize; // x
  ST: usize; // t = x − x₀
  SW1: usize; // weights (edscw / em / idw; the D half of ada)
  SW2: usize; // weights of the em half of ada
  SA: usize; // a = ∂φ/∂x (edscw: ∂_x D, idw: q)
  SB: usize; // b = ∂φ/∂m (edscw only; idw has b = −a)
  ST2: usize; // τ = x − x_max (em)
  SD: usize; // per-tap input gradient contributions g·∂y/∂x_k
  SE: usize; // dense runs: per tap entry (offset, 1 if a pair), 8 bytes each
  WW: usize; WA: usize; WB: usize; // float64 weights, a, b (per tap, WIDE_PARTS Wides)
  // results of the region math beside its return value
  yLo: Wide; yHi: Wide; // the last wide y (absolute), per half
  dscErr: Vec; // Σ_j w_j |x_j − y| of the last dscWeights32 / fusedDsc: how far float32 weights can move y
  dscTiny: bool; // x̂² + m̂² lost precision (a tap ≥ 1e15 times smaller than the region's max)
  fusedRedo: bool; // fusedDsc's float32 result may miss the tolerance (the caller redoes the group)
  exactA: f64; exactB: f64; // partials a = ∂φ/∂x, b = ∂φ/∂m of the last exactScore with `grad`
  // the prepared run of a group entry (dense.ts prepareRun, tapEntries)
  nEntries: i32; entriesPaired: bool; entriesTriple: bool;
  runR: i32; // taps per region
  runYOff: i32; // output offset of the run's first group
  runBOff: i32; // β offset
  runP: f32; // avg divisor
  runRows: i32; runDxr: i32; runDyr: i32; runDbr: i32; // rows of outputs the run repeats over, and the bases' steps per row
  // streamed regions (geometry.ts walkStart, walkTap; streamed.ts)
  cursor: usize; // the walk's per-axis state (16 B an axis)
  bigYOff: i32; bigMOff: i32; bigBOff: i32; bigPad: i32; // the walked output's offsets (y, mask, β), countIncludePad divisor
  tapMaskOff: i32; tapFlat: i32; // the current tap's mask and flat offsets
  walkRow: bool; walkJ: i32; // walking the current row (the careful path) instead of the per-axis ranges
  // one score op's weights over a streamed region of one lane: m, max score, Z, y, and for
  // gradients the reference's c (the tap of the largest weight), yc = Σ w (x − c), A
  bM: f64; bMx: f64; bZ: f64; bY: f64; bC: f64; bYc: f64; bA: f64;
  bigBestOff: i32; bigBestFlat: i32; bigBestJ: i32; // maxPool's winner of a streamed region
}

/** Ints of the host's parameter slots; the Call record follows them. */
export const PARAM_SLOTS: i32 = 64;
/** Bytes the host reserves for the slots and the Call record (src/backend.ts PARAM_BYTES). */
export const PARAM_BYTES: i32 = 1024;
// @ts-ignore: compile-time check
if (<i32>offsetof<Call>() + (PARAM_SLOTS << 2) > PARAM_BYTES) ERROR('call.ts: the Call record outgrew PARAM_BYTES');

/** The call record of the parameter block at `params`. */
// @ts-ignore: decorator
@inline export function callAt(params: usize): Call {
  const st = changetype<Call>(params + (<usize>PARAM_SLOTS << 2));
  st.P = params;
  return st;
}

// ---- parameter block (i32 slots, written by the host) -------------------------------------
export const METHOD = 0; // a code of ./methods (core's list of methods)
export const OUTPUTS = 1; // spatial outputs per plane
export const W = 2; // taps per window (Π K: a region row holds at most this many)
export const NB = 3; // batch N
export const NC = 4; // channels C
export const RETURN_MASK = 5;
export const COUNT_INCLUDE_PAD = 6;
export const GROUPS = 7; // > 0: lanes across outputs, this many groups per plane
export const IDW_EPS = 8; // f64 (slots 8 and 9)
export const OP_PARAM = 22; // f64 (slots 22 and 23): the op's parameter (core's opParam: lpPool's p)
export const XS_N = 10; export const XS_C = 11; export const YS_N = 12; export const YS_C = 13;
export const MS_N = 14; export const MS_C = 15; export const BS_N = 16; export const BS_C = 17;
export const TILES = 19; // 1: every input element lies in exactly one window (no overlaps, no gaps)
export const RANK = 20; // spatial rank n
export const AXES = 21; // the per-axis records (AXIS_INTS ints each, axis 0 first) and their tables
export const T_GROUPS = 28;
export const HITS = 29; // 0, or where to count the runs of each variant (tests: src/backend.ts countVariants)
export const X = 30; export const BETA = 31; export const DY = 32; export const Y = 33; export const MASK = 34; export const INDICES = 35;
export const DX = 36; export const DBETA = 37; export const SCRATCH = 38;
// the part of the call this thread computes (threads: src/threads.ts): units [PART_BEGIN, PART_END),
// a unit being a plane (b, c), or with lanes across channels (b, a block of LANES channels)
export const PART_BEGIN = 39; export const PART_END = 40;
// dβ when planes share a β: unit q adds into the float64 accumulator DBETA + ⌊q / DBETA_UNITS⌋ ·
// DBETA_CHUNK bytes (the host sums the chunks in order); 0: one accumulator
export const DBETA_UNITS = 41; export const DBETA_CHUNK = 42;
// 0 on a call's first chunk on this parameter block: the kernels then prepare the group entries
// in its scratch and set it (the block's later chunks reuse them)
export const PREPARED = 43;

// @ts-ignore: decorator
@inline export function param(st: Call, i: i32): i32 { return load<i32>(st.P + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline export function ptr(st: Call, i: i32): usize { return <usize>load<u32>(st.P + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline export function i32At(table: usize, i: i32): i32 { return load<i32>(table + (<usize>i << 2)); }
// ---- geometry per axis ----------------------------------------------------------------------
// Axis record (ints): O, K, L (input length), output index stride (outputs per step of o),
// spatial strides of x, y and the mask's output part, the mask's window stride, β's stride, and
// the element offsets (from AXES) of taps[o·K + κ] = π(o, κ) or −1, and padded[o].
export const A_O = 0; export const A_K = 1; export const A_L = 2; export const A_OS = 3; export const A_XS = 4; export const A_YS = 5;
export const A_MS = 6; export const A_MK = 7; export const A_BS = 8; export const A_TAPS = 9; export const A_PADS = 10;
export const AXIS_INTS = 12;
// @ts-ignore: decorator
@inline export function axisInt(st: Call, a: i32, f: i32): i32 { return load<i32>(st.axes + (<usize>(a * AXIS_INTS + f) << 2)); }

/** Bytes of a row buffer for `taps` taps: 8 ints, then 3 ints a tap, 16-byte aligned. */
// @ts-ignore: decorator
@inline export function rowBytes(taps: i32): usize { return (32 + 12 * <usize>taps + 15) & ~15; }

/** Makes the row buffer at `at` (for `taps` taps) the current region's row. */
export function useRow(st: Call, at: usize, taps: i32): void {
  st.tCount = at; st.tPadded = at + 4; st.tOut = at + 8; st.tMaskOff = at + 12; st.tBeta = at + 16;
  st.tInput = at + 32; st.tMask = st.tInput + (<usize>taps << 2); st.tFlat = st.tMask + (<usize>taps << 2);
}

// ---- scratch: per-tap Vec arrays of length W -------------------------------------------------
// @ts-ignore: decorator
@inline export function at(arr: usize, j: i32): usize { return arr + <usize>j * VBYTES; }

// ---- large regions -------------------------------------------------------------------------
// A float32 sum of r terms can be off by ≈ r·2⁻²⁴ of Σ|terms| (r = 65 536: 0.4%, far past the
// §6 tolerance). Regions of more than WIDE_TAPS taps therefore accumulate their sums (avg's Σx,
// em's Z and Σ w τ, unpool's dv) in float64 and weigh edscw in float64 (dscWeights); idw always
// does. Smaller regions, every dense run among them, keep their float32 sums (error ≤ 64·2⁻²⁴).
export const WIDE_TAPS = 64;


/** Whether a lane of v is ±∞ or NaN (v − v is 0 exactly for finite v). */
// @ts-ignore: decorator
@inline export function nonFinite(v: Vec): bool { return anyTrue(ne(sub(v, v), splat(0))); }


// @ts-ignore: decorator
@inline export function imin(a: i32, b: i32): i32 { return a < b ? a : b; }
// ---- huge regions: streamed -----------------------------------------------------------------
// A region of more than BIG_TAPS taps (global pooling of large maps) is never laid out per tap:
// its taps are walked as nested per-axis κ ranges (valid κ are one contiguous range per axis),
// once per pass, lane by lane, with the careful path's float64 formulas (exactScore), so scratch
// stays at BIG_TAPS taps whatever the window, and results follow the reference (OPERATORS.md 5).
export const BIG_TAPS: i32 = 16384;

// ---- drivers --------------------------------------------------------------------------------

export const GROUP_ROW = 20; // ints per row of the group table (src/backend.ts)
// Slots of a group entry filled by the host: its region's tap count, how its taps pair (as
// tapEntries pairs them: TAPS_PAIRS all pairs, TAPS_TRIPLES pair + single at +2), the call's variant.
export const G_TAPS = 16; export const G_KIND = 17; export const G_VARIANT = 18;
export const TAPS_PAIRS = 1; export const TAPS_TRIPLES = 2;
export const FORWARD = 0;
export const BACKWARD = 1;
export const UNPOOL = 2;
export const UNPOOL_GRAD = 3;

/** One more run of `variant` on the debug hit counters, if they are on. */
// @ts-ignore: decorator
@inline export function countHit(st: Call, variant: i32): void {
  if (st.hits != 0) store<i32>(st.hits + (<usize>variant << 2), load<i32>(st.hits + (<usize>variant << 2)) + 1);
}
