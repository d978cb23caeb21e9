/**
 * The benchmark harness (benches/bench.mjs) in its dry-run mode: tiny shapes, one call per
 * (runtime, backend, op, shape, direction), every output checked against the reference `js`,
 * in Node and, as separate processes, Deno and Bun. Nothing is timed for real. The anchors
 * (benches' own install, which root CI does not do) are used when installed and otherwise must
 * be reported as not installed; our 'wasm' backend likewise when it has not been built.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as ap from '@adapool/core';
import { missingChromium } from '@adapool/testkit/chromium';
import { itWhenAvailable } from '@adapool/testkit/vitest';

const chromiumMissing = await missingChromium();
const repo = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'adapool-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Row { runtime: string; backend: string; case: string; op: string; dir: string; median?: number; check?: { ok: boolean }; note?: string; error?: string; skipped?: string }
interface BrowserRow { threads: number; backend: string; engine: string; op: string; dir: string; median?: number; check?: boolean; error?: string }
interface Out { mode: string; results: Row[]; unavailable: { runtime: string; backend: string; reason: string }[]; targets: { status: string }[] }

function bench(args: string[]) {
  return spawnSync(process.execPath, ['benches/bench.mjs', ...args], { cwd: repo, encoding: 'utf8', timeout: 150_000, env: { ...process.env, NO_COLOR: '1' } });
}

describe('benches/bench.mjs', () => {
  it('dry run: every op both directions on our backends, checked against js, in Node, Deno and Bun', () => {
    const file = join(dir, 'dry.json');
    const r = bench(['--dry-run', '--json', file]);
    expect(r.status, `${r.stdout}\n${r.stderr}`.slice(-4000)).toBe(0);
    const out: Out = JSON.parse(readFileSync(file, 'utf8'));
    expect(out.mode).toBe('dry-run');
    expect(r.stdout).toMatch(/## Medians/);
    expect(r.stdout).toMatch(/## Targets \(issues 3 and 10\)/);
    expect(r.stdout).toMatch(/## Our paths: steady median \/ first call/);

    for (const runtime of ['node', 'deno', 'bun']) {
      expect(out.unavailable.filter((u) => u.runtime === runtime && u.backend === '*'), runtime).toEqual([]);
      const js = out.results.filter((x) => x.runtime === runtime && x.backend === 'js');
      expect(js.length, runtime).toBe(3 * ap.POOL_METHODS.length * 2); // cases × every op × both directions
      for (const x of js) expect(x.median, `${runtime} ${x.case} ${x.op} ${x.dir}`).toBeGreaterThanOrEqual(0);

      const wasm = out.results.filter((x) => x.runtime === runtime && x.backend.startsWith('wasm'));
      if (wasm.length) {
        for (const x of wasm) expect({ ok: x.check?.ok, note: x.note, error: x.error }, `${runtime} wasm ${x.case} ${x.op} ${x.dir}`).toEqual({ ok: true, note: undefined, error: undefined });
      } else {
        expect(out.unavailable.find((u) => u.runtime === runtime && u.backend === 'wasm')?.reason).toMatch(/not built|failed to load/);
        expect(r.stdout).toMatch(/!!! @adapool\/wasm was not available/);
      }
    }

    // Anchors: measured and agreeing with the reference where installed, else said why not.
    for (const name of ['tfjs-wasm', 'ort-web', 'ort-node']) {
      const missing = out.unavailable.find((u) => u.runtime === 'node' && u.backend === name);
      if (missing) {
        expect(missing.reason).toMatch(/not installed|failed/);
        continue;
      }
      const soft = out.results.filter((x) => x.runtime === 'node' && x.backend === name && x.op === 'softPool' && x.dir === 'forward');
      expect(soft.length, name).toBe(3);
      for (const x of soft) expect(x.check?.ok, `${name} ${x.case}`).toBe(true);
    }
  }, 160_000);

  itWhenAvailable('browser.mjs dry run: ours on 1 and 2 threads in a cross-origin-isolated Chromium page, checked against js; the anchors there or why not', chromiumMissing, () => {
    const file = join(dir, 'browser.json');
    const r = spawnSync(process.execPath, ['benches/browser.mjs', '--dry-run', '--threads', '1,2', '--json', file], { cwd: repo, encoding: 'utf8', timeout: 200_000 });
    expect(r.status, `${r.stdout}\n${r.stderr}`.slice(-4000)).toBe(0);
    const out: { runs: { results: BrowserRow[]; unavailable: { backend: string; reason: string }[]; info: Record<string, unknown> }[] } = JSON.parse(readFileSync(file, 'utf8'));
    expect(out.runs).toHaveLength(2);
    for (const [i, threads] of [1, 2].entries()) {
      const run = out.runs[i];
      expect(run.info.crossOriginIsolated).toBe(true);
      expect(String(run.info[threads === 1 ? 'wasm' : 'wasm-t2'])).toMatch(new RegExp(`${threads} threads?$`));
      // ours, read() and read({ into })
      for (const engine of ['wasm', 'wasm-into']) {
        const mine = run.results.filter((x) => x.engine === engine);
        expect(mine.map((x) => `${x.op} ${x.dir}`).sort(), engine).toEqual(['adaPool', 'avgPool', 'maxPool', 'softPool'].flatMap((op) => [`${op} backward`, `${op} forward`]));
        for (const x of mine) {
          expect(x.threads).toBe(threads);
          expect(x.check, `${engine} ${x.op} ${x.dir} on ${threads} threads`).toBe(true);
        }
      }
      // an anchor either ran (its outputs match the reference, but for tfjs's maxPool gradient defect) or says why not
      for (const engine of ['tfjs-wasm', 'ort-web']) {
        const name = threads === 1 ? engine : `${engine}-t2`;
        const rows = run.results.filter((x) => x.backend === name);
        const why = run.unavailable.find((u) => u.backend === name)?.reason;
        if (!rows.length) expect(why, name).toMatch(/not installed|cross-origin/);
        for (const x of rows) if (!(engine === 'tfjs-wasm' && x.op === 'maxPool' && x.dir === 'backward')) expect(x.check, `${name} ${x.op} ${x.dir}`).toBe(true);
      }
    }
    expect(r.stdout).toMatch(/\| shape \| op \| dir \| wasm t1 \|/);
  }, 240_000);

  it('rejects unknown options with its usage', () => {
    const r = bench(['--fast']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown option --fast/);
    expect(r.stderr).toMatch(/usage: /);
  });
});
