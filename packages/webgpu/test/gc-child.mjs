// Child process of gc.test.ts (run with `node --expose-gc`): creates the backend exactly as the
// README says for Node, forces garbage collection under allocation pressure, then runs ops and
// reads. Prints one result line (RESULT_MARKER + JSON); a crash or hang is the parent's failure.
import { create } from 'webgpu';
import * as ap from '@adapool/core';
import { createWebGPUBackend } from '@adapool/webgpu';

const MARKER = 'ADAPOOL_RESULT ';
const collect = () => {
  for (let i = 0; i < 4; i++) {
    const junk = Array.from({ length: 2000 }, (_, k) => new Float64Array(64 + (k % 7))); // allocation pressure
    if (junk.length < 0) console.log(junk);
    globalThis.gc();
  }
};

ap.registerBackend(await createWebGPUBackend({ gpu: create([]) })); // the README's Node setup, no reference kept
const rounds = Number(process.argv[2] ?? 6);
let checked = 0;
let worst = 0;
for (let r = 0; r < rounds; r++) {
  collect();
  const data = Float32Array.from({ length: 2 * 3 * 12 * 12 }, (_, i) => Math.sin(i * 0.37 + r));
  const x = ap.tensor(data, [2, 3, 12, 12]);
  const y = ap.softPool2d(x, { backend: 'webgpu', kernelSize: 3, stride: 2, padding: 1 });
  const a = ap.adaPool2d(x, 0.3, { backend: 'webgpu', outputSize: [4, 4] });
  collect();
  const g = ap.adaPool2dGrad(x, 0.3, a, { backend: 'webgpu', outputSize: [4, 4] });
  const got = [await y.read(), await a.read(), await g.dx.read()];
  collect();
  const want = [
    ap.softPool2d(x, { backend: 'js', kernelSize: 3, stride: 2, padding: 1 }),
    ap.adaPool2d(x, 0.3, { backend: 'js', outputSize: [4, 4] }),
  ];
  const ja = ap.tensor(got[1], a.shape);
  want.push(ap.adaPool2dGrad(x, 0.3, ja, { backend: 'js', outputSize: [4, 4] }).dx);
  for (let k = 0; k < 3; k++) {
    const w = want[k].readSync();
    for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(got[k][i] - w[i]) / (1e-4 + 1e-3 * Math.abs(w[i])));
    checked += w.length;
  }
  for (const t of [x, y, a, g.dx, ja, ...want]) t.dispose();
}
console.log(MARKER + JSON.stringify({ rounds, checked, worst }));
