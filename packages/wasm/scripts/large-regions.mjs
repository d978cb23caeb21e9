#!/usr/bin/env node
// Accuracy and time of global pooling (outputSize 1) on large planes, against core's float64
// reference: for each op, the output's and the gradient's worst |Δ| as a multiple of the
// OPERATORS.md §6 tolerance (≤ 1 passes), and min ms of 3 forwards and 3 backwards (after a first
// call, which builds the region table).
// SIZES=256,1024,2048,4096 OPS=avgPool,maxPool,softPool,edscwPool,idwPool,adaPool DATA=ramp|constant
// SCALAR=1 (scalar build), WASM=path (another build, e.g. an older one).
import * as ap from '@adapool/core';
import { readFileSync } from 'node:fs';
import { createWasmBackend } from '../dist/index.js';

const sizes = (process.env.SIZES ?? '256,1024,2048,4096').split(',').map(Number);
const ops = (process.env.OPS ?? 'avgPool,maxPool,softPool,edscwPool,idwPool,adaPool').split(',');
const data = process.env.DATA ?? 'ramp';
ap.registerBackend(await createWasmBackend(process.env.WASM ? { module: readFileSync(process.env.WASM) } : { simd: process.env.SCALAR !== '1' }));
const METHOD = { avgPool: 'avg', maxPool: 'max', softPool: 'em', edscwPool: 'edscw', idwPool: 'idw', adaPool: 'ada' };
const TOL = { forward: [1e-5, 1e-4], grad: [1e-4, 1e-3] };

/** Worst |Δ| / (atol + rtol |ref|). */
function worst(got, ref, [atol, rtol]) {
  let w = 0;
  for (let i = 0; i < ref.length; i++) {
    const e = Math.abs(got[i] - ref[i]) / (atol + rtol * Math.abs(ref[i]));
    w = Math.max(w, Number.isNaN(e) ? Infinity : e);
  }
  return w;
}

/** Min ms of 3 calls (op + read + dispose), after the first (which builds and caches the region table). */
function time(f) {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = f();
    r.readSync();
    best = Math.min(best, performance.now() - t);
    r.dispose();
  }
  return best;
}

console.log(`data ${data}; worst |Δ| / §6 tolerance (forward, dx) and ms (forward, backward)`);
for (const S of sizes) {
  const shape = [1, 1, S, S];
  const xs = Float32Array.from({ length: S * S }, (_, i) => (data === 'constant' ? 1.1 : 1 + 0.5 * ((i * 0.6180339887498949) % 1)));
  const dys = Float32Array.from([0.75]);
  const x = ap.tensor(xs, shape);
  const dy = ap.tensor(dys, [1, 1, 1, 1]);
  for (const op of ops) {
    const method = METHOD[op];
    const opts = { outputSize: 1, backend: 'wasm' };
    const { plan: p0 } = ap.planPool(op, method, x, { outputSize: 1 }, ap.poolOpDefs[method].options, undefined);
    const beta = ap.tensor([0.6], []);
    const plan = method === 'ada' ? ap.withBeta(p0, ap.planBeta(op, beta, p0)) : p0;
    const b = method === 'ada' ? [0.6] : undefined;
    const fwd = () => (method === 'ada' ? ap.adaPool(x, beta, opts) : ap[op](x, opts));
    const bwd = () => (method === 'ada' ? ap.adaPoolGrad(x, beta, dy, opts).dx : ap[`${op}Grad`](x, dy, opts));
    const y = fwd();
    const g = bwd();
    const yv = y.readSync();
    const gv = g.readSync();
    const tf = time(fwd);
    const tb = time(bwd);
    const ref = ap.referencePool(plan, xs, b).output;
    const refg = ap.referencePoolGrad(plan, xs, dys, b).dx;
    const ef = worst(yv, ref, TOL.forward);
    const eb = worst(gv, refg, TOL.grad);
    console.log(`${S}² ${op}: ${ef.toFixed(3)} ${eb.toFixed(3)}  (y ${yv[0]} ref ${ref[0].toPrecision(9)})  ${tf.toFixed(1)} / ${tb.toFixed(1)} ms`);
    for (const r of [y, g, beta]) r.dispose();
  }
  x.dispose();
  dy.dispose();
}
