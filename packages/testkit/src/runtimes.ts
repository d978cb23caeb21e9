/**
 * Running the built packages in other JS runtimes (Node-side helpers for the tests): the `deno`,
 * `bun` and `workerd` binaries of the root devDependencies, an esbuild bundle of an entry that
 * imports the built packages as a user's bundler would, and the result line that
 * `runParitySubset` callers print (RESULT_MARKER + JSON).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULT_MARKER } from './runtime.js';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const runtimeBin = (name: string): string => join(REPO_ROOT, 'node_modules', '.bin', name);

/** Why the runtime binary `name` cannot run here, or undefined when it can. */
export function missingRuntime(name: string): string | undefined {
  if (!existsSync(runtimeBin(name))) return `${name} is not installed (npm ci installs it as a devDependency)`;
  const r = spawnSync(runtimeBin(name), ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `${name} --version failed: ${r.stderr || r.error}`;
}

/** How each command-line runtime runs one ES module file. */
export const RUNTIME_ARGS: Record<'deno' | 'bun', (file: string) => string[]> = {
  deno: (file) => ['run', '--quiet', '--no-prompt', '--no-config', file],
  bun: (file) => ['run', file],
};

/** Runs `file` in Deno or Bun; stdout and stderr as text. */
export function runInRuntime(name: 'deno' | 'bun', file: string, timeout: number): SpawnSyncReturns<string> {
  return spawnSync(runtimeBin(name), RUNTIME_ARGS[name](file), { encoding: 'utf8', timeout, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } });
}

export interface BundleOptions {
  /** Export conditions besides the defaults (e.g. `workerd`, `browser`). */
  conditions?: string[];
  /** Left as imports (e.g. `*.wasm`, embedded by the runtime's config). */
  external?: string[];
}

/**
 * Bundles `source` (an ES module importing `@adapool/*`) into `outfile`, resolving the *built*
 * packages (dist/), as a user's bundler would: not the root tsconfig's `paths` to the sources.
 */
export async function bundleBuilt(source: string, outfile: string, opts: BundleOptions = {}): Promise<string> {
  const { build } = await import('esbuild');
  await build({
    stdin: { contents: source, resolveDir: REPO_ROOT, sourcefile: 'entry.mjs', loader: 'js' },
    tsconfigRaw: {},
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: opts.conditions ?? [],
    external: opts.external ?? [],
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

export interface RuntimeResult {
  passed: number;
  failed: number;
  failures: unknown[];
  total: number;
}

/** The result line a runtime printed; throws with the output's tail when there is none. */
export function parseRuntimeResult(output: string): RuntimeResult {
  const line = output.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  if (!line) throw new Error(`no result line in output:\n${output.slice(-3000)}`);
  return JSON.parse(line.slice(RESULT_MARKER.length));
}
