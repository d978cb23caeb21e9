/**
 * The README's Node setup, `createWebGPUBackend({ gpu: create([]) })`, keeps no reference to
 * Dawn's GPU object on the caller's side: the backend must keep it (and the adapter) alive. A
 * child process (`node --expose-gc`, test/gc-child.mjs, the built package) forces garbage
 * collection under allocation pressure between ops and reads; before the fix it segfaulted,
 * aborted or hung in most runs, so a crash or a hang (timeout) is a clean failure here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { itWhenAvailable } from '@adapool/testkit/vitest';
import { REPO_ROOT, parseRuntimeResult } from '@adapool/testkit/runtimes';
import { expect } from 'vitest';
import { probeGpu } from './gpu.js';

const { missing: noGpu } = await probeGpu();
const built = existsSync(`${REPO_ROOT}/packages/webgpu/dist/index.js`) && existsSync(`${REPO_ROOT}/packages/core/dist/index.js`);
const missing = noGpu ?? (built ? undefined : 'packages/core and packages/webgpu are not built (npm run build)');
const child = fileURLToPath(new URL('./gc-child.mjs', import.meta.url));

itWhenAvailable(
  'the README Node setup survives forced garbage collection (3 child runs, ops and reads between gc() calls)',
  missing,
  () => {
    for (let run = 0; run < 3; run++) {
      const r = spawnSync(process.execPath, ['--expose-gc', child, '6'], { encoding: 'utf8', timeout: 60_000, env: process.env });
      const out = `${r.stdout}${r.stderr}`;
      expect(r.signal, `run ${run}: killed by ${r.signal} (crash or hang)\n${out.slice(-2000)}`).toBeNull();
      expect(r.status, `run ${run}: exit ${r.status}\n${out.slice(-2000)}`).toBe(0);
      const res = parseRuntimeResult(out) as unknown as { rounds: number; checked: number; worst: number };
      expect(res.rounds).toBe(6);
      expect(res.checked).toBe(6 * (2 * 3 * 6 * 6 + 2 * 3 * 4 * 4 + 2 * 3 * 12 * 12));
      expect(res.worst).toBeLessThanOrEqual(1); // within §6 gradient tolerance
    }
  },
  200_000,
);
