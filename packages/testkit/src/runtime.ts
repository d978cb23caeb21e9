/**
 * Runs parity cases without a test framework, for runtimes other than Node (Deno, Bun,
 * workerd): bundle a two-line entry that calls `runParitySubset` and prints its result.
 */
import { parityCases, type ParityCase } from './cases.js';
import { runParityCase } from './runner.js';

export interface SubsetResult {
  backend: string;
  passed: number;
  failed: number;
  failures: { id: string; failures: string[] }[];
}

/** Marker that starts the result line a runtime prints: `ADAPOOL_RESULT {json}`. */
export const RESULT_MARKER = 'ADAPOOL_RESULT ';

export async function runParitySubset(backend: string, filter: (c: ParityCase) => boolean = () => true): Promise<SubsetResult> {
  const result: SubsetResult = { backend, passed: 0, failed: 0, failures: [] };
  for (const c of parityCases.filter(filter)) {
    const r = await runParityCase(c, backend);
    if (r.failures.length) {
      result.failed++;
      if (result.failures.length < 20) result.failures.push({ id: c.id, failures: r.failures });
    } else result.passed++;
  }
  return result;
}
