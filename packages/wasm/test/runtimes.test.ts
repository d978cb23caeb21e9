/**
 * The built @adapool/wasm in other JS runtimes: an entry that imports the package as a user would
 * (`import { createWasmBackend } from '@adapool/wasm'`) plus the parity runner is bundled with
 * esbuild and run in Deno and Bun (the `deno`/`bun` npm packages) with the default loader (the
 * inlined SIMD build), and in Cloudflare's workerd with the `workerd` export condition, whose
 * entry imports adapool.wasm as a WebAssembly.Module (embedded by the capnp config, as wrangler
 * would upload it). workerd runs twice: through miniflare (v3, the last line that supports Node 20;
 * the worker and both .wasm files handed over as an ES module and CompiledWasm modules, as
 * wrangler uploads them) and through the `workerd test` binary of the current workerd release
 * (miniflare 4 needs Node ≥ 22 and this repo supports Node 20). In headless Chromium (the system `chromium`, as `.ci/run`
 * installs it) the browser bundle is inlined into a page and its result read with --dump-dom.
 * Each runtime runs the SIMD build on every parity case and the scalar build on a quarter of them.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect } from 'vitest';
import { itWhenAvailable } from '@adapool/testkit/vitest';
import { CHROMIUM_HEADLESS_FLAGS, CHROMIUM_PATH, missingChromium } from '@adapool/testkit/chromium';
import { REPO_ROOT, bundleBuilt, missingRuntime, parseRuntimeResult, runInRuntime, runtimeBin, type RuntimeResult } from '@adapool/testkit/runtimes';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'adapool-wasm-runtimes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// the .wasm files stay imports: the runtime's config embeds them
const bundle = (name: string, source: string, conditions: string[] = []) => bundleBuilt(source, join(dir, `${name}.mjs`), { conditions, external: ['*.wasm'] });

function missingModule(name: string): string | undefined {
  return existsSync(join(REPO_ROOT, 'node_modules', name, 'package.json')) ? undefined : `${name} is not installed (npm ci installs it as a devDependency)`;
}

/** Runs the SIMD build on every case and the scalar build on every 4th; prints one result line. */
const RUN = `
  const { registerBackend, removeBackend } = core;
  const simd = await createWasmBackend();
  if (!simd.simd) throw new Error('expected the SIMD build by default');
  registerBackend(simd);
  const a = await runParitySubset('wasm');
  removeBackend('wasm');
  const scalar = await createWasmBackend({ simd: false });
  if (scalar.simd) throw new Error('expected the scalar build with simd: false');
  registerBackend(scalar);
  const b = await runParitySubset('wasm', (c) => parityCases.indexOf(c) % 4 === 0);
  console.log(RESULT_MARKER + JSON.stringify({ passed: a.passed + b.passed, failed: a.failed + b.failed, failures: [...a.failures, ...b.failures], total: parityCases.length }));
`;
const IMPORTS = `import * as core from '@adapool/core';
import { createWasmBackend } from '@adapool/wasm';
import { runParitySubset, RESULT_MARKER, parityCases } from '@adapool/testkit';`;
const MAIN = `${IMPORTS}\n${RUN}`;
const WORKER = `${IMPORTS}\nexport default { async test() {\n${RUN}\n} };`;
const FETCH_WORKER = `${IMPORTS}\nexport default { async fetch() {\n  const lines = [];\n  const log = console.log;\n  console.log = (s) => lines.push(String(s));\n  try {\n${RUN}\n  } finally { console.log = log; }\n  return new Response(lines.join('\\n'));\n} };`;

function expectAllPassed(res: RuntimeResult): void {
  expect(res.failures).toEqual([]);
  expect(res.failed).toBe(0);
  expect(res.passed).toBe(res.total + Math.ceil(res.total / 4));
}

const chromiumMissing = await missingChromium();

describe('@adapool/wasm (built) in other runtimes: parity on the SIMD and scalar builds', () => {
  for (const [title, name] of [['Deno', 'deno'], ['Bun', 'bun']] as const) {
    itWhenAvailable(title, missingRuntime(name), async () => {
      const r = runInRuntime(name, await bundle(`wasm-${name}`, MAIN), 240_000);
      expectAllPassed(parseRuntimeResult(r.stdout + r.stderr));
    }, 300_000);
  }

  itWhenAvailable('Chromium (headless): default loading in a browser page', chromiumMissing, async () => {
    // console.log → the page body, which --dump-dom prints once the page is idle
    const file = await bundle('wasm-browser', `console.log = (s) => { document.body.textContent = String(s); };\n${MAIN}`, ['browser']);
    const page = join(dir, 'wasm-browser.html');
    writeFileSync(page, `<!doctype html><html><body>pending</body><script type="module">\n${readFileSync(file, 'utf8').replace(/<\/script/gi, '<\\/script')}\n</script></html>`);
    const r = spawnSync(
      CHROMIUM_PATH,
      [...CHROMIUM_HEADLESS_FLAGS, '--disable-gpu', '--virtual-time-budget=240000', '--dump-dom', `file://${page}`],
      { encoding: 'utf8', timeout: 240_000 },
    );
    expectAllPassed(parseRuntimeResult(r.stdout.replace(/.*?(ADAPOOL_RESULT )/s, '\n$1').replace(/<\/body>.*/s, '')));
  }, 300_000);

  itWhenAvailable('Cloudflare workerd (export condition `workerd`, adapool.wasm as an imported WebAssembly.Module)', missingRuntime('workerd'), async () => {
    const file = await bundle('wasm-worker', WORKER, ['workerd', 'worker']);
    // the workerd entry: modules imported, no inlined bytes
    const code = readFileSync(file, 'utf8');
    expect(code).toMatch(/from "\.\/adapool\.wasm"/);
    for (const magic of ['AGFzbQ', 'H4sI']) expect(code).not.toContain(magic); // base64 of the Wasm / gzip magic numbers: no inlined module
    for (const f of ['adapool.wasm', 'adapool-scalar.wasm']) copyFileSync(join(dist, f), join(dir, f));
    const config = join(dir, 'wasm-config.capnp');
    writeFileSync(
      config,
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = ( services = [ (name = "main", worker = .w) ] );
const w :Workerd.Worker = (
  modules = [
    (name = "worker", esModule = embed "${basename(file)}"),
    (name = "adapool.wasm", wasm = embed "adapool.wasm"),
    (name = "adapool-scalar.wasm", wasm = embed "adapool-scalar.wasm"),
  ],
  compatibilityDate = "2024-09-01",
);
`,
    );
    const r = spawnSync(runtimeBin('workerd'), ['test', config], { encoding: 'utf8', timeout: 240_000 });
    expectAllPassed(parseRuntimeResult(r.stdout + r.stderr));
    expect(r.status, r.stderr).toBe(0);
  }, 300_000);

  itWhenAvailable('Cloudflare workerd, bundled without the `workerd` condition: the error says to add it', missingRuntime('workerd'), async () => {
    const file = await bundle('wasm-worker-nocond', `import { createWasmBackend } from '@adapool/wasm';
export default { async test() {
  try { await createWasmBackend(); } catch (e) { console.log('CAUGHT ' + e.code + ' ' + e.message); }
} };`, ['worker']);
    const config = join(dir, 'wasm-nocond.capnp');
    writeFileSync(config, `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = ( services = [ (name = "main", worker = .w) ] );
const w :Workerd.Worker = ( modules = [ (name = "worker", esModule = embed "${basename(file)}") ], compatibilityDate = "2024-09-01" );
`);
    const r = spawnSync(runtimeBin('workerd'), ['test', config], { encoding: 'utf8', timeout: 60_000 });
    const out = r.stdout + r.stderr;
    expect(out).toMatch(/CAUGHT BACKEND createWasmBackend: the inlined Wasm build must compile in this runtime, got ".+"; in Cloudflare Workers \(workerd\).*bundle with the "workerd" export condition/);
    expect(out).not.toMatch(/options|module must be/);
  }, 120_000);

  itWhenAvailable('Cloudflare workerd through miniflare (CompiledWasm modules, export condition `workerd`)', missingModule('miniflare'), async () => {
    const file = await bundle('wasm-worker-fetch', FETCH_WORKER, ['workerd', 'worker']);
    const { Miniflare } = await import('miniflare');
    const mf = new Miniflare({
      compatibilityDate: '2024-09-01',
      modulesRoot: dir,
      modules: [
        { type: 'ESModule', path: join(dir, 'worker.mjs'), contents: readFileSync(file, 'utf8') },
        { type: 'CompiledWasm', path: join(dir, 'adapool.wasm'), contents: readFileSync(join(dist, 'adapool.wasm')) },
        { type: 'CompiledWasm', path: join(dir, 'adapool-scalar.wasm'), contents: readFileSync(join(dist, 'adapool-scalar.wasm')) },
      ],
    });
    try {
      const res = await mf.dispatchFetch('http://localhost/');
      expectAllPassed(parseRuntimeResult(await res.text()));
    } finally {
      await mf.dispose();
    }
  }, 300_000);
});
