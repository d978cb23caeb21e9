/**
 * `defineParitySuite`: registers every parity case as a vitest test for one backend. A backend
 * that cannot run a case says why through `skip`; skipped cases are printed with the reason.
 */
import { backendMethods, listBackends, poolOpDefs } from '@adapool/core';
import { describe, expect, it } from 'vitest';
import { parityCases, type ParityCase } from './cases.js';
import { runParityCase, runParityCaseSameAs } from './runner.js';
import { fuzzSettings, runFuzz, type FuzzSet } from './fuzz.js';

export interface ParitySuiteOptions {
  /** The registered backend name to test. */
  backend: string;
  /** Runs before the cases (e.g. `registerBackend(await createWasmBackend())`). */
  setup?: () => Promise<void> | void;
  /** A reason to skip a case on this backend, or undefined to run it. */
  skip?: (c: ParityCase) => string | undefined;
  /** Only the cases this keeps (e.g. a subset for a slow runtime). */
  filter?: (c: ParityCase) => boolean;
  /** Also require every result bitwise equal to this registered backend's (e.g. threads against one thread). */
  sameAs?: string;
}

export function defineParitySuite(opts: ParitySuiteOptions): void {
  const cases = parityCases.filter(opts.filter ?? (() => true));
  describe(`parity: ${opts.backend} vs float64 reference${opts.sameAs ? ` and bitwise vs ${opts.sameAs}` : ''} (${cases.length} cases)`, () => {
    if (opts.setup) {
      it('setup', async () => {
        await opts.setup!();
      });
    }
    const skipped: string[] = [];
    for (const c of cases) {
      const reason = opts.skip?.(c);
      if (reason) {
        skipped.push(`SKIP ${opts.backend}: ${c.id}: ${reason}`);
        it.skip(`${c.id} (skipped: ${reason})`, () => {});
        continue;
      }
      it(c.id, async () => {
        // a method the backend does not declare (no kernel of that name): a printed skip, a failure under ADAPOOL_REQUIRE_ALL=1
        if (listBackends().includes(opts.backend) && !backendMethods(opts.backend).includes(c.method)) {
          const why = `'${opts.backend}' does not implement ${poolOpDefs[c.method].name} (backendMethods)`;
          if (REQUIRE_ALL) throw new Error(`${c.id}: required (ADAPOOL_REQUIRE_ALL=1) but ${why}`);
          console.warn(`\n********** SKIP ${opts.backend}: ${c.id}: ${why} **********\n`);
          return;
        }
        const r = opts.sameAs ? await runParityCaseSameAs(c, opts.backend, opts.sameAs) : await runParityCase(c, opts.backend);
        expect(r.failures, r.failures.join('\n')).toEqual([]);
        expect(r.checked.length).toBeGreaterThan(0);
      });
    }
    if (skipped.length) {
      it('reports skipped cases', () => {
        console.log(`${skipped.length} parity case(s) skipped on '${opts.backend}':\n${skipped.join('\n')}`);
      });
    }
  });
}

/** True when CI asks that nothing be skipped (`ADAPOOL_REQUIRE_ALL=1`). */
export const REQUIRE_ALL = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.ADAPOOL_REQUIRE_ALL === '1';

/**
 * A test that needs a component this machine may lack (a runtime, Chromium, a WebGPU adapter).
 * `missing` is undefined when it is available, else the reason. Missing: a loud SKIP, or a
 * failure under ADAPOOL_REQUIRE_ALL=1.
 */
export function itWhenAvailable(title: string, missing: string | undefined, fn: () => Promise<void> | void, timeout?: number): void {
  if (!missing) {
    it(title, fn, timeout);
  } else if (REQUIRE_ALL) {
    it(title, () => {
      throw new Error(`${title}: required (ADAPOOL_REQUIRE_ALL=1) but unavailable: ${missing}`);
    });
  } else {
    console.warn(`\n********** SKIP ${title}: ${missing} **********\n`);
    it.skip(`${title} [SKIP: ${missing}]`, fn);
  }
}

export interface FuzzSuiteOptions {
  /** The registered backend name to fuzz. */
  backend: string;
  /** How the suite and its figures name the backend (default: its name), e.g. 'wasm (scalar build)'. */
  label?: string;
  /** Runs before the cases (e.g. `registerBackend(await createWasmBackend())`). */
  setup?: () => Promise<void> | void;
  /** Cases per set in the bounded slice of the normal suite (default 150); ×20 with ADAPOOL_FUZZ_LONG=1. */
  slice?: number;
  /** Per-test timeout in ms for one batch of cases (default 60 000). */
  timeout?: number;
  /** Also require every result bitwise equal to this registered backend's (e.g. threads against one thread). */
  sameAs?: string;
}

/**
 * Registers the random-valid-case fuzzer (fuzz.ts) for one backend: the normal and extreme sets,
 * in batches of 25 cases, and a last test that prints the figures (cases tried, agreeing).
 */
export function defineFuzzSuite(opts: FuzzSuiteOptions): void {
  const { seed, count, long } = fuzzSettings(opts.slice ?? 150);
  const BATCH = 25;
  const label = opts.label ?? opts.backend;
  describe(`fuzz: ${label} vs float64 reference (seed ${seed}, ${count} cases per set${long ? ', long run' : ''})`, () => {
    if (opts.setup) {
      it('setup', async () => {
        await opts.setup!();
      });
    }
    const totals: Record<FuzzSet, { tried: number; agreeing: number }> = { normal: { tried: 0, agreeing: 0 }, extreme: { tried: 0, agreeing: 0 } };
    for (const set of ['normal', 'extreme'] as const) {
      for (let start = 0; start < count; start += BATCH) {
        const n = Math.min(BATCH, count - start);
        it(`${set} cases ${start}..${start + n - 1}`, async () => {
          const r = await runFuzz(opts.backend, set, seed, n, start, opts.sameAs);
          totals[set].tried += r.tried;
          totals[set].agreeing += r.agreeing;
          const msg = r.failures.map((f) => `${f.id}\n  ${f.failures.join('\n  ')}`).join('\n');
          expect(r.agreeing, msg).toBe(r.tried);
        }, opts.timeout ?? 60_000);
      }
    }
    it('reports the figures', () => {
      const line = (s: FuzzSet) => `${s} ${totals[s].agreeing}/${totals[s].tried} agreeing`;
      console.log(`fuzz ${label} (seed ${seed}): ${line('normal')}, ${line('extreme')}`);
    });
  });
}
