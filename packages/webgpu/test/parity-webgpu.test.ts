/**
 * The full shared parity suite on WebGPU (Dawn in Node; SwiftShader when there is no GPU), inside
 * one validation error scope: any WebGPU validation error during the suite fails the last test.
 */
import { registerBackend } from '@adapool/core';
import { defineParitySuite, itWhenAvailable } from '@adapool/testkit/vitest';
import { describe, expect, it } from 'vitest';
import { createWebGPUBackend, type WebGPUBackend } from '../src/index.js';
import { probeGpu } from './gpu.js';

const { gpu, missing } = await probeGpu();

if (gpu) {
  let backend: WebGPUBackend | undefined;
  defineParitySuite({
    backend: 'webgpu',
    setup: async () => {
      backend = await createWebGPUBackend({ gpu });
      backend.device.pushErrorScope('validation');
      registerBackend(backend);
    },
  });
  it('raised no WebGPU validation error during the parity suite', async () => {
    const error = await backend!.device.popErrorScope();
    expect(error?.message).toBeUndefined();
    expect(backend!.stats().pipelines).toBeLessThanOrEqual(30); // per spec, not per shape
  });
} else {
  describe('parity: webgpu', () => itWhenAvailable('parity suite on Dawn (Node)', missing, () => {}));
}
