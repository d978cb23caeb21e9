/**
 * The playground as a user gets it: `serve.mjs` serving the built app (dist/web), opened in
 * headless Chromium (system /usr/bin/chromium via playwright-core; WebGPU over SwiftShader).
 * Every op on every backend the page registered: a drawn output, the backend that ran, and parity
 * with the js reference; a bad option shows core's AdaPoolError; a screenshot goes to a temp dir.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REQUIRE_ALL, itWhenAvailable } from '@adapool/testkit/vitest';
import { CHROMIUM_HEADLESS_FLAGS, CHROMIUM_PATH, CHROMIUM_WEBGPU_FLAGS, missingChromium } from '@adapool/testkit/chromium';
import type { Browser, Page } from 'playwright-core';
import { afterAll, describe, expect } from 'vitest';
import { serveSite } from './serve.js';

const CHROMIUM = CHROMIUM_PATH;
const FLAGS = [...CHROMIUM_WEBGPU_FLAGS, ...CHROMIUM_HEADLESS_FLAGS];
const app = fileURLToPath(new URL('..', import.meta.url));
/** Screenshots (git-ignored): look at them. */
const shots = join(app, 'test-output');
const OPS = ['avg', 'max', 'em', 'edscw', 'idw', 'lp', 'ada', 'unpool']; // ada last: the steps after the loops start from it

async function missing(): Promise<string | undefined> {
  const why = await missingChromium();
  if (why) return why;
  if (!existsSync(join(app, 'dist/web/index.html'))) return 'apps/playground is not built (npm run build)';
  return undefined;
}

let server: ChildProcess | undefined;
afterAll(() => {
  server?.kill();
});

/** serve.mjs on a free port (once). */
let serving: Promise<string> | undefined;
function serve(): Promise<string> {
  if (!serving) {
    const site = serveSite();
    server = site.server;
    serving = site.url;
  }
  return serving;
}

const runs = (page: Page) => page.evaluate(() => Number(document.body.dataset.runs));

/** Does `action`, then waits until the page finished a run started after it. */
async function after(page: Page, action: () => Promise<unknown>): Promise<string> {
  const before = await runs(page);
  await action();
  await page.waitForFunction((n) => Number(document.body.dataset.runs) > n && document.body.dataset.state !== 'running', before, { timeout: 60_000 });
  return page.evaluate(() => document.body.dataset.state!);
}

/** Pixels of the output canvas that are not black, and the number of distinct colours. */
const outputPixels = (page: Page) =>
  page.evaluate(() => {
    const c = document.getElementById('output-canvas') as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let lit = 0;
    const colours = new Set<number>();
    for (let p = 0; p < d.length; p += 4) {
      if (d[p + 3] && d[p] + d[p + 1] + d[p + 2] > 0) lit++;
      colours.add((d[p] << 16) | (d[p + 1] << 8) | d[p + 2]);
    }
    return { w: c.width, h: c.height, lit, colours: colours.size };
  });

const text = (page: Page, id: string) => page.locator(`#${id}`).innerText();

/** Waits for the first run (and the comparison view) after a page load. */
const loaded = (page: Page) =>
  page.waitForFunction(() => Number(document.body.dataset.runs) >= 1 && document.body.dataset.state !== 'running', undefined, { timeout: 120_000 });

/** The result element's data-* (what outside checks read). */
const result = (page: Page) => page.locator('#result').evaluate((e) => ({ ...(e as HTMLElement).dataset }));

/** A plausible reconstruction: finite PSNR above 10 dB, SSIM in (0.2, 1]. */
function plausible(d: Record<string, string | undefined>, where: string): void {
  expect(Number(d.psnr), where).toBeGreaterThan(10);
  expect(Number(d.psnr), where).toBeLessThan(80);
  expect(Number(d.ssim), where).toBeGreaterThan(0.2);
  expect(Number(d.ssim), where).toBeLessThanOrEqual(1);
  expect(Number(d.forwardMs), where).toBeGreaterThan(0);
}

/** Opens a page (1280×960) in headless Chromium with WebGPU; `watch` collects a page's errors, which must stay none. */
async function browse(body: (page: Page, browser: Browser, watch: (p: Page) => Page) => Promise<void>): Promise<void> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  try {
    const errors: string[] = [];
    const watch = (p: Page) => {
      p.on('pageerror', (e) => errors.push(String(e)));
      p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      return p;
    };
    await body(watch(await browser.newPage({ viewport: { width: 1280, height: 960 } })), browser, watch);
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
}

mkdirSync(shots, { recursive: true });

describe('apps/playground in headless Chromium', async () => {
  itWhenAvailable(
    'every op on every backend, parity with js, errors shown, screenshot',
    await missing(),
    async () => {
      const url = await serve();
      await browse(async (page, browser, watch) => {
        await page.goto(url);
        await loaded(page);
        expect(await page.evaluate(() => document.body.dataset.state), await text(page, 'error').catch(() => '')).toBe('idle');
        // cross-origin isolated (serve.mjs sends COOP/COEP): the timer is precise, times are not 0.00
        expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
        expect(await text(page, 'time')).not.toMatch(/forward 0\.00 ms/);
        expect(await text(page, 'input-caption')).toMatch(/^input 128×128, 3 channels; the USC-SIPI "Mandrill"/);
        plausible(await result(page), 'the bundled photo');
        await page.screenshot({ path: join(shots, 'playground-photo.png'), fullPage: true });
        // the patterns below are small and fast; timing: the runs asked for, no minimum time
        await after(page, () => page.fill('#min-ms', '0'));
        await after(page, () => page.selectOption('#source', 'mix'));
        await after(page, () => page.selectOption('#size', '64'));

        const notes = await text(page, 'backend-notes');
        const backends = await page.$$eval('#backend option:not([disabled])', (os) => os.map((o) => (o as HTMLOptionElement).value));
        console.log(`playground backends: ${backends.join(', ')}\n${notes}`);
        expect(backends).toEqual(expect.arrayContaining(['auto', 'js', 'wasm']));
        // the page is cross-origin isolated: the wasm backend runs on the browser's cores
        const cores = await page.evaluate(() => navigator.hardwareConcurrency);
        expect(notes).toMatch(cores > 1 ? new RegExp(`wasm: SIMD build, ${cores} threads`) : /wasm: SIMD build, 1 thread/);
        if (!backends.includes('webgpu')) {
          if (REQUIRE_ALL) throw new Error(`webgpu is required (ADAPOOL_REQUIRE_ALL=1) but the page did not register it: ${notes}`);
          console.warn(`\n********** SKIP playground on webgpu: ${notes} **********\n`);
        }
        await after(page, () => page.fill('#repeats', '2'));

        for (const backend of backends.filter((b) => b !== 'auto')) {
          await after(page, () => page.selectOption('#backend', backend));
          for (const op of OPS) {
            const state = await after(page, () => page.selectOption('#op', op));
            const where = `${op} on ${backend}`;
            expect(state, `${where}: ${await text(page, 'error')}`).toBe('idle');
            expect(await text(page, 'ran'), where).toBe(backend);
            const px = await outputPixels(page);
            expect(px.w, where).toBeGreaterThan(0);
            expect(px.lit, where).toBeGreaterThan((px.w * px.h) / 4);
            expect(px.colours, where).toBeGreaterThan(8);
            const parity = await page.locator('#parity').evaluate((e) => ({ ...(e as HTMLElement).dataset }));
            expect(Number(parity.outside), `${where}: ${await text(page, 'parity')}`).toBe(0);
            expect(Number(parity.maxAbsDiff), where).toBeLessThan(1e-4);
            expect(await page.locator('#grad-figure').isVisible(), where).toBe(true);
            const d = await result(page);
            expect(d.backend, where).toBe(backend);
            expect(d.op, where).toBe({ avg: 'avgPool', max: 'maxPool', em: 'softPool', edscw: 'edscwPool', idw: 'idwPool', ada: 'adaPool', lp: 'lpPool', unpool: 'adaUnpool' }[op]);
            // lpPool's y is a norm (≥ max |x|, not an average), so Σ v·W is no reconstruction of the image: finite, not plausible
            if (op === 'lp') expect(Number.isFinite(Number(d.psnr)), where).toBe(true);
            else plausible(d, where);
            // the gradient panel: a legend with its range; avgPool's constant dx is named, not a blank panel
            const note = await text(page, 'grad-legend');
            if (op === 'avg') expect(note, where).toContain('constant: every value is 0.250');
            const grad = await page.evaluate(() => {
              const c = document.getElementById('grad-canvas') as HTMLCanvasElement;
              const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
              let white = 0;
              for (let p = 0; p < px.length; p += 4) if (px[p] > 250 && px[p + 1] > 250 && px[p + 2] > 250) white++;
              return white / (px.length / 4);
            });
            expect(grad, `${where}: the gradient panel is white`).toBeLessThan(0.99);
          }
          // the comparison view: every method, finite and plausible measures, on this backend
          const methods = await page.$$eval('#compare [data-method]', (es) => es.map((e) => ({ ...(e as HTMLElement).dataset })));
          expect(methods.map((m) => m.method)).toEqual(['avg', 'max', 'soft', 'edscw', 'idw', 'ada-0', 'ada-0.5', 'ada-1', 'lp']);
          for (const m of methods) {
            if (m.method === 'lp') expect(Number.isFinite(Number(m.psnr)), 'compare lp').toBe(true); // a norm, see above
            else plausible(m, `compare ${m.method} on ${backend}`);
            expect(m.backend).toBe(backend);
          }
          expect(await page.locator('#compare-pending').isVisible()).toBe(false); // every op is compared
        }

        // adaUnpool with every pooling's mask (maxPool's one-hot mask included: ties must break alike)
        for (const backend of backends.filter((b) => b !== 'auto' && b !== 'js')) {
          await after(page, () => page.selectOption('#backend', backend));
          for (const from of OPS.filter((o) => o !== 'unpool')) {
            const state = await after(page, () => page.selectOption('#mask-from', from));
            const where = `adaUnpool of ${from}'s mask on ${backend}`;
            expect(state, `${where}: ${await text(page, 'error')}`).toBe('idle');
            expect(await text(page, 'ran'), where).toBe(backend);
            expect(Number(await page.locator('#parity').getAttribute('data-outside')), `${where}: ${await text(page, 'parity')}`).toBe(0);
          }
        }

        // 'auto' shows what it chose: wasm (SwiftShader webgpu is never auto's choice)
        await after(page, () => page.selectOption('#backend', 'auto'));
        expect(await text(page, 'ran')).toMatch(/^wasm \(asked for 'auto'\)$/);

        // other geometry: channels-last, per-channel β, adaptive output size, unpool's inputSize
        await after(page, () => page.selectOption('#backend', 'wasm'));
        await after(page, () => page.selectOption('#op', 'ada'));
        await after(page, () => page.check('#per-channel'));
        await after(page, () => page.check('#channels-last'));
        expect(await text(page, 'shape')).toBe('[1, 32, 32, 3] from [1, 64, 64, 3]');
        expect(await text(page, 'code')).toContain("tensor([0.2, 0.5, 0.9], [3]); // per channel");
        await after(page, () => page.selectOption('#mode', 'adaptive'));
        await after(page, () => page.fill('#output-size', '5,7'));
        expect(await text(page, 'shape')).toBe('[1, 5, 7, 3] from [1, 64, 64, 3]');
        const state = await after(page, () => page.selectOption('#op', 'unpool'));
        expect(state, await text(page, 'error')).toBe('idle');
        expect(await text(page, 'shape')).toBe('[1, 64, 64, 3] from [1, 64, 64, 3]');
        expect(Number(await page.locator('#parity').getAttribute('data-outside'))).toBe(0);

        // a bad option: core's AdaPoolError, shown in the page; a good one clears it
        await after(page, () => page.selectOption('#mode', 'strided'));
        expect(await after(page, () => page.fill('#padding', '3'))).toBe('error');
        const error = await text(page, 'error');
        expect(error).toContain('AdaPoolError OPTION');
        expect(error).toContain('padding must be ≤ dilation·(kernelSize−1) on each side of every axis (kernelSize [2,2], dilation [1,1]), got padding [3,3]');
        expect(await outputPixels(page).then((p) => p.lit)).toBe(0);
        expect(await after(page, () => page.fill('#kernel-size', '0'))).toBe('error');
        expect(await text(page, 'error')).toMatch(/^AdaPoolError OPTION\nadaPool: kernelSize must be an integer ≥ 1/);
        await page.screenshot({ path: join(shots, 'playground-error.png'), fullPage: true });
        await after(page, () => page.fill('#padding', ''));
        expect(await after(page, () => page.fill('#kernel-size', '3,2'))).toBe('idle');
        expect(await page.locator('#error').isVisible()).toBe(false);

        await after(page, () => page.uncheck('#channels-last'));
        await after(page, () => page.fill('#kernel-size', '2'));
        // op-specific options: idwEps (a bad one, then a good one), countIncludePad
        await after(page, () => page.selectOption('#op', 'idw'));
        expect(await after(page, () => page.fill('#idw-eps', 'abc'))).toBe('error');
        expect(await text(page, 'error')).toBe('AdaPoolError OPTION\nidwPool: idwEps must be a finite number > 0, got "abc"');
        expect(await after(page, () => page.fill('#idw-eps', '1e-3'))).toBe('idle');
        expect(await text(page, 'code')).toContain("setBackend('wasm');");
        expect(await text(page, 'code')).toContain('idwPool(x, { kernelSize: 2, idwEps: 0.001 })');
        await after(page, () => page.selectOption('#op', 'avg'));
        await after(page, () => page.fill('#kernel-size', '3'));
        await after(page, () => page.fill('#padding', '1'));
        expect(await after(page, () => page.check('#count-include-pad'))).toBe('idle');
        expect(await text(page, 'code')).toContain('avgPool(x, { kernelSize: 3, padding: 1, countIncludePad: true })');
        expect(Number(await page.locator('#parity').getAttribute('data-outside'))).toBe(0);
        // padding forms (issue 13): 'same' (64 → ⌈64/2⌉ with k3) and [begin end] pairs per axis
        expect(await after(page, () => page.fill('#padding', 'same'))).toBe('idle');
        expect(await text(page, 'shape')).toBe('[1, 3, 22, 22] from [1, 3, 64, 64]');
        expect(await text(page, 'code')).toContain("avgPool(x, { kernelSize: 3, padding: 'same', countIncludePad: true })");
        expect(await after(page, () => page.fill('#padding', '0 2, 2 0'))).toBe('idle');
        expect(await text(page, 'code')).toContain('padding: [[0, 2], [2, 0]]');
        expect(Number(await page.locator('#parity').getAttribute('data-outside'))).toBe(0);
        await after(page, () => page.fill('#padding', ''));
        await after(page, () => page.fill('#kernel-size', '2'));
        await after(page, () => page.selectOption('#op', 'em'));

        // the user's own image: a PNG loaded from a file (the input canvas, 256×256), then a 300×200 one dropped on the page
        const png = (w: number, h: number) =>
          page.evaluate(([w, h]) => {
            const c = Object.assign(document.createElement('canvas'), { width: w, height: h });
            const ctx = c.getContext('2d')!;
            ctx.drawImage(document.getElementById('input-canvas') as HTMLCanvasElement, 0, 0, w, h);
            return c.toDataURL('image/png').split(',')[1];
          }, [w, h]);
        const square = Buffer.from(await png(256, 256), 'base64');
        await after(page, () => page.setInputFiles('#file', { name: 'mine.png', mimeType: 'image/png', buffer: square }));
        expect(await page.locator('#source').inputValue()).toBe('file');
        expect(await text(page, 'input-caption')).toMatch(/^input 256×256,/);
        expect(await text(page, 'shape')).toBe('[1, 3, 128, 128] from [1, 3, 256, 256]');
        const wide = await png(300, 200);
        const drop = await page.evaluateHandle((b64) => {
          const dt = new DataTransfer();
          dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'dropped.png', { type: 'image/png' }));
          return dt;
        }, wide);
        await after(page, () => page.dispatchEvent('body', 'drop', { dataTransfer: drop }));
        expect(await text(page, 'input-caption')).toMatch(/^input 171×256,/); // scaled to fit 256 px
        expect(await text(page, 'shape')).toBe('[1, 3, 85, 128] from [1, 3, 171, 256]');
        expect(await page.locator('#source option[value="file"]').innerText()).toBe('your image: dropped.png');
        expect(Number(await page.locator('#parity').getAttribute('data-outside'))).toBe(0);

        // the picture a reader sees: adaPool on the first non-js backend, k3 s2 p1, with its gradient
        await after(page, () => page.selectOption('#op', 'ada'));
        await after(page, () => page.selectOption('#source', 'mix'));
        await after(page, () => page.selectOption('#size', '128'));
        await after(page, () => page.fill('#kernel-size', '3'));
        await after(page, () => page.fill('#stride', '2'));
        expect(await after(page, () => page.fill('#padding', '1'))).toBe('idle');
        await after(page, () => page.selectOption('#backend', backends.includes('webgpu') ? 'webgpu' : 'wasm'));
        const shot = join(shots, 'playground.png');
        await page.screenshot({ path: shot, fullPage: true });
        console.log(`playground screenshot: ${shot}`);
      });
    },
    300_000,
  );

  itWhenAvailable(
    'a URL preselects an op; the 3D clip plays with its measures; on a phone the result stays in view',
    await missing(),
    async () => {
      const url = await serve();
      await browse(async (page, browser, watch) => {
        // the docs' links: ?op=softPool&kernel=3&backend=wasm
        await page.goto(`${url}?op=softPool&kernel=3&backend=wasm&size=64`);
        await loaded(page);
        expect(await page.locator('#op').inputValue()).toBe('em');
        expect(await page.locator('#kernel-size').inputValue()).toBe('3');
        expect(await page.locator('#size').inputValue()).toBe('64');
        const d = await result(page);
        expect([d.op, d.backend]).toEqual(['softPool', 'wasm']);
        expect(await text(page, 'shape')).toBe('[1, 3, 21, 21] from [1, 3, 64, 64]');
        plausible(d, 'from the URL');
        // the address bar follows the form (a link to what is shown)
        await after(page, () => page.selectOption('#op', 'ada'));
        expect(new URL(page.url()).searchParams.get('op')).toBe('adaPool');
        // adaUnpool and an unknown value: the page says what it kept
        await page.goto(`${url}?op=adaUnpool&mask=maxPool&backend=nope&size=64`);
        await loaded(page);
        expect(await page.locator('#op').inputValue()).toBe('unpool');
        expect(await page.locator('#mask-from').inputValue()).toBe('max');
        expect(await page.locator('#backend').inputValue()).toBe('auto');
        expect((await result(page)).op).toBe('adaUnpool');
        expect(await text(page, 'output-caption')).toContain('a window\'s weights sum to 1');

        // 3D: the generated clip, 16 frames of 64×64, kernel 2 → 8 frames of 32×32, played back
        const enabled = await page.$$eval('#backend option:not([disabled])', (os) => os.map((o) => (o as HTMLOptionElement).value));
        for (const backend of ['webgpu', 'wasm', 'js'].filter((b) => enabled.includes(b))) {
          await after(page, () => page.selectOption('#backend', backend));
          await page.selectOption('#video-method', 'ada-0.5');
          await page.click('#video-run');
          await page.waitForFunction(() => document.getElementById('video-result')!.dataset.state !== 'running', undefined, { timeout: 120_000 });
          const v = await page.locator('#video-result').evaluate((e) => ({ ...(e as HTMLElement).dataset }));
          expect(v.state, await text(page, 'video-stats')).toBe('done');
          expect([v.op, v.backend, v.frames]).toEqual(['adaPool β=0.5', backend, '8']);
          plausible(v, `3D on ${backend}`);
          expect(await text(page, 'video-stats')).toContain('parity vs js: within §6');
          expect(await text(page, 'video-pooled-caption')).toBe('adaPool β=0.5 output [1, 3, 8, 32, 32]: 8 frames of 32×32');
        }
        const frames = new Set<string>();
        for (let k = 0; k < 6; k++) {
          frames.add((await page.locator('#video-result').getAttribute('data-frame'))!);
          await page.waitForTimeout(150);
        }
        expect(frames.size, 'the clip plays').toBeGreaterThan(2);
        await page.locator('#video').screenshot({ path: join(shots, 'playground-3d.png') });
        // a bad kernel: core's error, shown by the demo
        await page.fill('#video-kernel', '0');
        await page.click('#video-run');
        await page.waitForFunction(() => document.getElementById('video-result')!.dataset.state !== 'running', undefined, { timeout: 60_000 });
        expect(await text(page, 'video-stats')).toMatch(/^AdaPoolError OPTION: adaPool: kernelSize must be an integer ≥ 1/);

        // a phone: 390×844; after changing an option the result is on screen
        const phone = watch(await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }));
        await phone.goto(`${url}?size=64&backend=wasm`);
        await loaded(phone);
        for (const [id, value] of [['#op', 'max'], ['#kernel-size', '3']] as const) {
          await after(phone, () => (id === '#op' ? phone.selectOption(id, value) : phone.fill(id, value)));
          const box = await phone.locator('#result').boundingBox();
          const control = await phone.locator(id).boundingBox();
          expect(box && control, id).toBeTruthy();
          expect(box!.y, `${id}: the result starts on screen`).toBeGreaterThanOrEqual(0);
          expect(box!.y + box!.height, `${id}: the result ends on screen`).toBeLessThanOrEqual(844);
          expect(control!.y + control!.height, `${id}: the control is above the result`).toBeLessThanOrEqual(box!.y);
          expect(await phone.locator('#recon-canvas').isVisible()).toBe(true);
        }
        expect(await text(phone, 'summary')).toMatch(/^maxPool on wasm: PSNR \d+\.\d+ dB, SSIM 0\.\d{4}, forward/);
        await phone.screenshot({ path: join(shots, 'playground-phone.png') });
      });
    },
    300_000,
  );

  itWhenAvailable(
    'without WebGPU: a visible note, webgpu disabled, the other backends still run',
    await missing(),
    async () => {
      const url = await serve();
      const { chromium } = await import('playwright-core');
      const noGpu = [...CHROMIUM_HEADLESS_FLAGS, '--disable-gpu'];
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: noGpu, headless: true });
      try {
        const page = await browser.newPage();
        await page.goto(url);
        await loaded(page);
        expect(await page.evaluate(() => document.body.dataset.state)).toBe('idle');
        expect(await text(page, 'backend-notes')).toMatch(/webgpu unavailable: createWebGPUBackend: /);
        expect(await page.locator('#backend option[value="webgpu"]').isDisabled()).toBe(true);
        expect(await text(page, 'ran')).toBe("wasm (asked for 'auto')");
        expect(await after(page, () => page.selectOption('#backend', 'js'))).toBe('idle');
        expect(await text(page, 'ran')).toBe('js');
      } finally {
        await browser.close();
      }
    },
    120_000,
  );
});
