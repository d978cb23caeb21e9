// The anchors: other libraries' pooling on the same data, single-threaded unless asked.
//   tfjs-wasm  @tensorflow/tfjs-backend-wasm (XNNPACK, SIMD binary, no threads), NHWC/NDHWC
//   ort-web    onnxruntime-web, wasm execution provider, numThreads 1
//   ort-node   onnxruntime-node, native CPU execution provider, 1 intra-op and 1 inter-op thread
// tfjs-wasm and ort-web take how to load them (`NODE_TFJS`, the package import by default), so
// the browser page (browser.mjs) runs the same adapters on its bundled or served copies, threaded.
// Each adapter: `load()` -> undefined or the reason it cannot run here; `supports(op, dir, c)`
// -> true or a reason; `prepare(op, dir, c, data)` -> { run() -> Float32Array (channels-first),
// dispose() }. What a timed run includes is in `timed`.
import { lastLayout, toChannelsFirst, toChannelsLast } from './data.mjs';
import { expModel, poolModel } from './graphs.mjs';

const here = (p) => new URL(p, import.meta.url);
const INSTALL = 'not installed: cd benches && ONNXRUNTIME_NODE_INSTALL=skip npm ci';
const ANCHOR_OPS = new Set(['avgPool', 'maxPool', 'softPool', 'lpPool']);
/** Seen with tfjs-backend-wasm 4.22.0 (the mismatching cells are exactly the all-negative windows). */
export const TFJS_MAX_DEFECT = {
  forward: 'tfjs-backend-wasm defect: MaxPool3D returns 0 for windows whose values are all negative',
  backward: 'tfjs-backend-wasm defect: MaxPoolGrad/MaxPool3DGrad drop the gradient of windows whose values are all negative',
};

async function tryImport(name) {
  try {
    return { mod: await import(name) };
  } catch (e) {
    const notFound = /Cannot find (module|package)|ERR_MODULE_NOT_FOUND|not found|Could not resolve/i.test(String(e?.message ?? e));
    return { error: notFound ? `${name} ${INSTALL}` : `${name} failed to load: ${String(e?.message ?? e).split('\n')[0]}` };
  }
}

/**
 * tf.grad needs tfjs-core's gradient registrations, which its npm bundles leave out (the
 * `@tensorflow/tfjs` union package adds them) and whose ES sources use extensionless imports
 * Node and Deno cannot resolve. So we bundle `dist/register_all_gradients.js` once with the
 * root's esbuild into benches/.cache; tfjs keeps its registries and engine on globalThis, so
 * this copy registers into the same engine.
 */
async function registerTfjsGradients(version) {
  const file = here(`../.cache/tfjs-core-${version}-gradients.mjs`);
  const { existsSync } = await import('node:fs');
  if (!existsSync(file)) {
    let esbuild;
    try {
      esbuild = await import('esbuild');
    } catch (e) {
      return `tfjs gradients: ${decodeURIComponent(file.pathname)} is missing and esbuild (root devDependency) cannot be loaded here to build it: ${String(e?.message ?? e).split('\n')[0]}`;
    }
    await esbuild.build({
      entryPoints: ['@tensorflow/tfjs-core/dist/register_all_gradients.js'],
      absWorkingDir: decodeURIComponent(here('..').pathname),
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      outfile: decodeURIComponent(file.pathname),
      logLevel: 'error',
    });
  }
  await import(file.href);
  return undefined;
}

/** tfjs as Node, Deno and Bun load it: the packages, gradients bundled once, .wasm files from node_modules, no threads. */
export const NODE_TFJS = {
  core: () => tryImport('@tensorflow/tfjs-core'),
  wasm: () => tryImport('@tensorflow/tfjs-backend-wasm'),
  gradients: (tf) => registerTfjsGradients(tf.version_core),
  wasmPath: () => decodeURIComponent(here('../node_modules/@tensorflow/tfjs-backend-wasm/dist/').pathname),
  threadsAvailable: false,
};

/** threads > 1: the threaded SIMD binary (where `env.threadsAvailable`: a cross-origin-isolated page). */
export function tfjsWasm(threads = 1, env = NODE_TFJS) {
  let tf;
  const a = {
    name: threads === 1 ? 'tfjs-wasm' : `tfjs-wasm-t${threads}`,
    timed: 'op (+ tf.grad for backward) + dataSync() of the result; input already a tfjs tensor (NHWC)',
    info: '',
    async load() {
      if (threads > 1 && !env.threadsAvailable) return `tfjs-backend-wasm: its threaded build needs a cross-origin-isolated page (no threads in ${globalThis.Deno ? 'Deno' : globalThis.Bun ? 'Bun' : 'Node'}: it runs its pthreads as Web Workers)`;
      const core = await env.core();
      if (core.error) return core.error;
      const wasm = await env.wasm();
      if (wasm.error) return wasm.error;
      tf = core.mod;
      const gradsWhy = await env.gradients(tf);
      if (gradsWhy) return gradsWhy;
      try {
        // 1 thread: the SIMD binary without threads (tell the loader threads are unavailable);
        // more: the threaded SIMD binary, with that many threads
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1);
        wasm.mod.setWasmPaths(env.wasmPath());
        wasm.mod.setThreadsCount(threads);
        if (!(await tf.setBackend('wasm'))) return 'tfjs: setBackend("wasm") failed';
        await tf.ready();
        const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
        // getThreadsCount() is what XNNPACK's pthreadpool reports; with the threaded binary in
        // Chromium it says 1 whatever was set (the timings show whether the threads ran)
        a.info = threads === 1 ? `tfjs ${tf.version_core}, simd ${simd}, threads 1` : `tfjs ${tf.version_core}, simd ${simd}, threaded SIMD binary, setThreadsCount(${threads}) (getThreadsCount() reports ${wasm.mod.getThreadsCount()})`;
        if (!simd) return `tfjs-backend-wasm: no SIMD support in this runtime (${a.info})`;
      } catch (e) {
        return `tfjs-backend-wasm failed to initialise: ${String(e?.message ?? e).split('\n')[0]}`;
      }
      return undefined;
    },
    supports(op) {
      return ANCHOR_OPS.has(op) ? true : 'no such op';
    },
    prepare(op, dir, c, data) {
      const n = c.shape.length - 2;
      const k = new Array(n).fill(c.kernel);
      const s = new Array(n).fill(c.stride);
      const avg = n === 2 ? (v) => tf.avgPool(v, k, s, 'valid') : (v) => tf.avgPool3d(v, k, s, 'valid');
      const max = n === 2 ? (v) => tf.maxPool(v, k, s, 'valid') : (v) => tf.maxPool3d(v, k, s, 'valid');
      if (n !== 2 && n !== 3) throw new Error(`tfjs anchor: 2D or 3D only, got rank ${c.shape.length}`);
      const taps = k.reduce((a, b) => a * b, 1);
      // lpPool (p = 2), tfjs has none: √(|K|·avgPool(x²))
      const f = { avgPool: avg, maxPool: max, softPool: (v) => { const e = tf.exp(v); return tf.div(avg(tf.mul(v, e)), avg(e)); }, lpPool: (v) => tf.sqrt(tf.mul(avg(tf.square(v)), taps)) }[op];
      const x = tf.tensor(toChannelsLast(data.x, c.shape), lastLayout(c.shape), 'float32');
      const dy = tf.tensor(toChannelsLast(data.dy, c.outShape), lastLayout(c.outShape), 'float32');
      const grad = tf.grad(f);
      const once = dir === 'forward' ? () => tf.tidy(() => f(x)) : () => grad(x, dy);
      return {
        run() {
          const r = once();
          const v = r.dataSync();
          r.dispose();
          return v;
        },
        toChannelsFirst: (v) => toChannelsFirst(v, dir === 'forward' ? c.outShape : c.shape),
        dispose() {
          x.dispose();
          dy.dispose();
        },
        leakCheck: () => tf.memory().numTensors,
      };
    },
    /** Exp of the whole input, for the bounds table. */
    prepareExp(c, data) {
      const x = tf.tensor(data.x, c.shape, 'float32');
      return {
        run() {
          const r = tf.exp(x);
          const v = r.dataSync();
          r.dispose();
          return v;
        },
        dispose: () => x.dispose(),
      };
    },
  };
  return a;
}

function ortAdapter(name, pkg, timed, configure, sessionOptions, importer = () => tryImport(pkg)) {
  let ort;
  return {
    name,
    timed,
    info: '',
    async load() {
      const m = await importer();
      if (m.error) return m.error;
      ort = m.mod.default?.InferenceSession ? m.mod.default : m.mod;
      try {
        this.info = configure(ort) ?? '';
        // One tiny session proves the runtime (native binding / wasm binary) really loads.
        const s = await ort.InferenceSession.create(poolModel('maxPool', 'forward', [1, 1, 2, 2], 2, 2), sessionOptions);
        await s.run({ x: new ort.Tensor('float32', new Float32Array(4), [1, 1, 2, 2]) });
        await s.release?.();
      } catch (e) {
        return `${pkg} failed to initialise: ${String(e?.message ?? e).split('\n')[0]}`;
      }
      return undefined;
    },
    supports(op, dir) {
      if (!ANCHOR_OPS.has(op)) return 'no such op';
      return true;
    },
    async prepare(op, dir, c, data) {
      const session = await ort.InferenceSession.create(poolModel(op, dir, c.shape, c.kernel, c.stride), sessionOptions);
      const feeds = { x: new ort.Tensor('float32', data.x, c.shape) };
      if (dir === 'backward') feeds.dy = new ort.Tensor('float32', data.dy, c.outShape);
      const out = dir === 'forward' ? 'y' : 'dx';
      return {
        async run() {
          const r = await session.run(feeds);
          return r[out].data;
        },
        toChannelsFirst: (v) => v,
        dispose: () => session.release?.(),
      };
    },
    /** Exp of the whole input, for the bounds table. */
    async prepareExp(c, data) {
      const session = await ort.InferenceSession.create(expModel(c.shape), sessionOptions);
      const feeds = { x: new ort.Tensor('float32', data.x, c.shape) };
      return {
        run: async () => (await session.run(feeds)).y.data,
        dispose: () => session.release?.(),
      };
    },
  };
}

/** ort-web's thread count is process-wide (`ort.env.wasm.numThreads`, fixed at its first session). */
let ortWebThreads;
export const ortWeb = (threads = 1, importer = undefined) =>
  ortAdapter(
    threads === 1 ? 'ort-web' : `ort-web-t${threads}`,
    'onnxruntime-web',
    'session.run() incl. copying the input into the wasm heap and the output out; composition graphs built in-process',
    (ort) => {
      if (ortWebThreads !== undefined && ortWebThreads !== threads) throw new Error(`numThreads is process-wide and ${ortWebThreads} here: bench ort-web-t${threads} in a run of its own (--backends)`);
      ortWebThreads = threads;
      ort.env.wasm.numThreads = threads;
      ort.env.wasm.proxy = false;
      if ('simd' in ort.env.wasm) ort.env.wasm.simd = true;
      ort.env.logLevel = 'error';
      return `onnxruntime-web ${ort.env.versions?.web ?? ''}, wasm EP, numThreads ${threads}`;
    },
    { executionProviders: ['wasm'], graphOptimizationLevel: 'all' },
    importer,
  );

export const ortNode = (threads = 1) =>
  ortAdapter(
    threads === 1 ? 'ort-node' : `ort-node-t${threads}`,
    'onnxruntime-node',
    'session.run() incl. the output copy; composition graphs built in-process',
    (ort) => {
      ort.env.logLevel = 'error';
      return `onnxruntime-node ${ort.env.versions?.node ?? ''}, CPU EP, intra-op threads ${threads}, inter-op 1`;
    },
    { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' },
  );
