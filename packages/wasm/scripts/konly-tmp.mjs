import * as ap from '@adapool/core';
import { createWasmBackend } from '/work/wt-perf/packages/wasm/dist/index.js';
const { readFileSync } = await import('node:fs');
const b = await createWasmBackend(process.env.WASM ? { module: readFileSync(process.env.WASM) } : {});
ap.registerBackend(b);
const shape = [1, 64, 112, 112];
const x = ap.avgPool(ap.tensor(Float32Array.from({ length: 802816 }, () => Math.random() * 4 - 2), shape), { kernelSize: 1, backend: 'wasm' });
const base = (b.exports.heapBase() + 15) & ~15;
for (const [name, f] of [['softPool', () => ap.softPool(x, { kernelSize: 2, backend: 'wasm' })], ['maxPool', () => ap.maxPool(x, { kernelSize: 2, backend: 'wasm' })], ['avgPool', () => ap.avgPool(x, { kernelSize: 2, backend: 'wasm' })]]) {
  const y = f();
  let best = 1e9;
  for (let i = 0; i < 100; i++) { const s = performance.now(); b.exports.poolForward(base); best = Math.min(best, performance.now() - s); }
  console.log(name, 'kernel only', best.toFixed(3));
  y.dispose();
}
