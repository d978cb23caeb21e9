/**
 * The built package in headless Chromium (WebGPU over SwiftShader, or the GPU where there is one),
 * driven by playwright-core with the system's /usr/bin/chromium (nothing is downloaded). The
 * package, core and the parity suite are bundled with esbuild and served from 127.0.0.1 (WebGPU
 * needs a secure context); every parity case runs through `runParitySubset('webgpu')`.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { parityCases } from '@adapool/testkit';
import { itWhenAvailable } from '@adapool/testkit/vitest';
import { CHROMIUM_HEADLESS_FLAGS, CHROMIUM_PATH, CHROMIUM_WEBGPU_FLAGS, missingChromium } from '@adapool/testkit/chromium';
import { afterAll, describe, expect } from 'vitest';

const CHROMIUM = CHROMIUM_PATH;
const CHROMIUM_FLAGS = [...CHROMIUM_WEBGPU_FLAGS, ...CHROMIUM_HEADLESS_FLAGS];
const repo = fileURLToPath(new URL('../../..', import.meta.url));

async function missing(): Promise<string | undefined> {
  const why = await missingChromium();
  if (why) return why;
  if (!existsSync(`${repo}packages/webgpu/dist/index.js`)) return 'packages/webgpu is not built (npm run build)';
  return undefined;
}

/** The entry a user's bundler would see: the built packages (dist/), for the browser. */
const ENTRY = `import { registerBackend } from '@adapool/core';
import { createWebGPUBackend } from '@adapool/webgpu';
import { runParitySubset, parityCases } from '@adapool/testkit';
globalThis.runAdapool = async () => {
  const b = await createWebGPUBackend();
  registerBackend(b);
  b.device.pushErrorScope('validation');
  const t0 = performance.now();
  const r = await runParitySubset('webgpu');
  const err = await b.device.popErrorScope();
  const i = b.device.adapterInfo;
  const adapter = i ? [i.vendor, i.architecture, i.description].filter(Boolean).join(' ') : 'unknown adapter';
  return { ...r, total: parityCases.length, ms: performance.now() - t0, validation: err ? err.message : null, adapter };
};`;

let server: Server | undefined;
afterAll(() => server?.close());

describe('@adapool/webgpu in headless Chromium', async () => {
  itWhenAvailable(
    'full parity suite in headless Chromium (built package, WebGPU)',
    await missing(),
    async () => {
      const out = await build({
        stdin: { contents: ENTRY, resolveDir: repo, sourcefile: 'chromium-entry.mjs', loader: 'js' },
        bundle: true,
        // the built packages, as published: not the root tsconfig's `paths` to the sources
        tsconfigRaw: {},
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        write: false,
        logLevel: 'error',
      });
      const js = out.outputFiles[0].text;
      const html = '<!doctype html><meta charset="utf-8"><title>adapool webgpu</title><script type="module" src="/bundle.js"></script>';
      server = createServer((req, res) => {
        const isJs = req.url === '/bundle.js';
        res.writeHead(200, { 'content-type': isJs ? 'text/javascript' : 'text/html' });
        res.end(isJs ? js : html);
      });
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
      const port = (server.address() as AddressInfo).port;
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
      try {
        const page = await browser.newPage();
        const logs: string[] = [];
        page.on('console', (m) => logs.push(m.text()));
        page.on('pageerror', (e) => logs.push(String(e)));
        await page.goto(`http://127.0.0.1:${port}/`);
        await page.waitForFunction(() => typeof (globalThis as { runAdapool?: unknown }).runAdapool === 'function');
        const res = await page.evaluate(() => (globalThis as unknown as { runAdapool: () => Promise<Record<string, unknown>> }).runAdapool());
        console.log(`chromium (${res.adapter}): ${res.passed} passed, ${res.failed} failed of ${res.total} cases in ${Math.round(res.ms as number)} ms`);
        expect(res.failures, logs.join('\n')).toEqual([]);
        expect(res.failed).toBe(0);
        expect(res.passed).toBe(parityCases.length);
        expect(res.validation).toBeNull();
      } finally {
        await browser.close();
      }
    },
    240_000,
  );
});
