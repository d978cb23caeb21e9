/**
 * @adapool/core in other JS runtimes: the built package and the parity suite are bundled into
 * one ESM file and run, on the reference backend, in Deno, Bun and Cloudflare's workerd (the
 * `deno`, `bun` and `workerd` npm packages). Every case must pass there too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect } from 'vitest';
import { itWhenAvailable } from '@adapool/testkit/vitest';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const bin = (name: string) => join(repo, 'node_modules', '.bin', name);
const dir = mkdtempSync(join(tmpdir(), 'adapool-runtimes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function missing(name: string): string | undefined {
  if (!existsSync(bin(name))) return `${name} is not installed (npm ci installs it as a devDependency)`;
  const r = spawnSync(bin(name), ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `${name} --version failed: ${r.stderr || r.error}`;
}

/** Bundles an entry that imports the *built* packages (dist/), as a user's bundler would. */
async function bundle(name: string, source: string): Promise<string> {
  const out = join(dir, `${name}.mjs`);
  await build({
    stdin: { contents: source, resolveDir: repo, sourcefile: `${name}-entry.mjs`, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    outfile: out,
    logLevel: 'error',
  });
  return out;
}

function parseResult(stdout: string): { passed: number; failed: number; failures: unknown[] } {
  const line = stdout.split('\n').find((l) => l.startsWith('ADAPOOL_RESULT '));
  if (!line) throw new Error(`no result line in output:\n${stdout.slice(-3000)}`);
  return JSON.parse(line.slice('ADAPOOL_RESULT '.length));
}

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
  const CLI: [title: string, bin: string, args: (file: string) => string[]][] = [
    ['Deno', 'deno', (file) => ['run', '--quiet', '--no-prompt', '--no-config', file]],
    ['Bun', 'bun', (file) => ['run', file]],
  ];
  for (const [title, name, args] of CLI) {
    itWhenAvailable(title, missing(name), async () => {
      const file = await bundle(name, MAIN);
      const r = spawnSync(bin(name), args(file), { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } });
      const res = parseResult(r.stdout + r.stderr);
      expect(res.failures).toEqual([]);
      expect(res.failed).toBe(0);
      expect(res.passed).toBeGreaterThanOrEqual(300);
    }, 180_000);
  }

  itWhenAvailable('Cloudflare workerd', missing('workerd'), async () => {
    const file = await bundle('worker', WORKER);
    const config = join(dir, 'config.capnp');
    writeFileSync(
      config,
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = ( services = [ (name = "main", worker = .w) ] );
const w :Workerd.Worker = ( modules = [ (name = "worker", esModule = embed "${basename(file)}") ], compatibilityDate = "2024-09-01" );
`,
    );
    const r = spawnSync(bin('workerd'), ['test', config], { encoding: 'utf8', timeout: 120_000 });
    const res = parseResult(r.stdout + r.stderr);
    expect(res.failures).toEqual([]);
    expect(res.failed).toBe(0);
    expect(res.passed).toBeGreaterThanOrEqual(300);
    expect(r.status, r.stderr).toBe(0);
  }, 180_000);
});
