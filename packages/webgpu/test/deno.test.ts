/**
 * The built package in Deno, whose WebGPU is wgpu (a second implementation besides Dawn): the full
 * parity suite through `runParitySubset('webgpu')`, with Deno from the root `deno` devDependency
 * and Vulkan pointed at SwiftShader when there is no GPU (gpu.ts sets VK_ICD_FILENAMES).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { parityCases, RESULT_MARKER } from '@adapool/testkit';
import { itWhenAvailable } from '@adapool/testkit/vitest';
import { afterAll, expect } from 'vitest';
import './gpu.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const deno = join(repo, 'node_modules', '.bin', 'deno');
const dir = mkdtempSync(join(tmpdir(), 'adapool-webgpu-deno-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' };
const runDeno = (file: string, timeout: number) => spawnSync(deno, ['run', '--quiet', '--no-prompt', '--no-config', file], { encoding: 'utf8', timeout, env });

function missing(): string | undefined {
  if (!existsSync(deno)) return 'deno is not installed (npm ci installs it as a devDependency)';
  if (!existsSync(join(repo, 'packages/webgpu/dist/index.js'))) return 'packages/webgpu is not built (npm run build)';
  const probe = join(dir, 'probe.mjs');
  writeFileSync(probe, 'const a = await navigator.gpu?.requestAdapter(); console.log(a ? "ADAPTER" : "NONE");');
  const r = runDeno(probe, 60_000);
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
    const file = join(dir, 'entry.mjs');
    await build({
      stdin: { contents: ENTRY, resolveDir: repo, sourcefile: 'deno-entry.mjs', loader: 'js' },
      bundle: true,
      tsconfigRaw: {}, // the built packages, not the root tsconfig's `paths` to the sources
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      target: 'es2022',
      outfile: file,
      logLevel: 'error',
    });
    const r = runDeno(file, 240_000);
    const line = (r.stdout + r.stderr).split('\n').find((l) => l.startsWith(RESULT_MARKER));
    expect(line, `no result line:\n${(r.stdout + r.stderr).slice(-3000)}`).toBeDefined();
    const res = JSON.parse(line!.slice(RESULT_MARKER.length));
    expect(res.failures).toEqual([]);
    expect(res.failed).toBe(0);
    expect(res.passed).toBe(parityCases.length);
  },
  300_000,
);
