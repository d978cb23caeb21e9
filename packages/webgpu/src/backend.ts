/**
 * `createWebGPUBackend`: the `Backend` of @adapool/core on WebGPU. Tensors are pooled GPU buffers
 * that stay on the GPU between ops (kernels encode and submit, and return handles at once);
 * `read()` is the only readback. Every op is one dispatch forward; backward is gather-style
 * (a per-window pass, then a per-input pass, and a reduction for dβ), never atomics.
 */
import { AdaPoolError, checkOptionKeys, fail, opParam, POOL_METHODS, Raw, type Backend, type KernelName, type Kernels, type PoolMethod, type PoolPlan, type TypedArray } from '@adapool/core';
import { BufferPool, MAP_READ_MODE, USAGE, type PoolStats } from './buffers.js';
import { batchChannel, geometryTable, padFront, spatial } from './geometry.js';
import { generate, isScore, Params, recordStride, specKey, type KernelSpec } from './wgsl.js';

/**
 * WebGPU's own type `K` where the consumer's program has WebGPU types (lib DOM of TypeScript ≥ 6,
 * or `@webgpu/types`), else `object`: the declarations bring no WebGPU typings of their own, so
 * they never clash with the ones a program already has (TypeScript's, tfjs's `@webgpu/types`).
 */
export type WebGPUType<K extends string> = typeof globalThis extends { readonly [k in K]: { prototype: infer T } } ? T : object;

/** The handle behind a tensor on this backend. */
export interface GpuTensor {
  readonly buffer: WebGPUType<'GPUBuffer'>;
  /** Elements. */
  readonly length: number;
  readonly dtype: 'float32' | 'int32';
}

export interface WebGPUBackendOptions {
  /** A `GPU` (default `navigator.gpu`), e.g. `create([])` from the `webgpu` package in Node. */
  gpu?: WebGPUType<'GPU'>;
  /** An existing device to share (with TF.js or an app); the backend never destroys it. */
  device?: WebGPUType<'GPUDevice'>;
  /** Registry name (default `'webgpu'`). */
  name?: string;
  /** Invocations per workgroup (default 64; at most 128 unless the adapter's limits allow more). */
  workgroupSize?: number;
  /**
   * `'auto'` picks this backend for work (max(in, out elements) × taps) of at least this.
   * Default: `DEFAULT_MIN_WORK` on hardware adapters, never on software ones (SwiftShader, …).
   */
  minWork?: number;
}

export interface WebGPUStats extends PoolStats {
  /** GPU→CPU readbacks (`read()` calls that reached the GPU). */
  readbacks: number;
  dispatches: number;
  submits: number;
  /** Pipelines compiled for this device. */
  pipelines: number;
}

export interface WebGPUBackend extends Backend<GpuTensor> {
  readonly device: WebGPUType<'GPUDevice'>;
  /** A software (CPU) adapter such as SwiftShader: correct, but slower than the CPU backends. */
  readonly software: boolean;
  readonly workgroupSize: number;
  /** Whether the device has been lost (every call then throws `DEVICE`). */
  readonly lost: boolean;
  stats(): WebGPUStats;
  /** Resolves when all GPU work submitted so far has completed. */
  sync(): Promise<void>;
  /**
   * GPU time of the compute passes that `fn` submits (timestamp queries, up to 2048 passes);
   * undefined when the device lacks 'timestamp-query'. For benchmarks.
   */
  gpuTime(fn: () => void): Promise<{ ms: number; passes: number } | undefined>;
  /** Frees pooled buffers and cached tables; destroys the device only if the backend created it. */
  destroy(): void;
}

/**
 * Default `'auto'` threshold on hardware adapters. NOT measured on a GPU (none was available to
 * the author); `benches/webgpu-bench.mjs --sweep` measures the crossover on a real device. On
 * SwiftShader the sweep found WebGPU never faster than `js`, so software adapters get no 'auto'.
 */
export const DEFAULT_MIN_WORK = 1 << 22;
export const AUTO_PRIORITY = 20;
const DEFAULT_WORKGROUP = 64;
const OPTION_KEYS = ['gpu', 'device', 'name', 'workgroupSize', 'minWork'];

interface Compiled {
  pipeline: GPUComputePipeline;
  bindings: string[];
}
/** Pipelines per device, keyed by the spec key (never by shape). */
const pipelineCache = new WeakMap<GPUDevice, Map<string, Compiled>>();

interface Binding {
  buffer: GPUBuffer;
  bytes: number;
}

interface Pass {
  spec: KernelSpec;
  total: number;
  params?: Record<string, number>;
  buffers: Record<string, Binding | undefined>;
  /** Workgroups to dispatch when not ⌈total / wg⌉ (one workgroup per item). */
  workgroups?: number;
}

const op0 = 'createWebGPUBackend';

/** The options as plain data, read once and checked (nothing GPU-side happens before). */
interface Settings {
  gpu?: GPU;
  device?: GPUDevice;
  name: string;
  workgroupSize?: number;
  minWork?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => (typeof v === 'object' || typeof v === 'function') && v !== null;
/** The first of `methods` that `v` lacks (undefined when it has them all). */
const lacking = (v: Record<string, unknown>, methods: string[]): string | undefined => methods.find((m) => typeof v[m] !== 'function');

function readSettings(options: unknown): Settings {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) fail('OPTION', op0, 'options must be an object', options);
  const o = checkOptionKeys(op0, options, OPTION_KEYS);
  const [gpu, device, name, workgroupSize, minWork] = OPTION_KEYS.map((k) => o[k]);
  if (gpu !== undefined && gpu !== null) {
    if (!isObject(gpu)) fail('OPTION', op0, 'gpu must be a GPU object (navigator.gpu, or create([]) from the \'webgpu\' package)', gpu);
    if (lacking(gpu, ['requestAdapter'])) fail('OPTION', op0, 'gpu must be a GPU object with requestAdapter()', new Raw('an object without requestAdapter()'));
  }
  if (device !== undefined) {
    if (!isObject(device)) fail('OPTION', op0, 'device must be a GPUDevice', device);
    const m = lacking(device, ['createBuffer', 'createShaderModule', 'createComputePipeline', 'createBindGroup', 'createCommandEncoder', 'destroy']);
    const q = device.queue;
    const what = m ? `${m}()` : !isObject(q) || lacking(q, ['submit', 'writeBuffer']) ? 'queue' : !isObject(device.limits) ? 'limits' : !isObject(device.lost) || typeof (device.lost as { then?: unknown }).then !== 'function' ? 'lost' : undefined;
    if (what) fail('OPTION', op0, 'device must be a GPUDevice', new Raw(`an object without ${what}`));
  }
  if (name !== undefined && (typeof name !== 'string' || name === '')) fail('OPTION', op0, 'name must be a non-empty string', name);
  if (workgroupSize !== undefined && !Number.isInteger(workgroupSize)) fail('OPTION', op0, 'workgroupSize must be an integer', workgroupSize);
  if (minWork !== undefined && (typeof minWork !== 'number' || Number.isNaN(minWork) || minWork < 0)) fail('OPTION', op0, 'minWork must be a number ≥ 0', minWork);
  return {
    gpu: (gpu ?? undefined) as GPU | undefined,
    device: device as GPUDevice | undefined,
    name: (name as string | undefined) ?? 'webgpu',
    workgroupSize: workgroupSize as number | undefined,
    minWork: minWork as number | undefined,
  };
}

/** Runs a WebGPU call of setup; anything it throws that is not ours becomes `BACKEND`. */
async function setupStep<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof AdaPoolError) throw e;
    throw new AdaPoolError('BACKEND', op0, `${op0}: ${what} must succeed, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}

export async function createWebGPUBackend(options: WebGPUBackendOptions = {}): Promise<WebGPUBackend> {
  const settings = readSettings(options);
  let device = settings.device;
  const owned = !device;
  /** What the device depends on and the backend must keep alive (Dawn's GPU object, the adapter). */
  const retained: unknown[] = [];
  if (!device) {
    const gpu = settings.gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
    if (!gpu) {
      const where = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node
        ? "Node has no navigator.gpu: pass { gpu: create([]) } with create from the 'webgpu' package (npm install webgpu; import { create } from 'webgpu')"
        : 'navigator.gpu, or pass { gpu }';
      throw new AdaPoolError('UNSUPPORTED', op0, `${op0}: WebGPU must be available (${where}), got no GPU object`);
    }
    const adapter = await setupStep('requestAdapter()', () => gpu.requestAdapter({ powerPreference: 'high-performance' }));
    if (!adapter) {
      throw new AdaPoolError('UNSUPPORTED', op0, `${op0}: a WebGPU adapter must be available, got none from requestAdapter() (no GPU or driver; in Node point VK_ICD_FILENAMES at a Vulkan driver, e.g. SwiftShader)`);
    }
    retained.push(gpu, adapter);
    const L = adapter.limits;
    device = await setupStep('requestDevice()', () =>
      adapter.requestDevice({
        label: 'adapool',
        requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
        requiredLimits: {
          maxStorageBufferBindingSize: L.maxStorageBufferBindingSize,
          maxBufferSize: L.maxBufferSize,
          maxComputeInvocationsPerWorkgroup: L.maxComputeInvocationsPerWorkgroup,
          maxComputeWorkgroupSizeX: L.maxComputeWorkgroupSizeX,
        },
      }),
    );
  }
  const dev = device;
  try {
    const fmaFused = await setupStep('a first dispatch on the device', async () => {
      try {
        return await probeFma(dev);
      } catch (e) {
        // a lost device (e.g. destroyed) fails here: say so
        const lost = await Promise.race([dev.lost, new Promise<undefined>((r) => setTimeout(r, 50))]);
        if (lost) throw new AdaPoolError('DEVICE', op0, `${op0}: the WebGPU device must be alive, got a lost device (${lost.reason}: ${lost.message || 'no message'})`);
        throw e;
      }
    });
    return makeBackend(dev, owned, settings, fmaFused, retained);
  } catch (e) {
    if (owned) dev.destroy(); // nothing leaked on bad options
    throw e;
  }
}

/** x = m·2^e with m in [0.5, 1), for any positive finite float64 x (idwEps reaches the shader so). */
export function frexp(x: number): [number, number] {
  if (!(x > 0) || !Number.isFinite(x)) return [0, 0];
  let e = Math.min(Math.floor(Math.log2(x)) + 1, 1024);
  let m = x / 2 ** (e - 1) / 2;
  for (; m >= 1; e++) m /= 2;
  for (; m < 0.5; e--) m *= 2;
  return [m, e];
}

/** Whether the device's adapter is a software implementation (never chosen by 'auto'). */
function isSoftware(device: GPUDevice): boolean {
  const info = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  if (!info) return false;
  if (info.isFallbackAdapter) return true;
  return /swiftshader|llvmpipe|lavapipe|warp|software/i.test(`${info.vendor} ${info.architecture} ${info.device} ${info.description}`);
}

/** Whether `fma` is fused on this device (Vulkan allows it not to be; SwiftShader's is not). */
async function probeFma(device: GPUDevice): Promise<boolean> {
  const a = Math.fround(1 + 2 ** -12 + 2 ** -20);
  const b = Math.fround(1 + 2 ** -13 + 2 ** -21);
  const module = device.createShaderModule({
    label: 'adapool:probe-fma',
    code: `@group(0) @binding(0) var<storage, read_write> V: array<f32>;
@compute @workgroup_size(1) fn main() { let p = V[0] * V[1]; V[2] = fma(V[0], V[1], -p); }`,
  });
  const pipeline = device.createComputePipeline({ label: 'adapool:probe-fma', layout: 'auto', compute: { module, entryPoint: 'main' } });
  const buf = device.createBuffer({ label: 'adapool:probe-fma', size: 16, usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST });
  const read = device.createBuffer({ label: 'adapool:probe-fma-read', size: 16, usage: USAGE.MAP_READ | USAGE.COPY_DST });
  try {
    device.queue.writeBuffer(buf, 0, new Float32Array([a, b, 0, 0]));
    const enc = device.createCommandEncoder({ label: 'adapool:probe-fma' });
    const pass = enc.beginComputePass({ label: 'adapool:probe-fma' });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, device.createBindGroup({ label: 'adapool:probe-fma', layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: buf } }] }));
    pass.dispatchWorkgroups(1);
    pass.end();
    enc.copyBufferToBuffer(buf, 0, read, 0, 16);
    device.queue.submit([enc.finish({ label: 'adapool:probe-fma' })]);
    await read.mapAsync(MAP_READ_MODE);
    const lo = new Float32Array(read.getMappedRange())[2];
    read.unmap();
    return lo === a * b - Math.fround(a * b);
  } finally {
    buf.destroy();
    read.destroy();
  }
}

function makeBackend(device: GPUDevice, owned: boolean, options: Settings, fmaFused: boolean, retained: unknown[]): WebGPUBackend {
  const limits = device.limits;
  const maxInvocations = Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
  const wg = options.workgroupSize ?? Math.min(DEFAULT_WORKGROUP, maxInvocations);
  if (!Number.isInteger(wg) || wg < 1 || wg > maxInvocations) {
    throw new AdaPoolError('OPTION', op0, `${op0}: workgroupSize must be an integer in [1, ${maxInvocations}] (this device's limits), got ${String(options.workgroupSize)}`);
  }
  /** Tree reductions need a power of two. */
  const treeWg = 2 ** Math.floor(Math.log2(wg));
  const name = options.name;
  const software = isSoftware(device);
  const minWork = options.minWork ?? (software ? Infinity : DEFAULT_MIN_WORK);
  const maxBinding = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const pool = new BufferPool(device, limits.maxBufferSize);
  let cache = pipelineCache.get(device);
  if (!cache) pipelineCache.set(device, (cache = new Map()));
  const pipelines = cache;
  const counters = { readbacks: 0, dispatches: 0, submits: 0 };
  let profiler: { set: GPUQuerySet; resolve: GPUBuffer; next: number; cap: number } | undefined;
  let lostInfo: { reason: string; message: string } | undefined;
  let destroyed = false;
  device.lost.then((info) => {
    lostInfo = { reason: info.reason, message: info.message };
  });

  const alive = (op: string): void => {
    if (destroyed) throw new AdaPoolError('DEVICE', op, `${op}: the '${name}' backend must not be destroyed, got a destroyed backend; create a new one with createWebGPUBackend()`);
    if (lostInfo) {
      throw new AdaPoolError('DEVICE', op, `${op}: the WebGPU device must be alive, got a lost device (${lostInfo.reason}: ${lostInfo.message || 'no message'}); create a new backend with createWebGPUBackend() and register it`);
    }
  };

  /** Refuses (before allocating anything) a buffer larger than one storage binding may be. */
  const fits = (op: string, what: string, elements: number): number => {
    const bytes = elements * 4;
    if (bytes > maxBinding) {
      throw new AdaPoolError('UNSUPPORTED', op, `${op}: every buffer must fit this device's maxStorageBufferBindingSize (${maxBinding} bytes), got ${what} of ${bytes} bytes`);
    }
    return Math.max(4, bytes);
  };

  const alloc = (length: number, dtype: 'float32' | 'int32', label: string): GpuTensor => ({
    buffer: pool.acquire(USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST, Math.max(4, length * 4), label),
    length,
    dtype,
  });
  const bind = (t: GpuTensor | undefined): Binding | undefined => (t ? { buffer: t.buffer, bytes: Math.max(4, t.length * 4) } : undefined);

  // Geometry tables per plan geometry (small; kept while the same geometry is in use).
  const geometries = new Map<string, { table: ReturnType<typeof geometryTable>; binding: Binding }>();
  const geometry = (plan: PoolPlan) => {
    const key = JSON.stringify(plan.axes);
    let g = geometries.get(key);
    if (g) {
      geometries.delete(key);
      geometries.set(key, g); // most recently used last
      return g;
    }
    const table = geometryTable(plan);
    const bytes = table.data.byteLength;
    const buffer = pool.acquire(USAGE.STORAGE | USAGE.COPY_DST, bytes, `geometry[${plan.inSize}→${plan.outSize}]`);
    device.queue.writeBuffer(buffer, 0, table.data as Int32Array<ArrayBuffer>);
    g = { table, binding: { buffer, bytes } };
    geometries.set(key, g);
    if (geometries.size > 64) {
      const [oldKey, old] = geometries.entries().next().value!;
      geometries.delete(oldKey);
      pool.release(old.binding.buffer);
    }
    return g;
  };

  const baseParams = (plan: PoolPlan, table: ReturnType<typeof geometryTable>): Record<string, number | number[]> => {
    const { n } = plan;
    const bstr = plan.beta?.strides;
    const [epsM, epsE] = frexp(plan.idwEps);
    return {
      cInner: plan.channelsLast ? 1 : 0,
      N: plan.N,
      C: plan.C,
      outputs: plan.outSize.reduce((p, d) => p * d, 1),
      inputs: plan.inSize.reduce((p, d) => p * d, 1),
      countIncludePad: plan.countIncludePad ? 1 : 0,
      idwEpsM: epsM,
      idwEpsE: epsE,
      opParam: opParam(plan),
      nanBits: 0x7fc00000,
      fmaFused: fmaFused ? 1 : 0,
      L: padFront(plan.inSize, 1),
      O: padFront(plan.outSize, 1),
      K: padFront(plan.window, 1),
      xs: spatial(plan.inputStrides),
      ys: spatial(plan.outputStrides),
      ms: padFront(plan.maskStrides.s.slice(0, n), 0),
      mk: padFront(plan.maskStrides.s.slice(n), 0),
      bs: bstr ? spatial(bstr) : [0, 0, 0],
      nc: [...batchChannel(plan.inputStrides), ...batchChannel(plan.outputStrides)],
      mnc: [...batchChannel(plan.maskStrides), ...(bstr ? batchChannel(bstr) : [0, 0])],
      tapOff: table.tapOff,
      cntOff: table.cntOff,
      padOff: table.padOff,
      csrOff: table.csrOff,
      pairOff: table.pairOff,
    };
  };

  const compiled = (spec: KernelSpec): Compiled => {
    const key = specKey(spec);
    let c = pipelines.get(key);
    if (!c) {
      const shader = generate(spec);
      const module = device.createShaderModule({ label: `adapool:${key}`, code: shader.code });
      const pipeline = device.createComputePipeline({ label: `adapool:${key}`, layout: 'auto', compute: { module, entryPoint: 'main' } });
      pipelines.set(key, (c = { pipeline, bindings: shader.bindings }));
    }
    return c;
  };

  /** Workgroup grid for `total` invocations, folded into 2D above maxComputeWorkgroupsPerDimension. */
  const grid = (op: string, total: number, workgroups?: number): [number, number] => {
    const groups = workgroups ?? Math.ceil(total / wg);
    const maxDim = limits.maxComputeWorkgroupsPerDimension;
    if (groups <= maxDim) return [groups, 1];
    const y = Math.ceil(groups / maxDim);
    if (y > maxDim) throw new AdaPoolError('UNSUPPORTED', op, `${op}: the work must fit ${maxDim}² workgroups of ${wg}, got ${total} invocations`);
    return [Math.ceil(groups / y), y];
  };

  /** Encodes the passes into one command buffer and submits it. */
  const run = (op: string, plan: PoolPlan, passes: Pass[]): void => {
    const g = geometry(plan);
    const base = baseParams(plan, g.table);
    const enc = device.createCommandEncoder({ label: `adapool:${op}` });
    const temps: GPUBuffer[] = [];
    try {
      for (const p of passes) {
        if (p.total === 0) continue;
        const [gx, gy] = grid(op, p.total, p.workgroups);
        const { pipeline, bindings } = compiled(p.spec);
        const ub = pool.acquire(USAGE.UNIFORM | USAGE.COPY_DST, Params.size, `${op}:params`);
        temps.push(ub);
        device.queue.writeBuffer(ub, 0, Params.pack({ ...base, ...p.params, total: p.total }));
        const buffers: Record<string, Binding | undefined> = { G: g.binding, ...p.buffers };
        const bindGroup = device.createBindGroup({
          label: `adapool:${op}:${p.spec.kind}`,
          layout: pipeline.getBindGroupLayout(0),
          entries: [
            { binding: 0, resource: { buffer: ub, size: Params.size } },
            ...bindings.map((b, i) => {
              const buf = buffers[b];
              if (!buf) throw new Error(`adapool webgpu internal: binding ${b} missing for ${specKey(p.spec)}`);
              return { binding: i + 1, resource: { buffer: buf.buffer, size: buf.bytes } };
            }),
          ],
        });
        let timestampWrites: GPUComputePassTimestampWrites | undefined;
        if (profiler && profiler.next + 2 <= profiler.cap) {
          timestampWrites = { querySet: profiler.set, beginningOfPassWriteIndex: profiler.next, endOfPassWriteIndex: profiler.next + 1 };
          profiler.next += 2;
        }
        const pass = enc.beginComputePass({ label: `adapool:${op}:${p.spec.kind}`, timestampWrites });
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, bindGroup);
        pass.dispatchWorkgroups(gx, gy);
        pass.end();
        counters.dispatches++;
      }
      device.queue.submit([enc.finish({ label: `adapool:${op}` })]);
      counters.submits++;
    } finally {
      for (const t of temps) pool.release(t);
    }
  };

  /** Allocates results, runs, and frees the results again if anything throws. */
  const withOutputs = <R>(specs: [length: number, dtype: 'float32' | 'int32', label: string][], body: (outs: GpuTensor[]) => R): R => {
    const outs = specs.map(([len, dt, label]) => alloc(len, dt, label));
    try {
      return body(outs);
    } catch (e) {
      for (const o of outs) pool.release(o.buffer);
      throw e;
    }
  };

  const windows = (plan: PoolPlan) => plan.N * plan.C * plan.outSize.reduce((p, d) => p * d, 1);
  const positions = (plan: PoolPlan) => plan.N * plan.C * plan.inSize.reduce((p, d) => p * d, 1);

  const poolKernel = (method: PoolMethod) => (plan: PoolPlan, x: GpuTensor, beta?: GpuTensor) => {
    const op = plan.op;
    alive(op);
    fits(op, 'the input', plan.inputElements);
    fits(op, 'the output', plan.outputElements);
    if (plan.returnMask) fits(op, 'the mask', plan.maskElements);
    const indices = plan.returnMask && method === 'max';
    const specs: [number, 'float32' | 'int32', string][] = [[plan.outputElements, 'float32', `${op}:output`]];
    if (plan.returnMask) specs.push([plan.maskElements, 'float32', `${op}:mask`]);
    if (indices) specs.push([plan.outputElements, 'int32', `${op}:indices`]);
    return withOutputs(specs, ([output, mask, idx]) => {
      run(op, plan, [
        {
          spec: { kind: 'pool', method, mask: plan.returnMask, indices, wg },
          total: windows(plan),
          buffers: { X: bind(x), B: bind(beta), Y: bind(output), M: bind(mask), I: bind(idx) },
        },
      ]);
      return { output, mask, indices: idx };
    });
  };

  const gradKernel = (method: PoolMethod) => (plan: PoolPlan, x: GpuTensor, dy: GpuTensor, beta?: GpuTensor) => {
    const op = plan.op;
    alive(op);
    fits(op, 'the input', plan.inputElements);
    fits(op, 'the output', plan.outputElements);
    const rs = recordStride(method);
    if (method !== 'avg') fits(op, 'the per-window backward record', windows(plan) * rs);
    const withBeta = method === 'ada' && beta !== undefined && plan.beta !== undefined;
    const specs: [number, 'float32' | 'int32', string][] = [[plan.inputElements, 'float32', `${op}:dx`]];
    if (withBeta) specs.push([plan.beta!.size, 'float32', `${op}:dbeta`]);
    return withOutputs(specs, ([dx, dbeta]) => {
      const gather: Pass = { spec: { kind: 'gather', method, wg }, total: positions(plan), buffers: { X: bind(x), DY: bind(dy), DX: bind(dx) } };
      if (method === 'avg') {
        run(op, plan, [gather]);
        return { dx };
      }
      const rec = alloc(Math.max(1, windows(plan) * rs), method === 'max' ? 'int32' : 'float32', `${op}:record`);
      const part = withBeta ? alloc(plan.outputElements, 'float32', `${op}:dbeta-partials`) : undefined;
      try {
        const prep: Pass = {
          spec: { kind: 'prep', method: method as Exclude<PoolMethod, 'avg'>, wg },
          total: windows(plan),
          params: { recStride: rs },
          buffers: { X: bind(x), B: bind(beta), DY: bind(dy), PART: bind(part), REC: bind(rec) },
        };
        gather.params = { recStride: rs };
        gather.buffers.REC = bind(rec);
        const passes = [prep, gather];
        if (withBeta) {
          const size = plan.beta!.size;
          const tree = plan.outputElements / size >= 64; // many outputs per β element
          passes.push({
            spec: { kind: 'betaReduce', tree, wg: tree ? treeWg : wg },
            total: size,
            workgroups: tree ? size : undefined,
            buffers: { PART: bind(part), DB: bind(dbeta) },
          });
        }
        run(op, plan, passes);
      } finally {
        pool.release(rec.buffer);
        if (part) pool.release(part.buffer);
      }
      return isScore(method) && withBeta ? { dx, dbeta } : { dx };
    });
  };

  const kernels: Partial<Kernels<GpuTensor>> = {
    adaUnpool: (plan, v, mask) => {
      const op = plan.op;
      alive(op);
      fits(op, 'the output', plan.inputElements);
      fits(op, 'the mask', plan.maskElements);
      return withOutputs([[plan.inputElements, 'float32', `${op}:U`]], ([U]) => {
        run(op, plan, [{ spec: { kind: 'unpool', wg }, total: positions(plan), buffers: { V: bind(v), W: bind(mask), U: bind(U) } }]);
        return U;
      });
    },
    adaUnpoolGrad: (plan, v, mask, dU) => {
      const op = plan.op;
      alive(op);
      fits(op, 'dU', plan.inputElements);
      fits(op, 'the mask', plan.maskElements);
      return withOutputs(
        [
          [plan.outputElements, 'float32', `${op}:dv`],
          [plan.maskElements, 'float32', `${op}:dmask`],
        ],
        ([dv, dmask]) => {
          run(op, plan, [
            { spec: { kind: 'unpoolGrad', wg }, total: windows(plan), buffers: { V: bind(v), W: bind(mask), X: bind(dU), DV: bind(dv), DW: bind(dmask) } },
          ]);
          return { dv, dmask };
        },
      );
    },
  };
  for (const m of POOL_METHODS) {
    kernels[`${m}Pool`] = poolKernel(m);
    kernels[`${m}PoolGrad`] = gradKernel(m);
  }

  /**
   * One writeBuffer from the caller's data (converted first only when it is not already `dtype`'s
   * typed array over an ArrayBuffer: writeBuffer takes no SharedArrayBuffer in Dawn, so a view of a
   * threaded wasm backend's shared memory is copied once).
   */
  function write(data: ArrayLike<number>, dtype: 'float32' | 'int32', op: string): GpuTensor {
    alive(op);
    fits(op, 'the tensor', data.length);
    const plain = (a: ArrayBufferView) => a.buffer instanceof ArrayBuffer;
    const typed = dtype === 'int32' ? (data instanceof Int32Array && plain(data) ? data : Int32Array.from(data)) : data instanceof Float32Array && plain(data) ? data : Float32Array.from(data);
    const t = alloc(typed.length, dtype, 'tensor');
    if (typed.length) device.queue.writeBuffer(t.buffer, 0, typed.buffer as ArrayBuffer, typed.byteOffset, typed.byteLength);
    return t;
  }

  /** Copies `h` to a staging buffer, maps it and hands the mapped range to `take` (before unmapping). */
  async function readBack<T>(h: GpuTensor, take: (mapped: ArrayBuffer) => T): Promise<T> {
    const op = 'Tensor.read';
    alive(op);
    const bytes = h.length * 4;
    if (bytes === 0) return take(new ArrayBuffer(0));
    const staging = pool.acquire(USAGE.MAP_READ | USAGE.COPY_DST, bytes, 'readback');
    const enc = device.createCommandEncoder({ label: 'adapool:read' });
    enc.copyBufferToBuffer(h.buffer, 0, staging, 0, bytes);
    device.queue.submit([enc.finish({ label: 'adapool:read' })]);
    counters.readbacks++;
    try {
      await staging.mapAsync(MAP_READ_MODE, 0, bytes);
    } catch (e) {
      // a device lost while waiting: report it as such
      await Promise.race([device.lost, new Promise((r) => setTimeout(r, 50))]);
      alive(op);
      throw new AdaPoolError('DEVICE', op, `${op}: the GPU readback must succeed, got ${(e as Error).message}`);
    }
    try {
      return take(staging.getMappedRange(0, bytes));
    } finally {
      staging.unmap();
      pool.release(staging);
    }
  }

  const backend: WebGPUBackend = {
    name,
    device,
    workgroupSize: wg,
    get lost() {
      return lostInfo !== undefined;
    },
    kernels,
    software,
    auto: { priority: AUTO_PRIORITY, minWork },
    supports: (_kernel: KernelName, _plan: PoolPlan) => true,
    upload: (data: TypedArray, called?: string): GpuTensor => write(data, data instanceof Int32Array ? 'int32' : 'float32', called ?? `${name}.upload`),
    write,
    read: (h: GpuTensor): Promise<TypedArray> => readBack(h, (mapped) => (h.dtype === 'int32' ? new Int32Array(mapped.slice(0)) : new Float32Array(mapped.slice(0)))),
    readInto: (h: GpuTensor, into: TypedArray): Promise<void> => readBack(h, (mapped) => into.set(h.dtype === 'int32' ? new Int32Array(mapped) : new Float32Array(mapped))),
    unusable: () =>
      lostInfo ? `whose WebGPU device was lost (${lostInfo.reason}: ${lostInfo.message || 'no message'}); its tensors cannot be read, make new ones` : destroyed ? 'that was destroyed; its tensors cannot be read, make new ones' : undefined,
    dispose(h: GpuTensor): void {
      if (lostInfo || destroyed) return;
      pool.release(h.buffer);
    },
    stats(): WebGPUStats {
      return { ...pool.stats(), ...counters, pipelines: pipelines.size };
    },
    sync: () => device.queue.onSubmittedWorkDone(),
    async gpuTime(fn: () => void) {
      alive('gpuTime');
      if (!device.features.has('timestamp-query')) return undefined;
      const cap = 4096;
      const set = device.createQuerySet({ label: 'adapool:timestamps', type: 'timestamp', count: cap });
      const resolve = device.createBuffer({ label: 'adapool:timestamps-resolve', size: cap * 8, usage: USAGE.QUERY_RESOLVE | USAGE.COPY_SRC });
      const staging = device.createBuffer({ label: 'adapool:timestamps-read', size: cap * 8, usage: USAGE.MAP_READ | USAGE.COPY_DST });
      profiler = { set, resolve, next: 0, cap };
      let used = 0;
      try {
        fn();
      } finally {
        used = profiler.next;
        profiler = undefined;
      }
      try {
        if (used === 0) return { ms: 0, passes: 0 };
        const enc = device.createCommandEncoder({ label: 'adapool:timestamps' });
        enc.resolveQuerySet(set, 0, used, resolve, 0); // after the timed submissions, in queue order
        enc.copyBufferToBuffer(resolve, 0, staging, 0, used * 8);
        device.queue.submit([enc.finish({ label: 'adapool:timestamps' })]);
        await staging.mapAsync(MAP_READ_MODE, 0, used * 8);
        const t = new BigInt64Array(staging.getMappedRange(0, used * 8).slice(0));
        staging.unmap();
        let ns = 0n;
        for (let i = 0; i < used; i += 2) if (t[i + 1] > t[i]) ns += t[i + 1] - t[i];
        return { ms: Number(ns) / 1e6, passes: used / 2 };
      } finally {
        set.destroy();
        resolve.destroy();
        staging.destroy();
      }
    },
    destroy(): void {
      if (destroyed) return;
      destroyed = true;
      for (const g of geometries.values()) g.binding.buffer.destroy();
      geometries.clear();
      pool.clear();
      if (owned) device.destroy();
      retained.length = 0; // the GPU object and adapter: kept alive (referenced from here) until now
    },
  };
  return backend;
}
