#!/usr/bin/env node
// Steady-call speed-up of 2 threads over 1 (docs/benchmarks.md, "Threads"): softPool and adaPool,
// forward and gradient, inputs resident, op → read() in blocks of 10 calls, 1 and 2 threads
// alternating, median of 60 each.
//   node packages/wasm/scripts/threads-speedup.mjs
import { registerBackend, adaPoolGrad, adaPool2d, softPool2d, softPoolGrad, tensor } from '@adapool/core';
import { createWasmBackend } from '@adapool/wasm';
const bs = [await createWasmBackend({ threads: 1, name: 'w1' }), await createWasmBackend({ threads: 2, name: 'w2' })];
bs.forEach(registerBackend);
for (const shape of [[1,64,112,112],[8,256,28,28],[1,3,512,512]]) {
const n = shape.reduce((a,b)=>a*b); const d = new Float32Array(n); for (let i=0;i<n;i++) d[i]=Math.sin(i*0.37)*3;
const C = shape[1];
for (const [name, f] of [['soft fwd', (x,b,dy,o)=>softPool2d(x,o)], ['soft bwd', (x,b,dy,o)=>softPoolGrad(x,dy,o)], ['ada fwd', (x,b,dy,o)=>adaPool2d(x,b,o)], ['ada bwd', (x,b,dy,o)=>adaPoolGrad(x,b,dy,o).dx]]) {
  // blocks of 10 calls, the two backends alternating (ratios from one stretch of machine time)
  const setups = bs.map((b) => {
    const o = { kernelSize: 2, backend: b.name };
    const x = tensor(d, shape, { backend: b.name });
    const beta = tensor(new Float32Array(C).fill(0.4), [C,1,1], { backend: b.name });
    const dy = tensor(new Float32Array(n/4).fill(0.1), [shape[0], C, shape[2]/2, shape[3]/2], { backend: b.name });
    return { run: () => f(x, beta, dy, o), ts: [] };
  });
  for (let round = 0; round < 7; round++) for (const s of setups) for (let r = 0; r < 10; r++) {
    const t = performance.now(); const y = s.run(); await y.read(); if (round > 0) s.ts.push(performance.now() - t); y.dispose();
  }
  const res = setups.map((s) => s.ts.sort((a, b) => a - b)[s.ts.length >> 1]);
  console.log(shape.join('x'), name, res.map(v=>v.toFixed(3)).join(' '), (res[0]/res[1]).toFixed(2)+'x');
}}
bs.forEach(b=>b.destroy());
