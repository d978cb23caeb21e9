/** The random-valid-case fuzzer (testkit fuzz.ts) on the SIMD build, from the built package (dist/). */
import { registerBackend } from '@adapool/core';
import { defineFuzzSuite } from '@adapool/testkit/vitest';
import { expect } from 'vitest';
import { createWasmBackend } from '../dist/index.js';

defineFuzzSuite({
  backend: 'wasm',
  setup: async () => {
    const b = await createWasmBackend({ simd: true });
    expect(b.simd).toBe(true);
    registerBackend(b);
  },
});
