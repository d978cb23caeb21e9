/**
 * The random-valid-case fuzzer (testkit fuzz.ts) on 2 threads that split every call
 * (threadMinWork 0): each case against the float64 reference and bitwise against one thread.
 */
import { registerBackend } from '@adapool/core';
import { defineFuzzSuite } from '@adapool/testkit/vitest';
import { afterAll } from 'vitest';
import { createWasmBackend, type WasmBackend } from '../dist/index.js';

const made: WasmBackend[] = [];
afterAll(() => made.forEach((b) => b.destroy()));

defineFuzzSuite({
  backend: 'wasm-fuzz-t2',
  sameAs: 'wasm-fuzz-t1',
  label: 'wasm (SIMD build, 2 threads, bitwise vs 1)',
  setup: async () => {
    for (const [threads, name] of [[2, 'wasm-fuzz-t2'], [1, 'wasm-fuzz-t1']] as const) {
      const b = await createWasmBackend({ threads, name, threadMinWork: 0 });
      if (b.threads !== threads) throw new Error(`${name}: ${threads} threads asked, ${b.threads} given (${b.threadsNote})`);
      made.push(b);
      registerBackend(b);
    }
  },
});
