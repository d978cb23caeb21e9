/** The setup step of the shared suites (parity, fuzz) on one Wasm build, from the built package (dist/). */
import { registerBackend } from '@adapool/core';
import { expect } from 'vitest';
import { createWasmBackend } from '../dist/index.js';

/** Registers backend 'wasm' on the SIMD (`true`) or the scalar build, checking which one loaded. */
export function useBuild(simd: boolean): () => Promise<void> {
  return async () => {
    const b = await createWasmBackend({ simd });
    expect(b.simd).toBe(simd);
    registerBackend(b);
  };
}
