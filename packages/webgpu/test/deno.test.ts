/**
 * The built package in Deno, whose WebGPU is wgpu (a second implementation besides Dawn): the full
 * parity suite through `runParitySubset('webgpu')`, with Deno from the root `deno` devDependency
 * and Vulkan pointed at SwiftShader when there is no GPU (gpu.ts sets VK_ICD_FILENAMES).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parityCases } from '@adapool/testkit';
import { itWhenAvailable } from '@adapool/testkit/vitest';
import { REPO_ROOT, bundleBuilt, missingRuntime, parseRuntimeResult, runInRuntime } from '@adapool/testkit/runtimes';
import { afterAll, expect } from 'vitest';
import './gpu.js';

const dir = mkdtempSync(join(tmpdir(), 'adapool-webgpu-deno-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function missing(): string | undefined {
  const why = missingRuntime('deno');
  if (why) return why;
  if (!existsSync(join(REPO_ROOT, 'packages/webgpu/dist/index.js'))) return 'packages/webgpu is not built (npm run build)';
  const probe = join(dir, 'probe.mjs');
  writeFileSync(probe, 'const a = await navigator.gpu?.requestAdapter(); console.log(a ? "ADAPTER" : "NONE");');
  const r = runInRuntime('deno', probe, 60_000);
  if (r.status !== 0) return `deno failed: ${r.stderr || r.error}`;
  return r.stdout.includes('ADAPTER') ? undefined : 'Deno found no WebGPU adapter (apt-get install -y chromium libvulkan1 for SwiftShader)';
}

const ENTRY = `import { registerBackend } from '@adapool/core';
import { createWebGPUBackend } from '@adapool/webgpu';
import { runParitySubset, parityCases, RESULT_MARKER } from '@adapool/testkit';
const b = await createWebGPUBackend();
registerBackend(b);
const r = await runParitySubset('webgpu');
console.log(RESULT_MARKER + JSON.stringify({ ...r, total: parityCases.length }));
b.destroy();`;

itWhenAvailable(
  'full parity suite in Deno (wgpu WebGPU, built package)',
  missing(),
  async () => {
    const r = runInRuntime('deno', await bundleBuilt(ENTRY, join(dir, 'entry.mjs')), 240_000);
    const res = parseRuntimeResult(r.stdout + r.stderr);
    expect(res.failures).toEqual([]);
    expect(res.failed).toBe(0);
    expect(res.passed).toBe(parityCases.length);
  },
  300_000,
);
