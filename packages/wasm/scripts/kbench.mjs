#!/usr/bin/env node
// Kernel tuning aid (not the benchmark suite): median ms of N runs of each op on a resident
// 'wasm' tensor (op call + read + dispose, as benches/ times it). SHAPE=1,64,112,112 K=2 N=31.
// VARIANTS=1: one case per run variant instead (scripts/variant-cases.mjs, the variant tests' list).
import * as ap from '@adapool/core';
import { createWasmBackend, RUN_KERNELS, VARIANTS } from '../dist/index.js';
import { caseRunner, variantCases } from './variant-cases.mjs';

const shape = (process.env.SHAPE ?? '1,64,112,112').split(',').map(Number);
const k = Number(process.env.K ?? 2);
const N = Number(process.env.N ?? 31);
const ops = (process.env.OPS ?? 'softPool,adaPool,maxPool,avgPool').split(',');
const { readFileSync } = await import('node:fs');
const backend = await createWasmBackend(process.env.WASM ? { module: readFileSync(process.env.WASM) } : { simd: process.env.SCALAR !== '1' });
ap.registerBackend(backend);
const size = shape.reduce((a, b) => a * b);
const x = ap.tensor(Float32Array.from({ length: size }, () => Math.random() * 4 - 2), shape, { backend: 'wasm' });
const beta = ap.tensor(Float32Array.from({ length: shape[1] }, () => 0.2 + 0.6 * Math.random()), [shape[1], 1, 1], { backend: 'wasm' });
const opts = { kernelSize: k, stride: 2, backend: 'wasm' };
const y0 = ap.avgPool(x, opts);
const dy = ap.tensor(Float32Array.from({ length: y0.size }, () => Math.random()), y0.shape, { backend: 'wasm' });
const F = {
  softPool: [() => ap.softPool(x, opts), () => ap.softPoolGrad(x, dy, opts)],
  adaPool: [() => ap.adaPool(x, beta, opts), () => ap.adaPoolGrad(x, beta, dy, opts)],
  maxPool: [() => ap.maxPool(x, opts), () => ap.maxPoolGrad(x, dy, opts)],
  avgPool: [() => ap.avgPool(x, opts), () => ap.avgPoolGrad(x, dy, opts)],
  edscwPool: [() => ap.edscwPool(x, opts), () => ap.edscwPoolGrad(x, dy, opts)],
  idwPool: [() => ap.idwPool(x, opts), () => ap.idwPoolGrad(x, dy, opts)],
};
const time = (f) => {
  const all = [];
  for (let i = 0; i < N + 3; i++) {
    const s = performance.now();
    const r = f();
    const parts = r.dx ? [r.dx, r.dbeta].filter(Boolean) : [r];
    for (const t of parts) t.readSync();
    const e = performance.now() - s;
    for (const t of parts) t.dispose();
    if (i >= 3) all.push(e);
  }
  all.sort((a, b) => a - b);
  return all[all.length >> 1].toFixed(3);
};
if (process.env.VARIANTS === '1') {
  // one case per run variant (scripts/variant-cases.mjs: the variant tests' cases at their bench
  // shapes), each checked through the debug hit counters to have run that variant
  const b = backend;
  for (const c of variantCases({ RUN_KERNELS, VARIANTS })) {
    if (!b.simd && c.variant !== 'channels' && c.variant !== 'streamed') continue; // the scalar build has no lane groups
    const n = c.bench.reduce((p, d) => p * d, 1);
    const xv = ap.tensor(Float32Array.from({ length: n }, () => Math.random() * 4 - 2), c.bench, { backend: 'wasm' });
    const dys = [];
    const dyOf = (shape, size) => {
      if (!dys[0]) dys.push(ap.tensor(Float32Array.from({ length: size }, () => Math.random()), shape, { backend: 'wasm' }));
      return dys[0];
    };
    const run = caseRunner(ap, c, xv, dyOf);
    const hits = b.upload(new Int32Array(VARIANTS.length));
    b.hits = hits;
    for (const t of run()) t.dispose();
    b.hits = undefined;
    const ran = b.readSync(hits)[VARIANTS.indexOf(c.variant)];
    b.dispose(hits);
    console.log(`${c.variant.padEnd(20)} ${c.op} ${JSON.stringify(c.opts)} [${c.bench}]: ${time(() => { const r = run(); return r.length > 1 ? { dx: r[0], dbeta: r[1] } : r[0]; })} ms (median of ${N})${ran > 0 ? '' : ' — the variant did not run'}`);
    for (const t of [xv, ...dys]) t.dispose();
  }
} else {
  for (const op of ops) console.log(`${op} k${k}s2 [${shape}]: fwd ${time(F[op][0])} bwd ${time(F[op][1])} ms (median of ${N})`);
}
