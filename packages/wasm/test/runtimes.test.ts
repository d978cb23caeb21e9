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
 * installs it, driven by playwright-core) the browser bundle is inlined into a page served with
 * COOP/COEP (cross-origin isolated, so threads run as Web Workers) and its result read from the body.
 * Each runtime runs the SIMD build on every parity case and the scalar build on a quarter of them.
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
  removeBackend('wasm');
  // threads: 2 threads splitting every call, on every other case, each result bitwise equal to one thread's
  const two = await createWasmBackend({ threads: 2, threadMinWork: 0, name: 'wasm-t2' });
  const one = await createWasmBackend({ threads: 1, name: 'wasm-t1' });
  registerBackend(two);
  registerBackend(one);
  const t = await runParitySubset('wasm-t2', (c) => parityCases.indexOf(c) % 2 === 0, 'wasm-t1');
  two.destroy();
  console.log(RESULT_MARKER + JSON.stringify({ passed: a.passed + b.passed + t.passed, failed: a.failed + b.failed + t.failed, failures: [...a.failures, ...b.failures, ...t.failures], total: parityCases.length, threads: two.threads, threadsNote: two.threadsNote ?? null }));
`;
const IMPORTS = `import * as core from '@adapool/core';
import { createWasmBackend } from '@adapool/wasm';
import { runParitySubset, RESULT_MARKER, parityCases } from '@adapool/testkit';`;
const MAIN = `${IMPORTS}\n${RUN}`;
const WORKER = `${IMPORTS}\nexport default { async test() {\n${RUN}\n} };`;
const FETCH_WORKER = `${IMPORTS}\nexport default { async fetch() {\n  const lines = [];\n  const log = console.log;\n  console.log = (s) => lines.push(String(s));\n  try {\n${RUN}\n  } finally { console.log = log; }\n  return new Response(lines.join('\\n'));\n} };`;

/** Every case passed: all on the SIMD build, a quarter on the scalar build, half on 2 threads (`threads` of them ran). */
function expectAllPassed(res: RuntimeResult, threads: number): void {
  expect(res.failures).toEqual([]);
  expect(res.failed).toBe(0);
  expect(res.passed).toBe(res.total + Math.ceil(res.total / 4) + Math.ceil(res.total / 2));
  expect((res as { threads?: number }).threads, (res as { threadsNote?: string }).threadsNote).toBe(threads);
}

const chromiumMissing = await missingChromium();

/**
 * Serves a page that runs the bundle `file` from 127.0.0.1 (with COOP/COEP when `isolated`), opens
 * it in headless Chromium (playwright-core) and returns the page body once it starts with `done`,
 * whether the page was cross-origin isolated, and the console's warnings.
 */
async function inChromium(file: string, isolated: boolean, done: string, timeout: number): Promise<{ body: string; isolated: boolean; warnings: string[] }> {
  const html = `<!doctype html><html><body>pending</body><script type="module">\n${readFileSync(file, 'utf8').replace(/<\/script/gi, '<\\/script')}\n</script></html>`;
  const headers = { 'content-type': 'text/html', ...(isolated ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {}) };
  const server = createServer((_, res) => {
    res.writeHead(200, headers);
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_HEADLESS_FLAGS, headless: true });
  try {
    const page = await browser.newPage();
    const warnings: string[] = [];
    page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const handle = await page.waitForFunction((d) => (document.body.textContent ?? '').startsWith(d) && document.body.textContent, done, { timeout });
    return { body: String(await handle.jsonValue()), isolated: await page.evaluate(() => crossOriginIsolated), warnings };
  } finally {
    await browser.close();
    server.close();
  }
}

describe('@adapool/wasm (built) in other runtimes: parity on the SIMD and scalar builds', () => {
  for (const [title, name] of [['Deno', 'deno'], ['Bun', 'bun']] as const) {
    itWhenAvailable(title, missingRuntime(name), async () => {
      const r = runInRuntime(name, await bundle(`wasm-${name}`, MAIN), 240_000);
      expectAllPassed(parseRuntimeResult(r.stdout + r.stderr), 2);
      expect(r.status, 'the process exits once the threaded backend is destroyed').toBe(0);
    }, 300_000);
  }

  itWhenAvailable('Chromium (headless): default loading in a cross-origin-isolated page (threads: Web Workers)', chromiumMissing, async () => {
    // console.log → the page body, read once it holds the result; COOP/COEP: cross-origin isolated (shared memory, threads)
    const file = await bundle('wasm-browser', `console.log = (s) => { document.body.textContent = String(s); };\n${MAIN}`, ['browser']);
    const { body, isolated } = await inChromium(file, true, 'ADAPOOL_RESULT', 240_000);
    expectAllPassed(parseRuntimeResult(body), 2);
    expect(isolated).toBe(true);
  }, 300_000);

  itWhenAvailable('Chromium (headless): a page that is not cross-origin isolated runs on one thread and says why once', chromiumMissing, async () => {
    const file = await bundle('wasm-browser-plain', `import { createWasmBackend } from '@adapool/wasm';
const b = await createWasmBackend({ threads: 2 });
document.body.textContent = JSON.stringify({ threads: b.threads, note: b.threadsNote });`, ['browser']);
    const { body, isolated, warnings } = await inChromium(file, false, '{', 60_000);
    expect(isolated).toBe(false);
    expect(JSON.parse(body)).toEqual({ threads: 1, note: 'the page is not cross-origin isolated (serve it with COOP: same-origin and COEP: require-corp)' });
    expect(warnings.filter((w) => w.includes('runs on one thread'))).toHaveLength(1);
  }, 120_000);

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
    // no workers in workerd: one thread, and it says why
    const res = parseRuntimeResult(r.stdout + r.stderr);
    expectAllPassed(res, 1);
    expect((res as { threadsNote?: string }).threadsNote).toMatch(/no workers|SharedArrayBuffer/);
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
      expectAllPassed(parseRuntimeResult(await res.text()), 1);
    } finally {
      await mf.dispose();
    }
  }, 300_000);
});
