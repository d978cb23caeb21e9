#!/usr/bin/env node
// Steady-call speed-up of 2 threads over 1 (docs/benchmarks.md, "Threads"): softPool and adaPool,
// forward and gradient, channels-first and channels-last, inputs resident, op → read() in blocks
// of 10 calls, 1 and 2 threads alternating (ratios from one stretch of machine time), median of 60.
//   node packages/wasm/scripts/threads-speedup.mjs [--scalar]
import { adaPool2d, adaPoolGrad, registerBackend, softPool2d, softPoolGrad, tensor } from '@adapool/core';
import { createWasmBackend } from '@adapool/wasm';

const simd = !process.argv.includes('--scalar');
const bs = [await createWasmBackend({ threads: 1, name: 'w1', simd }), await createWasmBackend({ threads: 2, name: 'w2', simd })];
bs.forEach(registerBackend);
const OPS = [
  ['soft fwd', (x, beta, dy, o) => softPool2d(x, o)],
  ['soft bwd', (x, beta, dy, o) => softPoolGrad(x, dy, o)],
  ['ada fwd', (x, beta, dy, o) => adaPool2d(x, beta, o)],
  ['ada bwd', (x, beta, dy, o) => adaPoolGrad(x, beta, dy, o).dx],
];
console.log(`${simd ? 'SIMD' : 'scalar'} build; ms per call (1 thread, 2 threads) and the speed-up`);
for (const [shape, channelsLast] of [[[1, 64, 112, 112], false], [[8, 256, 28, 28], false], [[1, 3, 512, 512], false], [[1, 112, 112, 64], true]]) {
  const n = shape.reduce((a, b) => a * b);
  const d = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 3);
  const C = channelsLast ? shape[3] : shape[1];
  const outShape = channelsLast ? [shape[0], shape[1] / 2, shape[2] / 2, C] : [shape[0], C, shape[2] / 2, shape[3] / 2];
  for (const [name, f] of OPS) {
    const setups = bs.map((b) => {
      const o = { kernelSize: 2, channelsLast, backend: b.name };
      const x = tensor(d, shape, { backend: b.name });
      const beta = tensor(new Float32Array(C).fill(0.4), channelsLast ? [1, 1, C] : [C, 1, 1], { backend: b.name });
      const dy = tensor(new Float32Array(n / 4).fill(0.1), outShape, { backend: b.name });
      return { run: () => f(x, beta, dy, o), ts: [] };
    });
    for (let round = 0; round < 7; round++) {
      for (const s of setups) {
        for (let r = 0; r < 10; r++) {
          const t = performance.now();
          const y = s.run();
          await y.read();
          if (round > 0) s.ts.push(performance.now() - t);
          y.dispose();
        }
      }
    }
    const [a, b] = setups.map((s) => s.ts.sort((p, q) => p - q)[s.ts.length >> 1]);
    console.log(`${shape.join('x')}${channelsLast ? ' channels-last' : ''} ${name} ${a.toFixed(3)} ${b.toFixed(3)} ${(a / b).toFixed(2)}x`);
  }
}
bs.forEach((b) => b.destroy());
