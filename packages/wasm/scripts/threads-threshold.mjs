#!/usr/bin/env node
// Where splitting a call over threads starts to pay: op → read() on one thread and on `threads`
// threads splitting every call (threadMinWork 0), over growing inputs, for the cheapest op
// (maxPool k2s2: most overhead per unit of work) and softPool, in two regimes: calls back to back
// (the workers spin between calls) and calls 5 ms apart (the workers have gone to sleep).
// Medians of interleaved calls; work = outputs × taps (the backend's threadMinWork unit).
//   node packages/wasm/scripts/threads-threshold.mjs [threads]
import { maxPool2d, registerBackend, softPool2d, tensor } from '@adapool/core';
import { createWasmBackend } from '@adapool/wasm';

const threads = Number(process.argv[2] ?? 2);
const one = await createWasmBackend({ threads: 1, name: 't1' });
const many = await createWasmBackend({ threads, name: 'tn', threadMinWork: 0 });
registerBackend(one);
registerBackend(many);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];

console.log(`threads ${many.threads}; ms per call, median; ratio = ${threads} threads / 1 thread (< 1: threads faster)`);
console.log('op        C×H×W         work   | back to back: 1t     nt   ratio | 5 ms apart: 1t     nt   ratio');
for (const [name, op] of [['maxPool', maxPool2d], ['softPool', softPool2d]]) {
  for (const [C, H] of [[4, 32], [8, 32], [16, 32], [8, 64], [16, 64], [32, 64], [16, 128], [32, 128], [64, 112]]) {
    const shape = [1, C, H, H];
    const data = Float32Array.from({ length: C * H * H }, (_, i) => Math.sin(i));
    const xs = { t1: tensor(data, shape, { backend: 't1' }), tn: tensor(data, shape, { backend: 'tn' }) };
    const time = async (b, gap) => {
      const t = performance.now();
      const y = op(xs[b], { kernelSize: 2, backend: b });
      await y.read();
      const dt = performance.now() - t;
      y.dispose();
      if (gap) await sleep(gap);
      return dt;
    };
    const row = [];
    for (const gap of [0, 5]) {
      const s = { t1: [], tn: [] };
      for (let i = 0; i < 10; i++) for (const b of ['t1', 'tn']) await time(b, 0);
      for (let r = 0; r < (gap ? 40 : 200); r++) for (const b of ['t1', 'tn']) s[b].push(await time(b, gap));
      row.push(median(s.t1), median(s.tn));
    }
    const work = (C * H * H) / 4 * 4;
    const f = (v) => v.toFixed(3).padStart(7);
    console.log(`${name.padEnd(9)} ${`${C}×${H}×${H}`.padEnd(12)} ${String(work).padStart(7)} | ${f(row[0])} ${f(row[1])} ${(row[1] / row[0]).toFixed(2).padStart(6)} | ${f(row[2])} ${f(row[3])} ${(row[3] / row[2]).toFixed(2).padStart(6)}`);
    xs.t1.dispose();
    xs.tn.dispose();
  }
}
many.destroy();
