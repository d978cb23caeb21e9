/**
 * The built site as published: the package's tarball (npm pack) holds the playground and the
 * docs in one static folder; unpacked and served under a sub-path, every page loads without
 * console errors, and every link resolves (pages, assets, and #anchors on the target page).
 * Screenshots of the docs go to test-output/.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { itWhenAvailable } from '@adapool/testkit/vitest';
import { CHROMIUM_HEADLESS_FLAGS, CHROMIUM_PATH, CHROMIUM_WEBGPU_FLAGS, missingChromium } from '@adapool/testkit/chromium';
import { afterAll, describe, expect, it } from 'vitest';
import { serveSite } from './serve.js';

const app = fileURLToPath(new URL('..', import.meta.url));
const shots = join(app, 'test-output');
const built = existsSync(join(app, 'dist/web/docs/index.html'));
const BASE = '/some/sub-path/';

let server: ChildProcess | undefined;
let unpacked: string | undefined;
afterAll(() => {
  server?.kill();
  if (unpacked) rmSync(unpacked, { recursive: true, force: true });
});

/** npm pack (without rebuilding: the test reads the build the suite made), unpacked into a temp dir. */
function unpack(): string {
  unpacked ??= (() => {
    const dir = mkdtempSync(join(tmpdir(), 'adapool-site-'));
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: app, encoding: 'utf8' });
    const [{ filename }] = JSON.parse(out) as { filename: string }[];
    execFileSync('tar', ['-xzf', join(dir, filename), '-C', dir]);
    return dir;
  })();
  return unpacked;
}

function serveCopy(root: string): Promise<string> {
  const site = serveSite({ ROOT: root, BASE });
  server = site.server;
  return site.url;
}

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));

describe('the published site', async () => {
  it.skipIf(!built)('the tarball holds the built site: the playground, its assets and every docs page, relative URLs only', () => {
    const site = join(unpack(), 'package/dist/web');
    const got = files(site).sort();
    for (const f of ['index.html', 'app.js', 'style.css', 'docs/index.html', 'docs/getting-started.html', 'docs/api.html', 'docs/numerics.html', 'docs/benchmarks.html', 'docs/detail.html', 'docs/ops.html', 'docs/op-softPool.html', 'docs/docs.css']) {
      expect(got).toContain(f);
    }
    const pkg = JSON.parse(readFileSync(join(unpack(), 'package/package.json'), 'utf8'));
    expect(pkg.private).toBe(true);
    expect(pkg.scripts.prepack).toBe('node scripts/build.mjs');
    for (const f of got.filter((f) => f.endsWith('.html'))) {
      const html = readFileSync(join(site, f), 'utf8');
      const urls = [...html.matchAll(/(?:href|src)="([^"]*)"/g)].map((m) => m[1]);
      expect(urls.filter((u) => /^(\/|[a-z]+:\/\/)/.test(u)), `${f}: absolute URLs`).toEqual([]);
    }
  });

  itWhenAvailable(
    'unpacked and served under a sub-path: every page loads cleanly, every link and anchor resolves',
    built ? await missingChromium() : 'apps/playground is not built (npm run build)',
    async () => {
      mkdirSync(shots, { recursive: true });
      const start = await serveCopy(join(unpack(), 'package/dist/web'));
      expect(start.endsWith(BASE)).toBe(true);
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_WEBGPU_FLAGS, ...CHROMIUM_HEADLESS_FLAGS], headless: true });
      try {
        const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(`${page.url()}: ${e}`));
        page.on('console', (m) => m.type() === 'error' && errors.push(`${page.url()}: ${m.text()}`));
        const origin = new URL(start).origin;
        const queue = [start, `${start}docs/`];
        const seen = new Set<string>();
        const ids = new Map<string, Set<string>>();
        const links: { from: string; to: string }[] = [];
        while (queue.length) {
          const url = queue.shift()!;
          const key = url.split('#')[0].replace(/\/index\.html(?=$|\?)/, '/');
          if (seen.has(key)) continue;
          seen.add(key);
          const res = await page.goto(key);
          expect(res?.status(), `${key}`).toBe(200);
          const path = new URL(key).pathname;
          const isPlayground = !path.includes('/docs/');
          if (isPlayground) {
            await page.waitForFunction(() => Number(document.body.dataset.runs) >= 1 && document.body.dataset.state !== 'running', undefined, { timeout: 120_000 });
            expect(await page.evaluate(() => document.body.dataset.state), key).toBe('idle');
          } else {
            await page.screenshot({ path: join(shots, `docs-${path.split('/').pop() || 'index.html'}.png`), fullPage: true });
          }
          ids.set(path.replace(/\/index\.html$/, '/'), new Set(await page.$$eval('[id]', (es) => es.map((e) => e.id))));
          for (const href of await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href))) {
            links.push({ from: key, to: href });
            const u = new URL(href);
            expect(u.origin, `${key} links outside the site: ${href}`).toBe(origin);
            expect(u.pathname.startsWith(BASE), `${key} links above the site's folder: ${href}`).toBe(true);
            // pages once each; the playground once per query a docs page links to (its own #links keep the page)
            if (u.hash && u.pathname === new URL(key).pathname) continue;
            if (u.pathname.endsWith('.html') || u.pathname.endsWith('/')) queue.push(`${u.origin}${u.pathname}${u.search}`);
            else expect((await page.request.get(href)).status(), `${key} → ${href}`).toBe(200);
          }
        }
        for (const { from, to } of links) {
          const u = new URL(to);
          if (!u.hash) continue;
          const target = ids.get(u.pathname.replace(/\/index\.html$/, '/'));
          expect(target, `${from} → ${to}: page not crawled`).toBeDefined();
          expect(target!.has(decodeURIComponent(u.hash.slice(1))), `${from} → ${to}: no such anchor`).toBe(true);
        }
        console.log(`site: ${seen.size} pages, ${links.length} links checked under ${BASE}`);
        expect(seen.size).toBeGreaterThan(14);
        // each op page opens the playground on its op
        await page.goto(`${start}docs/op-softPool.html`);
        await page.click('text=Open the playground on softPool');
        await page.waitForFunction(() => document.getElementById('result')?.dataset.op === 'softPool' && document.body.dataset.state === 'idle', undefined, { timeout: 120_000 });
        expect(await page.locator('#kernel-size').inputValue()).toBe('3');
        expect(await page.locator('#result').getAttribute('data-backend')).toBe('wasm');
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    300_000,
  );
});
