// Our backends through @adapool/core's public API: 'js' (the float64 reference) and 'wasm'
// (@adapool/wasm, loaded from ../packages/wasm/dist when it has been built).
import { existsSync } from 'node:fs';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import * as ap from '../../packages/core/dist/index.js';

export { ap };
export const OPS = ['avgPool', 'maxPool', 'softPool', 'edscwPool', 'idwPool', 'adaPool'];
// ADAPOOL_BENCH_WASM=/path/to/dist/index.js benches a build elsewhere (e.g. another checkout).
const WASM_DIST = process.env.ADAPOOL_BENCH_WASM ? pathToFileURL(process.env.ADAPOOL_BENCH_WASM) : new URL('../../packages/wasm/dist/index.js', import.meta.url);

/** Rank-checked op names of the public API: softPool2d, softPool2dGrad, adaPool3dGrad, ... */
const fn = (op, n, grad) => {
  const f = ap[`${op}${n}d${grad ? 'Grad' : ''}`];
  if (typeof f !== 'function') throw new Error(`@adapool/core has no ${op}${n}d${grad ? 'Grad' : ''}`);
  return f;
};

/** β per channel, channels-first form [C,1,…,1] (OPERATORS.md 4.6), values spread over (0,1). */
export function betaData(shape) {
  const C = shape[1];
  return { data: Float32Array.from({ length: C }, (_, c) => 0.2 + (0.6 * c) / Math.max(1, C - 1)), shape: [C, ...new Array(shape.length - 2).fill(1)] };
}

export function ours(backend) {
  return {
    name: backend,
    timed: 'op call + await read() of the result (dx and dbeta for adaPool), input already on the backend',
    info: '',
    async load() {
      if (backend === 'js') {
        this.info = 'float64 reference, single thread';
        return undefined;
      }
      if (backend !== 'wasm') return `unknown backend ${backend}`;
      if (!existsSync(WASM_DIST)) return `@adapool/wasm is not built: ${decodeURIComponent(WASM_DIST.pathname)} is missing (merge the Wasm backend, then npm run build at the root)`;
      try {
        const m = await import(WASM_DIST.href);
        if (typeof m.createWasmBackend !== 'function') return `@adapool/wasm: dist/index.js does not export createWasmBackend()`;
        if (!ap.listBackends().includes('wasm')) ap.registerBackend(await m.createWasmBackend());
        this.info = `@adapool/wasm from ${decodeURIComponent(WASM_DIST.pathname)}`;
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
      const opts = { kernelSize: c.kernel, stride: c.stride, backend };
      // Inputs live on the backend before timing; a kernelSize-1 avgPool is the public way to
      // move a tensor there (an exact copy).
      const onBackend = (arr, shape) => {
        const t = ap.tensor(arr, shape);
        if (backend === 'js') return t;
        const moved = ap.avgPool(t, { kernelSize: 1, backend });
        t.dispose();
        return moved;
      };
      const x = onBackend(data.x, c.shape);
      const dy = onBackend(data.dy, c.outShape);
      const beta = onBackend(data.beta.data, data.beta.shape);
      const ada = op === 'adaPool';
      const f = fn(op, n, dir === 'backward');
      const call =
        dir === 'forward' ? (ada ? () => f(x, beta, opts) : () => f(x, opts)) : ada ? () => f(x, beta, dy, opts) : () => f(x, dy, opts);
      let where;
      return {
        async run() {
          const r = call();
          const parts = r instanceof ap.Tensor ? [r] : [r.dx, r.dbeta];
          where ??= parts[0].backend;
          const values = [];
          for (const t of parts) {
            values.push(await t.read());
            t.dispose();
          }
          if (values.length === 1) return values[0];
          const all = new Float32Array(values[0].length + values[1].length);
          all.set(values[0]);
          all.set(values[1], values[0].length);
          return all;
        },
        /** The backend that actually computed (core falls back to 'js' with a warning when a kernel is missing). */
        ranOn: () => where,
        toChannelsFirst: (v) => v,
        dispose() {
          for (const t of [x, dy, beta]) t.dispose();
        },
      };
    },
  };
}
