#!/usr/bin/env node
// Quick single-threaded throughput sanity check (not the benchmark suite, which lives in benches/):
// median ms of forward and backward on 1×64×112×112, k2s2 and k3s2, on 'wasm' (SIMD and scalar)
// and the reference 'js'. Run after `npm run build`: node packages/wasm/scripts/throughput.mjs
import * as ap from '@adapool/core';
import { createWasmBackend } from '../dist/index.js';

const reps = Number(process.env.REPS ?? 15);
const shape = (process.env.SHAPE ?? '1,64,112,112').split(',').map(Number);
const cl = process.env.CL === '1';
const withJs = process.env.JS !== '0';
const x = ap.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => Math.random() * 4 - 2), cl ? [shape[0], shape[2], shape[3], shape[1]] : shape);
const beta = ap.tensor(new Float32Array([0.5]), []);

function disposeAll(r) {
  for (const v of [r].flat()) {
    if (v?.dispose) v.dispose();
    else for (const u of Object.values(v ?? {})) u?.dispose?.();
  }
}

/** Median ms of `reps` runs after 3 untimed warm-up runs. */
function median(fn) {
  for (let i = 0; i < 3; i++) disposeAll(fn());
  const t = [];
  for (let i = 0; i < reps; i++) {
    const s = performance.now();
    const r = fn();
    t.push(performance.now() - s);
    disposeAll(r);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

const simd = await createWasmBackend();
ap.registerBackend(simd);
const scalar = await createWasmBackend({ simd: false });
const backends = [['wasm-simd', simd], ['wasm-scalar', scalar]];
const rows = [];
for (const k of [2, 3]) {
  const opts = { kernelSize: k, stride: 2, channelsLast: cl };
  const y = ap.avgPool(x, opts);
  const dy = ap.tensor(Float32Array.from({ length: y.size }, () => Math.random()), y.shape);
  y.dispose();
  const ops = [
    ['softPool', (o) => ap.softPool(x, o), (o) => ap.softPoolGrad(x, dy, o)],
    ['adaPool', (o) => ap.adaPool(x, beta, o), (o) => ap.adaPoolGrad(x, beta, dy, o)],
    ['maxPool', (o) => ap.maxPool(x, o), (o) => ap.maxPoolGrad(x, dy, o)],
    ['avgPool', (o) => ap.avgPool(x, o), (o) => ap.avgPoolGrad(x, dy, o)],
    ['edscwPool', (o) => ap.edscwPool(x, o), (o) => ap.edscwPoolGrad(x, dy, o)],
    ['idwPool', (o) => ap.idwPool(x, o), (o) => ap.idwPoolGrad(x, dy, o)],
  ];
  for (const [name, fwd, bwd] of ops) {
    const row = { op: `${name} k${k}s2${cl ? ' cl' : ''}` };
    for (const [label, b] of backends) {
      ap.removeBackend('wasm');
      ap.registerBackend(b);
      row[`${label} fwd`] = median(() => fwd({ ...opts, backend: 'wasm' })).toFixed(2);
      row[`${label} bwd`] = median(() => bwd({ ...opts, backend: 'wasm' })).toFixed(2);
    }
    if (withJs) {
      row['js fwd'] = median(() => fwd({ ...opts, backend: 'js' })).toFixed(1);
      row['js bwd'] = median(() => bwd({ ...opts, backend: 'js' })).toFixed(1);
    }
    rows.push(row);
  }
}
console.log(`shape ${JSON.stringify(x.shape)}, median of ${reps} runs, ms (${new Date().toISOString()}, Node ${process.version})`);
console.table(rows);
