/**
 * The `wasm` backend: core's `Backend` over the AssemblyScript kernels (assembly/, see README.md).
 *
 * Tensors live in Wasm linear memory: a handle is a block of the arena (above `__heap_base` and
 * a 1024-byte parameter block: the host's slots and the kernels' Call record), allocated first-fit from a coalescing free list; `upload` copies
 * in, `read`/`readSync` copy out (a fresh array), `dispose` frees. Kernels read their inputs in
 * place and write new blocks, so a call copies nothing; memory grows only when no free block
 * fits, and stays flat while tensors are created and disposed. A call also holds, while it runs,
 * the plan's geometry per axis (O(Σ_a O_a·K_a) ints, nothing per output) and scratch of a few
 * rows per tap; only the per-axis geometry of recent plans is kept (in JavaScript). A call that cannot fit a 32-bit Wasm memory (4 GiB) throws
 * `AdaPoolError` code `UNSUPPORTED` before allocating anything; a failing call frees what it took.
 */
import { AdaPoolError, axisPaddedCounts, axisTaps, callSize, checkOptionKeys, fail, opParam, POOL_METHODS, referenceUnpool, type Backend, type KernelName, type Kernels, type PoolMethod, type PoolPlan, type TypedArray } from '@adapool/core';
import { coreCount, CTRL_INTS, sharedBuild, startPool, threadsUnavailable, type ThreadPool } from './threads.js';
import { RUN_KERNELS, VARIANTS, type Taps, type Variant } from './variants.js';

/** The raw exports of adapool.wasm / adapool-scalar.wasm. */
export interface KernelExports {
  readonly memory: WasmMemory;
  lanes(): number;
  /** 1 in the relaxed-SIMD build. */
  relaxed?(): number;
  heapBase(): number;
  /** One thread's part of a call: the units [PART_BEGIN, PART_END) of the block at `params`; job 0 forward, 1 backward, 2 unpool, 3 unpool gradient. */
  runPart(params: number, job: number): void;
  /** 1 when one of the n floats at ptr is ±∞ or NaN. */
  anyNonFinite(ptr: number, n: number): number;
  // the test builds only (wasm-build/test-*.wasm, assembly/testing.ts):
  /** float32 exp (the SIMD/scalar polynomial) of n floats at ptr, in place. */
  expInPlace?(ptr: number, n: number): void;
  /** The lean float32 e^t for t ≤ 0 (softmax and edscw weights) of n floats at ptr, in place. */
  expNegInPlace?(ptr: number, n: number): void;
  /** The float32 e^t on [−1, 0] (edscw weights) of n floats at ptr, in place. */
  expUnit32InPlace?(ptr: number, n: number): void;
  /** float64 exp (the wide path's series) of n doubles at ptr, in place. */
  expWideInPlace?(ptr: number, n: number): void;
  /** float64 e^t on [−1, 0] (edscw's weights) of n doubles at ptr, in place. */
  expUnitInPlace?(ptr: number, n: number): void;
}

export interface WasmBackend extends Backend<WasmTensor> {
  /** 'wasm', or the `name` it was created with. */
  readonly name: string;
  /** Threads a large call runs on (the calling thread and `threads − 1` workers); 1: single-threaded. */
  readonly threads: number;
  /** Why this backend runs on fewer threads than asked (no shared memory, workers or bytes to share), or undefined. */
  readonly threadsNote?: string;
  /**
   * Ends the backend's workers (the process may then exit); later op calls on it throw `BACKEND`.
   * Tensors already read stay valid. Idempotent.
   */
  destroy(): void;
  /** true when the SIMD (f32x4) build runs (plain or relaxed), false for the scalar build. */
  readonly simd: boolean;
  /** true when the relaxed-SIMD build runs (adapool-relaxed.wasm, passed as `module`). */
  readonly relaxed: boolean;
  /** Current linear memory size in bytes (for memory-use checks). */
  memoryBytes(): number;
  /** Blocks of linear memory in use: the live tensors (for leak checks). */
  liveBlocks(): number;
  /** The module's raw exports (tests and benchmarks). */
  readonly exports: KernelExports;
  /**
   * Debug hit counters (tests): an int32 tensor of this backend with one element per entry of
   * VARIANTS, where the kernels add one per run of that variant (per group entry and plane;
   * 'channels': per call without group entries). Unset: nothing is counted.
   */
  hits?: WasmTensor;
}

/** Core's methods in its order; a method's code is its index (the kernels' ./methods, generated from the same list). */
const METHODS: readonly PoolMethod[] = POOL_METHODS;

// Parameter block slots (assembly/call.ts).
const S = {
  METHOD: 0, OUTPUTS: 1, W: 2, N: 3, C: 4, RETURN_MASK: 5, COUNT_INCLUDE_PAD: 6, GROUPS: 7, IDW_EPS: 8, OP_PARAM: 22,
  XS_N: 10, XS_C: 11, YS_N: 12, YS_C: 13, MS_N: 14, MS_C: 15, BS_N: 16, BS_C: 17, TILES: 19,
  RANK: 20, AXES: 21, T_GROUPS: 28, HITS: 29,
  X: 30, BETA: 31, DY: 32, Y: 33, MASK: 34, INDICES: 35, DX: 36, DBETA: 37, SCRATCH: 38,
  PART_BEGIN: 39, PART_END: 40, DBETA_UNITS: 41, DBETA_CHUNK: 42, PREPARED: 43,
} as const;
/** The kernels' job codes (assembly/call.ts). */
const JOB = { forward: 0, backward: 1, unpool: 2, unpoolGrad: 3 } as const;
/** Float64 dβ accumulators at most, when planes share a β (each thread adds into whole ones; the host sums them in order). */
const DBETA_CHUNKS = 16;
/** Up to this many bytes of dβ accumulators a split call takes one a chunk (no false sharing). */
const DBETA_SPLIT_BYTES = 1 << 22;
/**
 * Work (outputs × taps × METHOD_COST) from which a call is split over threads; smaller calls stay
 * on the calling thread. Measured (scripts/threads-threshold.mjs, docs/benchmarks.md "Threads"):
 * 2 threads break even at about 131 072 taps for maxPool (the cheapest tap) and 32 768 for
 * softPool, calls back to back.
 */
const THREAD_MIN_WORK = 1 << 17;
/** A tap's cost relative to max/avg's (the exp-weighted methods: softPool's break-even is 4x lower). */
const methodCost = (m: PoolMethod) => (m === 'avg' || m === 'max' ? 1 : 4);
/** A split call's pre-fills of at least this many bytes are split too, in FILL_CHUNKS byte ranges. */
const FILL_MIN_BYTES = 1 << 18;
const FILL_CHUNKS = 32;
/** Chunks a thread of a split call: late or slow threads take fewer. */
const CHUNKS_PER_THREAD = 8;
const PARAM_BYTES = 1024; // 64 slots, then the kernels' Call record (assembly/call.ts PARAM_BYTES)
const PARAM_SLOTS = 64;
const GROUP_ROW = 20; // ints per row of the lane-group table (assembly/pool.ts, run)
/** Taps per region up to which the dense runs take a group (assembly/call.ts WIDE_TAPS: beyond it, float64 sums). */
const WIDE_TAPS = 64;
// The kernels' run variants (src/variants.ts): chosen here once per call and group entry
// (`variant`), never in the kernels; scripts/build-wasm.mjs writes the list into the kernels'
// ./methods (REGION = 0, …) and generates the dense runs' kernels from it.
const VARIANT = Object.fromEntries(VARIANTS.map((v, i) => [v, i])) as Record<Variant, number>;
/** The cells whose kernels store (not add) each dx where the windows tile the input. */
const OVERWRITES = new Set<Variant>(RUN_KERNELS.flatMap((k) => ('overwrites' in k && k.overwrites ? k.methods.map((m) => `${k.name}.${m}` as Variant) : [])));
/** How a group entry's taps come as the kernels' tap entries: no pairs, all pairs, triples (pair + single at +2), mixed. */
const TAPS_NONE = 0;
const TAPS_PAIRS = 1;
const TAPS_TRIPLES = 2;
const TAPS_MIXED = 3;
/** Slots of a group entry: taps of its region, how they pair (TAPS_*), the variant of the call. */
const G_TAPS = 16;
const G_KIND = 17;
const G_VARIANT = 18;
const AXIS_INTS = 12; // ints per axis record (assembly/call.ts and geometry.ts)
const PAGE = 65536;
const MAX_BYTES = 65536 * PAGE; // 4 GiB: the most a 32-bit Wasm memory can address

/**
 * A plan's geometry for the kernels, from core's one rule, per axis: O(Σ_a O_a·K_a) ints, nothing
 * per output. The kernels build each region's row from it (assembly/geometry.ts, `materialize`).
 */
interface Geometry {
  /** Axis records (AXIS_INTS ints each), then each axis's taps and padded counts, then the lane groups. */
  readonly data: Int32Array;
  /** Element offset of the lane groups in `data`. */
  readonly groupsAt: number;
  readonly outputs: number;
  readonly W: number;
  /** Lane groups across neighbouring outputs (0: lanes across channels). */
  readonly groups: number;
  /** Every input element lies in exactly one window (gradients may store instead of add). */
  readonly tiles: boolean;
  /** Every output has a non-empty region: a forward writes every output (no zero pre-fill needed). */
  readonly noEmpty: boolean;
  /** SIMD lanes of the build the geometry is for. */
  readonly lanes: number;
}

/** One axis of a plan: its taps π(o, κ) (−1: invalid) and padded counts (core's tables). */
interface Axis {
  readonly O: number;
  readonly K: number;
  readonly taps: Int32Array;
  readonly pads: Int32Array;
}

/**
 * Whether window o + s of an axis is window o translated by s·d positions: the same valid κ, the
 * same padded count, at least one valid tap. Returns d (which must equal `d` when given), or undefined.
 */
function stepOf(A: Axis, o: number, s: number, d?: number): number | undefined {
  const { K, taps, pads } = A;
  if (pads[o + s] !== pads[o]) return undefined;
  let step = d;
  let valid = 0;
  for (let k = 0; k < K; k++) {
    const p = taps[o * K + k];
    const q = taps[(o + s) * K + k];
    if ((p < 0) !== (q < 0)) return undefined;
    if (p < 0) continue;
    valid++;
    if (step === undefined) {
      if ((q - p) % s !== 0) return undefined;
      step = (q - p) / s;
    } else if (q - p !== s * step) return undefined;
  }
  return valid ? step : undefined;
}

/**
 * Lane groups along the last axis, the same for every row of outputs: segments
 * [o, lanes, d, reps, skip] — a run of `reps` groups of `lanes` outputs whose windows are
 * translations (by d positions per output, group k being the first translated by k·lanes
 * outputs); a row's last rem < lanes outputs form one group ending at the row's end, overlapping
 * the previous one by `skip` (forward recomputes those; gradients skip them); other outputs are
 * groups of one, consecutive ones as one segment with `reps` of them. `full`: outputs of the row
 * in groups of `lanes`.
 */
function lastAxisGroups(A: Axis, lanes: number): { segs: number[][]; full: number } {
  const O = A.O;
  const uniform = (o: number): number | undefined => {
    const d = stepOf(A, o, 1);
    if (d === undefined || d <= 0) return undefined;
    for (let l = 2; l < lanes; l++) if (stepOf(A, o, l, d) !== d) return undefined;
    return d;
  };
  const segs: number[][] = [];
  let full = 0;
  let run: number[] | undefined;
  for (let o = 0; o < O; ) {
    const d = o + lanes <= O ? uniform(o) : undefined;
    if (d !== undefined) {
      if (run && run[2] === d && o - run[0] === run[3] * lanes && stepOf(A, run[0], o - run[0], d) === d) run[3]++;
      else segs.push((run = [o, lanes, d, 1, 0]));
      full += lanes;
      o += lanes;
      continue;
    }
    const rem = O - o;
    const tail = rem < lanes && O >= lanes && o !== 0 ? uniform(O - lanes) : undefined;
    if (tail !== undefined) {
      segs.push([O - lanes, lanes, tail, 1, lanes - rem]);
      full += rem;
      o += rem;
    } else {
      const prev = segs[segs.length - 1];
      if (prev && prev[1] === 1 && prev[0] + prev[3] === o) prev[3]++;
      else segs.push([o, 1, 0, 1, 0]);
      o += 1;
    }
    run = undefined;
  }
  return { segs, full };
}

/** Runs [o, rows, d] of consecutive outputs of an axis whose windows are translations (d per output, any sign). */
function axisRuns(A: Axis): number[][] {
  const runs: number[][] = [];
  for (let o = 0; o < A.O; ) {
    const d = o + 1 < A.O ? stepOf(A, o, 1) : undefined;
    let rows = 1;
    if (d !== undefined) while (o + rows < A.O && stepOf(A, o, rows, d) === d) rows++;
    runs.push([o, rows, d ?? 0]);
    o += rows;
  }
  return runs;
}

/** Whether every input position of an axis is a tap of exactly one window. */
function axisTiles(A: Axis, L: number): boolean {
  const hits = new Uint8Array(L);
  for (const p of A.taps) if (p >= 0 && hits[p]++) return false;
  return hits.every((h) => h === 1);
}

function geometry(plan: PoolPlan, lanes: number): Geometry {
  const n = plan.n;
  const axes: Axis[] = plan.axes.map((a) => ({ O: a.O, K: a.K, taps: axisTaps(a), pads: axisPaddedCounts(a) }));
  const outputs = plan.outSize.reduce((p, d) => p * d, 1);
  const xs = plan.inputStrides.s;
  const ys = plan.outputStrides.s;
  const ms = plan.maskStrides.s;
  const bs = plan.beta?.strides.s;
  const last = axes[n - 1];
  // Lanes across outputs where lanes across channels would leave lanes idle (channels-first
  // planes, or fewer channels than lanes), if most outputs fall into full groups. Rows of outputs
  // (along the last axis) share the last axis's groups; along axis n − 2, consecutive rows whose
  // windows are translations form one entry with `rows` repeats, offsets stepping per row.
  let groups: number[] = [];
  if (lanes > 1 && (!plan.channelsLast || plan.C < lanes) && outputs > 0) {
    const { segs, full } = lastAxisGroups(last, lanes);
    if (full * 2 >= last.O) {
      const rowAxis = n >= 2 ? n - 2 : -1;
      const runs = rowAxis >= 0 ? axisRuns(axes[rowAxis]) : [[0, 1, 0]];
      const prefixes = plan.outSize.slice(0, Math.max(n - 2, 0)).reduce((p, d) => p * d, 1);
      const perRow = last.O;
      const rowStride = rowAxis >= 0 ? perRow : 0; // outputs per step along axis n − 2
      const prefixStride = rowAxis >= 0 ? perRow * axes[rowAxis].O : perRow;
      for (let q = 0; q < prefixes; q++) {
        for (const [o2, rows, d2] of runs) {
          for (const [o, nl, d, reps, skip] of segs) {
            const oi = q * prefixStride + o2 * rowStride + o;
            const offsets = rowOffsets(axes, xs, plan.outSize, oi);
            groups.push(oi, nl, d * xs[n - 1], ys[n - 1], ms[n - 1], bs?.[n - 1] ?? 0, d, reps, skip,
              rows, ...(rowAxis >= 0 ? [d2 * xs[rowAxis], ys[rowAxis], bs?.[rowAxis] ?? 0, perRow, ms[rowAxis], d2 * plan.inSize[n - 1]] : [0, 0, 0, perRow, 0, 0]),
              offsets.count, nl === lanes && d * xs[n - 1] === 2 && offsets.list ? tapKind(offsets.list) : TAPS_NONE, VARIANT.region, 0);
          }
        }
      }
    }
  }
  const header = AXIS_INTS * n;
  const tablesLength = axes.reduce((t, a) => t + a.taps.length + a.pads.length, 0);
  const groupsAt = (header + tablesLength + 3) & ~3;
  const data = new Int32Array(groupsAt + groups.length);
  let at = header;
  let outStride = outputs;
  axes.forEach((A, a) => {
    outStride /= A.O;
    data.set([A.O, A.K, plan.inSize[a], outStride, xs[a], ys[a], ms[a], ms[n + a], bs?.[a] ?? 0, at, at + A.taps.length], a * AXIS_INTS);
    data.set(A.taps, at);
    data.set(A.pads, at + A.taps.length);
    at += A.taps.length + A.pads.length;
  });
  data.set(groups, groupsAt);
  const nGroups = groups.length / GROUP_ROW;
  const tiles = axes.every((A, a) => axisTiles(A, plan.inSize[a]));
  let noEmpty = true;
  for (const A of axes) for (let o = 0; o < A.O && noEmpty; o++) noEmpty = hasTap(A, o);
  // full pair groups: every group of lanes outputs at Δx 2, Δy 1, no overlap, taps in pairs (off, off + 1)
  return { data, groupsAt, outputs, W: plan.windowSize, groups: nGroups, tiles, noEmpty, lanes };
}

/** What a plan's Geometry depends on: the axes, channels, layout and β's strides. */
function geometryKey(plan: PoolPlan): string {
  const k: number[] = [plan.n, plan.C, plan.channelsLast ? 1 : 0];
  for (const a of plan.axes) k.push(a.L, a.O, a.K, ...(a.kind === 'strided' ? [a.stride, a.padBegin, a.padEnd, a.dilation] : [-1, -1, -1, -1]));
  if (plan.beta) k.push(...plan.beta.strides.s, plan.beta.strides.n, plan.beta.strides.c);
  return k.join(',');
}

/** Bytes of a plan's per-axis geometry without its lane groups (from the plan's numbers alone). */
const geometryBytes = (plan: PoolPlan): number => 4 * (AXIS_INTS * plan.n + 4 + plan.axes.reduce((t, a) => t + a.O * (a.K + 1), 0));

/**
 * Tap count of output oi's region (oi flat over the spatial outputs) and, up to WIDE_TAPS taps
 * (where the dense runs may take it), the taps' input offsets in the kernels' row order.
 */
function rowOffsets(axes: readonly Axis[], xs: readonly number[], outSize: readonly number[], oi: number): { count: number; list?: number[] } {
  let stride = outSize.reduce((p, d) => p * d, 1);
  const lines = axes.map((A, a) => {
    stride /= A.O;
    const o = Math.floor(oi / stride) % A.O;
    const line: number[] = [];
    for (let k = 0; k < A.K; k++) if (A.taps[o * A.K + k] >= 0) line.push(A.taps[o * A.K + k] * xs[a]);
    return line;
  });
  const count = lines.reduce((p, l) => p * l.length, 1);
  if (count > WIDE_TAPS) return { count };
  return { count, list: lines.reduce((offsets, line) => offsets.flatMap((b) => line.map((p) => b + p)), [0]) };
}

/**
 * How the kernels' tapEntries (stride-2 lanes) turns these taps into entries: taps off, off + 1
 * pair up, greedily; TAPS_PAIRS if all do, TAPS_TRIPLES if entries alternate pair, single at +2.
 */
function tapKind(offsets: readonly number[]): number {
  const E: [number, boolean][] = [];
  for (let j = 0; j < offsets.length; ) {
    const pair = j + 1 < offsets.length && offsets[j + 1] === offsets[j] + 1;
    E.push([offsets[j], pair]);
    j += pair ? 2 : 1;
  }
  if (E.every(([, pair]) => pair)) return TAPS_PAIRS;
  let triple = E.length % 2 === 0;
  for (let e = 0; triple && e < E.length; e += 2) triple = E[e][1] && !E[e + 1][1] && E[e + 1][0] === E[e][0] + 2;
  return triple ? TAPS_TRIPLES : E.some(([, pair]) => pair) ? TAPS_MIXED : TAPS_NONE;
}

type Job = 'forward' | 'backward' | 'unpool';

const TAPS_OF: Record<number, Taps> = { [TAPS_NONE]: 'mixed', [TAPS_PAIRS]: 'pairs', [TAPS_TRIPLES]: 'triples', [TAPS_MIXED]: 'mixed' };

/**
 * The run variant of one group entry in a call: the one place it is chosen. A generated dense run
 * (src/variants.ts RUN_KERNELS) takes full groups of `lanes` outputs at Δy 1 with at most
 * WIDE_TAPS taps and no mask, where a row lists the job, the taps' form and the method (and, if
 * it says so, the lanes' input stride), the first such row; otherwise the region walk, or nothing
 * for empty regions.
 */
function variant(G: Geometry, g: number, job: Job, method: PoolMethod, withMask: boolean): Variant {
  const e = G.groupsAt + g * GROUP_ROW;
  const [nl, dX, dY] = [G.data[e + 1], G.data[e + 2], G.data[e + 3]];
  const taps = G.data[e + G_TAPS];
  if (nl !== G.lanes || dY !== 1 || taps > WIDE_TAPS || withMask || job === 'unpool') return 'region';
  if (taps === 0) return 'empty';
  const form = TAPS_OF[G.data[e + G_KIND]];
  const row = RUN_KERNELS.find(
    (k) => k.job === job && (k.taps === form || k.taps === 'any') && (k.methods as readonly string[]).includes(method) && (!('laneStride' in k) || k.laneStride === dX),
  );
  return row ? (`${row.name}.${method}` as Variant) : 'region';
}

const hasTap = (A: Axis, o: number): boolean => {
  for (let k = 0; k < A.K; k++) if (A.taps[o * A.K + k] >= 0) return true;
  return false;
};

/** Taps of the largest region the kernels lay out per tap (assembly/call.ts BIG_TAPS); bigger ones are streamed. */
const BIG_TAPS = 16384;
// the streaming cursor (64 B), a region row (48 B and 12 B a tap); per tap 8 float32 rows (16 B)
// and, but for avg, max and unpool (which runs as 'avg'), 3 float64 rows (32 B); per lane group:
// its tap entries (8 B a tap), a 64 B record and its region row; taps up to BIG_TAPS
/**
 * How a call's units (planes; with lanes across channels, (b, channel block)) are cut into chunks
 * that threads take, and the float64 dβ accumulators (one a chunk of DBETA_UNITS units, each on
 * cache lines of its own):
 * - planes share a β (β broadcast over N or C): at most DBETA_CHUNKS accumulators (4 with lanes
 *   across channels), their number fixed by the plan alone, so that any thread count (one too)
 *   adds the same partial sums in the same order; the threads take them as chunks;
 * - else, split: CHUNKS_PER_THREAD chunks a thread (one with lanes across channels, where a chunk
 *   builds every output's row), and for adaPool's gradient with a small β one
 *   accumulator a chunk (threads writing neighbouring β elements would share cache lines); each β
 *   element then has one accumulator that is not 0, so the sum in order equals one thread's bits;
 * - one thread: one chunk, one accumulator.
 */
function splitOf(plan: PoolPlan, G: Geometry, job: Job, method: PoolMethod, threads: number): { dbUnits: number; dbChunks: number; chunks: [number, number][] } {
  const units = plan.N * (G.groups > 0 ? plan.C : Math.ceil(plan.C / G.lanes));
  const bs = plan.beta?.strides;
  const grad = job === 'backward' && method === 'ada' && bs !== undefined;
  const shared = grad && ((bs.n === 0 && plan.N > 1) || (bs.c === 0 && plan.C > 1));
  // with lanes across channels (channels-last, the scalar build) each chunk builds every output's
  // row again (the walk is output-major): there a thread takes one chunk, dβ at most 4
  const across = G.groups === 0;
  const dbMost = Math.min(across ? 4 : DBETA_CHUNKS, Math.max(1, units));
  const n = threads < 2 ? 1 : Math.max(1, Math.min(units, shared ? dbMost : across ? threads : CHUNKS_PER_THREAD * threads));
  const size = Math.max(1, Math.ceil(units / (shared ? dbMost : n)));
  const count = Math.max(1, Math.ceil(units / size));
  const chunks = n === 1 ? [[0, units] as [number, number]] : Array.from({ length: count }, (_, k): [number, number] => [k * size, Math.min(units, (k + 1) * size)]);
  const perChunk = shared || (grad && n > 1 && count * plan.beta!.size * 8 <= DBETA_SPLIT_BYTES);
  return perChunk ? { dbUnits: size, dbChunks: count, chunks } : { dbUnits: 0, dbChunks: 1, chunks };
}
/** Bytes of a float64 dβ accumulator of `n` elements: whole cache lines. */
const dbetaStride = (n: number) => Math.ceil((8 * n) / 64) * 64;

const scratchFor = (W: number, groups: number, method: PoolMethod) => {
  const taps = Math.min(Math.max(W, 1), BIG_TAPS);
  return 112 + 12 * taps + (method === 'avg' || method === 'max' ? 128 : 256) * taps + groups * (112 + 20 * taps);
};

/** A tensor resident in Wasm linear memory: `length` elements (float32 or int32) at byte `ptr`. */
export interface WasmTensor {
  readonly ptr: number;
  readonly length: number;
  readonly dtype: 'float32' | 'int32';
}

const ALIGN = 64;
/** Bytes reserved for a buffer of `bytes`: 64-aligned, plus 64 B of slack the stride-2 loads may read past its end. */
const reserve = (bytes: number) => Math.ceil((bytes + 64) / ALIGN) * ALIGN;

/**
 * First-fit allocator over linear memory from `start`: free blocks sorted by address and
 * coalesced on free; memory grows (`memory.grow`) only when no free block fits. `top` is the end
 * of the highest block in use or free.
 */
class Arena {
  private top: number;
  /** Free blocks [at, size], sorted by `at`, never adjacent (coalesced). */
  private readonly free: [number, number][] = [];
  private readonly live = new Map<number, number>();

  constructor(private readonly memory: WasmMemory, start: number) {
    this.top = start;
  }

  /** Start of a block of at least `bytes` (+ slack), or a string saying why there is none. */
  alloc(bytes: number): number | string {
    const size = reserve(bytes);
    for (let i = 0; i < this.free.length; i++) {
      const [at, have] = this.free[i];
      if (have < size) continue;
      if (have === size) this.free.splice(i, 1);
      else this.free[i] = [at + size, have - size];
      this.live.set(at, size);
      return at;
    }
    // none fits: the last free block, if it ends at top, is extended
    const last = this.free[this.free.length - 1];
    const at = last && last[0] + last[1] === this.top ? last[0] : this.top;
    const end = at + size;
    if (end > MAX_BYTES) return `${(end / 2 ** 30).toFixed(2)} GiB of Wasm memory`;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE));
      } catch (e) {
        return `a refusal to grow to ${(end / 2 ** 20).toFixed(0)} MiB (${(e as Error).message})`;
      }
    }
    if (at !== this.top) this.free.pop();
    this.top = end;
    this.live.set(at, size);
    return at;
  }

  get liveBlocks(): number {
    return this.live.size;
  }

  /**
   * Where the arena's top would end if blocks of `bytes` (each) were allocated in turn, first
   * fit, without allocating: a call checks this against 4 GiB and grows memory once, before
   * taking anything, so a call that cannot fit never grows memory (Wasm memory never shrinks).
   */
  endAfter(bytes: readonly number[]): number {
    const free = this.free.map(([at, size]) => [at, size]);
    let top = this.top;
    for (const b of bytes) {
      const size = reserve(b);
      const i = free.findIndex(([, have]) => have >= size);
      if (i >= 0) {
        free[i] = [free[i][0] + size, free[i][1] - size];
        continue;
      }
      const last = free[free.length - 1];
      if (last && last[0] + last[1] === top) {
        free.pop();
        top = last[0] + size;
      } else top += size;
    }
    return top;
  }

  /** Grows memory to hold `end` bytes; a string saying why not when it cannot. */
  ensure(end: number): string | undefined {
    if (end > MAX_BYTES) return `${(end / 2 ** 30).toFixed(2)} GiB of Wasm memory`;
    const have = this.memory.buffer.byteLength;
    if (end <= have) return undefined;
    try {
      this.memory.grow(Math.ceil((end - have) / PAGE));
    } catch (e) {
      return `a refusal to grow to ${(end / 2 ** 20).toFixed(0)} MiB (${(e as Error).message})`;
    }
    return undefined;
  }

  release(at: number): void {
    const size = this.live.get(at);
    if (size === undefined) return;
    this.live.delete(at);
    let i = 0;
    while (i < this.free.length && this.free[i][0] < at) i++;
    let block: [number, number] = [at, size];
    const next = this.free[i];
    if (next && at + size === next[0]) {
      block = [at, size + next[1]];
      this.free.splice(i, 1);
    }
    const prev = this.free[i - 1];
    if (prev && prev[0] + prev[1] === at) {
      prev[1] += block[1];
    } else {
      this.free.splice(i, 0, block);
    }
  }
}

/** Kernel buffers by parameter slot: resident inputs, or outputs to allocate (and pre-fill). */
interface Slot {
  slot: number;
  bytes: number;
  /** An input: already resident. */
  input?: WasmTensor;
  /** Pre-fill of an output (bytes value). */
  fill?: number;
  /** Whether the kernel writes every element of this output for these tables (no pre-fill). */
  written?: (T: Geometry, variants: readonly Variant[]) => boolean;
}

/** Ends the workers of a threaded backend that was dropped without destroy() (the workers hold only the memory). */
const ENDS = /* @__PURE__ */ (() => (typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<() => void>((end) => end()) : undefined))();

/** What a backend is made of beside its instance: its name, and its threads when it has any. */
interface Setup {
  readonly name: string;
  /** Threads: the pool (made once the arena's room for its control records is known). */
  readonly threads?: (ctrl: number, blocks: readonly number[]) => Promise<ThreadPool>;
  readonly count: number;
  readonly threadsNote?: string;
  /** threadMinWork. */
  readonly minWork?: number;
}

async function createBackendFromInstance(instance: { readonly exports: object }, setup: Setup): Promise<WasmBackend> {
  const ex = instance.exports as KernelExports;
  const memory = ex.memory;
  const lanes = ex.lanes();
  const base = (ex.heapBase() + 15) & ~15; // the parameter blocks (one a thread), the workers' control records; the arena follows
  const ctrl = base + setup.count * PARAM_BYTES;
  const arena = new Arena(memory, Math.ceil((ctrl + 4 * CTRL_INTS * setup.count) / ALIGN) * ALIGN);
  let pool: ThreadPool | undefined;
  let threadsNote = setup.threadsNote;
  if (setup.threads) {
    try {
      pool = await setup.threads(ctrl, Array.from({ length: setup.count }, (_, t) => base + t * PARAM_BYTES));
    } catch (e) {
      threadsNote = `the workers did not start (${String((e as Error)?.message ?? e)})`;
      console.warn(`${OP}: backend '${setup.name}' runs on one thread: ${threadsNote}`);
    }
  }
  let destroyed = false;
  const AUTO = { priority: 10, minWork: 0 } as const;
  /** BACKEND once the backend is destroyed (op calls and new tensors). */
  const alive = (op: string) => {
    if (destroyed) throw new AdaPoolError('BACKEND', op, `${op}: the '${setup.name}' backend must not be destroyed, got a destroyed backend; create a new one with createWasmBackend()`);
  };
  const minWork = setup.minWork ?? THREAD_MIN_WORK;

  function unsupported(op: string, what: string): AdaPoolError {
    return new AdaPoolError('UNSUPPORTED', op, `${op}: the tensors of one call must fit a 32-bit Wasm memory (4 GiB) on backend 'wasm', got ${what} needed`);
  }

  /** A block of `bytes`, or UNSUPPORTED (after freeing `owned`, the call's blocks so far). */
  function allocFor(op: string, bytes: number, owned: number[]): number {
    const at = arena.alloc(bytes);
    if (typeof at === 'string') {
      for (const p of owned) arena.release(p);
      throw unsupported(op, at);
    }
    owned.push(at);
    return at;
  }

  /**
   * A plan's geometry, kept for the last 16 geometries (each O(Σ_a O_a·K_a) ints, in JavaScript:
   * a call copies it into its own block), so that a training loop or a stream of same-shaped
   * calls does not rebuild it every call.
   */
  const geometries = new Map<string, Geometry>();
  function geometryOf(plan: PoolPlan): Geometry {
    const key = geometryKey(plan);
    let g = geometries.get(key);
    if (g) geometries.delete(key); // most recently used goes last
    else {
      g = geometry(plan, lanes);
      if (geometries.size >= 16) geometries.delete(geometries.keys().next().value!);
    }
    geometries.set(key, g);
    return g;
  }

  /**
   * Before inputs are moved in (dispatch calls this): UNSUPPORTED unless the moved inputs
   * (`uploads` bytes), the geometry, results and scratch of the call fit the 4 GiB beside the live tensors.
   */
  function checkSize(kernel: KernelName, plan: PoolPlan, uploads: readonly number[]): void {
    // from the plan's numbers first (the per-axis tables without the lane groups), so that a
    // call far too big is refused before its geometry is computed
    const blocks = (G?: Geometry) => {
      const parts = pool?.count ?? 1;
      const b = [...uploads, G ? G.data.byteLength : geometryBytes(plan), ...callSize(kernel, plan).results.map((r) => 4 * r), parts * scratchFor(plan.windowSize, G?.groups ?? 0, plan.method)];
      if (kernel === 'adaPoolGrad' && plan.beta) b.push(dbetaStride(plan.beta.size) * (G ? splitOf(plan, G, 'backward', 'ada', pool?.count ?? 1).dbChunks : DBETA_CHUNKS)); // the float64 dβ accumulators
      return b;
    };
    for (const G of [undefined, geometryOf]) {
      const end = arena.endAfter(blocks(G?.(plan)));
      if (end > MAX_BYTES) throw unsupported(plan.op, `${(end / 2 ** 30).toFixed(2)} GiB of Wasm memory`);
    }
  }

  /**
   * Allocates the geometry, outputs and scratch of a call, fills the parameter block, runs
   * `kernel`. Returns the output tensors by slot; on any failure frees everything the call
   * allocated. The 4 GiB check comes first, before anything is allocated.
   */
  function call(plan: PoolPlan, job: Job, method: PoolMethod, slots: Slot[], code: number): Map<number, WasmTensor> {
    alive(plan.op);
    const need = slots.reduce((sum, s) => sum + reserve(s.bytes), base + PARAM_BYTES + reserve(geometryBytes(plan)) + reserve(scratchFor(plan.windowSize, 0, method)));
    if (need > MAX_BYTES) throw unsupported(plan.op, `${(need / 2 ** 30).toFixed(2)} GiB`);
    const T = geometryOf(plan);
    const variants = Array.from({ length: T.groups }, (_, g) => variant(T, g, job, method, plan.returnMask));
    const scratchBytes = scratchFor(T.W, T.groups, method);
    // the threads: parts of whole units, for calls big enough to gain (the debug hit counters: one thread)
    const split = splitOf(plan, T, job, method, pool && !self.hits && plan.outputElements * Math.max(1, T.W) * methodCost(method) >= minWork ? pool.count : 1);
    const chunks = split.chunks.length;
    const parts = chunks > 1 ? pool!.count : 1; // threads, each with its own parameter block and scratch
    const dbeta = slots.find((s) => s.slot === S.DBETA && method === 'ada');
    const nBeta = dbeta ? dbeta.bytes / 8 : 0;
    if (dbeta) dbeta.bytes = split.dbChunks * dbetaStride(nBeta);
    // every block this call will take, in order (geometry, outputs, scratch, a float32 dβ):
    // memory grows once, to where they end, or the call is refused before anything is taken
    const blocks = [T.data.byteLength, ...slots.filter((s) => !s.input).map((s) => s.bytes), parts * scratchBytes, ...(parts > 1 ? [8 * Math.max(chunks, FILL_CHUNKS)] : [])];
    if (dbeta) blocks.push(4 * nBeta);
    const short = arena.ensure(arena.endAfter(blocks));
    if (short !== undefined) throw unsupported(plan.op, short);
    const owned: number[] = [];
    const geo = allocFor(plan.op, T.data.byteLength, owned);
    const where = new Map<number, WasmTensor>();
    for (const s of slots) {
      if (s.input) where.set(s.slot, s.input);
      else where.set(s.slot, { ptr: allocFor(plan.op, s.bytes, owned), length: s.bytes / 4, dtype: s.slot === S.INDICES ? 'int32' : 'float32' });
    }
    const scratch = allocFor(plan.op, parts * scratchBytes, owned);
    // the chunks' table, for the workers (a call on one thread needs none)
    const table = parts > 1 ? allocFor(plan.op, 8 * Math.max(chunks, FILL_CHUNKS), owned) : 0;
    try {
      const buf = memory.buffer; // views only after the last allocation (grow detaches them)
      const u8 = new Uint8Array(buf);
      for (const s of slots) {
        if (s.input || s.written?.(T, variants)) continue;
        const { ptr } = where.get(s.slot)!;
        if (parts > 1 && s.bytes >= FILL_MIN_BYTES) {
          // a big pre-fill (an accumulated dx, U) is split over the threads too: a job of byte ranges
          const step = Math.ceil(s.bytes / FILL_CHUNKS / 64) * 64;
          const n = Math.ceil(s.bytes / step);
          const ranges = new Int32Array(buf, table, 2 * n);
          for (let k = 0; k < n; k++) [ranges[2 * k], ranges[2 * k + 1]] = [ptr + k * step, ptr + Math.min(s.bytes, (k + 1) * step)];
          const value = s.fill ?? 0;
          pool!.run(-1 - value, n, table, (begin, end) => u8.fill(value, begin, end));
        } else u8.fill(s.fill ?? 0, ptr, ptr + s.bytes);
      }
      const P = new Int32Array(buf, base, PARAM_BYTES / 4);
      P.fill(0);
      const xs = plan.inputStrides;
      const ys = plan.outputStrides;
      const ms = plan.maskStrides;
      const bs = plan.beta?.strides;
      P[S.METHOD] = METHODS.indexOf(method);
      P[S.OUTPUTS] = T.outputs;
      P[S.W] = T.W;
      P[S.N] = plan.N;
      P[S.C] = plan.C;
      P[S.RETURN_MASK] = plan.returnMask ? 1 : 0;
      P[S.COUNT_INCLUDE_PAD] = plan.countIncludePad ? 1 : 0;
      P[S.GROUPS] = T.groups;
      P[S.TILES] = T.tiles ? 1 : 0;
      new Float64Array(buf, base, PARAM_BYTES / 8)[S.IDW_EPS / 2] = plan.idwEps; // f64 in slots 8, 9
      new Float64Array(buf, base, PARAM_BYTES / 8)[S.OP_PARAM / 2] = opParam(plan); // f64 in slots 22, 23
      [P[S.XS_N], P[S.XS_C], P[S.YS_N], P[S.YS_C], P[S.MS_N], P[S.MS_C]] = [xs.n, xs.c, ys.n, ys.c, ms.n, ms.c];
      [P[S.BS_N], P[S.BS_C]] = [bs?.n ?? 0, bs?.c ?? 0];
      new Int32Array(buf, geo, T.data.length).set(T.data);
      P[S.RANK] = plan.n;
      P[S.AXES] = geo;
      P[S.T_GROUPS] = geo + 4 * T.groupsAt;
      const G32 = new Int32Array(buf, geo + 4 * T.groupsAt, T.groups * GROUP_ROW);
      variants.forEach((v, g) => (G32[g * GROUP_ROW + G_VARIANT] = VARIANT[v]));
      for (const [slot, { ptr }] of where) P[slot] = ptr;
      P[S.HITS] = self.hits?.ptr ?? 0;
      P[S.DBETA_UNITS] = split.dbUnits;
      P[S.DBETA_CHUNK] = dbeta ? dbetaStride(nBeta) : 0;
      // thread t: the slots above in block t, with its own scratch
      for (let t = 0; t < parts; t++) {
        const Q = new Int32Array(buf, base + t * PARAM_BYTES, PARAM_SLOTS);
        if (t > 0) Q.set(P.subarray(0, PARAM_SLOTS));
        Q[S.SCRATCH] = scratch + t * scratchBytes;
        Q[S.PREPARED] = 0;
      }
      const here = (begin: number, end: number) => {
        [P[S.PART_BEGIN], P[S.PART_END]] = [begin, end];
        ex.runPart(base, code);
      };
      if (parts > 1) {
        new Int32Array(buf, table, 2 * chunks).set(split.chunks.flat());
        pool!.run(code, chunks, table, here);
      } else for (const [begin, end] of split.chunks) here(begin, end);
    } catch (e) {
      for (const p of owned) arena.release(p);
      throw e;
    }
    if (table) arena.release(table);
    arena.release(scratch);
    arena.release(geo);
    return where;
  }

  const f32 = (n: number) => 4 * n;
  const input = (slot: number, h: WasmTensor): Slot => ({ slot, bytes: 4 * h.length, input: h });
  /** The float64 dβ accumulator of a gradient call as a new float32 tensor (the accumulator freed). */
  function dbetaOut(acc: WasmTensor, n: number): WasmTensor {
    const owned: number[] = [acc.ptr];
    const ptr = allocFor('adaPoolGrad', 4 * n, owned);
    // the accumulators' float64 sums, added in chunk order (the same order for any thread count)
    const stride = dbetaStride(n);
    const chunks = (4 * acc.length) / stride;
    const src = new Float64Array(memory.buffer, acc.ptr, n);
    for (let k = 1; k < chunks; k++) {
      const more = new Float64Array(memory.buffer, acc.ptr + stride * k, n);
      for (let i = 0; i < n; i++) src[i]! += more[i]!;
    }
    new Float32Array(memory.buffer, ptr, n).set(src);
    arena.release(acc.ptr);
    return { ptr, length: n, dtype: 'float32' };
  }

  const kernels: Partial<Kernels<WasmTensor>> = {};
  for (const method of METHODS) {
    kernels[`${method}Pool`] = (plan, x, beta) => {
      const withIdx = plan.returnMask && method === 'max';
      const slots: Slot[] = [{ slot: S.X, bytes: f32(plan.inputElements), input: x }, { slot: S.Y, bytes: f32(plan.outputElements), written: (T) => T.noEmpty }];
      if (beta) slots.push(input(S.BETA, beta));
      if (plan.returnMask) slots.push({ slot: S.MASK, bytes: f32(plan.maskElements) });
      if (withIdx) slots.push({ slot: S.INDICES, bytes: f32(plan.outputElements), fill: 0xff }); // −1
      const at = call(plan, 'forward', method, slots, JOB.forward);
      return { output: at.get(S.Y)!, mask: at.get(S.MASK), indices: at.get(S.INDICES) };
    };
    kernels[`${method}PoolGrad`] = (plan, x, dy, beta) => {
      const slots: Slot[] = [
        { slot: S.X, bytes: f32(plan.inputElements), input: x },
        { slot: S.DY, bytes: f32(plan.outputElements), input: dy },
        // runs that overwrite (src/variants.ts) store every tap's dx where the windows tile the input
        { slot: S.DX, bytes: f32(plan.inputElements), written: (T, v) => T.tiles && v.length > 0 && v.every((k) => OVERWRITES.has(k)) },
      ];
      if (beta) slots.push(input(S.BETA, beta), { slot: S.DBETA, bytes: 8 * beta.length });
      const at = call(plan, 'backward', method, slots, JOB.backward);
      const dx = at.get(S.DX)!;
      if (!beta) return { dx };
      try {
        return { dx, dbeta: dbetaOut(at.get(S.DBETA)!, beta.length) };
      } catch (e) {
        arena.release(dx.ptr);
        throw e;
      }
    };
  }
  kernels.adaUnpool = (plan, v, mask) => {
    const at = call(plan, 'unpool', 'avg', [
      { slot: S.Y, bytes: f32(plan.outputElements), input: v },
      { slot: S.MASK, bytes: f32(plan.maskElements), input: mask },
      { slot: S.X, bytes: f32(plan.inputElements) },
    ], JOB.unpool);
    const U = at.get(S.X)!;
    if (ex.anyNonFinite(U.ptr, U.length) !== 0) {
      // float32 partial sums of overlapping windows overflowed, or NaN/±∞ inputs: the float64
      // reference decides which elements are ±∞ or NaN (OPERATORS.md 5)
      const view = (h: WasmTensor) => new Float32Array(memory.buffer, h.ptr, h.length);
      view(U).set(referenceUnpool(plan, view(v), view(mask)));
    }
    return U;
  };
  kernels.adaUnpoolGrad = (plan, v, mask, dU) => {
    const at = call(plan, 'unpool', 'avg', [
      { slot: S.Y, bytes: f32(plan.outputElements), input: v },
      { slot: S.MASK, bytes: f32(plan.maskElements), input: mask },
      { slot: S.DX, bytes: f32(plan.inputElements), input: dU },
      { slot: S.DY, bytes: f32(plan.outputElements) },
      { slot: S.DBETA, bytes: f32(plan.maskElements) },
    ], JOB.unpoolGrad);
    return { dv: at.get(S.DY)!, dmask: at.get(S.DBETA)! };
  };

  const view = (h: WasmTensor): TypedArray =>
    h.dtype === 'int32' ? new Int32Array(memory.buffer, h.ptr, h.length) : new Float32Array(memory.buffer, h.ptr, h.length);
  const readSync = (h: WasmTensor): TypedArray => view(h).slice();
  /** One copy of `data` (any array-like of numbers) straight into a new block of linear memory. */
  const write = (data: ArrayLike<number>, dtype: 'float32' | 'int32', op: string): WasmTensor => {
    alive(op);
    const ptr = arena.alloc(4 * data.length);
    if (typeof ptr === 'string') throw new AdaPoolError('UNSUPPORTED', op, `${op}: a tensor must fit a 32-bit Wasm memory (4 GiB) next to the live ones, got ${ptr} needed`);
    const h: WasmTensor = { ptr, length: data.length, dtype };
    view(h).set(data);
    return h;
  };

  const self: WasmBackend = {
    name: setup.name,
    threads: pool?.count ?? 1,
    ...(threadsNote !== undefined ? { threadsNote } : {}),
    destroy: () => {
      destroyed = true;
      ENDS?.unregister(self);
      pool?.destroy();
    },
    simd: lanes > 1,
    relaxed: ex.relaxed?.() === 1,
    exports: ex,
    memoryBytes: () => memory.buffer.byteLength,
    liveBlocks: () => arena.liveBlocks,
    upload: (data, op) => write(data, data instanceof Int32Array ? 'int32' : 'float32', op ?? 'wasm'),
    write,
    read: readSync,
    readSync,
    view,
    dispose: (h) => arena.release(h.ptr),
    checkSize,
    kernels,
    // none once destroyed: 'auto' then places new tensors and runs ops elsewhere
    get auto() {
      return destroyed ? undefined : AUTO;
    },
  };
  if (pool) ENDS?.register(self, pool.destroy, self);
  return self;
}

/**
 * A 26-byte module whose one function computes f32x4.relaxed_madd: an engine that validates it
 * runs adapool-relaxed.wasm (Chromium ≥ 114, Node ≥ 22, Deno; Node 20 with
 * --experimental-wasm-relaxed-simd); other engines: whatever they validate.
 */
const RELAXED_PROBE = /* @__PURE__ */ Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x1c, 0x01, 0x1a, 0x00, // code section: one body of 26 bytes, no locals
  ...[0, 1, 2].flatMap(() => [0x43, 0x00, 0x00, 0x80, 0x3f, 0xfd, 0x13]), // 3 × f32x4.splat(f32.const 1)
  0xfd, 0x85, 0x02, // f32x4.relaxed_madd
  0x0b, // end
]);

/** Whether the engine runs relaxed SIMD, i.e. can run adapool-relaxed.wasm. */
export function relaxedSimd(validate: (b: WasmBytes) => boolean = (b) => WebAssembly.validate(b as BufferSource)): boolean {
  return validate(RELAXED_PROBE);
}

/** Which build to run: SIMD when the engine validates the SIMD module, else scalar. */
export function chooseBuild(simdBytes: WasmBytes, validate: (b: WasmBytes) => boolean = (b) => WebAssembly.validate(b as BufferSource)): 'simd' | 'scalar' {
  return validate(simdBytes) ? 'simd' : 'scalar';
}

// The declarations name no lib-DOM type (WebAssembly.*, BufferSource, URL, Response), so that
// consumers compile without lib DOM; these structural types stand for them.
/** The bytes of adapool.wasm or adapool-scalar.wasm. */
export type WasmBytes = ArrayBuffer | ArrayBufferView;
/** A `WebAssembly.Memory`. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(delta: number): number;
}
/** A `WebAssembly.Module` (an opaque object), e.g. from `WebAssembly.compileStreaming` or workerd's `import`. */
export type WasmModule = object;
/** A fetch `Response` for a `.wasm` file. */
export interface WasmResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly url: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}
/**
 * Where the build comes from: a compiled module, its bytes, a URL (a string or `URL`, fetched;
 * compiled while streaming where `WebAssembly.compileStreaming` exists) or a `Response` (or a
 * promise of one, e.g. `fetch(url)`).
 */
export type WasmSource = WasmModule | WasmBytes | string | { readonly href: string } | WasmResponse | PromiseLike<WasmResponse>;

export interface WasmBackendOptions {
  /** The build to run (default entry: the inlined build; `@adapool/wasm/slim`: required). */
  module?: WasmSource;
  /** Force the SIMD (`true`) or scalar (`false`) build; default: SIMD where the engine supports it. Ignored with `module`. */
  simd?: boolean;
  /**
   * Threads for large calls: a count, or `'auto'` (the core count). Default: `'auto'` where shared
   * memory and workers exist (Node, Deno, Bun, cross-origin-isolated pages), else 1. Threads need
   * the build's bytes: with a compiled `WebAssembly.Module` as `module` the backend runs on one thread.
   */
  threads?: number | 'auto';
  /** The name to register the backend under (default `'wasm'`), so that two configurations can sit side by side. */
  name?: string;
  /**
   * Work (outputs × window taps, × 4 for the exp-weighted methods) from which a call is split over
   * the threads; smaller calls run on the calling thread. Default: 131 072 (measured:
   * docs/benchmarks.md, "Threads"); 0 splits every call.
   */
  threadMinWork?: number;
}

const REQUIRED_EXPORTS = ['memory', 'lanes', 'heapBase', 'runPart', 'anyNonFinite'] as const;
/** The most threads a backend takes. */
const MAX_THREADS = 64;
const OP = 'createWasmBackend';
const MODULE_MUST = 'module must be adapool.wasm or adapool-scalar.wasm, as a WebAssembly.Module, its bytes, its URL or a Response';

const isModule = (v: unknown): v is WebAssembly.Module => typeof WebAssembly !== 'undefined' && v instanceof WebAssembly.Module;
const isBytes = (v: unknown): v is WasmBytes => ArrayBuffer.isView(v) || v instanceof ArrayBuffer;
const isUrl = (v: unknown): v is string | { href: string } => typeof v === 'string' || (typeof v === 'object' && v !== null && typeof (v as { href?: unknown }).href === 'string');
const isResponse = (v: unknown): v is WasmResponse => typeof v === 'object' && v !== null && typeof (v as WasmResponse).arrayBuffer === 'function';
const isThenable = (v: unknown): v is PromiseLike<unknown> => typeof v === 'object' && v !== null && typeof (v as PromiseLike<unknown>).then === 'function';

/** Checks `createWasmBackend`'s options, read once (unknown keys and wrong types are errors, not ignored). */
export function checkOptions(options: unknown): WasmBackendOptions {
  const o = checkOptionKeys(OP, options, ['module', 'simd', 'threads', 'name', 'threadMinWork']) as WasmBackendOptions;
  if (o.simd !== undefined && typeof o.simd !== 'boolean') fail('OPTION', OP, 'simd must be a boolean', o.simd);
  const t = o.threads;
  if (t !== undefined && t !== 'auto' && !(Number.isInteger(t) && t >= 1 && t <= MAX_THREADS)) fail('OPTION', OP, `threads must be 'auto' or an integer from 1 to ${MAX_THREADS}`, t);
  const w = o.threadMinWork;
  if (w !== undefined && !(Number.isSafeInteger(w) && w >= 0)) fail('OPTION', OP, 'threadMinWork must be a non-negative integer', w);
  if (o.name !== undefined && !(typeof o.name === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(o.name))) fail('OPTION', OP, 'name must be 1 to 64 letters, digits or _ . : -', o.name);
  const m = o.module;
  let known: boolean;
  try {
    known = m === undefined || isModule(m) || isBytes(m) || isUrl(m) || isResponse(m) || isThenable(m);
  } catch (e) {
    // a Proxy or getter that throws when its properties are read
    throw new AdaPoolError('OPTION', OP, `${OP}: ${MODULE_MUST}, got an object whose properties throw when read (${String((e as Error)?.message ?? e).slice(0, 80)})`);
  }
  if (!known) fail('OPTION', OP, MODULE_MUST, m);
  if (typeof m === 'string' && !URL.canParse(m, (globalThis as { location?: { href: string } }).location?.href)) {
    throw new AdaPoolError('OPTION', OP, `${OP}: ${MODULE_MUST}, got ${describe(m)}, which is not a URL here`);
  }
  return { ...o };
}

function describe(v: unknown): string {
  if (typeof v === 'string') return v.length > 80 ? `${JSON.stringify(v.slice(0, 60))}… (${v.length} characters)` : JSON.stringify(v);
  if (v === null || typeof v !== 'object') return String(v);
  try {
    return `a ${(v as object).constructor?.name ?? 'object'}`;
  } catch {
    return 'an object';
  }
}

/**
 * A `WasmSource` compiled to a `WebAssembly.Module` (and its bytes, when `keepBytes` and the source
 * has them: threads compile a shared-memory copy); what cannot be one is an AdaPoolError.
 */
async function compileSource(source: WasmSource, keepBytes: boolean): Promise<{ mod: WebAssembly.Module; bytes?: Uint8Array }> {
  if (isModule(source)) return { mod: source };
  if (isBytes(source)) {
    const v = source as ArrayBufferView | ArrayBuffer;
    const bytes = ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(v);
    return { mod: await WebAssembly.compile(bytes as BufferSource), ...(keepBytes ? { bytes } : {}) };
  }
  let response: unknown = source;
  if (isUrl(source)) {
    const url = typeof source === 'string' ? source : (source as { href: string }).href;
    if (typeof fetch !== 'function') throw new AdaPoolError('BACKEND', OP, `${OP}: ${MODULE_MUST}, got the URL ${url} where there is no fetch (pass the bytes)`);
    if (url.startsWith('file:')) throw new AdaPoolError('BACKEND', OP, `${OP}: ${MODULE_MUST}, got the file: URL ${url}, which fetch cannot read here (pass readFileSync(fileURLToPath(url)))`);
    response = fetch(url);
  }
  response = await response;
  if (!isResponse(response)) throw new AdaPoolError('OPTION', OP, `${OP}: ${MODULE_MUST}, got a promise of ${describe(response)}`);
  if (!response.ok) throw new AdaPoolError('BACKEND', OP, `${OP}: ${MODULE_MUST}, got HTTP ${response.status} for ${response.url}`);
  const streaming = (WebAssembly as { compileStreaming?: (r: unknown) => Promise<WebAssembly.Module> }).compileStreaming;
  if (!keepBytes && typeof streaming === 'function' && typeof (response as { clone?: unknown }).clone === 'function') {
    // compileStreaming needs `Content-Type: application/wasm`; other servers get the byte path.
    const copy = (response as unknown as { clone(): WasmResponse }).clone();
    try {
      return { mod: await streaming(response) };
    } catch {
      response = copy;
    }
  }
  const bytes = new Uint8Array(await (response as WasmResponse).arrayBuffer());
  return { mod: await WebAssembly.compile(bytes), ...(keepBytes ? { bytes } : {}) };
}

/** The threads `o` asks for (1 unless shared memory and workers exist), and why fewer when so. */
function threadsWanted(o: WasmBackendOptions): { count: number; note?: string } {
  const why = threadsUnavailable();
  const asked = o.threads === 'auto' ? coreCount() : o.threads;
  if (why) return asked !== undefined && asked > 1 ? { count: 1, note: why } : { count: 1 };
  return { count: Math.min(MAX_THREADS, asked ?? coreCount()) };
}

/** Compiles (if needed) and instantiates a build; anything that is not one of ours is an AdaPoolError. */
export async function instantiate(source: WasmSource, o: WasmBackendOptions = {}): Promise<WasmBackend> {
  let compiled: { mod: WebAssembly.Module; bytes?: Uint8Array };
  try {
    compiled = await compileSource(source, threadsWanted(o).count > 1);
  } catch (e) {
    if (e instanceof AdaPoolError) throw e;
    throw new AdaPoolError('BACKEND', OP, `${OP}: ${MODULE_MUST}, got ${isUrl(source) || isResponse(source) ? 'a file' : 'bytes'} that do not compile (${(e as Error).message})`);
  }
  return fromModule(compiled.mod, compiled.bytes, o);
}

/**
 * The backend over a compiled build. With `bytes` and more than one thread wanted: a shared memory,
 * the build recompiled with its memory import shared, and the workers; else one thread.
 */
export async function fromModule(compiled: WasmModule, bytes: Uint8Array | undefined, o: WasmBackendOptions): Promise<WasmBackend> {
  const mod = compiled as WebAssembly.Module;
  const names = WebAssembly.Module.exports(mod).map((e) => e.name);
  const missing = REQUIRED_EXPORTS.filter((n) => !names.includes(n));
  const imports = WebAssembly.Module.imports(mod);
  if (missing.length || imports.length !== 1 || imports[0]!.kind !== 'memory') {
    throw new AdaPoolError('BACKEND', OP, `${OP}: ${MODULE_MUST}, got a module ${missing.length ? `without ${missing.join(', ')}` : 'whose imports are not one memory'}`);
  }
  const name = o.name ?? 'wasm';
  let { count, note } = threadsWanted(o);
  if (count > 1) {
    const shared = bytes && sharedBuild(bytes);
    let memory: WebAssembly.Memory | undefined;
    try {
      memory = shared && new WebAssembly.Memory({ initial: 2, maximum: MAX_BYTES / PAGE, shared: true });
    } catch (e) {
      note = `no shared memory of 4 GiB could be reserved (${(e as Error).message})`;
    }
    if (shared && memory) {
      const instance = await WebAssembly.instantiate(await WebAssembly.compile(shared as BufferSource), { env: { memory } });
      return createBackendFromInstance(instance, { name, count, minWork: o.threadMinWork, threads: (ctrl, blocks) => startPool(count, shared, memory, ctrl, blocks, name) });
    }
    note ??= 'threads need the build as bytes or a URL, got a compiled WebAssembly.Module';
    count = 1;
  }
  if (note !== undefined && o.threads !== undefined && o.threads !== 1) console.warn(`${OP}: backend '${name}' runs on one thread: ${note}`);
  const memory = new WebAssembly.Memory({ initial: 2, maximum: MAX_BYTES / PAGE });
  const instance = await WebAssembly.instantiate(mod, { env: { memory } });
  return createBackendFromInstance(instance, { name, count: 1, ...(note !== undefined ? { threadsNote: note } : {}) });
}
