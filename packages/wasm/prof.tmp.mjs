import * as ap from '@adapool/core';
import { createWasmBackend } from './dist/index.js';
const simd = process.env.SCALAR !== '1';
const b = await createWasmBackend({ simd });
const cl = process.env.CL === '1';
const shape = cl ? [1,112,112,64] : [1,64,112,112];
const xd = Float32Array.from({ length: 64*112*112 }, () => Math.random() * 4 - 2);
const x = ap.tensor(xd, shape);
const base = (b.exports.heapBase() + 15) & ~15;
const med = (f) => { const t = []; for (let i = 0; i < 31; i++) { const s = performance.now(); f(); t.push(performance.now() - s); } t.sort((a,b)=>a-b); return t[0].toFixed(2) + "/" + t[15].toFixed(2); };
for (const k of [2, 3]) for (const m of ['avg','max','em','edscw','idw','ada']) {
  const { plan: p0 } = ap.planPool('t', m, x, { kernelSize: k, stride: 2, channelsLast: cl }, ['returnMask'], undefined);
  const plan = m === 'ada' ? ap.withBeta(p0, ap.planBeta('t', ap.tensor([0.5], []), p0)) : p0;
  const beta = m === 'ada' ? new Float32Array([0.5]) : undefined;
  const dy = new Float32Array(plan.outputElements).fill(1);
  const full = med(() => b.kernels[`${m}Pool`](plan, xd, beta));
  const kern = med(() => b.exports.poolForward(base));
  const fullB = med(() => b.kernels[`${m}PoolGrad`](plan, xd, dy, beta));
  const kernB = med(() => b.exports.poolBackward(base));
  console.log(`k${k} ${m.padEnd(6)} fwd ${full} (kernel ${kern})  bwd ${fullB} (kernel ${kernB})`);
}
