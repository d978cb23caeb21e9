/**
 * Runs parity cases without a test framework, for runtimes other than Node (Deno, Bun,
 * workerd): bundle a two-line entry that calls `runParitySubset` and prints its result.
 */
import { parityCases, type ParityCase } from './cases.js';
import { runParityCase, runParityCaseSameAs } from './runner.js';

export interface SubsetResult {
  backend: string;
  passed: number;
  failed: number;
  failures: { id: string; failures: string[] }[];
}

/** Marker that starts the result line a runtime prints: `ADAPOOL_RESULT {json}`. */
export const RESULT_MARKER = 'ADAPOOL_RESULT ';

/** The cases `filter` keeps on `backend`; with `sameAs`, each result also bitwise equal to that backend's. */
export async function runParitySubset(backend: string, filter: (c: ParityCase) => boolean = () => true, sameAs?: string): Promise<SubsetResult> {
  const result: SubsetResult = { backend, passed: 0, failed: 0, failures: [] };
  for (const c of parityCases.filter(filter)) {
    const r = sameAs ? await runParityCaseSameAs(c, backend, sameAs) : await runParityCase(c, backend);
    if (r.failures.length) {
      result.failed++;
      if (result.failures.length < 20) result.failures.push({ id: c.id, failures: r.failures });
    } else result.passed++;
  }
  return result;
}
