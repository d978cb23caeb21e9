/**
 * The bad-input fuzzer (packages/testkit/src/bad-inputs.ts) on the js backend: a bounded, seeded
 * slice in the normal suite; `ADAPOOL_FUZZ_LONG=1` (or `npm run fuzz -w @adapool/core`) runs the
 * long one. Figures go to docs/reliability.md ("Bad inputs").
 */
import { fuzzBadInputs } from '@adapool/testkit';
import { expect, it } from 'vitest';

const LONG = process.env.ADAPOOL_FUZZ_LONG === '1';
const SEEDS = LONG ? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] : [1, 2];
const CASES = LONG ? 50_000 : 5_000;

for (const seed of SEEDS) {
  it(`js: ${CASES} generated bad inputs (seed ${seed}) are each a clean AdaPoolError or a valid result`, () => {
    const report = fuzzBadInputs({ seed, cases: CASES, backend: 'js' });
    console.log(`bad-input fuzz js seed ${seed}: ${report.tried} tried, ${report.rejected} rejected cleanly, ${report.accepted} valid, slowest ${report.slowestMs.toFixed(1)} ms, codes ${JSON.stringify(report.codes)}`);
    expect(report.problems).toEqual([]);
    expect(report.rejected + report.accepted).toBe(report.tried);
  }, LONG ? 1_800_000 : 60_000);
}
