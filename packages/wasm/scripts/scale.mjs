#!/usr/bin/env node
// Scale bench (issue 11), timed through the public API: tensor() → op → read(), on 'wasm'.
// For softPool2d k2 s2, forward and gradient, on a large image against a small reference shape:
//   memory   backend.memoryBytes() after the call vs the call's tensor bytes (target ≤ 1.25x + 16 MiB)
//   first    the first call of a new geometry vs the steady (median) call (target ≤ 1.5x): the
//            module has run one call of the same sizes with another geometry (outputSize, the
//            same windows as adaptive pooling), so this is what a new geometry costs; 'fresh'
//            is that warm-up call, the first of a fresh module (memory grows and is first touched)
//   per-el   steady ms per input element vs the reference shape's (target ≤ 1.3x)
// and whether the huge shape runs at all (inside the 4 GiB rule).
// BIG=1,3,4096,4096 REF=1,64,112,112 HUGE=1,3,8192,8192 (HUGE=0 skips it) N=5 SCALAR=1 WASM=path
// Each shape runs in a fresh backend (memory is measured from a fresh module).
import * as ap from '@adapool/core';
import { readFileSync } from 'node:fs';
import { createWasmBackend } from '../dist/index.js';

const parse = (s) => s.split(',').map(Number);
const big = parse(process.env.BIG ?? '1,3,4096,4096');
const ref = parse(process.env.REF ?? '1,64,112,112');
const huge = process.env.HUGE === '0' ? undefined : parse(process.env.HUGE ?? '1,3,8192,8192');
const N = Number(process.env.N ?? 5);
const opts = { kernelSize: 2, stride: 2 };
const MiB = 2 ** 20;
const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];

async function backend() {
  const b = await createWasmBackend(process.env.WASM ? { module: readFileSync(process.env.WASM) } : { simd: process.env.SCALAR !== '1' });
  ap.registerBackend(b); // replaces the previous 'wasm'
  ap.setBackend('wasm');
  return b;
}

/** One shape, fresh module: first and steady ms, memory after, tensor bytes, for fwd and grad. */
async function measure(shape, runs, dirs = ['forward', 'gradient']) {
  const b = await backend();
  const size = shape.reduce((p, d) => p * d, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = Math.sin(i * 0.37) * 2;
  const out = {};
  for (const dir of dirs) {
    const x = ap.tensor(data, shape);
    const outShape = [shape[0], shape[1], ...shape.slice(2).map((d) => Math.floor(d / 2))];
    const dy = dir === 'gradient' ? ap.tensor(new Float32Array(outShape.reduce((p, d) => p * d, 1)).fill(1), outShape) : undefined;
    const call = (o = opts) => (dir === 'forward' ? ap.softPool(x, o) : ap.softPoolGrad(x, dy, o));
    const times = [];
    let first = 0;
    const t0 = performance.now();
    const w = call({ outputSize: shape.slice(2).map((d) => Math.floor(d / 2)) });
    (w.dx ?? w).readSync();
    const fresh = performance.now() - t0;
    (w.dx ?? w).dispose();
    let peak = 0;
    let bytes = 0;
    for (let i = 0; i <= runs; i++) {
      const t = performance.now();
      const r = call();
      const res = r.dx ?? r;
      res.readSync();
      const ms = performance.now() - t;
      peak = Math.max(peak, b.memoryBytes());
      // the call's tensors: inputs (x, dy) and the result
      bytes = 4 * (size + (dy ? dy.size : 0) + res.size);
      res.dispose();
      if (i === 0) first = ms;
      else times.push(ms);
    }
    x.dispose();
    dy?.dispose();
    out[dir] = { fresh, first, steady: runs ? median(times) : first, memory: peak, bytes, elements: size };
  }
  return out;
}

const rows = [];
const R = await measure(ref, N);
const B = await measure(big, N);
for (const dir of ['forward', 'gradient']) {
  const r = R[dir];
  const g = B[dir];
  const perEl = g.steady / g.elements / (r.steady / r.elements);
  rows.push({
    case: `softPool2d k2 ${dir} [${big}]`,
    'memory MiB': (g.memory / MiB).toFixed(0),
    'tensors MiB': (g.bytes / MiB).toFixed(0),
    'mem/(1.25x+16)': (g.memory / (1.25 * g.bytes + 16 * MiB)).toFixed(2),
    'fresh ms': g.fresh.toFixed(0),
    'first ms': g.first.toFixed(0),
    'steady ms': g.steady.toFixed(0),
    'first/steady': (g.first / g.steady).toFixed(2),
    [`per-el vs [${ref}]`]: perEl.toFixed(2),
  });
}
console.log(`wasm ${process.env.SCALAR === '1' ? 'scalar' : 'simd'} build, median of ${N} steady calls; ref [${ref}] steady fwd ${R.forward.steady.toFixed(2)} ms, grad ${R.gradient.steady.toFixed(2)} ms`);
console.table(rows);
if (huge) {
  // each direction on its own (a fresh module), so a refusal of one still reports the other
  for (const dir of ['forward', 'gradient']) {
    try {
      const H = (await measure(huge, 0, [dir]))[dir];
      console.log(`[${huge}] ${dir} runs: ${H.first.toFixed(0)} ms, memory ${(H.memory / MiB).toFixed(0)} MiB`);
    } catch (e) {
      console.log(`[${huge}] ${dir} does not run: ${e.code ?? ''} ${e.message}`);
    }
  }
}
