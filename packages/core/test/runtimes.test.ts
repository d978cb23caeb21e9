/**
 * @adapool/core in other JS runtimes: the built package and the parity suite are bundled into
 * one ESM file and run, on the reference backend, in Deno, Bun and Cloudflare's workerd (the
 * `deno`, `bun` and `workerd` npm packages). Every case must pass there too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect } from 'vitest';
import { itWhenAvailable } from '@adapool/testkit/vitest';
import { bundleBuilt, missingRuntime, parseRuntimeResult, runInRuntime, runtimeBin } from '@adapool/testkit/runtimes';

const dir = mkdtempSync(join(tmpdir(), 'adapool-runtimes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bundle = (name: string, source: string) => bundleBuilt(source, join(dir, `${name}.mjs`));

const MAIN = `import { runParitySubset, RESULT_MARKER, parityCases } from '@adapool/testkit';
const r = await runParitySubset('js');
console.log(RESULT_MARKER + JSON.stringify({ ...r, total: parityCases.length }));`;

const WORKER = `import { runParitySubset, RESULT_MARKER, parityCases } from '@adapool/testkit';
export default {
  async test() {
    const r = await runParitySubset('js');
    console.log(RESULT_MARKER + JSON.stringify({ ...r, total: parityCases.length }));
  },
};`;

describe('@adapool/core in other runtimes (full parity suite on the reference backend)', () => {
  for (const [title, name] of [['Deno', 'deno'], ['Bun', 'bun']] as const) {
    itWhenAvailable(title, missingRuntime(name), async () => {
      const r = runInRuntime(name, await bundle(name, MAIN), 120_000);
      const res = parseRuntimeResult(r.stdout + r.stderr);
      expect(res.failures).toEqual([]);
      expect(res.failed).toBe(0);
      expect(res.passed).toBeGreaterThanOrEqual(300);
    }, 180_000);
  }

  itWhenAvailable('Cloudflare workerd', missingRuntime('workerd'), async () => {
    const file = await bundle('worker', WORKER);
    const config = join(dir, 'config.capnp');
    writeFileSync(
      config,
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = ( services = [ (name = "main", worker = .w) ] );
const w :Workerd.Worker = ( modules = [ (name = "worker", esModule = embed "${basename(file)}") ], compatibilityDate = "2024-09-01" );
`,
    );
    const r = spawnSync(runtimeBin('workerd'), ['test', config], { encoding: 'utf8', timeout: 120_000 });
    const res = parseRuntimeResult(r.stdout + r.stderr);
    expect(res.failures).toEqual([]);
    expect(res.failed).toBe(0);
    expect(res.passed).toBeGreaterThanOrEqual(300);
    expect(r.status, r.stderr).toBe(0);
  }, 180_000);
});
