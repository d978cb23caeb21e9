#!/usr/bin/env node
// Before/after in one process (issue 11): the kernels of two builds of @adapool/wasm, called
// directly on resident tensors (op + readSync + dispose, as kbench), calls interleaved so that
// the machine's drift hits both alike; median of N per op and direction, and new/base ratios.
//   BASE=dir with another build's dist/ (e.g. `git worktree add /tmp/base <commit>` and build it,
//   or a copy of dist/ saved before a change; default packages/wasm/dist-base)
//   SHAPE=1,64,112,112 CL=1 (channels-last) K=2 (kernel size, stride 2) OPS=em,ada,max,avg N=41
//   FRESH=0 (one plan object for all calls; default: a new one per call, as op calls make)
//   KERNEL=1 (time the kernel call alone, without the copy of its result out) THREADS=1
import * as ap from '@adapool/core';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const baseDir = resolve(process.env.BASE ?? new URL('../dist-base', import.meta.url).pathname);
// THREADS=1 (default: kernels on one thread, what the single-thread targets compare)
const threads = Number(process.env.THREADS ?? 1);
const A = await (await import(pathToFileURL(resolve(baseDir, 'index.js')).href)).createWasmBackend({ threads });
const B = await (await import('../dist/index.js')).createWasmBackend({ threads });
const shape = (process.env.SHAPE ?? '1,64,112,112').split(',').map(Number);
const cl = process.env.CL === '1';
const size = shape.reduce((a, b) => a * b);
const xd = Float32Array.from({ length: size }, () => Math.random() * 4 - 2);
const C = cl ? shape[shape.length - 1] : shape[1];
const bd = Float32Array.from({ length: C }, () => 0.2 + 0.6 * Math.random());
const opts = { kernelSize: Number(process.env.K ?? 2), stride: 2, channelsLast: cl };
const methods = (process.env.OPS ?? 'em,ada,max,avg').split(',');
const N = Number(process.env.N ?? 41);
const fresh = process.env.FRESH !== '0'; // FRESH=0: one plan object for every call
const kernelOnly = process.env.KERNEL === '1'; // KERNEL=1: the kernel call alone (no readSync of the result)
for (const method of methods) {
  const xt = ap.tensor(xd, shape, { backend: 'js' });
  let { plan } = ap.planPool('x', method, xt, opts, [], undefined);
  if (method === 'ada') plan = ap.withBeta(plan, ap.planBeta('x', ap.tensor(bd, cl ? [C] : [C, ...shape.slice(2).map(() => 1)], { backend: 'js' }), plan));
  const res = {};
  for (const [name, b] of [['base', A], ['new', B]]) {
    const x = b.upload(xd); const beta = b.upload(bd); const dy = b.upload(Float32Array.from({ length: plan.outputElements }, () => Math.random()));
    res[name] = { b, x, beta, dy, f: [], g: [] };
  }
  for (let i = 0; i < N + 3; i++) {
    for (const name of (i & 1 ? ['base', 'new'] : ['new', 'base'])) {
      const r = res[name]; const b = r.b;
      let t = performance.now();
      const p = fresh ? { ...plan } : plan; // a new plan object per call, as every op call makes
      const y = b.kernels[`${method}Pool`](p, r.x, method === 'ada' ? r.beta : undefined);
      if (kernelOnly) b.view(y.output)[0]; else b.readSync(y.output);
      const tf = performance.now() - t;
      b.dispose(y.output);
      t = performance.now();
      const g = b.kernels[`${method}PoolGrad`](fresh ? { ...plan } : plan, r.x, r.dy, method === 'ada' ? r.beta : undefined);
      if (kernelOnly) b.view(g.dx)[0]; else b.readSync(g.dx);
      const tg = performance.now() - t;
      b.dispose(g.dx); if (g.dbeta) b.dispose(g.dbeta);
      if (i >= 3) { r.f.push(tf); r.g.push(tg); }
    }
  }
  const med = (v) => v.sort((p, q) => p - q)[v.length >> 1];
  const line = ['base', 'new'].map((n) => `${n} ${med(res[n].f).toFixed(3)}/${med(res[n].g).toFixed(3)}`).join('  ');
  console.log(`${method} [${shape}]${cl ? ' CL' : ''}: fwd/bwd ms ${line}  ratio ${(med(res.new.f) / med(res.base.f)).toFixed(2)}/${(med(res.new.g) / med(res.base.g)).toFixed(2)}`);
}
