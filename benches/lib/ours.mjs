// Our backends through @adapool/core's public API: 'js' (the float64 reference) and 'wasm'
// (@adapool/wasm, loaded from ../packages/wasm/dist when it has been built).
import * as ap from '../../packages/core/dist/index.js';

export { ap };
/** Every pooling op, by the name the layers and playground use (softPool for emPool), from core's op descriptors. */
export const OPS = Object.values(ap.poolOpDefs).map((d) => d.layer.op);

/**
 * @adapool/wasm as the Node, Deno and Bun harness finds it: ../packages/wasm/dist when built;
 * ADAPOOL_BENCH_WASM=/path/to/dist/index.js benches a build elsewhere (e.g. another checkout).
 * -> { module } or { error }, and where it came from. (The browser page passes its own bundled copy.)
 */
async function wasmFromDist() {
  const { existsSync } = await import('node:fs');
  const { pathToFileURL } = await import('node:url');
  const env = globalThis.process?.env ?? {};
  const url = env.ADAPOOL_BENCH_WASM ? pathToFileURL(env.ADAPOOL_BENCH_WASM) : new URL('../../packages/wasm/dist/index.js', import.meta.url);
  const from = decodeURIComponent(url.pathname);
  if (!existsSync(url)) return { from, error: `@adapool/wasm is not built: ${from} is missing (merge the Wasm backend, then npm run build at the root)` };
  return { from, module: await import(url.href) };
}

/** Rank-checked op names of the public API: softPool2d, softPool2dGrad, adaPool3dGrad, ... */
const fn = (op, n, grad) => {
  const f = ap[`${op}${n}d${grad ? 'Grad' : ''}`];
  if (typeof f !== 'function') throw new Error(`@adapool/core has no ${op}${n}d${grad ? 'Grad' : ''}`);
  return f;
};

export { betaData } from './data.mjs';

/**
 * How the inputs reach the op (API.md, Tensors), one adapter each:
 * - resident: `tensor(data, shape, { backend })` once, then op → read() per run;
 * - user: as the README writes it: `setBackend(backend)`, `tensor(data, shape)` once, then op → read();
 * - tensor: `tensor()` → op → read() → dispose per run (the copy in counted every time);
 * - from-js: inputs on 'js', the op names the backend, so core moves them in on every call
 *   (what every call paid before tensors were placed on the active backend).
 */
export const PATHS = {
  resident: 'op call + await read() of the result (dx and dbeta for adaPool); inputs made once with tensor(data, shape, { backend })',
  user: "setBackend(backend); inputs made once with tensor(data, shape); op call + await read()",
  tensor: 'tensor(data, shape) → op → await read() → dispose, every run (the copy in is timed)',
  'from-js': "inputs on 'js'; op with { backend } (core copies them in on every call) + await read()",
  into: 'as user, but await read({ into }) into arrays made once (a loop that keeps its result buffers: no fresh memory per call)',
};

export function ours(backend, path = 'resident', loadWasm = wasmFromDist) {
  const user = path !== 'resident' && path !== 'from-js';
  const keep = path === 'into';
  return {
    name: path === 'resident' ? backend : `${backend}-${path}`,
    /** The core backend that computes (the name says how the inputs reach it). */
    backend,
    timed: PATHS[path],
    info: '',
    async load() {
      if (backend === 'js') {
        this.info = 'float64 reference, single thread';
        return undefined;
      }
      // 'wasm': one thread (the single-thread targets); 'wasm-t2', 'wasm-t4', …: that many threads
      const threads = backend === 'wasm' ? 1 : Number(/^wasm-t(\d+)$/.exec(backend)?.[1] ?? NaN);
      if (!(threads >= 1)) return `unknown backend ${backend}`;
      try {
        const { module: m, error, from } = await loadWasm();
        if (error) return error;
        if (typeof m.createWasmBackend !== 'function') return `@adapool/wasm: dist/index.js does not export createWasmBackend()`;
        if (!ap.listBackends().includes(backend)) {
          const b = await m.createWasmBackend({ threads, name: backend });
          if ((b.threads ?? 1) !== threads) return `@adapool/wasm: ${threads} threads asked, ${b.threads ?? 1} given (${b.threadsNote ?? 'a build without threads'})`;
          ap.registerBackend(b);
        }
        this.info = `@adapool/wasm from ${from}, ${threads} thread${threads > 1 ? 's' : ''}`;
      } catch (e) {
        return `@adapool/wasm failed to load: ${String(e?.message ?? e).split('\n')[0]}`;
      }
      return undefined;
    },
    supports(op) {
      return OPS.includes(op) ? true : 'no such op';
    },
    prepare(op, dir, c, data) {
      const n = c.shape.length - 2;
      const geometry = { kernelSize: c.kernel, stride: c.stride };
      // user paths name no backend: setBackend() picks it (set again before each run, since the
      // adapters' runs interleave with the other backends' in one process)
      const opts = user ? geometry : { ...geometry, backend };
      const home = path === 'from-js' ? 'js' : backend;
      const ada = op === 'adaPool';
      const make = (arr, shape) => (user ? ap.tensor(arr, shape) : ap.tensor(arr, shape, { backend: home }));
      // only what the call takes: x, dy for backward, β for adaPool
      const inputs = () => [make(data.x, c.shape), dir === 'backward' ? make(data.dy, c.outShape) : undefined, ada ? make(data.beta.data, data.beta.shape) : undefined];
      const onBackend = (fn) => {
        if (user) ap.setBackend(backend);
        try {
          return fn();
        } finally {
          if (user) ap.setBackend('auto');
        }
      };
      let held = path === 'tensor' ? undefined : onBackend(inputs);
      const f = fn(op, n, dir === 'backward');
      const call = ([x, dy, beta]) =>
        dir === 'forward' ? (ada ? f(x, beta, opts) : f(x, opts)) : ada ? f(x, beta, dy, opts) : f(x, dy, opts);
      let where;
      const intos = [];
      let both;
      return {
        async run() {
          const { ins, parts } = onBackend(() => {
            const ins = held ?? inputs();
            const r = call(ins);
            return { ins, parts: r instanceof ap.Tensor ? [r] : [r.dx, r.dbeta] };
          });
          where ??= parts[0].backend;
          const values = [];
          for (const [i, t] of parts.entries()) {
            values.push(await t.read(keep ? { into: (intos[i] ??= t.dtype === 'int32' ? new Int32Array(t.size) : new Float32Array(t.size)) } : undefined));
            t.dispose();
          }
          if (!held) for (const t of ins) t?.dispose();
          if (values.length === 1) return values[0];
          const all = keep ? (both ??= new Float32Array(values[0].length + values[1].length)) : new Float32Array(values[0].length + values[1].length);
          all.set(values[0]);
          all.set(values[1], values[0].length);
          return all;
        },
        /** The backend that actually computed (core falls back to 'js' with a warning when a kernel is missing). */
        ranOn: () => where,
        toChannelsFirst: (v) => v,
        dispose() {
          for (const t of held ?? []) t?.dispose();
          held = undefined;
        },
      };
    },
  };
}
