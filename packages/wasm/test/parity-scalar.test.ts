/** The full shared parity suite on the scalar build (engines without Wasm SIMD), from the built package (dist/). */
import { registerBackend } from '@adapool/core';
import { defineParitySuite } from '@adapool/testkit/vitest';
import { expect } from 'vitest';
import { createWasmBackend } from '../dist/index.js';

defineParitySuite({
  backend: 'wasm',
  setup: async () => {
    const b = await createWasmBackend({ simd: false });
    expect(b.simd).toBe(false);
    registerBackend(b);
  },
});
