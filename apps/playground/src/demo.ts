/**
 * The console demo (`npm run demo -w @adapool/playground`; `npm start` serves the browser
 * playground): pools a generated 1×3×H×W image with every op on every registered backend and
 * prints output shapes, median times and parity against the float64 reference. It never fails:
 * a row that throws prints its error instead.
 */
import * as ap from '@adapool/core';
import type { PoolMethod, Tensor } from '@adapool/core';

const H = Number(process.env.DEMO_SIZE ?? 128);
const W = H;
const C = 3;

/** A synthetic RGB image: gradients, rings and a checkerboard, values in [0, 1]. */
function image(): Float32Array {
  const x = new Float32Array(C * H * W);
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < W; j++) {
        const r = Math.hypot(i - H / 2, j - W / 2) / (H / 8);
        const ring = 0.5 + 0.5 * Math.sin(r * Math.PI + c);
        const check = ((i >> 3) + (j >> 3)) % 2;
        x[(c * H + i) * W + j] = c === 0 ? ring : c === 1 ? (i + j) / (H + W) : 0.3 * check + 0.7 * ring * (j / W);
      }
    }
  }
  return x;
}

async function tryRegister(): Promise<string[]> {
  // Backends are opt-in packages; the demo registers those that are installed and built.
  const notes: string[] = [];
  for (const [pkg, factory] of [
    ['@adapool/wasm', 'createWasmBackend'],
    ['@adapool/webgpu', 'createWebGPUBackend'],
  ] as const) {
    try {
      const mod = (await import(/* @vite-ignore */ pkg)) as Record<string, () => Promise<ap.Backend>>;
      if (typeof mod[factory] !== 'function') throw new Error(`${pkg} has no ${factory} yet`);
      ap.registerBackend(await mod[factory]());
    } catch (e) {
      const code = (e as { code?: string }).code;
      const why = code === 'ERR_MODULE_NOT_FOUND' ? 'not installed or not built yet' : String((e as Error).message ?? e).split('\n')[0];
      notes.push(`${pkg}: not registered (${why})`);
    }
  }
  return notes;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

interface Row {
  op: string;
  backend: string;
  shape: string;
  ms: string;
  parity: string;
}

async function main(): Promise<void> {
  const notes = await tryRegister();
  const data = image();
  const x0 = ap.tensor(data, [1, C, H, W], { backend: 'js' });
  const beta0 = ap.tensor([0.25, 0.5, 0.75], [C, 1, 1], { backend: 'js' });
  const ops: { label: string; method: PoolMethod; opts: ap.PoolOptions }[] = [];
  for (const method of Object.keys(ap.poolOpDefs) as PoolMethod[]) {
    ops.push({ label: `${method}Pool k2`, method, opts: { kernelSize: 2 } });
    ops.push({ label: `${method}Pool k3 s2 p1`, method, opts: { kernelSize: 3, stride: 2, padding: 1 } });
    ops.push({ label: `${method}Pool adaptive 7x7`, method, opts: { outputSize: 7 } });
  }
  const lib = ap as unknown as Record<string, (x: Tensor, o: ap.PoolOptions) => Tensor>;
  const fns = (m: PoolMethod) => (x: Tensor, o: ap.PoolOptions) => lib[ap.poolOpDefs[m].name](x, { ...o, returnMask: false });
  const rows: Row[] = [];
  for (const backend of ap.listBackends()) {
    // the inputs live on the backend that is timed (x.to() copies them there once)
    const x = await x0.to(backend);
    const beta = await beta0.to(backend);
    for (const { label, method, opts } of ops) {
      try {
        const run = (): Tensor =>
          method === 'ada' ? ap.adaPool(x, beta, { ...opts, backend, returnMask: false }) : fns(method)(x, { ...opts, backend, returnMask: false });
        const times: number[] = [];
        let y = run();
        for (let i = 0; i < 5; i++) {
          y.dispose();
          const t0 = performance.now();
          y = run();
          await y.read();
          times.push(performance.now() - t0);
        }
        const dummy = ap.tensor(new Float32Array(data.length), x.shape, { backend: 'js' });
        let { plan } = ap.planPool(label, method, dummy, opts, ap.poolOpDefs[method].options, undefined);
        if (method === 'ada') plan = ap.withBeta(plan, ap.planBeta(label, beta, plan));
        dummy.dispose();
        const ref = ap.referencePool(plan, data, method === 'ada' ? await beta.read() : undefined).output;
        const diff = maxAbsDiff(await y.read(), ref);
        rows.push({ op: label, backend: y.backend, shape: `[${y.shape.join(',')}]`, ms: median(times).toFixed(2), parity: diff <= 1e-4 ? `ok (${diff.toExponential(1)})` : `OFF (${diff.toExponential(1)})` });
        y.dispose();
      } catch (e) {
        rows.push({ op: label, backend, shape: '-', ms: '-', parity: `error: ${(e as Error).message}` });
      }
    }
    // adaUnpool: pool with a mask, then scatter back
    try {
      const t0 = performance.now();
      const { output, mask } = ap.adaPool(x, beta, { kernelSize: 2, returnMask: true, backend });
      const U = ap.adaUnpool(output, mask, { kernelSize: 2, backend });
      const u = await U.read();
      const ms = performance.now() - t0;
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of u) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      rows.push({ op: 'adaPool k2 → adaUnpool', backend: U.backend, shape: `[${U.shape.join(',')}]`, ms: ms.toFixed(2), parity: `range [${lo.toFixed(3)}, ${hi.toFixed(3)}]` });
      for (const t of [output, mask, U]) t.dispose();
    } catch (e) {
      rows.push({ op: 'adaUnpool', backend, shape: '-', ms: '-', parity: `error: ${(e as Error).message}` });
    }
    x.dispose();
    beta.dispose();
  }
  const cols: (keyof Row)[] = ['op', 'backend', 'shape', 'ms', 'parity'];
  const header: Row = { op: 'op', backend: 'backend', shape: 'output', ms: 'median ms', parity: 'parity vs float64 reference' };
  const width = cols.map((c) => Math.max(header[c].length, ...rows.map((r) => r[c].length)));
  const line = (r: Record<string, string>) => cols.map((c, i) => r[c].padEnd(width[i])).join('  ');
  console.log(`adapool demo: a generated 1x${C}x${H}x${W} image, every op on every registered backend (${ap.listBackends().join(', ')})`);
  for (const n of notes) console.log(`  note: ${n}`);
  console.log(line(header as unknown as Record<string, string>));
  console.log(width.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r as unknown as Record<string, string>));
  x0.dispose();
  beta0.dispose();
}

main().catch((e) => {
  // The demo must never fail on a fresh machine: report and exit cleanly.
  console.error('adapool demo: unexpected error:', e);
});
