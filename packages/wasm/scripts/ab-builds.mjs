#!/usr/bin/env node
// Two .wasm builds of this package's kernels side by side in one process (e.g. the SIMD build
// against the relaxed-SIMD one): the resident op call + readSync + dispose, interleaved, medians.
//   A=path B=path (default wasm-build/simd.wasm and wasm-build/relaxed.wasm; the relaxed build
//   needs an engine with relaxed SIMD: Node ≥ 22, or node --experimental-wasm-relaxed-simd)
//   SHAPE=1,64,112,112 K=2 OPS=em,ada,edscw,max,avg N=41
import * as ap from '@adapool/core';
import { readFileSync } from 'node:fs';
import { createWasmBackend } from '../dist/index.js';

const load = async (p) => createWasmBackend({ module: readFileSync(p) });
const paths = [process.env.A ?? 'wasm-build/simd.wasm', process.env.B ?? 'wasm-build/relaxed.wasm'];
const builds = await Promise.all(paths.map(load));
const shape = (process.env.SHAPE ?? '1,64,112,112').split(',').map(Number);
const size = shape.reduce((a, b) => a * b);
const xd = Float32Array.from({ length: size }, () => Math.random() * 4 - 2);
const C = shape[1];
const bd = Float32Array.from({ length: C }, () => 0.2 + 0.6 * Math.random());
const opts = { kernelSize: Number(process.env.K ?? 2), stride: 2 };
const N = Number(process.env.N ?? 41);
const med = (v) => v.sort((p, q) => p - q)[v.length >> 1];
for (const method of (process.env.OPS ?? 'em,ada,edscw,max,avg').split(',')) {
  const xt = ap.tensor(xd, shape, { backend: 'js' });
  let { plan } = ap.planPool('x', method, xt, opts, [], undefined);
  if (method === 'ada') plan = ap.withBeta(plan, ap.planBeta('x', ap.tensor(bd, [C, ...shape.slice(2).map(() => 1)], { backend: 'js' }), plan));
  const res = builds.map((b) => ({ b, x: b.upload(xd), beta: b.upload(bd), dy: b.upload(Float32Array.from({ length: plan.outputElements }, () => Math.random())), f: [], g: [], y: null }));
  for (let i = 0; i < N + 3; i++) {
    for (const r of i & 1 ? res : [...res].reverse()) {
      let t = performance.now();
      const y = r.b.kernels[`${method}Pool`]({ ...plan }, r.x, method === 'ada' ? r.beta : undefined);
      r.y = r.b.readSync(y.output);
      r.b.dispose(y.output);
      const tf = performance.now() - t;
      t = performance.now();
      const g = r.b.kernels[`${method}PoolGrad`]({ ...plan }, r.x, r.dy, method === 'ada' ? r.beta : undefined);
      r.b.readSync(g.dx); r.b.dispose(g.dx); if (g.dbeta) r.b.dispose(g.dbeta);
      const tg = performance.now() - t;
      if (i >= 3) { r.f.push(tf); r.g.push(tg); }
    }
  }
  let diff = 0;
  for (let i = 0; i < res[0].y.length; i++) diff = Math.max(diff, Math.abs(res[0].y[i] - res[1].y[i]));
  const [a, b] = res;
  console.log(`${method} [${shape}] k${opts.kernelSize}: fwd/bwd ms A ${med(a.f).toFixed(3)}/${med(a.g).toFixed(3)}  B ${med(b.f).toFixed(3)}/${med(b.g).toFixed(3)}  B/A ${(med(b.f) / med(a.f)).toFixed(2)}/${(med(b.g) / med(a.g)).toFixed(2)}  max |yA − yB| ${diff.toExponential(1)}`);
}
