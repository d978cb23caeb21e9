/**
 * The random-valid-case fuzzer (testkit fuzz.ts) on WebGPU (Dawn in Node; SwiftShader without a
 * GPU): normal set within OPERATORS.md 6 tolerances, extreme set for finiteness and NaN/±∞
 * placement as the float64 reference. A bounded seeded slice (ADAPOOL_FUZZ_LONG=1 for the long run).
 */
import { registerBackend } from '@adapool/core';
import { defineFuzzSuite, itWhenAvailable } from '@adapool/testkit/vitest';
import { describe } from 'vitest';
import { createWebGPUBackend } from '../src/index.js';
import { probeGpu } from './gpu.js';

const { gpu, missing } = await probeGpu();

if (gpu) {
  defineFuzzSuite({
    backend: 'webgpu',
    slice: 100,
    setup: async () => {
      registerBackend(await createWebGPUBackend({ gpu }));
    },
  });
} else {
  describe('fuzz: webgpu', () => itWhenAvailable('fuzz slice on Dawn (Node)', missing, () => {}));
}
