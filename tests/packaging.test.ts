/**
 * Packages as users get them: `npm pack` of every published package (its prepack guard runs),
 * installed from the tarballs into clean temp folders holding only what a user would install
 * (core+wasm; core+webgpu+webgpu; core+layers+@tensorflow/tfjs; other packages from the npm
 * registry), then the getting-started examples of docs/examples/ run there: in Node, Deno and Bun,
 * in workerd (miniflare, the worker bundled with the `workerd` condition as wrangler does) and in
 * headless Chromium (an esbuild bundle, a Vite build, and an import map with no bundler, served
 * over 127.0.0.1). Each prints `adapool <backend> [values]`, checked against the js reference.
 * Then publint and `attw --profile esm-only` on every tarball, and the TypeScript consumer matrix:
 * TypeScript 5.9, 6.0 and 7.x, strict with skipLibCheck false, node16 / nodenext / bundler, with
 * and without lib DOM, over a file that imports every entry.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { itWhenAvailable } from '@adapool/testkit/vitest';
import { CHROMIUM_HEADLESS_FLAGS, CHROMIUM_PATH, missingChromium } from '@adapool/testkit/chromium';
import { missingRuntime, runtimeBin } from '@adapool/testkit/runtimes';
import { softPool2d, tensor } from '@adapool/core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLES = join(ROOT, 'docs/examples');
/** Versions a user would install beside ours (from the registry). */
const TFJS = '4.22.0';
const DAWN = '0.6.2';
const VITE = '7.3.8';
const TYPESCRIPT = { '5.9': '5.9.3', '6.0': '6.0.3', '7.x': '7.0.2' } as const;

const dir = mkdtempSync(join(tmpdir(), 'adapool-packaging-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tarballs: Record<string, string> = {};
const expected = `[${Array.from(softPool2d(tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 1, 4, 4], { backend: 'js' }), { kernelSize: 2 }).readSync(), (v) => Math.round(v * 1e4) / 1e4).join(',')}]`;

const sh = (cmd: string, args: string[], cwd: string, timeout = 300_000) => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  return { ...r, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
};
function must(cmd: string, args: string[], cwd: string, timeout?: number): string {
  const r = sh(cmd, args, cwd, timeout);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed:\n${r.out.slice(-4000)}`);
  return r.out;
}

/** A clean folder with package.json and `npm install` of the given tarballs / registry specs. */
function app(name: string, deps: string[]): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  must('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...deps], d);
  for (const f of readdirSync(EXAMPLES)) copyFileSync(join(EXAMPLES, f), join(d, f));
  return d;
}

const apps: Record<'wasm' | 'webgpu' | 'tfjs' | 'types', string> = { wasm: '', webgpu: '', tfjs: '', types: '' };
beforeAll(() => {
  mkdirSync(join(dir, 'tarballs'));
  for (const p of ['core', 'wasm', 'webgpu', 'layers']) {
    const out = must('npm', ['pack', '--pack-destination', join(dir, 'tarballs'), '--loglevel=error'], join(ROOT, 'packages', p));
    tarballs[p] = join(dir, 'tarballs', out.trim().split('\n').pop()!.trim());
  }
  apps.wasm = app('wasm-app', [tarballs.core, tarballs.wasm]);
  apps.webgpu = app('webgpu-app', [tarballs.core, tarballs.webgpu, `webgpu@${DAWN}`]);
  apps.tfjs = app('tfjs-app', [tarballs.core, tarballs.layers, `@tensorflow/tfjs@${TFJS}`]);
  apps.types = app('types-app', [
    ...Object.values(tarballs),
    `@tensorflow/tfjs-core@${TFJS}`,
    `@tensorflow/tfjs-layers@${TFJS}`,
    ...Object.entries(TYPESCRIPT).map(([k, v]) => `ts${k.replace('.', '')}@npm:typescript@${v}`),
  ]);
}, 600_000);

const line = (out: string) => out.split('\n').find((l) => l.startsWith('adapool ')) ?? `no result line in:\n${out.slice(-3000)}`;

describe('tarballs', () => {
  itWhenAvailable('carry LICENSE, README, dist and no sources of other packages', undefined, () => {
    for (const [p, t] of Object.entries(tarballs)) {
      const files = must('tar', ['-tzf', t], dir).split('\n');
      expect(files, p).toContain('package/LICENSE');
      expect(files, p).toContain('package/README.md');
      expect(files, p).toContain('package/dist/index.js');
      expect(files.filter((f) => f.includes('node_modules')), p).toEqual([]);
    }
  });
});

describe('core + wasm from the tarballs', () => {
  itWhenAvailable('Node (docs/examples/node.mjs)', undefined, () => {
    expect(line(must(process.execPath, ['node.mjs'], apps.wasm))).toBe(`adapool wasm ${expected}`);
  }, 60_000);
  for (const [title, name, args] of [['Deno', 'deno', ['run', '--quiet', '--allow-read', '--allow-env', 'node.mjs']], ['Bun', 'bun', ['node.mjs']]] as const) {
    itWhenAvailable(`${title} (docs/examples/node.mjs)`, missingRuntime(name), () => {
      expect(line(must(runtimeBin(name), [...args], apps.wasm, 120_000))).toBe(`adapool wasm ${expected}`);
    }, 150_000);
  }
  itWhenAvailable('Cloudflare workerd through miniflare (docs/examples/worker.mjs, bundled with the workerd condition)', missingRuntime('workerd'), async () => {
    const { build } = await import('esbuild');
    const out = join(apps.wasm, 'worker.bundle.mjs');
    await build({ entryPoints: [join(apps.wasm, 'worker.mjs')], bundle: true, format: 'esm', conditions: ['workerd', 'worker'], platform: 'neutral', mainFields: ['module', 'main'], external: ['*.wasm'], outfile: out, logLevel: 'error', absWorkingDir: apps.wasm, tsconfigRaw: {} });
    const wasmDist = join(apps.wasm, 'node_modules/@adapool/wasm/dist');
    const { Miniflare } = await import('miniflare');
    const mf = new Miniflare({
      compatibilityDate: '2024-09-01',
      modulesRoot: apps.wasm,
      modules: [
        { type: 'ESModule', path: join(apps.wasm, 'worker.mjs'), contents: readFileSync(out, 'utf8') },
        { type: 'CompiledWasm', path: join(apps.wasm, 'adapool.wasm'), contents: readFileSync(join(wasmDist, 'adapool.wasm')) },
        { type: 'CompiledWasm', path: join(apps.wasm, 'adapool-scalar.wasm'), contents: readFileSync(join(wasmDist, 'adapool-scalar.wasm')) },
      ],
    });
    try {
      expect(line(await (await mf.dispatchFetch('http://localhost/')).text())).toBe(`adapool wasm ${expected}`);
    } finally {
      await mf.dispose();
    }
  }, 120_000);
});

describe('core + wasm in headless Chromium', async () => {
  const chromiumMissing = await missingChromium();
  let server: Server | undefined;
  let base = '';
  const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
  beforeAll(async () => {
    if (chromiumMissing) return;
    server = createServer((req, res) => {
      const path = join(dir, decodeURIComponent(new URL(req.url!, 'http://x').pathname));
      if (!path.startsWith(dir) || !existsSync(path)) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  /** The page's body text once it holds the result line (or after 60 s), and any page errors. */
  async function pageResult(url: string): Promise<string> {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_HEADLESS_FLAGS.filter((f) => f !== '--headless') });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(url);
      // the page replaces the whole body (its scripts too) with the result line
      await page.waitForFunction(() => document.body.textContent!.startsWith('adapool '), undefined, { timeout: 60_000 }).catch(() => {});
      const text = (await page.textContent('body')) ?? '';
      return errors.length ? `${text}\n${errors.join('\n')}` : text;
    } finally {
      await browser.close();
    }
  }
  const page = (d: string, script: string) => writeFileSync(join(d, 'index.html'), `<!doctype html><html><body>pending</body><script type="module" src="${script}"></script></html>`);

  itWhenAvailable('esbuild bundle (docs/examples/browser.mjs)', chromiumMissing, async () => {
    const { build } = await import('esbuild');
    const d = join(apps.wasm, 'esbuild-site');
    mkdirSync(d, { recursive: true });
    await build({ entryPoints: [join(apps.wasm, 'browser.mjs')], bundle: true, format: 'esm', platform: 'browser', outfile: join(d, 'app.js'), logLevel: 'error', absWorkingDir: apps.wasm, tsconfigRaw: {} });
    page(d, './app.js');
    expect(line(await pageResult(`${base}/wasm-app/esbuild-site/index.html`))).toBe(`adapool wasm ${expected}`);
  }, 120_000);

  itWhenAvailable(`Vite ${VITE} build (docs/examples/browser.mjs)`, chromiumMissing, async () => {
    const d = app('vite-app', [tarballs.core, tarballs.wasm, `vite@${VITE}`]);
    page(d, './browser.mjs');
    must(process.execPath, [join(d, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error', '--base', './'], d, 180_000);
    expect(line(await pageResult(`${base}/vite-app/dist/index.html`))).toBe(`adapool wasm ${expected}`);
  }, 300_000);

  itWhenAvailable("TensorFlow.js from its own tf.min.js by a <script> tag, withTfjs(window.tf) (docs/examples/tfjs-script.html)", chromiumMissing, async () => {
    const text = await pageResult(`${base}/tfjs-app/tfjs-script.html`);
    // Σ_k ∂(Σ softPool)/∂x_k = Σ over windows of Σ_k w_k (1 + x_k − y) = 1 per window: 4
    expect(line(text)).toBe(`adapool tfjs ${expected} dx 4 layers AdaPool2d`);
  }, 120_000);

  itWhenAvailable('import map, no bundler, @adapool/wasm/slim fetching the served .wasm (docs/examples/import-map.html)', chromiumMissing, async () => {
    expect(line(await pageResult(`${base}/wasm-app/import-map.html`))).toBe(`adapool wasm ${expected}`);
  }, 120_000);
});

describe('core + webgpu, core + layers + tfjs from the tarballs (Node)', () => {
  const icd = '/usr/lib/chromium/vk_swiftshader_icd.json';
  itWhenAvailable('WebGPU through Dawn (docs/examples/webgpu-node.mjs)', existsSync(icd) ? undefined : `${icd} is missing (apt-get install chromium libvulkan1)`, () => {
    process.env.VK_ICD_FILENAMES ??= icd;
    expect(line(must(process.execPath, ['webgpu-node.mjs'], apps.webgpu, 120_000))).toBe(`adapool webgpu ${expected}`);
  }, 150_000);
  itWhenAvailable('TensorFlow.js layers (docs/examples/tfjs-node.mjs)', undefined, () => {
    expect(line(must(process.execPath, ['tfjs-node.mjs'], apps.tfjs, 120_000))).toBe(`adapool tfjs ${expected}`);
  }, 150_000);
});

describe('publint and attw --profile esm-only on every tarball', () => {
  for (const p of ['core', 'wasm', 'webgpu', 'layers']) {
    itWhenAvailable(`@adapool/${p}`, undefined, () => {
      const pub = sh(process.execPath, [join(ROOT, 'node_modules/publint/src/cli.js'), '--strict', join(ROOT, 'packages', p)], ROOT, 120_000);
      expect(pub.status, pub.out).toBe(0);
      expect(pub.out).toMatch(/All good!/);
      const attw = sh(process.execPath, [join(ROOT, 'node_modules/@arethetypeswrong/cli/dist/index.js'), tarballs[p], '--profile', 'esm-only', '--format', 'ascii'], ROOT, 120_000);
      expect(attw.status, attw.out).toBe(0);
    }, 150_000);
  }
});

describe('TypeScript consumers: strict, skipLibCheck false', () => {
  const ENTRIES = `import { registerBackend, softPool2d, tensor, type Tensor } from '@adapool/core';
import { createWasmBackend } from '@adapool/wasm';
import { createWasmBackend as createSlimWasmBackend, type WasmSource } from '@adapool/wasm/slim';
import simdBuild from '@adapool/wasm/adapool.wasm';
import { createWebGPUBackend, type WebGPUBackend } from '@adapool/webgpu';
import { AdaPool2d } from '@adapool/layers';

export async function main(): Promise<number> {
  registerBackend(await createWasmBackend());
  const source: WasmSource = simdBuild;
  registerBackend(await createSlimWasmBackend({ module: source }));
  const gpu: WebGPUBackend = await createWebGPUBackend();
  const x: Tensor = tensor([1, 2, 3, 4], [1, 1, 2, 2]);
  const y = softPool2d(x, { kernelSize: 2 });
  const pool = new AdaPool2d({ kernelSize: 2 });
  return y.size + pool.parameters().length + (gpu.lost ? 1 : 0);
}
`;
  const TFJS_ENTRY = `import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { adaPool2d, ops, type TfPoolLayer } from '@adapool/layers/tfjs';
import { withTfjs, type TfjsAdapter } from '@adapool/layers/with-tfjs';

export const bound: TfjsAdapter = withTfjs({ ...tf, ...tfl });
export const layer: TfPoolLayer = bound.softPool2d({ poolSize: 2 });

export function model(): tfl.Sequential {
  const m = tfl.sequential();
  m.add(adaPool2d({ poolSize: 2, inputShape: [4, 4, 1] }));
  const y: tf.Tensor = ops.softPool2d(tf.zeros([1, 4, 4, 1]), { poolSize: 2 });
  y.dispose();
  return m;
}
`;
  const configs = (['node16', 'nodenext', 'bundler'] as const).flatMap((resolution) => [true, false].map((dom) => ({ resolution, dom })));
  for (const [version, exact] of Object.entries(TYPESCRIPT)) {
    for (const { resolution, dom } of configs) {
      itWhenAvailable(`TypeScript ${version} (${exact}), moduleResolution ${resolution}, ${dom ? 'lib DOM' : 'no lib DOM'}`, undefined, () => {
        const d = join(apps.types, `ts${version}-${resolution}-${dom ? 'dom' : 'nodom'}`);
        mkdirSync(d, { recursive: true });
        writeFileSync(join(d, 'entries.ts'), ENTRIES);
        writeFileSync(join(d, 'tfjs.ts'), TFJS_ENTRY);
        const tsconfig = (include: string[]) => JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            lib: dom ? ['ES2022', 'DOM'] : ['ES2022'],
            module: resolution === 'bundler' ? 'ESNext' : resolution,
            moduleResolution: resolution,
            strict: true,
            skipLibCheck: false,
            noEmit: true,
            types: [],
          },
          include,
        });
        writeFileSync(join(d, 'tsconfig.json'), tsconfig(['entries.ts']));
        writeFileSync(join(d, 'tsconfig.tfjs.json'), tsconfig(['tfjs.ts']));
        const tsc = join(apps.types, 'node_modules', `ts${version.replace('.', '')}`, 'bin', 'tsc');
        // every entry but the tfjs adapter: not one error anywhere
        const r = sh(process.execPath, [tsc, '-p', 'tsconfig.json'], d, 120_000);
        expect(r.out.trim(), r.out).toBe('');
        expect(r.status).toBe(0);
        if (!dom) return; // tfjs-core's declarations need lib DOM (HTMLImageElement, WebGLRenderingContext, …)
        // the tfjs adapter: tfjs's own declarations fail skipLibCheck false (a missing 'Long', PyJsonValue
        // index signatures, and its @webgpu/types against TypeScript ≥ 6's lib DOM); none in ours or the app
        const t = sh(process.execPath, [tsc, '-p', 'tsconfig.tfjs.json'], d, 120_000);
        const errors = t.out.split('\n').filter((l) => /error TS/.test(l));
        const theirs = (l: string) => /node_modules\/(@tensorflow|@webgpu\/types)\/|[\/]lib\.[\w.]+\.d\.ts\(/.test(l);
        expect(errors.filter((l) => !theirs(l)), t.out).toEqual([]);
      }, 150_000);
    }
  }
});
