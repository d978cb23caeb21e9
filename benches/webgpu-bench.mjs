#!/usr/bin/env node
/**
 * WebGPU benchmark: forward and backward of every 2D/3D op on 8x256x56x56 and 2x64x16x112x112
 * (kernel 2, stride 2), timed with timestamp queries where the device has them (else queue
 * completion), as GB/s against the device's measured buffer-copy bandwidth; plus a size sweep of
 * the CPU backend (wasm if built, else js) against WebGPU for the `'auto'` threshold.
 *
 *   npm run build && node benches/webgpu-bench.mjs [--quick] [--sweep] [--torch] [--reps N] [--out FILE]
 *   --quick   small shapes (2x64x28x28, 1x16x8x28x28): for SwiftShader, which is a CPU
 *   --sweep   CPU-vs-WebGPU size sweep (end to end: CPU tensor in, result read back)
 *   --reps N, --warmup N   timed repetitions (median) and untimed warm-up runs per op
 *   --only a,b  only these ops (avgPool,maxPool,softPool,edscwPool,idwPool,adaPool,adaUnpool)
 *   --torch   also time PyTorch CUDA max/avg pooling and the composite SoftPool
 *             avg_pool(x·eˣ)/avg_pool(eˣ) on the same shapes (python3 with torch + CUDA)
 * On a lent GPU machine: `bash ../shared/gpu/pack.sh benches/webgpu-bench.mjs`, then the device
 * tool with carry [".gpu"] and `bash .gpu/on-device.sh --torch --out $OUT/webgpu.json`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { create } from 'webgpu';
import * as ap from '../packages/core/dist/index.js';
import { createWebGPUBackend } from '../packages/webgpu/dist/index.js';

const args = process.argv.slice(2);
const flag = (f) => args.includes(f);
const value = (f, d) => (args.includes(f) ? args[args.indexOf(f) + 1] : d);
const QUICK = flag('--quick');
const REPS = Number(value('--reps', QUICK ? 5 : 20));
const WARMUP = Number(value('--warmup', 2));
const OUT = value('--out', undefined);

const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(ICD)) process.env.VK_ICD_FILENAMES = ICD;

const SHAPES = QUICK
  ? [[2, 64, 28, 28], [1, 16, 8, 28, 28]]
  : [[8, 256, 56, 56], [2, 64, 16, 112, 112]];
const ALL_OPS = ['avgPool', 'maxPool', 'softPool', 'edscwPool', 'idwPool', 'adaPool', 'adaUnpool'];
const OPS = value('--only', undefined)?.split(',') ?? ALL_OPS;
for (const op of OPS) if (!ALL_OPS.includes(op)) throw new Error(`--only: unknown op ${op} (${ALL_OPS.join(', ')})`);

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const size = (shape) => shape.reduce((p, d) => p * d, 1);
const fill = (n, seed = 7) => {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) a[i] = ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 4 - 2;
  return a;
};

const gpu = create([]);
const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
if (!adapter) throw new Error('no WebGPU adapter (on a CPU-only machine: apt-get install -y chromium libvulkan1 for SwiftShader)');
const info = adapter.info;
const backend = await createWebGPUBackend({ gpu });
ap.registerBackend(backend);
const device = backend.device;
const timestamps = device.features.has('timestamp-query');
const result = {
  date: new Date().toISOString(),
  adapter: `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.trim(),
  timing: timestamps ? 'timestamp queries (GPU time of the op’s compute passes)' : 'queue completion',
  reps: REPS,
  quick: QUICK,
};
console.log(`adapter: ${result.adapter}; timing: ${result.timing}; reps ${REPS}`);

/** Buffer-copy bandwidth (read + write bytes / s), queue completion over a batch of copies. */
async function copyBandwidth(bytes) {
  bytes = Math.min(bytes, device.limits.maxBufferSize) & ~3;
  const a = device.createBuffer({ label: 'bench:copy-src', size: bytes, usage: 4 | 8 }); // COPY_SRC | COPY_DST
  const b = device.createBuffer({ label: 'bench:copy-dst', size: bytes, usage: 4 | 8 });
  const batch = 10;
  const times = [];
  for (let r = 0; r < 4; r++) {
    await device.queue.onSubmittedWorkDone();
    const t0 = performance.now();
    const enc = device.createCommandEncoder({ label: 'bench:copy' });
    for (let i = 0; i < batch; i++) enc.copyBufferToBuffer(i % 2 ? b : a, 0, i % 2 ? a : b, 0, bytes);
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
    if (r > 0) times.push((performance.now() - t0) / batch);
  }
  a.destroy();
  b.destroy();
  const ms = median(times);
  return { bytes, ms, GBps: (2 * bytes) / (ms * 1e6) };
}

/** Median ms of `run` (which queues GPU work and disposes its results). */
async function timeOp(run) {
  for (let i = 0; i < WARMUP; i++) run();
  await backend.sync();
  if (timestamps) {
    const v = [];
    for (let r = 0; r < REPS; r++) {
      const t = await backend.gpuTime(run);
      if (t && t.ms > 0) v.push(t.ms);
    }
    if (v.length) return { ms: median(v), how: 'timestamps' };
  }
  const batches = [];
  const per = Math.max(1, Math.floor(REPS / 3));
  for (let r = 0; r < 3; r++) {
    await backend.sync();
    const t0 = performance.now();
    for (let i = 0; i < per; i++) run();
    await backend.sync();
    batches.push((performance.now() - t0) / per);
  }
  return { ms: median(batches), how: 'queue' };
}

function opCalls(op, x, shape) {
  const n = shape.length - 2;
  const o = { kernelSize: 2, stride: 2 };
  const outShape = [shape[0], shape[1], ...shape.slice(2).map((s) => Math.floor(s / 2))];
  const dyG = ap.tensor(fill(size(outShape), 3), outShape, { backend: 'webgpu' });
  const beta = 0.5;
  const pool = { avgPool: ap.avgPool, maxPool: ap.maxPool, softPool: ap.softPool, edscwPool: ap.edscwPool, idwPool: ap.idwPool };
  const grad = { avgPool: ap.avgPoolGrad, maxPool: ap.maxPoolGrad, softPool: ap.softPoolGrad, edscwPool: ap.edscwPoolGrad, idwPool: ap.idwPoolGrad };
  const inN = size(shape);
  const outN = size(outShape);
  const K = 2 ** n;
  if (op === 'adaUnpool') {
    const { output, mask } = ap.adaPool(x, beta, { ...o, returnMask: true });
    const dU = x;
    return {
      fwd: () => ap.adaUnpool(output, mask, o).dispose(),
      bwd: () => {
        const g = ap.adaUnpoolGrad(output, mask, dU, o);
        g.dv.dispose();
        g.dmask.dispose();
      },
      fwdBytes: 4 * (outN + outN * K + inN),
      bwdBytes: 4 * (outN + outN * K + inN + outN + outN * K),
      free: () => [output, mask, dyG].forEach((t) => t.dispose()),
    };
  }
  if (op === 'adaPool') {
    return {
      fwd: () => ap.adaPool(x, beta, o).dispose(),
      bwd: () => {
        const g = ap.adaPoolGrad(x, beta, dyG, o);
        g.dx.dispose();
        g.dbeta.dispose();
      },
      fwdBytes: 4 * (inN + outN),
      bwdBytes: 4 * (2 * inN + outN),
      free: () => dyG.dispose(),
    };
  }
  return {
    fwd: () => pool[op](x, o).dispose(),
    bwd: () => grad[op](x, dyG, o).dispose(),
    fwdBytes: 4 * (inN + outN),
    bwdBytes: 4 * (2 * inN + outN),
    free: () => dyG.dispose(),
  };
}

result.ops = [];
result.copy = [];
for (const shape of SHAPES) {
  const copy = await copyBandwidth(4 * size(shape));
  result.copy.push({ shape, ...copy });
  console.log(`\n${shape.join('x')}: buffer copy ${copy.GBps.toFixed(1)} GB/s (${(copy.bytes / 2 ** 20).toFixed(2)} MiB, ${copy.ms.toFixed(3)} ms)`);
  console.log('op          fwd ms   GB/s  %copy | bwd ms   GB/s  %copy');
  const x = ap.tensor(fill(size(shape)), shape, { backend: 'webgpu' });
  for (const op of OPS) {
    const c = opCalls(op, x, shape);
    const f = await timeOp(c.fwd);
    const b = await timeOp(c.bwd);
    c.free();
    const row = {
      shape,
      op,
      fwdMs: f.ms,
      bwdMs: b.ms,
      how: f.how,
      fwdGBps: c.fwdBytes / (f.ms * 1e6),
      bwdGBps: c.bwdBytes / (b.ms * 1e6),
    };
    row.fwdPctCopy = (100 * row.fwdGBps) / copy.GBps;
    row.bwdPctCopy = (100 * row.bwdGBps) / copy.GBps;
    result.ops.push(row);
    console.log(
      `${op.padEnd(10)} ${f.ms.toFixed(3).padStart(8)} ${row.fwdGBps.toFixed(1).padStart(6)} ${row.fwdPctCopy.toFixed(0).padStart(5)}% | ${b.ms.toFixed(3).padStart(7)} ${row.bwdGBps.toFixed(1).padStart(6)} ${row.bwdPctCopy.toFixed(0).padStart(5)}%`,
    );
  }
  x.dispose();
}

if (flag('--sweep')) {
  // CPU backend: wasm when it is built, else the js reference
  let cpu = 'js';
  try {
    const wasm = await import('../packages/wasm/dist/index.js');
    ap.registerBackend(await wasm.createWasmBackend());
    cpu = 'wasm';
  } catch {
    /* not built in this checkout */
  }
  const sides = QUICK ? [4, 8, 16, 32, 64, 128] : [4, 8, 16, 32, 64, 128, 256, 512];
  result.sweep = { cpu, op: 'softPool2d k2 s2, [1,16,H,W], CPU tensor in → result read back', rows: [] };
  console.log(`\nsweep: softPool2d end to end, ${cpu} vs webgpu`);
  console.log('H=W    work        cpu ms   webgpu ms');
  const reps = Math.max(3, Math.min(REPS, 9));
  for (const s of sides) {
    const shape = [1, 16, s, s];
    const x = ap.tensor(fill(size(shape)), shape);
    const times = {};
    for (const name of [cpu, 'webgpu']) {
      const v = [];
      for (let r = 0; r < reps + 1; r++) {
        const t0 = performance.now();
        const y = ap.softPool2d(x, { backend: name });
        await y.read();
        y.dispose();
        if (r > 0) v.push(performance.now() - t0);
      }
      times[name] = median(v);
    }
    const work = size(shape) * 4;
    result.sweep.rows.push({ H: s, work, cpuMs: times[cpu], webgpuMs: times.webgpu });
    console.log(`${String(s).padEnd(6)} ${String(work).padEnd(11)} ${times[cpu].toFixed(3).padStart(8)} ${times.webgpu.toFixed(3).padStart(10)}`);
    x.dispose();
  }
  const rows = result.sweep.rows;
  const i = rows.findIndex((r, k) => rows.slice(k).every((q) => q.webgpuMs < q.cpuMs));
  result.sweep.crossoverWork = i >= 0 ? rows[i].work : null;
  console.log(i >= 0 ? `WebGPU faster from work ≈ ${rows[i].work} (minWork)` : 'WebGPU never faster in this sweep');
}

if (flag('--torch')) {
  const PY = String.raw`
import json, sys, torch, torch.nn.functional as F
shapes = json.loads(sys.argv[1]); reps = int(sys.argv[2]); out = []
def t(fn):
    for _ in range(3): fn()
    torch.cuda.synchronize(); v = []
    for _ in range(reps):
        a = torch.cuda.Event(enable_timing=True); b = torch.cuda.Event(enable_timing=True)
        a.record(); fn(); b.record(); torch.cuda.synchronize(); v.append(a.elapsed_time(b))
    v.sort(); return v[len(v)//2]
for s in shapes:
    pool = F.avg_pool2d if len(s) == 4 else F.avg_pool3d
    mpool = F.max_pool2d if len(s) == 4 else F.max_pool3d
    x = torch.randn(*s, device='cuda', requires_grad=True)
    soft = lambda x: pool(x * x.exp(), 2) / pool(x.exp(), 2)
    for name, f in [('avgPool', lambda x: pool(x, 2)), ('maxPool', lambda x: mpool(x, 2)), ('softPool composite', soft)]:
        y = f(x); g = torch.randn_like(y)
        fwd = t(lambda: f(x))
        bwd = t(lambda: torch.autograd.grad(f(x), x, g)) - fwd
        out.append(dict(shape=s, op=name, fwdMs=fwd, bwdMs=bwd))
print(json.dumps(dict(torch=torch.__version__, gpu=torch.cuda.get_device_name(0), rows=out)))
`;
  const r = spawnSync('python3', ['-c', PY, JSON.stringify(SHAPES), String(REPS)], { encoding: 'utf8' });
  if (r.status === 0) {
    result.torch = JSON.parse(r.stdout.trim().split('\n').pop());
    console.log(`\nPyTorch ${result.torch.torch} on ${result.torch.gpu}:`);
    for (const row of result.torch.rows) console.log(`${row.shape.join('x')} ${row.op.padEnd(20)} fwd ${row.fwdMs.toFixed(3)} ms  bwd ${row.bwdMs.toFixed(3)} ms`);
  } else {
    console.log(`\nPyTorch run failed: ${(r.stderr || String(r.error)).slice(-500)}`);
  }
}

if (OUT) writeFileSync(OUT, JSON.stringify(result, null, 2));
backend.destroy();
