#!/usr/bin/env node
// Side-by-side benchmark of our backends ('wasm' when built, 'js' the reference) and the anchors
// (tfjs-backend-wasm, onnxruntime-web, onnxruntime-node), single-threaded, float32, one process
// per runtime: this Node process times everything that runs in Node, then runs itself under
// Deno and Bun (the root's `deno`/`bun` binaries) for our backends, tfjs-wasm and ort-web there,
// and prints one table of medians, the ratios and the issue's targets (PASS/MISS).
//
//   cd benches && npm run bench -- [--quick | --dry-run] [--json out.json] [--md out.md] …  (--help-ish: any unknown flag prints the usage)
//
// Every anchor's output is checked against the reference backend `js` before it is timed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { TFJS_MAX_DEFECT, ortNode, ortWeb, tfjsWasm } from './lib/anchors.mjs';
import { caseData, compare, measureTogether, median } from './lib/data.mjs';
import { OPS, ours } from './lib/ours.mjs';

const RUNTIME = globalThis.Deno ? 'deno' : globalThis.Bun ? 'bun' : 'node';
const argv = process.argv.slice(2);
const USAGE = `usage: node bench.mjs [--quick | --dry-run] [--json FILE] [--md FILE] [--reps N] [--backends LIST] [--ops LIST] [--no-spawn]
  --quick     smaller shapes, fewer runs (about half a minute)
  --dry-run   tiny shapes, one call each: checks every backend against the reference, times nothing
  --json FILE also write every result (medians, min, n, checks, targets) as JSON
  --md FILE   also write the printed report (markdown) to FILE
  --reps N    timed runs per measurement (default 15, quick 7)
  --backends wasm,wasm-user,wasm-tensor,wasm-from-js,wasm-into,js,tfjs-wasm,ort-web,ort-node   only these (default: all single-thread ones)
             threads: wasm-t2,wasm-t2-user,wasm-t2-into,ort-node-t2,ort-web-t2 (ort-web's count is process-wide: ort-web-t2 without ort-web)
  --ops avgPool,maxPool,softPool,edscwPool,idwPool,adaPool,lpPool   only these ops (default: all)
  --no-spawn  Node only (skip the Deno and Bun processes)`;
{
  const valued = new Set(['--json', '--md', '--reps', '--child', '--backends', '--ops']);
  for (let i = 0; i < argv.length; i++) {
    if (valued.has(argv[i]) && argv[i + 1] !== undefined) i++;
    else if (!['--quick', '--dry-run', '--no-spawn'].includes(argv[i])) {
      console.error(`bench.mjs: ${valued.has(argv[i]) ? `option ${argv[i]} needs a value` : `unknown option ${argv[i]}`}\n${USAGE}`);
      process.exit(2);
    }
  }
}
const flag = (f) => argv.includes(f);
const arg = (f) => (argv.includes(f) ? argv[argv.indexOf(f) + 1] : undefined);
const child = arg('--child');
const dryRun = flag('--dry-run');
const quick = flag('--quick');
const mode = dryRun ? 'dry-run' : quick ? 'quick' : 'full';
const jsonOut = arg('--json');
const mdOut = arg('--md');
const log = child ? (s) => process.stderr.write(`[${RUNTIME}] ${s}\n`) : (s) => console.log(s);
const CHILD_MARKER = 'ADAPOOL_BENCH_CHILD ';
const DIRS = ['forward', 'backward'];

const CASES = {
  full: [
    { name: '1x64x112x112 k2s2', shape: [1, 64, 112, 112], kernel: 2, stride: 2 },
    { name: '1x64x112x112 k3s2', shape: [1, 64, 112, 112], kernel: 3, stride: 2 },
    { name: '8x256x28x28 k2s2', shape: [8, 256, 28, 28], kernel: 2, stride: 2 },
    { name: '1x3x512x512 k2s2', shape: [1, 3, 512, 512], kernel: 2, stride: 2 },
    { name: '1x16x16x56x56 k2s2 (3D)', shape: [1, 16, 16, 56, 56], kernel: 2, stride: 2 },
  ],
  quick: [
    { name: '1x16x56x56 k2s2', shape: [1, 16, 56, 56], kernel: 2, stride: 2 },
    { name: '1x16x56x56 k3s2', shape: [1, 16, 56, 56], kernel: 3, stride: 2 },
    { name: '1x4x16x28x28 k2s2 (3D)', shape: [1, 4, 16, 28, 28], kernel: 2, stride: 2 },
  ],
  'dry-run': [
    { name: '1x4x8x8 k2s2', shape: [1, 4, 8, 8], kernel: 2, stride: 2 },
    { name: '1x4x10x10 k3s2', shape: [1, 4, 10, 10], kernel: 3, stride: 2 },
    { name: '1x2x4x8x8 k2s2 (3D)', shape: [1, 2, 4, 8, 8], kernel: 2, stride: 2 },
  ],
}[mode];
for (const c of CASES) c.outShape = [c.shape[0], c.shape[1], ...c.shape.slice(2).map((d) => Math.floor((d - c.kernel) / c.stride) + 1)];

// Repetitions: warmup runs (the first one's output is checked), then timed runs until `reps`
// or `budgetMs` (at least `minReps`). The reference `js` is slow: few runs, and in Deno/Bun only
// on the first case.
const REPS = {
  full: { warmup: 3, reps: 15, minReps: 6, budgetMs: 4000 },
  quick: { warmup: 2, reps: 7, minReps: 3, budgetMs: 1000 },
  'dry-run': { warmup: 0, reps: 1, minReps: 1, budgetMs: 0 },
}[mode];
const JS_REPS = dryRun ? REPS : { warmup: 1, reps: 3, minReps: 3, budgetMs: 0 };
if (arg('--reps')) {
  const n = Number(arg('--reps'));
  if (!Number.isInteger(n) || n < 1) {
    console.error(`bench.mjs: --reps must be a positive integer, got ${arg('--reps')}\n${USAGE}`);
    process.exit(2);
  }
  REPS.reps = n;
  REPS.minReps = Math.min(REPS.minReps, n);
}

/** Which adapters run in which runtime. */
const BACKENDS = ['wasm', 'wasm-user', 'wasm-tensor', 'wasm-from-js', 'wasm-into', 'js', 'tfjs-wasm', 'ort-web', 'ort-node', 'wasm-t2', 'wasm-t2-user', 'wasm-t2-into', 'ort-node-t2', 'ort-web-t2'];
const listArg = (f, known) => {
  const v = arg(f)?.split(',').filter(Boolean);
  const bad = v?.filter((x) => !known.includes(x)) ?? [];
  if (bad.length) {
    console.error(`bench.mjs: ${f} takes a comma-separated list of ${known.join(', ')}, got ${bad.join(', ')}`);
    process.exit(2);
  }
  return v;
};
/** Our backends and input paths (benches/lib/ours.mjs); the rest are anchors. */
const OUR_NAMES = new Set(['wasm', 'wasm-user', 'wasm-tensor', 'wasm-from-js', 'wasm-into', 'js', 'wasm-t2', 'wasm-t2-user', 'wasm-t2-into']);
const onlyBackends = listArg('--backends', BACKENDS);
const onlyOps = listArg('--ops', OPS);
const opsHere = onlyOps ?? OPS;

function adapters() {
  // threads: 'wasm-t2' (2 threads) beside 'wasm' (1), the anchors with the same counts; only when
  // asked for by --backends (the default run keeps its single-thread columns)
  const threaded = onlyBackends ? [ours('wasm-t2'), ours('wasm-t2', 'user'), ours('wasm-t2', 'into'), ortWeb(2)] : [];
  const list = [ours('wasm'), ours('wasm', 'user'), ours('wasm', 'tensor'), ours('wasm', 'from-js'), ours('wasm', 'into'), ours('js'), tfjsWasm(), ...(!onlyBackends || onlyBackends.includes('ort-web') ? [ortWeb()] : []), ...threaded];
  if (RUNTIME === 'node') list.push(ortNode(), ...(onlyBackends ? [ortNode(2)] : []));
  return list.filter((a) => !onlyBackends || onlyBackends.includes(a.name));
}
const jsCasesHere = (i) => !child || dryRun || i === 0;

// ---------------------------------------------------------------------------------------------

/** A full garbage collection where the runtime lets us ask for one (node --expose-gc, Bun). */
const collect = () => (globalThis.Bun ? globalThis.Bun.gc(true) : globalThis.gc?.());

const firstLine = (e) => String(e?.message ?? e).split('\n')[0];

async function runHere() {
  const results = [];
  const unavailable = [];
  const info = {};
  const loaded = [];
  for (const a of adapters()) {
    const why = await a.load();
    if (why) {
      unavailable.push({ runtime: RUNTIME, backend: a.name, reason: why });
      log(`${a.name === 'wasm' ? '!!!!!!!! ' : ''}${RUNTIME}: ${a.name} UNAVAILABLE: ${why}`);
    } else {
      loaded.push(a);
      info[a.name] = { info: a.info, timed: a.timed };
      log(`${RUNTIME}: ${a.name} loaded${a.info ? ` (${a.info})` : ''}`);
    }
  }
  if (RUNTIME !== 'node') unavailable.push({ runtime: RUNTIME, backend: 'ort-node', reason: 'timed in Node only (a native N-API addon; the issue compares it in Node)' });
  const refAdapter = ours('js');
  await refAdapter.load();
  for (const [ci, c] of CASES.entries()) {
    const data = caseData(c);
    for (const op of opsHere) {
      for (const dir of DIRS) {
        let ref;
        const reference = async () => {
          if (!ref) {
            const p = refAdapter.prepare(op, dir, c, data);
            ref = await p.run();
            p.dispose();
          }
          return ref;
        };
        const entries = [];
        for (const a of loaded) {
          const isJs = a.name === 'js';
          if (isJs && !jsCasesHere(ci)) continue;
          const base = { runtime: RUNTIME, backend: a.name, case: c.name, op, dir };
          const ok = a.supports(op, dir, c);
          if (ok !== true) {
            results.push({ ...base, skipped: ok });
            continue;
          }
          try {
            const prep = await a.prepare(op, dir, c, data);
            const entry = { a, base, prep, samples: [], cfg: isJs ? JS_REPS : { ...REPS, warmup: Math.max(0, REPS.warmup - 1) } };
            entries.push(entry);
            entry.before = prep.leakCheck?.();
            const tFirst = performance.now();
            const first = prep.toChannelsFirst(await prep.run());
            entry.first = performance.now() - tFirst;
            entry.check = isJs ? { ok: true, reference: true } : compare(first, await reference(), dir);
            entry.ranOn = prep.ranOn?.();
          } catch (e) {
            results.push({ ...base, error: firstLine(e) });
            log(`${RUNTIME} ${a.name} ${c.name} ${op} ${dir}: ERROR ${firstLine(e)}`);
          }
        }
        try {
          await measureTogether(entries.filter((e) => e.check), collect);
        } catch (e) {
          for (const en of entries) en.error ??= firstLine(e);
        }
        for (const e of entries) {
          try {
            if (!e.check) continue;
            if (e.error) {
              results.push({ ...e.base, error: e.error });
              continue;
            }
            const { a, check } = e;
            const leaked = e.before === undefined ? 0 : e.prep.leakCheck() - e.before;
            const r = { ...e.base, median: median(e.samples), min: Math.min(...e.samples), n: e.samples.length, first: e.first, check };
            if (!check.ok && a.name === 'tfjs-wasm' && op === 'maxPool') r.note = TFJS_MAX_DEFECT[dir];
            if (e.ranOn && e.ranOn !== (a.backend ?? a.name)) r.note = `computed on '${e.ranOn}' (core fell back: the backend lacks this kernel)`;
            if (leaked) r.note = `${r.note ? `${r.note}; ` : ''}${leaked} tensors leaked per run`;
            results.push(r);
            const verdict = check.reference ? 'reference' : check.ok ? `ok max|Δ| ${check.maxAbs.toExponential(1)}` : `OFF: ${check.bad}/${check.total} beyond tolerance, max|Δ| ${check.maxAbs.toExponential(1)}`;
            log(`${RUNTIME} ${a.name.padEnd(9)} ${c.name.padEnd(24)} ${op.padEnd(9)} ${dir.padEnd(8)} ${r.median.toFixed(3).padStart(9)} ms (n=${r.n}) ${verdict}${r.note ? ` [${r.note}]` : ''}`);
          } finally {
            await e.prep.dispose();
          }
        }
      }
    }
  }
  const bounds = await measureBounds(loaded);
  return { results, unavailable, bounds, info: { [RUNTIME]: { version: runtimeVersion(), backends: info } } };
}

/**
 * What bounds SoftPool on the first shape: the cost of one exp per input element (Exp alone, in
 * each anchor) and of streaming the input through memory once (TypedArray copy: read + write).
 */
async function measureBounds(loaded) {
  const c = CASES[0];
  const data = caseData(c);
  const n = data.x.length;
  const dst = new Float32Array(n);
  const entries = [{ what: 'memory: copy x (TypedArray.set, read + write)', bytes: 8 * n, prep: { run: () => dst.set(data.x), dispose() {} } }];
  for (const a of loaded) {
    if (!a.prepareExp) continue;
    try {
      entries.push({ what: `exp: ${a.name} Exp(x) incl. result read`, exps: n, prep: await a.prepareExp(c, data) });
    } catch (e) {
      log(`${RUNTIME} bounds: ${a.name} Exp failed: ${firstLine(e)}`);
    }
  }
  for (const e of entries) {
    e.samples = [];
    e.cfg = REPS;
  }
  await measureTogether(entries, collect);
  const out = [];
  for (const e of entries) {
    const ms = median(e.samples);
    out.push({ runtime: RUNTIME, case: c.name, what: e.what, median: ms, n: e.samples.length, gbps: e.bytes ? e.bytes / ms / 1e6 : undefined, gexps: e.exps ? e.exps / ms / 1e6 : undefined });
    await e.prep.dispose();
  }
  return out;
}

function runtimeVersion() {
  if (RUNTIME === 'deno') return `deno ${globalThis.Deno.version.deno}`;
  if (RUNTIME === 'bun') return `bun ${globalThis.Bun.version}`;
  return `node ${process.version}`;
}

/** Runs this script under Deno and Bun (sequentially, after Node's runs: no contention). */
function runChildren() {
  const script = fileURLToPath(import.meta.url);
  const bin = (n) => fileURLToPath(new URL(`../node_modules/.bin/${n}`, import.meta.url));
  const forward = argv.filter((a, i) => ['--quick', '--dry-run', '--reps', '--backends', '--ops'].includes(a) || ['--reps', '--backends', '--ops'].includes(argv[i - 1]));
  const out = [];
  for (const [rt, args] of [
    ['deno', ['run', '-A', '--no-prompt', '--quiet', '--v8-flags=--expose-gc', script]],
    ['bun', [script]],
  ]) {
    if (!existsSync(bin(rt))) {
      out.push({ unavailable: [{ runtime: rt, backend: '*', reason: `${bin(rt)} missing (npm ci at the root installs it)` }] });
      continue;
    }
    log(`\n--- ${rt} (separate process) ---`);
    const r = spawnSync(bin(rt), [...args, '--child', rt, ...forward], {
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 15 * 60_000,
      maxBuffer: 64 << 20,
      env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
    });
    const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith(CHILD_MARKER));
    if (!line) {
      out.push({ unavailable: [{ runtime: rt, backend: '*', reason: `${rt} run failed (status ${r.status}${r.error ? `, ${r.error.message}` : ''})` }] });
      log(`!!!!!!!! ${rt}: no result (status ${r.status}) ${r.error?.message ?? ''}\n${(r.stdout ?? '').slice(-2000)}`);
      continue;
    }
    out.push(JSON.parse(line.slice(CHILD_MARKER.length)));
  }
  return out;
}

// --- report ----------------------------------------------------------------------------------

const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));
const key = (r) => `${r.case}|${r.op}|${r.dir}`;

function report(all) {
  const { results, unavailable } = all;
  const cols = [];
  for (const r of results) {
    const col = `${r.runtime}:${r.backend}`;
    if (r.median !== undefined && !cols.includes(col)) cols.push(col);
  }
  const order = BACKENDS;
  const rtOrder = ['node', 'deno', 'bun'];
  cols.sort((a, b) => {
    const [ra, ba] = a.split(':');
    const [rb, bb] = b.split(':');
    return rtOrder.indexOf(ra) - rtOrder.indexOf(rb) || order.indexOf(ba) - order.indexOf(bb);
  });
  const cell = new Map(results.map((r) => [`${r.runtime}:${r.backend}|${key(r)}`, r]));
  const get = (col, c, op, dir) => cell.get(`${col}|${c}|${op}|${dir}`);
  const lines = [];
  const out = (s = '') => lines.push(s);
  /** One row per (shape, op, direction) with a cell per column; rows whose cells are all blank are left out. */
  const caseTable = (columns, ops, cellOf, blank = (x) => x === '') => {
    out(`| shape | op | dir | ${columns.join(' | ')} |`);
    out(`|---|---|---|${columns.map(() => '---:').join('|')}|`);
    for (const c of CASES) {
      for (const op of ops) {
        for (const dir of DIRS) {
          const cells = columns.map((col) => cellOf(col, c, op, dir));
          if (cells.every(blank)) continue;
          out(`| ${c.name} | ${op} | ${dir === 'forward' ? 'fwd' : 'bwd'} | ${cells.join(' | ')} |`);
        }
      }
    }
  };

  out(`## Medians (ms, lower is better), ${mode} run`);
  out();
  caseTable(
    cols,
    OPS,
    (col, c, op, dir) => {
      const r = get(col, c.name, op, dir);
      if (!r) return '';
      if (r.skipped) return 'n/a';
      if (r.error) return 'error';
      return `${fmt(r.median)}${r.check && !r.check.ok ? ' ✗' : ''}${r.note ? ' †' : ''}`;
    },
    (x) => x === '' || x === 'n/a',
  );
  out();
  out('Empty: not run there (js runs on every shape in Node only, with 3 timed runs; in Deno/Bun on the first shape). n/a: the anchor has no such op/direction. ✗: output differs from the reference beyond OPERATORS.md §6 tolerance. †: see notes.');
  const notes = results.filter((r) => r.note || r.error);
  for (const r of notes) out(`- † ${r.runtime}:${r.backend} ${key(r).replaceAll('|', ' ')}: ${r.note ?? r.error}`);
  if (unavailable.length) {
    out();
    out('Not run:');
    for (const u of unavailable) out(`- ${u.runtime}:${u.backend}: ${u.reason}`);
  }

  // Correctness: worst case per backend, op and direction.
  out();
  out('## Check against the reference `js` (worst over shapes)');
  out();
  out('| runtime:backend | op | dir | max abs diff | max rel diff | within §6 tolerance |');
  out('|---|---|---|---:|---:|---|');
  const worst = new Map();
  for (const r of results) {
    if (!r.check || r.check.reference) continue;
    const k = `${r.runtime}:${r.backend}|${r.op}|${r.dir}`;
    const w = worst.get(k) ?? { maxAbs: 0, maxRel: 0, bad: 0, total: 0 };
    worst.set(k, { maxAbs: Math.max(w.maxAbs, r.check.maxAbs), maxRel: Math.max(w.maxRel, r.check.maxRel), bad: w.bad + r.check.bad, total: w.total + r.check.total });
  }
  const rank = (k) => {
    const [col, op, dir] = k.split('|');
    const [rt, b] = col.split(':');
    return [['node', 'deno', 'bun'].indexOf(rt), BACKENDS.indexOf(b), OPS.indexOf(op), DIRS.indexOf(dir)];
  };
  const byRank = (a, b) => {
    const [ra, rb] = [rank(a[0]), rank(b[0])];
    return ra.map((v, i) => v - rb[i]).find((d) => d !== 0) ?? 0;
  };
  for (const [k, w] of [...worst].sort(byRank)) {
    const [col, op, dir] = k.split('|');
    out(`| ${col} | ${op} | ${dir === 'forward' ? 'fwd' : 'bwd'} | ${w.maxAbs.toExponential(2)} | ${w.maxRel.toExponential(2)} | ${w.bad ? `NO: ${w.bad} of ${w.total}` : 'yes'} |`);
  }
  out();
  out('Relative diff: |Δ| / max(|ref|, 0.01). Tolerance: forward 1e-5 + 1e-4·|ref|, gradients 1e-4 + 1e-3·|ref|.');

  // Bounds.
  if (all.bounds?.length) {
    const n = CASES[0].shape.reduce((p, d) => p * d, 1);
    out();
    out(`## Bounds on ${CASES[0].name} (${n} elements, ${((4 * n) / 2 ** 20).toFixed(1)} MiB in)`);
    out();
    out('| runtime | what | median ms | throughput |');
    out('|---|---|---:|---:|');
    for (const b of all.bounds) out(`| ${b.runtime} | ${b.what} | ${fmt(b.median)} | ${b.gbps ? `${b.gbps.toFixed(1)} GB/s` : `${b.gexps.toFixed(2)} G exp/s`} |`);
  }

  // Ratios anchor / ours in Node (> 1: ours faster).
  const oursCols = ['node:wasm', 'node:js'].filter((c) => cols.includes(c));
  const anchorCols = cols.filter((c) => c.startsWith('node:') && !OUR_NAMES.has(c.slice(5)));
  for (const oc of oursCols) {
    out();
    out(`## Speed-up of ${oc} over each anchor in Node (anchor median / ours; > 1: ours faster)`);
    out();
    caseTable(anchorCols, ['avgPool', 'maxPool', 'softPool', 'lpPool'], (ac, c, op, dir) => {
      const o = get(oc, c.name, op, dir);
      const a = get(ac, c.name, op, dir);
      return o?.median && a?.median ? `${(a.median / o.median).toFixed(2)}x` : '';
    });
  }

  // How the inputs reach the op (benches/lib/ours.mjs PATHS), and the first call beside the steady median.
  const paths = ['wasm', 'wasm-user', 'wasm-tensor', 'wasm-from-js', 'wasm-into'];
  const pathCols = cols.filter((c) => paths.includes(c.split(':')[1]));
  if (pathCols.length > 1) {
    out();
    out('## Our paths: steady median / first call (ms), and each path over resident');
    out();
    for (const p of paths) {
      const timed = Object.values(all.info ?? {}).find((i) => i.backends?.[p])?.backends[p].timed;
      if (timed) out(`- ${p}: ${timed}`);
    }
    out();
    caseTable(pathCols, OPS, (col, c, op, dir) => {
      const r = get(col, c.name, op, dir);
      const res = get(`${col.split(':')[0]}:wasm`, c.name, op, dir);
      if (!r?.median) return '';
      const over = res?.median && !col.endsWith(':wasm') ? ` (${(r.median / res.median).toFixed(2)}x)` : '';
      return `${fmt(r.median)} / ${r.first === undefined ? '?' : fmt(r.first)}${over}`;
    });
  }

  // The issue's targets, per runtime where both sides ran there.
  const RTS = ['node', 'deno', 'bun'];
  const haveWasm = cols.some((c) => c.endsWith(':wasm'));
  const oursName = haveWasm ? 'wasm' : 'js';
  const two = CASES.filter((c) => c.shape.length === 4);
  const first = CASES[0];
  const m = (rt, backend, c, op, dir) => get(`${rt}:${backend}`, c.name, op, dir)?.median;
  const specs = [];
  const spec = (what, goal, cmp, num, den) => specs.push({ what, goal, cmp, num, den });
  spec(`softPool2d fwd ${first.name}: tfjs-wasm composition / ours`, 8, '>=', ['tfjs-wasm', first, 'softPool', 'forward'], [oursName, first, 'softPool', 'forward']);
  spec(`softPool2d fwd ${first.name}: ort-node composition / ours`, 1.5, '>=', ['ort-node', first, 'softPool', 'forward'], [oursName, first, 'softPool', 'forward']);
  for (const c of two) for (const op of ['maxPool', 'avgPool']) spec(`${op}2d fwd ${c.name}: tfjs-wasm / ours`, 1, '>=', ['tfjs-wasm', c, op, 'forward'], [oursName, c, op, 'forward']);
  for (const c of two) spec(`adaPool2d fwd ${c.name}: adaPool / softPool`, 2, '<=', [oursName, c, 'adaPool', 'forward'], [oursName, c, 'softPool', 'forward']);
  for (const c of CASES) for (const op of OPS) spec(`${op} ${c.name}: backward / forward`, 2.5, '<=', [oursName, c, op, 'backward'], [oursName, c, op, 'forward']);
  // issue 10: the README's path (setBackend, tensor(), op → read()) costs what the resident path does
  if (haveWasm) for (const c of CASES) for (const op of ['softPool', 'maxPool']) spec(`${op} fwd ${c.name}: user path / resident`, 1.1, '<=', ['wasm-user', c, op, 'forward'], ['wasm', c, op, 'forward']);
  const targets = [];
  out();
  out(`## Targets (issues 3 and 10), single thread, ratios from this run, ours = ${oursName}${haveWasm ? '' : ' (INFORMATIONAL: the targets are for wasm)'}`);
  out();
  out(`| target | goal | ${RTS.join(' | ')} |`);
  out(`|---|---|${RTS.map(() => '---').join('|')}|`);
  for (const s of specs) {
    const cells = RTS.map((rt) => {
      const a = m(rt, ...s.num);
      const b = m(rt, ...s.den);
      if (!a || !b) return 'n/a';
      const ratio = a / b;
      const status = (s.cmp === '>=' ? ratio >= s.goal : ratio <= s.goal) ? 'PASS' : 'MISS';
      targets.push({ what: s.what, runtime: rt, ours: oursName, ratio, goal: `${s.cmp} ${s.goal}`, status });
      return `${ratio.toFixed(2)}x ${status}`;
    });
    out(`| ${s.what} | ${s.cmp} ${s.goal} | ${cells.join(' | ')} |`);
  }
  if (!haveWasm && (!onlyBackends || onlyBackends.includes('wasm'))) {
    out();
    out('**!!! @adapool/wasm was not available: no target is measured for it. Build it (npm run build at the root) and re-run. The ratios above use the js reference, for information only. !!!**');
  }
  return { text: lines.join('\n'), targets };
}

// --- main ------------------------------------------------------------------------------------

const t0 = performance.now();
const here = await runHere();
if (child) {
  process.stdout.write(`${CHILD_MARKER}${JSON.stringify(here)}\n`);
  process.exit(0);
}
const all = { results: [...here.results], unavailable: [...here.unavailable], bounds: [...here.bounds], info: { ...here.info } };
if (!flag('--no-spawn')) {
  for (const r of runChildren()) {
    all.results.push(...(r.results ?? []));
    all.unavailable.push(...(r.unavailable ?? []));
    all.bounds.push(...(r.bounds ?? []));
    Object.assign(all.info, r.info ?? {});
  }
}
const cpu = os.cpus();
const cpuFlags = (() => {
  try {
    const flags = new Set(readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1].trim().split(/\s+/));
    return ['sse4_2', 'avx2', 'fma', 'avx512f'].filter((f) => flags.has(f)).join(' ');
  } catch {
    return '';
  }
})();
const machine = `${cpu[0]?.model?.trim() ?? 'cpu'}, ${cpu.length} cores${cpuFlags ? ` (${cpuFlags})` : ''}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.arch()}`;
const date = new Date().toISOString();
const header = [
  `# adapool benchmark (${mode}), ${date}`,
  '',
  `Machine: ${machine}. Runtimes: ${Object.values(all.info).map((i) => i.version).join(', ')}. Single thread everywhere, float32, channels-first data (tfjs: the same values laid out NHWC/NDHWC, its native layout).`,
  '',
  'Timed per call:',
  ...[...new Map(Object.values(all.info).flatMap((i) => Object.entries(i.backends))).entries()].map(([b, i]) => `- ${b}: ${i.timed}${i.info ? ` (${i.info})` : ''}`),
  '',
].join('\n');
const { text, targets } = report(all);
console.log(`\n${header}\n${text}\n`);
const seconds = (performance.now() - t0) / 1000;
console.log(`Total time: ${seconds.toFixed(0)} s`);
if (mdOut) {
  writeFileSync(mdOut, `${header}\n${text}\n\nTotal time: ${seconds.toFixed(0)} s\n`);
  console.log(`Wrote ${mdOut}`);
}
if (jsonOut) {
  writeFileSync(jsonOut, JSON.stringify({ mode, date, machine, info: all.info, cases: CASES, results: all.results, bounds: all.bounds, unavailable: all.unavailable, targets, seconds }, null, 1));
  console.log(`Wrote ${jsonOut}`);
}
// A dry run fails when one of our backends errs or disagrees with the reference (anchors' own
// defects are reported above, not failed on).

const broken = all.results.filter((r) => OUR_NAMES.has(r.backend) && (r.error || r.note || (r.check && !r.check.ok)));
if (broken.length) console.log(`${broken.length} of our measurements failed: ${broken.map((r) => `${r.runtime}:${r.backend} ${key(r)}`).join(', ')}`);
process.exit(dryRun && broken.length ? 1 : 0);
