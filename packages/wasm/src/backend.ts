/**
 * The `wasm` backend: core's `Backend` over the AssemblyScript kernels (assembly/kernels.ts).
 *
 * Tensors stay ordinary typed arrays (CPU-visible, `readSync` is a copy). Each kernel call lays
 * out one arena in linear memory above `__heap_base`: a parameter block, core's region table for
 * the plan (cached per geometry), the inputs, zeroed outputs and scratch; runs the kernel; copies
 * the outputs out. The arena grows when a call needs more and is reused by every later call, so
 * memory stays flat however many calls run. A call that cannot fit a 32-bit Wasm memory
 * (4 GiB) throws `AdaPoolError` code `UNSUPPORTED` before anything is copied.
 */
import { AdaPoolError, regionTable, type Backend, type Kernels, type PoolMethod, type PoolPlan, type TypedArray } from '@adapool/core';

/** The raw exports of adapool.wasm / adapool-scalar.wasm. */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  lanes(): number;
  heapBase(): number;
  poolForward(params: number): void;
  poolBackward(params: number): void;
  unpool(params: number): void;
  unpoolGrad(params: number): void;
  /** float32 exp (the SIMD/scalar polynomial) of n floats at ptr, in place. */
  expInPlace(ptr: number, n: number): void;
  /** float64 exp (the wide path's series) of n doubles at ptr, in place. */
  expWideInPlace(ptr: number, n: number): void;
  /** float64 e^t on [−1, 0] (edscw's weights) of n doubles at ptr, in place. */
  expUnitInPlace(ptr: number, n: number): void;
}

export interface WasmBackend extends Backend<TypedArray> {
  readonly name: 'wasm';
  /** true when the SIMD (f32x4) build runs, false for the scalar build. */
  readonly simd: boolean;
  /** Current linear memory size in bytes (for memory-use checks). */
  memoryBytes(): number;
  /** The module's raw exports (tests and benchmarks). */
  readonly exports: KernelExports;
}

const METHOD_CODE: Record<PoolMethod, number> = { avg: 0, max: 1, em: 2, edscw: 3, idw: 4, ada: 5 };
const METHODS = Object.keys(METHOD_CODE) as PoolMethod[];

// Parameter block slots (assembly/kernels.ts).
const S = {
  METHOD: 0, OUTPUTS: 1, W: 2, N: 3, C: 4, RETURN_MASK: 5, COUNT_INCLUDE_PAD: 6, GROUPS: 7, IDW_EPS: 8,
  XS_N: 10, XS_C: 11, YS_N: 12, YS_C: 13, MS_N: 14, MS_C: 15, BS_N: 16, BS_C: 17,
  T_COUNT: 20, T_INPUT: 21, T_MASK: 22, T_FLAT: 23, T_PADDED: 24, T_OUT: 25, T_MASKOFF: 26, T_BETA: 27, T_GROUPS: 28,
  X: 30, BETA: 31, DY: 32, Y: 33, MASK: 34, INDICES: 35, DX: 36, DBETA: 37, SCRATCH: 38,
} as const;
const PARAM_BYTES = 256;
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
}

/**
 * Groups of `lanes` consecutive outputs along the last axis whose regions are one translation
 * of each other (same valid taps, offsets shifted by l·Δ): one kernel pass computes them together.
 * Returned as rows (oi, lanes, Δx, Δy, Δmask, Δβ, Δflat); edge outputs form groups of one.
 */
function laneGroups(plan: PoolPlan, T: ReturnType<typeof regionTable>, lanes: number): { rows: number[]; full: number } {
  const rows: number[] = [];
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
  for (let oi = 0; oi < T.outputs; ) {
    const g = (oi % Olast) + lanes <= Olast ? uniform(oi) : undefined;
    if (g) {
      rows.push(...g);
      full += lanes;
      oi += lanes;
    } else {
      rows.push(oi, 1, 0, 0, 0, 0, 0);
      oi += 1;
    }
  }
  return { rows, full };
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
  return { data, at, outputs: T.outputs, W, groups: groups.length / 7 };
}

/** One buffer of a call's arena. */
interface Slot {
  slot: number;
  bytes: number;
  /** Copied in before the kernel runs. */
  input?: TypedArray;
  /** Pre-fill of an output (bytes value). */
  fill?: number;
}

export function createBackendFromInstance(instance: WebAssembly.Instance): WasmBackend {
  const ex = instance.exports as unknown as KernelExports;
  const memory = ex.memory;
  const lanes = ex.lanes();
  const base = (ex.heapBase() + 15) & ~15;
  const cache = new Map<string, Packed>();

  function tablesFor(plan: PoolPlan): Packed {
    const key = JSON.stringify([plan.axes, plan.C, plan.channelsLast, plan.beta?.strides ?? null]);
    let p = cache.get(key);
    if (p) {
      cache.delete(key); // most recently used goes last
    } else {
      p = pack(plan, lanes);
      if (cache.size >= 16) cache.delete(cache.keys().next().value!);
    }
    cache.set(key, p);
    return p;
  }

  function ensure(op: string, end: number): void {
    if (end > MAX_BYTES) {
      throw new AdaPoolError('UNSUPPORTED', op, `${op}: the tensors of one call must fit a 32-bit Wasm memory (4 GiB) on backend 'wasm', got ${(end / 2 ** 30).toFixed(2)} GiB needed`);
    }
    const have = memory.buffer.byteLength;
    if (end <= have) return;
    try {
      memory.grow(Math.ceil((end - have) / PAGE));
    } catch (e) {
      throw new AdaPoolError('UNSUPPORTED', op, `${op}: Wasm memory must grow to ${(end / 2 ** 20).toFixed(0)} MiB for this call, got a refusal from the engine (${(e as Error).message})`);
    }
  }

  /**
   * Lays out params, tables and `slots` from `base`, copies inputs, runs `kernel`, and returns a
   * reader for each slot. Everything is sized (and the 4 GiB limit checked) before any copy.
   */
  function call(plan: PoolPlan, method: PoolMethod, slots: Slot[], kernel: (p: number) => void): (slot: number) => { ptr: number; bytes: number } {
    const align = (v: number) => Math.ceil(v / 64) * 64; // 64: room for the 8-float stride-2 loads past a buffer end
    // Size check first, from the plan's numbers alone (before tables or copies are made).
    const outputs = plan.outSize.reduce((p, d) => p * d, 1);
    const tableBound = 4 * (outputs * (3 * plan.windowSize + 13) + 64);
    const need = slots.reduce((sum, s) => sum + align(s.bytes + 64), base + PARAM_BYTES + align(tableBound + 64) + align(256 * Math.max(plan.windowSize, 1) + 64));
    ensure(plan.op, need);
    const T = tablesFor(plan);
    let end = base + PARAM_BYTES;
    const tablePtr = end;
    end = align(end + T.data.byteLength + 64);
    const where = new Map<number, { ptr: number; bytes: number }>();
    for (const s of slots) {
      where.set(s.slot, { ptr: end, bytes: s.bytes });
      end = align(end + s.bytes + 64);
    }
    const scratch = end;
    end = align(end + 256 * Math.max(T.W, 1) + 64); // per tap: 8 float32 rows (16 B) and 3 float64 rows (32 B)
    ensure(plan.op, end); // within `need`
    const buf = memory.buffer;
    const u8 = new Uint8Array(buf);
    u8.set(new Uint8Array(T.data.buffer, T.data.byteOffset, T.data.byteLength), tablePtr);
    for (const s of slots) {
      const { ptr, bytes } = where.get(s.slot)!;
      if (s.input) u8.set(new Uint8Array(s.input.buffer, s.input.byteOffset, bytes), ptr);
      else u8.fill(s.fill ?? 0, ptr, ptr + bytes);
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
    new Float64Array(buf, base, PARAM_BYTES / 8)[S.IDW_EPS / 2] = plan.idwEps; // f64 in slots 8, 9
    [P[S.XS_N], P[S.XS_C], P[S.YS_N], P[S.YS_C], P[S.MS_N], P[S.MS_C]] = [xs.n, xs.c, ys.n, ys.c, ms.n, ms.c];
    [P[S.BS_N], P[S.BS_C]] = [bs?.n ?? 0, bs?.c ?? 0];
    TABLES.forEach((_, i) => (P[TABLE_SLOT[i]] = tablePtr + 4 * T.at[i]));
    for (const [slot, { ptr }] of where) P[slot] = ptr;
    P[S.SCRATCH] = scratch;
    kernel(base);
    return (slot) => where.get(slot)!;
  }

  const f32Out = (at: { ptr: number; bytes: number }) => new Float32Array(memory.buffer, at.ptr, at.bytes / 4).slice();
  const f32 = (n: number) => 4 * n;

  const kernels: Partial<Kernels<TypedArray>> = {};
  for (const method of METHODS) {
    kernels[`${method}Pool`] = (plan, x, beta) => {
      const withIdx = plan.returnMask && method === 'max';
      const slots: Slot[] = [
        { slot: S.X, bytes: f32(plan.inputElements), input: x },
        { slot: S.Y, bytes: f32(plan.outputElements) },
      ];
      if (beta) slots.push({ slot: S.BETA, bytes: f32(beta.length), input: beta });
      if (plan.returnMask) slots.push({ slot: S.MASK, bytes: f32(plan.maskElements) });
      if (withIdx) slots.push({ slot: S.INDICES, bytes: f32(plan.outputElements), fill: 0xff }); // −1
      const at = call(plan, method, slots, ex.poolForward);
      return {
        output: f32Out(at(S.Y)),
        mask: plan.returnMask ? f32Out(at(S.MASK)) : undefined,
        indices: withIdx ? new Int32Array(memory.buffer, at(S.INDICES).ptr, plan.outputElements).slice() : undefined,
      };
    };
    kernels[`${method}PoolGrad`] = (plan, x, dy, beta) => {
      const slots: Slot[] = [
        { slot: S.X, bytes: f32(plan.inputElements), input: x },
        { slot: S.DY, bytes: f32(plan.outputElements), input: dy },
        { slot: S.DX, bytes: f32(plan.inputElements) },
      ];
      if (beta) {
        slots.push({ slot: S.BETA, bytes: f32(beta.length), input: beta });
        slots.push({ slot: S.DBETA, bytes: 8 * beta.length });
      }
      const at = call(plan, method, slots, ex.poolBackward);
      const dx = f32Out(at(S.DX));
      if (!beta) return { dx };
      const d = at(S.DBETA);
      return { dx, dbeta: Float32Array.from(new Float64Array(memory.buffer, d.ptr, beta.length)) };
    };
  }
  kernels.adaUnpool = (plan, v, mask) => {
    const at = call(plan, 'avg', [
      { slot: S.Y, bytes: f32(plan.outputElements), input: v },
      { slot: S.MASK, bytes: f32(plan.maskElements), input: mask },
      { slot: S.X, bytes: f32(plan.inputElements) },
    ], ex.unpool);
    return f32Out(at(S.X));
  };
  kernels.adaUnpoolGrad = (plan, v, mask, dU) => {
    const at = call(plan, 'avg', [
      { slot: S.Y, bytes: f32(plan.outputElements), input: v },
      { slot: S.MASK, bytes: f32(plan.maskElements), input: mask },
      { slot: S.DX, bytes: f32(plan.inputElements), input: dU },
      { slot: S.DY, bytes: f32(plan.outputElements) },
      { slot: S.DBETA, bytes: f32(plan.maskElements) },
    ], ex.unpoolGrad);
    return { dv: f32Out(at(S.DY)), dmask: f32Out(at(S.DBETA)) };
  };

  return {
    name: 'wasm',
    simd: lanes > 1,
    exports: ex,
    memoryBytes: () => memory.buffer.byteLength,
    upload: (data) => data,
    read: (h) => h.slice(),
    readSync: (h) => h.slice(),
    dispose: () => {},
    kernels,
    auto: { priority: 10, minWork: 0 },
  };
}

/** Which build to run: SIMD when the engine validates the SIMD module, else scalar. */
export function chooseBuild(simdBytes: BufferSource, validate: (b: BufferSource) => boolean = (b) => WebAssembly.validate(b)): 'simd' | 'scalar' {
  return validate(simdBytes) ? 'simd' : 'scalar';
}

export interface WasmBackendOptions {
  /** A compiled module or the bytes of adapool.wasm / adapool-scalar.wasm (default: the bundled build). */
  module?: WebAssembly.Module | BufferSource;
  /** Force the SIMD (`true`) or scalar (`false`) build; default: SIMD where the engine supports it. Ignored with `module`. */
  simd?: boolean;
}

const REQUIRED_EXPORTS = ['memory', 'lanes', 'heapBase', 'poolForward', 'poolBackward', 'unpool', 'unpoolGrad'] as const;
const OP = 'createWasmBackend';
const MODULE_MUST = 'module must be adapool.wasm or adapool-scalar.wasm, as a WebAssembly.Module or its bytes';

/** Checks `createWasmBackend`'s options (unknown keys and wrong types are errors, not ignored). */
export function checkOptions(options: unknown): WasmBackendOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new AdaPoolError('OPTION', OP, `${OP}: options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'module' && key !== 'simd') throw new AdaPoolError('OPTION', OP, `${OP}: options must be among module, simd, got unknown option ${JSON.stringify(key)}`);
  }
  const o = options as WasmBackendOptions;
  if (o.simd !== undefined && typeof o.simd !== 'boolean') throw new AdaPoolError('OPTION', OP, `${OP}: simd must be a boolean, got ${describe(o.simd)}`);
  if (o.module !== undefined && !(o.module instanceof WebAssembly.Module) && !ArrayBuffer.isView(o.module) && !(o.module instanceof ArrayBuffer)) {
    throw new AdaPoolError('OPTION', OP, `${OP}: ${MODULE_MUST}, got ${describe(o.module)}`);
  }
  return o;
}

function describe(v: unknown): string {
  if (v === null || typeof v !== 'object') return typeof v === 'string' ? JSON.stringify(v) : String(v);
  return `a ${(v as object).constructor?.name ?? 'object'}`;
}

/** Compiles (if needed) and instantiates a build; anything that is not one of ours is an AdaPoolError. */
export async function instantiate(module: WebAssembly.Module | BufferSource): Promise<WasmBackend> {
  let mod: WebAssembly.Module;
  try {
    mod = module instanceof WebAssembly.Module ? module : await WebAssembly.compile(module);
  } catch (e) {
    throw new AdaPoolError('BACKEND', OP, `${OP}: ${MODULE_MUST}, got bytes that do not compile (${(e as Error).message})`);
  }
  const names = WebAssembly.Module.exports(mod).map((e) => e.name);
  const missing = REQUIRED_EXPORTS.filter((n) => !names.includes(n));
  if (missing.length || WebAssembly.Module.imports(mod).length) {
    throw new AdaPoolError('BACKEND', OP, `${OP}: ${MODULE_MUST}, got a module ${missing.length ? `without ${missing.join(', ')}` : 'with imports'}`);
  }
  const instance = await WebAssembly.instantiate(mod, {});
  return createBackendFromInstance(instance);
}
