#!/usr/bin/env node
// Times the reference backend `js` (float64 math, single thread) forward and backward for every
// op on the benchmark shapes, median of several runs. Run after `npm run build` at the root:
//   cd benches && npm run bench:reference [-- --quick]
// The reference backend is the correctness oracle, not a fast path: these figures are the
// baseline the Wasm and WebGPU backends are compared against.
import os from 'node:os';
import * as ap from '../packages/core/dist/index.js';

const quick = process.argv.includes('--quick');
const SHAPES = quick
  ? [{ name: '1x16x56x56 k2s2', shape: [1, 16, 56, 56], opts: { kernelSize: 2 } }]
  : [
      { name: '1x64x112x112 k2s2', shape: [1, 64, 112, 112], opts: { kernelSize: 2 } },
      { name: '1x64x112x112 k3s2', shape: [1, 64, 112, 112], opts: { kernelSize: 3, stride: 2 } },
      { name: '8x256x28x28 k2s2', shape: [8, 256, 28, 28], opts: { kernelSize: 2 } },
      { name: '1x16x16x56x56 k2s2 (3D)', shape: [1, 16, 16, 56, 56], opts: { kernelSize: 2 } },
    ];
const OPS = {
  avgPool: [ap.avgPool, ap.avgPoolGrad],
  maxPool: [ap.maxPool, ap.maxPoolGrad],
  softPool: [ap.softPool, ap.softPoolGrad],
  edscwPool: [ap.edscwPool, ap.edscwPoolGrad],
  idwPool: [ap.idwPool, ap.idwPoolGrad],
  adaPool: [null, null],
};
const REPS = quick ? 3 : 5;

function median(v) {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function time(fn) {
  const t = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    const r = fn();
    t.push(performance.now() - t0);
    for (const x of [r, r?.dx, r?.dbeta].filter((x) => x instanceof ap.Tensor)) x.dispose();
  }
  return median(t);
}

console.log(`reference backend 'js' — ${os.cpus()[0]?.model ?? 'cpu'} (${os.cpus().length} cores), node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
console.log('| shape | op | forward ms | backward ms | backward/forward |');
console.log('|---|---|---:|---:|---:|');
for (const { name, shape, opts } of SHAPES) {
  const size = shape.reduce((p, d) => p * d, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = Math.sin(i * 12.9898) * 2;
  const x = ap.tensor(data, shape);
  const y0 = ap.avgPool(x, opts);
  const dy = ap.tensor(new Float32Array(y0.size).fill(1), y0.shape);
  const C = x.shape[1];
  const beta = ap.tensor(new Float32Array(C).fill(0.5), [C, ...new Array(shape.length - 2).fill(1)]);
  for (const [op, [fwd, bwd]] of Object.entries(OPS)) {
    const f = op === 'adaPool' ? () => ap.adaPool(x, beta, { ...opts, backend: 'js' }) : () => fwd(x, { ...opts, backend: 'js' });
    const b = op === 'adaPool' ? () => ap.adaPoolGrad(x, beta, dy, { ...opts, backend: 'js' }) : () => bwd(x, dy, { ...opts, backend: 'js' });
    const tf = time(f);
    const tb = time(b);
    console.log(`| ${name} | ${op} | ${tf.toFixed(1)} | ${tb.toFixed(1)} | ${(tb / tf).toFixed(2)} |`);
  }
  for (const t of [x, y0, dy, beta]) t.dispose();
}
