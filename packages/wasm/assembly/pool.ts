/**
 * The kernels' entry (exports) and driver: `run` reads the parameter slots into the Call record,
 * lays out scratch, prepares each lane-group entry once (its row and, for a generated run, its tap
 * entries), then walks the planes, dispatching each entry by the variant the host chose
 * (src/variants.ts): a generated dense run (runs.ts `runCell`), the region walk (region.ts), or
 * nothing for empty regions; regions of more than BIG_TAPS taps are streamed (streamed.ts).
 */
import { LANES, VBYTES, WIDE_PARTS, WBYTES, splat, sub, ne, or, anyTrue, sload } from './vec';
import { METHODS, REGION, EMPTY, CHANNELS } from './methods';
import { Call, callAt, AXES, BACKWARD, BETA, BIG_TAPS, BS_C, BS_N, COUNT_INCLUDE_PAD, DBETA, DBETA_CHUNK, DBETA_UNITS, DX, DY, FORWARD, GROUPS, GROUP_ROW, G_KIND, G_TAPS, G_VARIANT, HITS, INDICES, MASK, METHOD, MS_C, MS_N, NC, OUTPUTS, PART_BEGIN, PART_END, PREPARED, RANK, RETURN_MASK, SCRATCH, TAPS_PAIRS, TAPS_TRIPLES, TILES, T_GROUPS, UNPOOL, UNPOOL_GRAD, W, X, XS_C, XS_N, Y, YS_C, YS_N, countHit, i32At, imin, param, plain, ptr, rowBytes, useRow } from './call';
import { prepareRun } from './dense';
import { materialize, walkStart } from './geometry';
import { backwardRegion, forwardRegion, unpoolGradRegion, unpoolRegion } from './region';
import { runCell } from './runs';
import { bigRegion } from './streamed';

// @ts-ignore: decorator
@inline export function regionRow(st: Call, job: i32, method: i32): void {
  if (job == FORWARD) forwardRegion(st, method);
  else if (job == BACKWARD) backwardRegion(st, method);
  else if (job == UNPOOL) unpoolRegion(st);
  else unpoolGradRegion(st);
}

/** The job for the current lanes at output oi. */
// @ts-ignore: decorator
@inline export function region(st: Call, job: i32, method: i32, oi: i32): void {
  const r = st.mayBeBig ? walkStart(st, oi) : 0;
  if (r > BIG_TAPS) bigRegion(st, job, method, oi, r);
  else {
    materialize(st, oi);
    regionRow(st, job, method);
  }
}


// @ts-ignore: decorator
@inline export function setLanes(st: Call, n: i32): void {
  st.nLanes = n;
}

export function run(st: Call, job: i32): void {
  const method = param(st, METHOD);
  if (<u32>method >= <u32>METHODS) unreachable();
  const outputs = param(st, OUTPUTS);
  const C = param(st, NC);
  const groups = param(st, GROUPS);
  const W_ = param(st, W);
  st.withMask = param(st, RETURN_MASK) != 0;
  st.countIncludePad = param(st, COUNT_INCLUDE_PAD) != 0;
  st.tiles = param(st, TILES) != 0;
  st.rank = param(st, RANK);
  st.axes = ptr(st, AXES);
  st.hits = ptr(st, HITS);
  st.pX = ptr(st, X); st.pBeta = ptr(st, BETA); st.pDy = ptr(st, DY); st.pY = ptr(st, Y); st.pMask = ptr(st, MASK);
  st.pIndices = ptr(st, INDICES); st.pDx = ptr(st, DX); st.pDbeta = ptr(st, DBETA);
  // rows per tap are laid out for regions up to BIG_TAPS taps; bigger ones are streamed
  st.mayBeBig = W_ > BIG_TAPS;
  const taps: i32 = W_ < 1 ? 1 : st.mayBeBig ? BIG_TAPS : W_;
  // scratch: the streaming cursor (64 B), a row buffer (rowBytes), then per-tap Vec rows, then
  // per lane group its tap entries (8 B a tap), a 64 B record and its row buffer
  st.cursor = ptr(st, SCRATCH);
  const freeRow = st.cursor + 64;
  useRow(st, freeRow, taps);
  const row: usize = <usize>taps * VBYTES;
  st.SV = freeRow + rowBytes(taps); st.ST = st.SV + row; st.SW1 = st.ST + row; st.SW2 = st.SW1 + row; st.SA = st.SW2 + row; st.SB = st.SA + row; st.ST2 = st.SB + row; st.SD = st.ST2 + row;
  // float64 rows: edscw/idw's value path; avg, max and unpool (method 0) have none
  const wrow: usize = plain(method) ? 0 : <usize>taps * <usize>WIDE_PARTS * WBYTES;
  st.WW = st.SD + row; st.WA = st.WW + wrow; st.WB = st.WA + wrow;
  st.SE = st.WB + wrow;
  const xsN = param(st, XS_N); const xsC = param(st, XS_C);
  const ysN = param(st, YS_N); const ysC = param(st, YS_C);
  const msN = param(st, MS_N); const msC = param(st, MS_C);
  const bsN = param(st, BS_N); const bsC = param(st, BS_C);
  // this thread's units (planes, or (b, channel block) with lanes across channels), and dβ's chunks
  const q0 = param(st, PART_BEGIN); const q1 = param(st, PART_END);
  const dbUnits = param(st, DBETA_UNITS); const dbChunk = ptr(st, DBETA_CHUNK); const dbBase = st.pDbeta;
  // the scalar build (one lane) never gets group entries: with LANES a constant 1 the compiler
  // drops everything below and the dense runs with it
  if (LANES == 1 || groups == 0) {
    // lanes across channels: LANES channels share every output's row (built once per output)
    countHit(st, CHANNELS);
    st.sx = xsC; st.sy = ysC; st.sm = msC; st.sb = bsC; st.sf = 0; st.fShift = 0;
    // units: (b, a block of LANES channels)
    const blocks = (C + LANES - 1) / LANES;
    for (let oi = 0; oi < outputs; oi++) {
      const r = st.mayBeBig ? walkStart(st, oi) : 0;
      if (r <= BIG_TAPS) materialize(st, oi);
      for (let q = q0; q < q1; q++) {
        const b = q / blocks;
        const c = (q - b * blocks) * LANES;
        setLanes(st, imin(LANES, C - c));
        st.bx = b * xsN + c * xsC; st.by = b * ysN + c * ysC; st.bm = b * msN + c * msC; st.bb = b * bsN + c * bsC;
        if (dbUnits > 0) st.pDbeta = dbBase + <usize>(q / dbUnits) * dbChunk;
        if (r > BIG_TAPS) bigRegion(st, job, method, oi, r);
        else regionRow(st, job, method);
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
  const gt = ptr(st, T_GROUPS);
  const entries = st.SE;
  const records = entries + <usize>groups * <usize>taps * 8;
  const groupRows = records + (<usize>groups << 6);
  // a thread's later chunks of the same call find its entries prepared in its scratch
  const prepared = param(st, PREPARED) != 0;
  store<i32>(st.P + (<usize>PREPARED << 2), 1);
  const toPrepare = prepared ? 0 : groups;
  for (let g = 0; g < toPrepare; g++) {
    const e = g * GROUP_ROW;
    const oi = i32At(gt, e);
    const n = i32At(gt, e + 1);
    st.sx = i32At(gt, e + 2);
    const rec = records + (<usize>g << 6);
    st.SE = entries + <usize>g * <usize>taps * 8;
    setLanes(st, n);
    useRow(st, groupRows + <usize>g * rowBytes(taps), taps);
    // a region of more than BIG_TAPS taps is streamed (bigRegion), never laid out
    const count = st.mayBeBig ? walkStart(st, oi) : 0;
    store<i32>(rec, count, 32);
    if (count <= BIG_TAPS) materialize(st, oi);
    // the run variant, chosen by the host (src/backend.ts, `variant`) from the facts it wrote here;
    // what tapEntries makes of the taps must be what the host saw, or nothing is computed
    const fast = i32At(gt, e + G_VARIANT);
    if (fast != REGION && fast != EMPTY) {
      prepareRun(st);
      const kind = i32At(gt, e + G_KIND);
      if (st.entriesPaired != (kind == TAPS_PAIRS) || st.entriesTriple != (kind == TAPS_TRIPLES) || st.runR != i32At(gt, e + G_TAPS)) unreachable();
    }
    store<i32>(rec, fast);
    store<i32>(rec, st.runR, 4); store<i32>(rec, st.runYOff, 8); store<i32>(rec, st.runBOff, 12);
    store<f32>(rec, st.runP, 16); store<i32>(rec, st.nEntries, 20); store<i32>(rec, st.entriesPaired ? 1 : 0, 24);
    store<i32>(rec, st.entriesTriple ? 1 : 0, 28);
  }
  for (let q = q0; q < q1; q++) {
    {
      const b = q / C;
      const c = q - b * C;
      if (dbUnits > 0) st.pDbeta = dbBase + <usize>(q / dbUnits) * dbChunk;
      const x0 = b * xsN + c * xsC;
      const y0 = b * ysN + c * ysC;
      const m0 = b * msN + c * msC;
      const b0 = b * bsN + c * bsC;
      for (let g = 0; g < groups; g++) {
        const e = g * GROUP_ROW;
        const rec = records + (<usize>g << 6);
        const fast = load<i32>(rec);
        countHit(st, fast);
        if (fast == EMPTY) continue;
        const oi = i32At(gt, e);
        const n = i32At(gt, e + 1);
        setLanes(st, n);
        st.sx = i32At(gt, e + 2); st.sy = i32At(gt, e + 3); st.sm = i32At(gt, e + 4); st.sb = i32At(gt, e + 5); st.sf = i32At(gt, e + 6);
        const reps = i32At(gt, e + 7);
        st.skipLanes = job == BACKWARD || job == UNPOOL ? i32At(gt, e + 8) : 0;
        const rows = i32At(gt, e + 9);
        // the group's row (prepared above); the fast runs' redone groups read it too
        if (n != 1) useRow(st, groupRows + <usize>g * rowBytes(taps), taps);
        if (fast != REGION) {
          // the run repeats over `rows` rows of outputs, translated by (Δx, Δy, Δβ) per row
          const dxr = i32At(gt, e + 10); const dyr = i32At(gt, e + 11); const dbr = i32At(gt, e + 12);
          st.SE = entries + <usize>g * <usize>taps * 8;
          st.runR = load<i32>(rec, 4); st.runYOff = load<i32>(rec, 8); st.runBOff = load<i32>(rec, 12);
          st.runP = load<f32>(rec, 16); st.nEntries = load<i32>(rec, 20); st.entriesPaired = load<i32>(rec, 24) != 0;
          st.entriesTriple = load<i32>(rec, 28) != 0;
          st.bx = x0; st.by = y0; st.bb = b0; st.bm = m0; st.fShift = 0;
          st.runRows = rows; st.runDxr = dxr; st.runDyr = dyr; st.runDbr = dbr;
          runCell(st, fast, job, method, reps); // a generated kernel (./runs)
          continue;
        }
        if (n == 1) {
          // `reps` single outputs oi … oi + reps − 1 in each of `rows` rows, each with its own row
          const rowStep = i32At(gt, e + 13);
          useRow(st, freeRow, taps);
          st.bx = x0; st.by = y0; st.bm = m0; st.bb = b0; st.fShift = 0;
          for (let rr = 0; rr < rows; rr++) for (let k = 0; k < reps; k++) region(st, job, method, oi + k + rr * rowStep);
          continue;
        }
        // the group's row, translated by (Δx, Δy, Δmask, Δβ, Δflat) per row of outputs
        const dxr = i32At(gt, e + 10); const dyr = i32At(gt, e + 11); const dbr = i32At(gt, e + 12);
        const dmr = i32At(gt, e + 14); const dfr = i32At(gt, e + 15);
        const count = load<i32>(rec, 32);
        for (let rr = 0; rr < rows; rr++) {
          for (let k = 0; k < reps; k++) {
            const s = k * n;
            st.bx = x0 + rr * dxr + s * st.sx; st.by = y0 + rr * dyr + s * st.sy; st.bm = m0 + rr * dmr + s * st.sm; st.bb = b0 + rr * dbr + s * st.sb;
            st.fShift = rr * dfr + s * st.sf;
            if (count > BIG_TAPS) bigRegion(st, job, method, oi, count);
            else regionRow(st, job, method);
          }
        }
      }
    }
  }
  st.skipLanes = 0;
}

/** The SIMD width this build was compiled for (4, or 1 for the scalar build). */
export function lanes(): i32 { return LANES; }
/** 1 in the relaxed-SIMD build (fused multiply-adds where the engine fuses them), else 0. */
// @ts-ignore: compile-time feature flag
export function relaxed(): i32 { return ASC_FEATURE_RELAXED_SIMD ? 1 : 0; }
/** First free byte above the module's static data; the host's arena starts here. */
export function heapBase(): usize { return __heap_base; }

/**
 * One thread's part of a call: the units [PART_BEGIN, PART_END) of the parameter block at
 * `params`, job FORWARD, BACKWARD, UNPOOL (slots: v → Y, mask → MASK, U → X; the host then asks
 * anyNonFinite of U and takes U from the float64 reference where a float32 partial sum of
 * overlapping windows overflowed, or inputs were NaN/±∞: OPERATORS.md 5) or UNPOOL_GRAD (v → Y,
 * mask → MASK, dU → DX; writes dv → DY, dmask → DBETA as float32).
 */
export function runPart(params: usize, job: i32): void {
  if (<u32>job > <u32>UNPOOL_GRAD) unreachable();
  run(callAt(params), job);
}

/** Whether any of the n floats at p is ±∞ or NaN. */
export function anyNonFinite(p: usize, n: i32): bool {
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

