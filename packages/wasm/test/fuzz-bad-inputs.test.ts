/**
 * The bad-input fuzzer (packages/testkit/src/bad-inputs.ts) on the wasm backend, plus
 * createWasmBackend's options: every call a clean AdaPoolError or a valid result, inputs
 * unchanged, and no memory growth when the same seeded run is repeated (nothing leaked).
 * `ADAPOOL_FUZZ_LONG=1` runs the long version.
 */
import * as ap from '@adapool/core';
import { fuzzBadInputs, hostile, MESSAGE_MAX, rng } from '@adapool/testkit';
import { afterAll, expect, it } from 'vitest';
import { createWasmBackend } from '../dist/index.js';

const LONG = process.env.ADAPOOL_FUZZ_LONG === '1';
const CASES = LONG ? 50_000 : 4_000;

afterAll(() => {
  if (ap.listBackends().includes('wasm')) ap.removeBackend('wasm');
  ap.setBackend('js');
});

it(`wasm: ${CASES} generated bad inputs, twice with one seed: clean errors, no memory growth the second time`, async () => {
  // threaded where threads run (Node: the core count), every valid call split over them
  const b = await createWasmBackend({ threadMinWork: 0 });
  ap.registerBackend(b);
  const first = fuzzBadInputs({ seed: 11, cases: CASES, backend: 'wasm' });
  const settled = b.memoryBytes();
  const second = fuzzBadInputs({ seed: 11, cases: CASES, backend: 'wasm' });
  console.log(`bad-input fuzz wasm seed 11: ${first.tried} tried, ${first.rejected} rejected cleanly, ${first.accepted} valid, slowest ${first.slowestMs.toFixed(1)} ms, codes ${JSON.stringify(first.codes)}; memory ${settled} B after the first run, ${b.memoryBytes()} B after the second`);
  expect(first.problems).toEqual([]);
  expect(second.problems).toEqual([]);
  expect(b.memoryBytes()).toBe(settled);
  ap.removeBackend('wasm');
  b.destroy();
}, LONG ? 1_800_000 : 60_000);

it('createWasmBackend: hostile options are each a clean AdaPoolError or a backend', async () => {
  const r = rng(5);
  const problems: string[] = [];
  const n = LONG ? 3000 : 300;
  for (let i = 0; i < n; i++) {
    const keys = ['simd', 'module', 'threads', 'name', 'threadMinWork'];
    const opts = r() < 0.3 ? hostile(r, []) : { [keys[Math.floor(r() * keys.length)]!]: hostile(r, []) };
    try {
      // a backend made of hostile options still ends its workers
      (await createWasmBackend(opts as never)).destroy();
    } catch (e) {
      const ok = e instanceof ap.AdaPoolError && e.op === 'createWasmBackend' && /^createWasmBackend: [\s\S]+, got [\s\S]+$/.test(e.message) && e.message.length <= MESSAGE_MAX;
      if (!ok) problems.push(`case ${i}: ${String(e).slice(0, 200)}`);
    }
  }
  expect(problems).toEqual([]);
}, 60_000);
