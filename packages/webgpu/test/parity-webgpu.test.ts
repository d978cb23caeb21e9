/** The full shared parity suite on WebGPU (Dawn in Node; SwiftShader when there is no GPU). */
import { registerBackend } from '@adapool/core';
import { defineParitySuite, itWhenAvailable } from '@adapool/testkit/vitest';
import { describe } from 'vitest';
import { createWebGPUBackend } from '../src/index.js';
import { probeGpu } from './gpu.js';

const { gpu, missing } = await probeGpu();

if (gpu) {
  defineParitySuite({ backend: 'webgpu', setup: async () => registerBackend(await createWebGPUBackend({ gpu })) });
} else {
  describe('parity: webgpu', () => itWhenAvailable('parity suite on Dawn (Node)', missing, () => {}));
}
