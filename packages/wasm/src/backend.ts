/**
 * The `wasm` backend: core's `Backend` over the AssemblyScript kernels (assembly/kernels.ts).
 *
 * Tensors live in Wasm linear memory: a handle is a block of the arena (above `__heap_base` and
 * a 256-byte parameter block), allocated first-fit from a coalescing free list; `upload` copies
 * in, `read`/`readSync` copy out (a fresh array), `dispose` frees. Kernels read their inputs in
 * place and write new blocks, so a call copies nothing; memory grows only when no free block
 * fits, and stays flat while tensors are created and disposed. Core's region table for a plan is
 * resident too (cached per geometry). A call that cannot fit a 32-bit Wasm memory (4 GiB) throws
 * `AdaPoolError` code `UNSUPPORTED` before allocating anything; a failing call frees what it took.
 */
import { AdaPoolError, callSize, checkOptionKeys, fail, referenceUnpool, regionTable, type Backend, type KernelName, type Kernels, type PoolMethod, type PoolPlan, type TypedArray } from '@adapool/core';

/** The raw exports of adapool.wasm / adapool-scalar.wasm. */
export interface KernelExports {
  readonly memory: WasmMemory;
  lanes(): number;
  heapBase(): number;
  poolForward(params: number): void;
  poolBackward(params: number): void;
  /** 1 when U holds a ±∞ or NaN (then the float64 reference gives U). */
  unpool(params: number): number;
  unpoolGrad(params: number): void;
  /** float32 exp (the SIMD/scalar polynomial) of n floats at ptr, in place. */
  expInPlace(ptr: number, n: number): void;
  /** The lean float32 e^t for t ≤ 0 (softmax and edscw weights) of n floats at ptr, in place. */
  expNegInPlace(ptr: number, n: number): void;
  /** The float32 e^t on [−1, 0] (edscw weights) of n floats at ptr, in place. */
  expUnit32InPlace(ptr: number, n: number): void;
  /** float64 exp (the wide path's series) of n doubles at ptr, in place. */
  expWideInPlace(ptr: number, n: number): void;
  /** float64 e^t on [−1, 0] (edscw's weights) of n doubles at ptr, in place. */
  expUnitInPlace(ptr: number, n: number): void;
}

export interface WasmBackend extends Backend<WasmTensor> {
  readonly name: 'wasm';
  /** true when the SIMD (f32x4) build runs, false for the scalar build. */
  readonly simd: boolean;
  /** Current linear memory size in bytes (for memory-use checks). */
  memoryBytes(): number;
  /** Blocks of linear memory in use: live tensors and cached geometry tables (for leak checks). */
  liveBlocks(): number;
  /** The module's raw exports (tests and benchmarks). */
  readonly exports: KernelExports;
}

const METHOD_CODE: Record<PoolMethod, number> = { avg: 0, max: 1, em: 2, edscw: 3, idw: 4, ada: 5 };
const METHODS = Object.keys(METHOD_CODE) as PoolMethod[];

// Parameter block slots (assembly/kernels.ts).
const S = {
  METHOD: 0, OUTPUTS: 1, W: 2, N: 3, C: 4, RETURN_MASK: 5, COUNT_INCLUDE_PAD: 6, GROUPS: 7, IDW_EPS: 8,
  XS_N: 10, XS_C: 11, YS_N: 12, YS_C: 13, MS_N: 14, MS_C: 15, BS_N: 16, BS_C: 17, TILES: 19,
  T_COUNT: 20, T_INPUT: 21, T_MASK: 22, T_FLAT: 23, T_PADDED: 24, T_OUT: 25, T_MASKOFF: 26, T_BETA: 27, T_GROUPS: 28,
  X: 30, BETA: 31, DY: 32, Y: 33, MASK: 34, INDICES: 35, DX: 36, DBETA: 37, SCRATCH: 38,
} as const;
const PARAM_BYTES = 256;
const GROUP_ROW = 14; // ints per row of the lane-group table
const PAGE = 65536;
const MAX_BYTES = 65536 * PAGE; // 4 GiB: the most a 32-bit Wasm memory can address
const TABLES = ['count', 'tapInput', 'tapMask', 'tapFlat', 'padded', 'outputOffset', 'maskOffset', 'betaOffset', 'groups'] as const;
const TABLE_SLOT = [S.T_COUNT, S.T_INPUT, S.T_MASK, S.T_FLAT, S.T_PADDED, S.T_OUT, S.T_MASKOFF, S.T_BETA, S.T_GROUPS];

/** Core's region table for a plan, packed as one int32 block, plus the lane groups. */
interface Packed {
  readonly data: Int32Array;
  /** Element offset of each table in `data`, in TABLES order. */
  readonly at: number[];
  readonly outputs: number;
  readonly W: number;
  /** Lane groups across neighbouring outputs (0: lanes across channels). */
  readonly groups: number;
  /** Every input element lies in exactly one window (gradients may store instead of add). */
  readonly tiles: boolean;
  /** Every output has a non-empty region: a forward writes every output (no zero pre-fill needed). */
  readonly noEmpty: boolean;
  /**
   * The windows tile the input and every lane-group row is a full run of width-2, stride-2 pairs
   * (Δy 1, no overlap): the avg/max/em gradients store every dx element (no zero pre-fill needed).
   */
  readonly pairedTiles: boolean;
}

/**
 * Groups of `lanes` consecutive outputs along the last axis whose regions are one translation
 * of each other (same valid taps, offsets shifted by l·Δ): one kernel pass computes them together.
 * Returned as rows (oi, lanes, Δx, Δy, Δmask, Δβ, Δflat, reps, skip, rows, Δx row, Δy row, Δβ row,
 * row step); other outputs form groups of one.
 * Consecutive groups that are translations of the first (by k·lanes outputs) form one row, a run
 * of `reps` groups, so the kernel reads their taps once.
 */
function laneGroups(plan: PoolPlan, T: ReturnType<typeof regionTable>, lanes: number): { rows: number[]; full: number } {
  const rows: number[][] = [];
  const Olast = plan.outSize[plan.n - 1];
  const W = T.W;
  let full = 0;
  const uniform = (oi: number): number[] | undefined => {
    const r = T.count[oi];
    if (r === 0) return undefined;
    const d = (a: Int32Array, stride: number, l: number) => a[(oi + l) * stride] - a[oi * stride];
    const dX = d(T.tapInput, W, 1);
    if (dX <= 0) return undefined;
    const dY = d(T.outputOffset, 1, 1);
    const dM = d(T.maskOffset, 1, 1);
    const dB = d(T.betaOffset, 1, 1);
    const dF = d(T.tapFlat, W, 1);
    for (let l = 1; l < lanes; l++) {
      const o = oi + l;
      if (T.count[o] !== r || T.padded[o] !== T.padded[oi]) return undefined;
      if (T.outputOffset[o] - T.outputOffset[oi] !== l * dY || T.maskOffset[o] - T.maskOffset[oi] !== l * dM) return undefined;
      if (T.betaOffset[o] - T.betaOffset[oi] !== l * dB) return undefined;
      for (let j = 0; j < r; j++) {
        if (T.tapKappa[o * W + j] !== T.tapKappa[oi * W + j]) return undefined;
        if (T.tapInput[o * W + j] - T.tapInput[oi * W + j] !== l * dX) return undefined;
        if (T.tapFlat[o * W + j] - T.tapFlat[oi * W + j] !== l * dF) return undefined;
      }
    }
    return [oi, lanes, dX, dY, dM, dB, dF];
  };
  /** Whether group o is group oi translated by s = o − oi outputs (steps `d` per output). */
  const translated = (oi: number, o: number, d: number[]): boolean => {
    const s = o - oi;
    const r = T.count[oi];
    if (T.count[o] !== r || T.padded[o] !== T.padded[oi]) return false;
    if (T.outputOffset[o] - T.outputOffset[oi] !== s * d[3] || T.maskOffset[o] - T.maskOffset[oi] !== s * d[4]) return false;
    if (T.betaOffset[o] - T.betaOffset[oi] !== s * d[5]) return false;
    for (let j = 0; j < r; j++) {
      if (T.tapKappa[o * W + j] !== T.tapKappa[oi * W + j]) return false;
      if (T.tapInput[o * W + j] - T.tapInput[oi * W + j] !== s * d[2]) return false;
      if (T.tapFlat[o * W + j] - T.tapFlat[oi * W + j] !== s * d[6]) return false;
    }
    return true;
  };
  let run: number[] | undefined; // the open run's row
  for (let oi = 0; oi < T.outputs; ) {
    const g = (oi % Olast) + lanes <= Olast ? uniform(oi) : undefined;
    if (g) {
      if (run && oi - run[0] === run[7] * lanes && g.slice(1).every((v, i) => v === run![i + 1]) && translated(run[0], oi, run)) {
        run[7]++;
      } else {
        run = [...g, 1, 0];
        rows.push(run);
      }
      full += lanes;
      oi += lanes;
    } else {
      // a row's last rem < lanes outputs: one group ending at the row's end, overlapping the
      // previous group by `skip` outputs (forward recomputes those; gradients skip them)
      const rem = Olast - (oi % Olast);
      const o = oi + rem - lanes;
      const tail = rem < lanes && Olast >= lanes && oi % Olast !== 0 ? uniform(o) : undefined;
      if (tail) {
        rows.push([...tail, 1, lanes - rem]);
        full += rem;
        oi += rem;
      } else {
        rows.push([oi, 1, 0, 0, 0, 0, 0, 1, 0]);
        oi += 1;
      }
      run = undefined;
    }
  }
  // Rows of outputs (along the last axis) whose group rows are all translations of the previous
  // row's: one entry with `rows` repeats, offsets stepping by (Δx, Δy, Δβ) per row.
  const byRow = new Map<number, number[][]>();
  for (const g of rows) {
    const k = Math.floor(g[0] / Olast);
    if (!byRow.has(k)) byRow.set(k, []);
    byRow.get(k)!.push(g);
  }
  const merged: number[][] = [];
  let open: number[][] | undefined; // the entries the next row may join (full rows of lanes only)
  for (const [k, list] of [...byRow].sort((a, b) => a[0] - b[0])) {
    const ok = open && open.length === list.length && list.every((g, i) => {
      const p = open![i];
      if (p[1] !== lanes || g.slice(1, 9).some((v, c) => v !== p[c + 1])) return false;
      const m = p[9]; // rows so far
      if (g[0] - p[0] !== m * Olast || Math.floor(p[0] / Olast) + m !== k) return false;
      const dx = T.tapInput[g[0] * W] - T.tapInput[p[0] * W];
      const dy = T.outputOffset[g[0]] - T.outputOffset[p[0]];
      const db = T.betaOffset[g[0]] - T.betaOffset[p[0]];
      if (m > 1 && (dx !== m * p[10] || dy !== m * p[11] || db !== m * p[12])) return false;
      const r = T.count[p[0]];
      if (T.count[g[0]] !== r || T.padded[g[0]] !== T.padded[p[0]]) return false;
      for (let j = 0; j < r; j++) {
        if (T.tapKappa[g[0] * W + j] !== T.tapKappa[p[0] * W + j] || T.tapInput[g[0] * W + j] - T.tapInput[p[0] * W + j] !== dx) return false;
      }
      return true;
    });
    if (ok) {
      list.forEach((g, i) => {
        const p = open![i];
        if (p[9] === 1) [p[10], p[11], p[12]] = [T.tapInput[g[0] * W] - T.tapInput[p[0] * W], T.outputOffset[g[0]] - T.outputOffset[p[0]], T.betaOffset[g[0]] - T.betaOffset[p[0]]];
        p[9]++;
      });
    } else {
      const entries = list.map((g) => [...g, 1, 0, 0, 0, Olast]);
      merged.push(...entries);
      open = entries.every((g) => g[1] === lanes) ? entries : undefined;
    }
  }
  return { rows: merged.flat(), full };
}

function pack(plan: PoolPlan, lanes: number): Packed {
  const T = regionTable(plan);
  const W = T.W;
  const tapMask = new Int32Array(T.outputs * W);
  for (let i = 0; i < tapMask.length; i++) tapMask[i] = T.kappaMaskOffset[T.tapKappa[i]];
  let groups: number[] = [];
  // Lanes across outputs where lanes across channels would leave lanes idle (channels-first
  // planes, or fewer channels than lanes), if most outputs fall into full groups.
  if (lanes > 1 && (!plan.channelsLast || plan.C < lanes)) {
    const g = laneGroups(plan, T, lanes);
    if (g.full * 2 >= T.outputs) groups = g.rows;
  }
  const parts: ArrayLike<number>[] = [T.count, T.tapInput, tapMask, T.tapFlat, T.padded, T.outputOffset, T.maskOffset, T.betaOffset, groups];
  const at: number[] = [];
  let size = 0;
  for (const p of parts) {
    at.push(size);
    size += (p.length + 3) & ~3; // 16-byte aligned tables
  }
  const data = new Int32Array(size);
  parts.forEach((p, i) => data.set(p, at[i]));
  // windows tile the input: each spatial input offset is a tap of exactly one output
  const hits = new Uint8Array(plan.inSize.reduce((p, d) => p * d, 1));
  let tiles = true;
  for (let o = 0; o < T.outputs && tiles; o++) {
    for (let j = 0; j < T.count[o]; j++) {
      if (hits[T.tapFlat[o * W + j]]++) tiles = false;
    }
  }
  tiles &&= hits.every((h) => h === 1);
  let pairedTiles = tiles && groups.length > 0;
  for (let g = 0; pairedTiles && g < groups.length; g += GROUP_ROW) {
    const [oi, n, dX, dY, , , , , skip] = groups.slice(g, g + GROUP_ROW);
    const r = T.count[oi];
    if (n !== lanes || dX !== 2 || dY !== 1 || skip !== 0 || r % 2 !== 0) pairedTiles = false;
    for (let j = 0; pairedTiles && j < r; j += 2) if (T.tapInput[oi * W + j + 1] !== T.tapInput[oi * W + j] + 1) pairedTiles = false;
  }
  const noEmpty = T.count.every((c) => c > 0);
  return { data, at, outputs: T.outputs, W, groups: groups.length / GROUP_ROW, tiles, noEmpty, pairedTiles };
}

// per tap: 8 float32 rows (16 B) and, but for avg, max and unpool (which runs as 'avg'), 3 float64
// rows (32 B); per lane-group row (at most one per output): its tap entries (8 B a tap) and a 32 B record
const scratchFor = (W: number, rows: number, method: PoolMethod) =>
  (method === 'avg' || method === 'max' ? 128 : 256) * Math.max(W, 1) + rows * (8 * Math.max(W, 1) + 32);

/** Upper bounds of a call's region-table and scratch blocks, from the plan alone. */
function blockBounds(plan: PoolPlan, method: PoolMethod = plan.method): { table: number; scratch: number } {
  const outputs = plan.outSize.reduce((p, d) => p * d, 1);
  return { table: 4 * (outputs * (3 * plan.windowSize + 13) + 64), scratch: scratchFor(plan.windowSize, outputs, method) };
}

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
  written?: (T: Packed) => boolean;
}

export function createBackendFromInstance(instance: { readonly exports: object }): WasmBackend {
  const ex = instance.exports as KernelExports;
  const memory = ex.memory;
  const lanes = ex.lanes();
  const base = (ex.heapBase() + 15) & ~15; // the parameter block; the arena follows it
  const arena = new Arena(memory, Math.ceil((base + PARAM_BYTES) / ALIGN) * ALIGN);
  const cache = new Map<string, Packed & { ptr: number }>();

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

  /** The plan's region table, resident in the arena (cached per geometry, 16 entries). */
  const tableKey = (plan: PoolPlan) => JSON.stringify([plan.axes, plan.C, plan.channelsLast, plan.beta?.strides ?? null]);

  /** The plan's tables: cached (resident), or packed and not yet resident. */
  function tablesOf(plan: PoolPlan): { cached?: Packed & { ptr: number }; packed?: Packed } {
    const cached = cache.get(tableKey(plan));
    return cached ? { cached } : { packed: pack(plan, lanes) };
  }

  /** The plan's region table, resident in the arena (cached per geometry, 16 entries). */
  function tablesFor(plan: PoolPlan, owned: number[], packed: Packed | undefined): Packed & { ptr: number } {
    const key = tableKey(plan);
    let p = cache.get(key);
    if (p) {
      cache.delete(key); // most recently used goes last
    } else {
      packed ??= pack(plan, lanes);
      const ptr = allocFor(plan.op, packed.data.byteLength, owned);
      owned.pop(); // the cache owns it
      new Int32Array(memory.buffer, ptr, packed.data.length).set(packed.data);
      p = { ...packed, ptr };
      if (cache.size >= 16) {
        const [oldKey, old] = cache.entries().next().value!;
        cache.delete(oldKey);
        arena.release(old.ptr);
      }
    }
    cache.set(key, p);
    return p;
  }

  /**
   * Before inputs are moved in (dispatch calls this): UNSUPPORTED unless the moved inputs
   * (`uploads` bytes), the tables, results and scratch of the call fit the 4 GiB beside the live tensors.
   */
  function checkSize(kernel: KernelName, plan: PoolPlan, uploads: readonly number[]): void {
    const b = blockBounds(plan);
    const blocks = [...uploads, ...(cache.has(tableKey(plan)) ? [] : [b.table]), ...callSize(kernel, plan).results.map((r) => 4 * r), b.scratch];
    if (kernel === 'adaPoolGrad' && plan.beta) blocks.push(8 * plan.beta.size); // the float64 dβ accumulator
    const end = arena.endAfter(blocks);
    if (end > MAX_BYTES) throw unsupported(plan.op, `${(end / 2 ** 30).toFixed(2)} GiB of Wasm memory`);
  }

  /**
   * Allocates the outputs and scratch of a call, fills the parameter block, runs `kernel`.
   * Returns the output tensors by slot; on any failure frees everything the call allocated.
   * The 4 GiB check comes first, from the plan's numbers alone.
   */
  function call(plan: PoolPlan, method: PoolMethod, slots: Slot[], kernel: (p: number) => void): Map<number, WasmTensor> {
    const { table: tableBound, scratch: scratchBound } = blockBounds(plan, method);
    const need = slots.reduce((sum, s) => sum + reserve(s.bytes), base + PARAM_BYTES + reserve(tableBound) + reserve(scratchBound));
    if (need > MAX_BYTES) throw unsupported(plan.op, `${(need / 2 ** 30).toFixed(2)} GiB`);
    // every block this call will take, in order (tables if new, outputs, scratch, a float32 dβ):
    // memory grows once, to where they end, or the call is refused before anything is taken
    const { cached, packed } = tablesOf(plan);
    const tables = cached ?? packed!;
    const blocks = [...(packed ? [packed.data.byteLength] : []), ...slots.filter((s) => !s.input).map((s) => s.bytes), scratchFor(tables.W, tables.groups, method)];
    const dbeta = slots.find((s) => s.slot === S.DBETA && method === 'ada');
    if (dbeta) blocks.push(dbeta.bytes / 2);
    const short = arena.ensure(arena.endAfter(blocks));
    if (short !== undefined) throw unsupported(plan.op, short);
    const owned: number[] = [];
    const T = tablesFor(plan, owned, packed);
    const where = new Map<number, WasmTensor>();
    for (const s of slots) {
      if (s.input) where.set(s.slot, s.input);
      else where.set(s.slot, { ptr: allocFor(plan.op, s.bytes, owned), length: s.bytes / 4, dtype: s.slot === S.INDICES ? 'int32' : 'float32' });
    }
    const scratch = allocFor(plan.op, scratchFor(T.W, T.groups, method), owned);
    try {
      const buf = memory.buffer; // views only after the last allocation (grow detaches them)
      const u8 = new Uint8Array(buf);
      for (const s of slots) {
        if (s.input || s.written?.(T)) continue;
        const { ptr } = where.get(s.slot)!;
        u8.fill(s.fill ?? 0, ptr, ptr + s.bytes);
      }
      const P = new Int32Array(buf, base, PARAM_BYTES / 4);
      P.fill(0);
      const xs = plan.inputStrides;
      const ys = plan.outputStrides;
      const ms = plan.maskStrides;
      const bs = plan.beta?.strides;
      P[S.METHOD] = METHOD_CODE[method];
      P[S.OUTPUTS] = T.outputs;
      P[S.W] = T.W;
      P[S.N] = plan.N;
      P[S.C] = plan.C;
      P[S.RETURN_MASK] = plan.returnMask ? 1 : 0;
      P[S.COUNT_INCLUDE_PAD] = plan.countIncludePad ? 1 : 0;
      P[S.GROUPS] = T.groups;
      P[S.TILES] = T.tiles ? 1 : 0;
      new Float64Array(buf, base, PARAM_BYTES / 8)[S.IDW_EPS / 2] = plan.idwEps; // f64 in slots 8, 9
      [P[S.XS_N], P[S.XS_C], P[S.YS_N], P[S.YS_C], P[S.MS_N], P[S.MS_C]] = [xs.n, xs.c, ys.n, ys.c, ms.n, ms.c];
      [P[S.BS_N], P[S.BS_C]] = [bs?.n ?? 0, bs?.c ?? 0];
      TABLES.forEach((_, i) => (P[TABLE_SLOT[i]] = T.ptr + 4 * T.at[i]));
      for (const [slot, { ptr }] of where) P[slot] = ptr;
      P[S.SCRATCH] = scratch;
      kernel(base);
    } catch (e) {
      for (const p of owned) arena.release(p);
      throw e;
    }
    arena.release(scratch);
    return where;
  }

  const f32 = (n: number) => 4 * n;
  const input = (slot: number, h: WasmTensor): Slot => ({ slot, bytes: 4 * h.length, input: h });
  /** The float64 dβ accumulator of a gradient call as a new float32 tensor (the accumulator freed). */
  function dbetaOut(acc: WasmTensor, n: number): WasmTensor {
    const owned: number[] = [acc.ptr];
    const ptr = allocFor('adaPoolGrad', 4 * n, owned);
    const src = new Float64Array(memory.buffer, acc.ptr, n);
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
      const at = call(plan, method, slots, ex.poolForward);
      return { output: at.get(S.Y)!, mask: at.get(S.MASK), indices: at.get(S.INDICES) };
    };
    kernels[`${method}PoolGrad`] = (plan, x, dy, beta) => {
      const slots: Slot[] = [
        { slot: S.X, bytes: f32(plan.inputElements), input: x },
        { slot: S.DY, bytes: f32(plan.outputElements), input: dy },
        { slot: S.DX, bytes: f32(plan.inputElements), written: (T) => T.pairedTiles && !plan.returnMask && (method === 'avg' || method === 'max' || method === 'em') },
      ];
      if (beta) slots.push(input(S.BETA, beta), { slot: S.DBETA, bytes: 8 * beta.length });
      const at = call(plan, method, slots, ex.poolBackward);
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
    let nonFinite = false;
    const at = call(plan, 'avg', [
      { slot: S.Y, bytes: f32(plan.outputElements), input: v },
      { slot: S.MASK, bytes: f32(plan.maskElements), input: mask },
      { slot: S.X, bytes: f32(plan.inputElements) },
    ], (p) => (nonFinite = ex.unpool(p) !== 0));
    const U = at.get(S.X)!;
    if (nonFinite) {
      // float32 partial sums of overlapping windows overflowed, or NaN/±∞ inputs: the float64
      // reference decides which elements are ±∞ or NaN (OPERATORS.md 5)
      const view = (h: WasmTensor) => new Float32Array(memory.buffer, h.ptr, h.length);
      view(U).set(referenceUnpool(plan, view(v), view(mask)));
    }
    return U;
  };
  kernels.adaUnpoolGrad = (plan, v, mask, dU) => {
    const at = call(plan, 'avg', [
      { slot: S.Y, bytes: f32(plan.outputElements), input: v },
      { slot: S.MASK, bytes: f32(plan.maskElements), input: mask },
      { slot: S.DX, bytes: f32(plan.inputElements), input: dU },
      { slot: S.DY, bytes: f32(plan.outputElements) },
      { slot: S.DBETA, bytes: f32(plan.maskElements) },
    ], ex.unpoolGrad);
    return { dv: at.get(S.DY)!, dmask: at.get(S.DBETA)! };
  };

  const view = (h: WasmTensor): TypedArray =>
    h.dtype === 'int32' ? new Int32Array(memory.buffer, h.ptr, h.length) : new Float32Array(memory.buffer, h.ptr, h.length);
  const readSync = (h: WasmTensor): TypedArray => view(h).slice();
  /** One copy of `data` (any array-like of numbers) straight into a new block of linear memory. */
  const write = (data: ArrayLike<number>, dtype: 'float32' | 'int32', op: string): WasmTensor => {
    const ptr = arena.alloc(4 * data.length);
    if (typeof ptr === 'string') throw new AdaPoolError('UNSUPPORTED', op, `${op}: a tensor must fit a 32-bit Wasm memory (4 GiB) next to the live ones, got ${ptr} needed`);
    const h: WasmTensor = { ptr, length: data.length, dtype };
    view(h).set(data);
    return h;
  };

  return {
    name: 'wasm',
    simd: lanes > 1,
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
    auto: { priority: 10, minWork: 0 },
  };
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
}

const REQUIRED_EXPORTS = ['memory', 'lanes', 'heapBase', 'poolForward', 'poolBackward', 'unpool', 'unpoolGrad'] as const;
const OP = 'createWasmBackend';
const MODULE_MUST = 'module must be adapool.wasm or adapool-scalar.wasm, as a WebAssembly.Module, its bytes, its URL or a Response';

const isModule = (v: unknown): v is WebAssembly.Module => typeof WebAssembly !== 'undefined' && v instanceof WebAssembly.Module;
const isBytes = (v: unknown): v is WasmBytes => ArrayBuffer.isView(v) || v instanceof ArrayBuffer;
const isUrl = (v: unknown): v is string | { href: string } => typeof v === 'string' || (typeof v === 'object' && v !== null && typeof (v as { href?: unknown }).href === 'string');
const isResponse = (v: unknown): v is WasmResponse => typeof v === 'object' && v !== null && typeof (v as WasmResponse).arrayBuffer === 'function';
const isThenable = (v: unknown): v is PromiseLike<unknown> => typeof v === 'object' && v !== null && typeof (v as PromiseLike<unknown>).then === 'function';

/** Checks `createWasmBackend`'s options, read once (unknown keys and wrong types are errors, not ignored). */
export function checkOptions(options: unknown): WasmBackendOptions {
  const o = checkOptionKeys(OP, options, ['module', 'simd']) as WasmBackendOptions;
  if (o.simd !== undefined && typeof o.simd !== 'boolean') fail('OPTION', OP, 'simd must be a boolean', o.simd);
  const m = o.module;
  if (m !== undefined && !isModule(m) && !isBytes(m) && !isUrl(m) && !isResponse(m) && !isThenable(m)) {
    fail('OPTION', OP, MODULE_MUST, m);
  }
  if (typeof m === 'string' && !URL.canParse(m, (globalThis as { location?: { href: string } }).location?.href)) {
    throw new AdaPoolError('OPTION', OP, `${OP}: ${MODULE_MUST}, got ${describe(m)}, which is not a URL here`);
  }
  return { ...o };
}

function describe(v: unknown): string {
  if (v === null || typeof v !== 'object') return typeof v === 'string' ? JSON.stringify(v) : String(v);
  return `a ${(v as object).constructor?.name ?? 'object'}`;
}

/** A `WasmSource` compiled to a `WebAssembly.Module`; what cannot be one is an AdaPoolError. */
async function compileSource(source: WasmSource): Promise<WebAssembly.Module> {
  if (isModule(source)) return source;
  if (isBytes(source)) return WebAssembly.compile(source as BufferSource);
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
  if (typeof streaming === 'function' && typeof (response as { clone?: unknown }).clone === 'function') {
    // compileStreaming needs `Content-Type: application/wasm`; other servers get the byte path.
    const copy = (response as unknown as { clone(): WasmResponse }).clone();
    try {
      return await streaming(response);
    } catch {
      response = copy;
    }
  }
  return WebAssembly.compile(await (response as WasmResponse).arrayBuffer());
}

/** Compiles (if needed) and instantiates a build; anything that is not one of ours is an AdaPoolError. */
export async function instantiate(source: WasmSource): Promise<WasmBackend> {
  let mod: WebAssembly.Module;
  try {
    mod = await compileSource(source);
  } catch (e) {
    if (e instanceof AdaPoolError) throw e;
    throw new AdaPoolError('BACKEND', OP, `${OP}: ${MODULE_MUST}, got ${isUrl(source) || isResponse(source) ? 'a file' : 'bytes'} that do not compile (${(e as Error).message})`);
  }
  const names = WebAssembly.Module.exports(mod).map((e) => e.name);
  const missing = REQUIRED_EXPORTS.filter((n) => !names.includes(n));
  if (missing.length || WebAssembly.Module.imports(mod).length) {
    throw new AdaPoolError('BACKEND', OP, `${OP}: ${MODULE_MUST}, got a module ${missing.length ? `without ${missing.join(', ')}` : 'with imports'}`);
  }
  const instance = await WebAssembly.instantiate(mod, {});
  return createBackendFromInstance(instance);
}
