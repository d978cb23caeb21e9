/**
 * `defineParitySuite`: registers every parity case as a vitest test for one backend. A backend
 * that cannot run a case says why through `skip`; skipped cases are printed with the reason.
 */
import { describe, expect, it } from 'vitest';
import { parityCases, type ParityCase } from './cases.js';
import { runParityCase } from './runner.js';

export interface ParitySuiteOptions {
  /** The registered backend name to test. */
  backend: string;
  /** Runs before the cases (e.g. `registerBackend(await createWasmBackend())`). */
  setup?: () => Promise<void> | void;
  /** A reason to skip a case on this backend, or undefined to run it. */
  skip?: (c: ParityCase) => string | undefined;
  /** Only the cases this keeps (e.g. a subset for a slow runtime). */
  filter?: (c: ParityCase) => boolean;
}

export function defineParitySuite(opts: ParitySuiteOptions): void {
  const cases = parityCases.filter(opts.filter ?? (() => true));
  describe(`parity: ${opts.backend} vs float64 reference (${cases.length} cases)`, () => {
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
        const r = await runParityCase(c, opts.backend);
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
