#!/usr/bin/env node
// Threads in the browser: our Wasm backend beside tfjs-backend-wasm's threaded SIMD build and
// onnxruntime-web with the same thread counts, where all three can run threads: a
// cross-origin-isolated page (COOP/COEP) in headless Chromium. One page per thread count (tfjs's
// and ort-web's counts are fixed per page); each page times every engine together
// (lib/page.mjs, the Node harness's adapters and timing loop) and the table puts the counts side
// by side.
//
//   cd benches && npm run bench:browser -- [--quick] [--threads 1,2] [--ops softPool,…] [--reps N] [--md FILE] [--json FILE]
//
// Needs Chromium at /usr/bin/chromium (apt-get install -y chromium) and the root install
// (esbuild, playwright-core), the anchors' install here, and the built packages.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { TFJS_MAX_DEFECT } from './lib/anchors.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const USAGE = 'usage: node browser.mjs [--quick | --dry-run] [--threads 1,2] [--ops softPool,adaPool,maxPool,avgPool] [--reps N] [--md FILE] [--json FILE]';
const valued = new Set(['--threads', '--ops', '--reps', '--md', '--json']);
for (let i = 0; i < argv.length; i++) {
  if (valued.has(argv[i]) && argv[i + 1] !== undefined) i++;
  else if (argv[i] !== '--quick' && argv[i] !== '--dry-run') {
    console.error(`browser.mjs: unknown option ${argv[i]}\n${USAGE}`);
    process.exit(2);
  }
}
const arg = (f) => (argv.includes(f) ? argv[argv.indexOf(f) + 1] : undefined);
const quick = argv.includes('--quick');
const dryRun = argv.includes('--dry-run');
const threadCounts = (arg('--threads') ?? `1,${Math.max(2, os.availableParallelism?.() ?? os.cpus().length)}`).split(',').map(Number);
if (threadCounts.some((t) => !Number.isInteger(t) || t < 1 || t > 64)) {
  console.error(`browser.mjs: --threads takes thread counts 1..64, got ${arg('--threads')}`);
  process.exit(2);
}
const ops = (arg('--ops') ?? 'softPool,adaPool,maxPool,avgPool').split(',');
const reps = Number(arg('--reps') ?? (dryRun ? 1 : quick ? 7 : 15));
const CASES = dryRun
  ? [{ name: '1x4x8x8 k2s2', shape: [1, 4, 8, 8], kernel: 2, stride: 2 }]
  : quick
  ? [{ name: '1x16x56x56 k2s2', shape: [1, 16, 56, 56], kernel: 2, stride: 2 }]
  : [
      { name: '1x64x112x112 k2s2', shape: [1, 64, 112, 112], kernel: 2, stride: 2 },
      { name: '1x64x112x112 k3s2', shape: [1, 64, 112, 112], kernel: 3, stride: 2 },
      { name: '8x256x28x28 k2s2', shape: [8, 256, 28, 28], kernel: 2, stride: 2 },
      { name: '1x3x512x512 k2s2', shape: [1, 3, 512, 512], kernel: 2, stride: 2 },
    ];
for (const c of CASES) c.outShape = [c.shape[0], c.shape[1], ...c.shape.slice(2).map((d) => Math.floor((d - c.kernel) / c.stride) + 1)];

const { CHROMIUM_HEADLESS_FLAGS, CHROMIUM_PATH: CHROMIUM } = await import('@adapool/testkit/chromium');
const need = [
  [existsSync(CHROMIUM), `Chromium is not at ${CHROMIUM} (apt-get install -y chromium)`],
  [existsSync(join(here, '../packages/wasm/dist/index.js')), '@adapool/wasm is not built: npm run build at the root'],
];
// without the anchors' install (root CI does not do it) ours runs alone and the anchors say why
const anchors = existsSync(join(here, 'node_modules/@tensorflow/tfjs-backend-wasm'));
for (const [ok, why] of need) {
  if (!ok) {
    console.error(`browser.mjs: ${why}`);
    process.exit(1);
  }
}

// The page bundle: ours, tfjs (with its gradients) and the adapters; onnxruntime-web stays a
// served module (its threads start workers from its own glue's URL).
const cache = join(here, '.cache/browser');
mkdirSync(cache, { recursive: true });
const esbuild = await import('esbuild');
await esbuild.build({
  entryPoints: [join(here, 'lib/page.mjs')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  outfile: join(cache, 'page.js'),
  external: ['/ort/*', 'node:*', 'esbuild', ...(anchors ? [] : ['@tensorflow/*'])], // the Node-only loaders' imports, never run in the page
  logLevel: 'error',
});

const ISOLATED = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp', 'cross-origin-resource-policy': 'same-origin' };
const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
const ROOTS = { '/tfjs/': join(here, 'node_modules/@tensorflow/tfjs-backend-wasm/dist'), '/ort/': join(here, 'node_modules/onnxruntime-web/dist'), '/': cache };
const server = createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  if (process.env.BENCH_DEBUG) console.error('GET', path);
  if (path === '/') {
    res.writeHead(200, { ...ISOLATED, 'content-type': 'text/html' });
    res.end('<!doctype html><html><body>loading</body><script type="module" src="/page.js"></script></html>');
    return;
  }
  const prefix = Object.keys(ROOTS).find((p) => path.startsWith(p));
  const file = normalize(join(ROOTS[prefix], path.slice(prefix.length)));
  if (!file.startsWith(ROOTS[prefix]) || !existsSync(file)) {
    res.writeHead(404, ISOLATED);
    res.end();
    return;
  }
  res.writeHead(200, { ...ISOLATED, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  res.end(readFileSync(file));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

const { chromium } = await import('playwright-core');
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: CHROMIUM_HEADLESS_FLAGS,
});
const runs = [];
try {
  for (const threads of threadCounts) {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    if (process.env.BENCH_DEBUG) page.on('console', (m) => console.error('console:', m.text()));
    await page.goto(url);
    await page.waitForFunction(() => document.body.textContent === 'ready' || document.body.dataset.error, undefined, { timeout: 60_000 }).catch(() => {});
    if (errors.length) throw new Error(`the bench page failed: ${errors.join('; ')}`);
    console.error(`browser: ${threads} thread${threads > 1 ? 's' : ''}…`);
    runs.push(await page.evaluate((cfg) => globalThis.adapoolBench(cfg), { threads, cases: CASES, ops, reps, reference: dryRun }));
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}

// -- report ----------------------------------------------------------------------------------
const version = (await browser.version?.()) ?? '';
const results = runs.flatMap((r) => r.results);
const first = runs[0]?.info ?? {};
const fmt = (v) => (v === undefined ? '–' : v < 1 ? v.toFixed(3) : v < 10 ? v.toFixed(2) : v.toFixed(1));
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : '–');
const cell = (engine, threads, c, op, dir) => results.find((r) => r.engine === engine && r.threads === threads && r.case === c && r.op === op && r.dir === dir);
const engines = ['wasm', 'wasm-into', 'tfjs-wasm', 'ort-web'];
const [t1, tn] = [threadCounts[0], threadCounts[threadCounts.length - 1]];
const lines = [];
lines.push(`# Browser threads benchmark, ${new Date().toISOString()}`, '');
lines.push(`Chromium (headless, cross-origin isolated: ${first.crossOriginIsolated}, navigator.hardwareConcurrency ${first.hardwareConcurrency}) ${version}; machine: ${os.cpus()[0]?.model ?? '?'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB. Medians of ${reps} runs, ms; each engine with the page's thread count.`, '');
for (const r of runs) for (const [k, v] of Object.entries(r.info)) if (typeof v === 'string' && k !== 'userAgent') lines.push(`- ${k}: ${v}`);
for (const r of runs) for (const u of r.unavailable) lines.push(`- UNAVAILABLE ${u.backend}: ${u.reason}`);
lines.push('', 'Timed per call: ours (`wasm`) = op + await read() of the result (inputs resident, made once with tensor()); `wasm-into` the same with read({ into }) into arrays made once; tfjs-wasm = op (+ tf.grad) + dataSync(), NHWC input; ort-web = session.run() with the copies in and out.', '');
const heads = threadCounts.flatMap((t) => engines.map((e) => `${e} t${t}`));
lines.push(`| shape | op | dir | ${heads.join(' | ')} | ${engines.map((e) => `${e} t${tn}/t${t1}`).join(' | ')} | tfjs t${tn} / ours t${tn} | ort-web t${tn} / ours t${tn} |`);
lines.push(`|---|---|---|${heads.map(() => '---:').join('|')}|${engines.map(() => '---:').join('|')}|---:|---:|`);
const bad = [];
for (const c of CASES) {
  for (const op of ops) {
    for (const dir of ['forward', 'backward']) {
      const get = (e, t) => cell(e, t, c.name, op, dir);
      if (!engines.some((e) => get(e, t1))) continue;
      const ms = threadCounts.flatMap((t) => engines.map((e) => {
        const r = get(e, t);
        if (r && !r.check) bad.push(`${e} t${t} ${c.name} ${op} ${dir}: max|Δ| ${r.maxAbs} against ${dryRun ? 'the reference' : 'ours'}${e === 'tfjs-wasm' && op === 'maxPool' ? ` (${TFJS_MAX_DEFECT[dir]})` : ''}`);
        return r ? `${fmt(r.median)}${r.check ? '' : ' ✗'}` : '–';
      }));
      const speedups = engines.map((e) => ratio(get(e, t1)?.median, get(e, tn)?.median));
      lines.push(`| ${c.name} | ${op} | ${dir === 'forward' ? 'fwd' : 'bwd'} | ${ms.join(' | ')} | ${speedups.join(' | ')} | ${ratio(get('tfjs-wasm', tn)?.median, get('wasm', tn)?.median)} | ${ratio(get('ort-web', tn)?.median, get('wasm', tn)?.median)} |`);
    }
  }
}
const errs = results.filter((r) => r.error);
lines.push('', dryRun ? 'Checked against the reference backend `js` (dry run).' : 'Checked against ours (`wasm`; the Node harness checks ours against the reference).');
if (bad.length || errs.length) lines.push('', ...bad.map((b) => `- ✗ ${b}`), ...errs.map((e) => `- ERROR ${e.backend} ${e.case} ${e.op} ${e.dir}: ${e.error}`));
const report = lines.join('\n');
console.log(report);
if (arg('--md')) writeFileSync(arg('--md'), `${report}\n`);
if (arg('--json')) writeFileSync(arg('--json'), JSON.stringify({ runs, cases: CASES, threadCounts }, null, 1));
