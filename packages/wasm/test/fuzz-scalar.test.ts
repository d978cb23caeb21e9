/** The random-valid-case fuzzer (testkit fuzz.ts) on the scalar build, from the built package (dist/). */
import { registerBackend } from '@adapool/core';
import { defineFuzzSuite } from '@adapool/testkit/vitest';
import { expect } from 'vitest';
import { createWasmBackend } from '../dist/index.js';

defineFuzzSuite({
  backend: 'wasm',
  setup: async () => {
    const b = await createWasmBackend({ simd: false });
    expect(b.simd).toBe(false);
    registerBackend(b);
  },
});
