/**
 * The playground page: reads the form, runs `pipeline.run` and shows the images, timings,
 * parity and the equivalent code. Backends are registered explicitly, as an app would.
 */
import { AdaPoolError, listBackends, poolOpDefs, registerBackend } from '@adapool/core';
import { createWasmBackend } from '@adapool/wasm';
import { createWebGPUBackend } from '@adapool/webgpu';
import { C, clip, generate, loadFile, loadPhoto, photos, spatial, type Img } from './images.js';
import { compareAll, METHODS, NOT_YET, run, TOLERANCE, type Compared, type OpName, type Parity, type Result, type Settings } from './pipeline.js';
import { channelMean, draw as drawAt, heat, legend, range, SEQUENTIAL, signedScale } from './view.js';

const $ = <T extends HTMLElement = HTMLInputElement>(id: string): T => document.getElementById(id) as T;
const DISPLAY = 256;

let userImage: Img | undefined;

/** Registers wasm and webgpu where this browser can run them; says why not otherwise. */
async function registerBackends(): Promise<string[]> {
  const notes: string[] = [];
  try {
    const wasm = await createWasmBackend();
    registerBackend(wasm);
    // threads by default where the page is cross-origin isolated (serve.mjs sends COOP/COEP)
    const threads = wasm.threads > 1 ? `${wasm.threads} threads` : `1 thread${wasm.threadsNote ? ` (${wasm.threadsNote})` : ''}`;
    notes.push(`wasm: ${wasm.simd ? 'SIMD' : 'scalar (no Wasm SIMD here)'} build, ${threads}`);
  } catch (e) {
    notes.push(`wasm unavailable: ${message(e)}`);
  }
  try {
    const gpu = await createWebGPUBackend();
    registerBackend(gpu);
    const i = gpu.device.adapterInfo;
    const adapter = i ? [i.vendor, i.architecture, i.description].filter(Boolean).join(' ') : '';
    notes.push(`webgpu: ${adapter || 'adapter'}${gpu.software ? ' (software adapter: correct but slow, so auto never picks it)' : ''}`);
  } catch (e) {
    notes.push(`webgpu unavailable: ${message(e)}`);
  }
  for (const o of Array.from($<HTMLSelectElement>('backend').options)) o.disabled = o.value !== 'auto' && !listBackends().includes(o.value);
  return notes;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** "3" → 3, "3,2" → [3, 2], "" → undefined; anything else goes to core as typed, to be rejected there. */
function dims(id: string): unknown {
  const text = $(id).value.trim();
  if (text === '') return undefined;
  const parts = text.split(/\s*,\s*/);
  return parts.every((p) => p !== '' && Number.isFinite(Number(p))) ? (parts.length === 1 ? Number(parts[0]) : parts.map(Number)) : text;
}

/** The padding field: what `dims` reads, plus `'same'`/`'valid'` and `[begin end]` pairs per axis written `0 1, 1 0` or as JSON. */
function padding(): unknown {
  const text = $('padding').value.trim();
  if (text.startsWith('[')) {
    try {
      return JSON.parse(text);
    } catch {
      return text; // shown to core as given: its OPTION error names the form
    }
  }
  const parts = text.split(/\s*,\s*/);
  if (parts.some((p) => /^\S+\s+\S+$/.test(p))) return parts.map((p) => p.split(/\s+/).map(Number));
  return dims('padding');
}

function settings(): Settings {
  const adaptive = $<HTMLSelectElement>('mode').value === 'adaptive';
  const geometry: Record<string, unknown> = adaptive
    ? { outputSize: dims('output-size') }
    : { kernelSize: dims('kernel-size'), stride: dims('stride'), padding: padding(), dilation: dims('dilation'), ceilMode: $('ceil-mode').checked || undefined };
  for (const k of Object.keys(geometry)) if (geometry[k] === undefined) delete geometry[k];
  const own: Record<string, unknown> = {};
  for (const d of Object.values(poolOpDefs)) {
    for (const [key, spec] of Object.entries(d.options)) {
      const el = $(optionId(key));
      if (spec.kind === 'boolean') {
        if (el.checked) own[key] = true;
      } else if (el.value.trim() !== '') own[key] = dims(optionId(key));
    }
  }
  return {
    op: $<HTMLSelectElement>('op').value as OpName,
    maskFrom: $<HTMLSelectElement>('mask-from').value as Settings['maskFrom'],
    geometry,
    channelsLast: $('channels-last').checked,
    beta: $('per-channel').checked ? ['beta-r', 'beta-g', 'beta-b'].map((id) => Number($(id).value)) : Number($('beta').value),
    own,
    backend: $<HTMLSelectElement>('backend').value,
    gradient: $('gradient').checked,
    repeats: Math.min(50, Math.max(1, Math.round(Number($('repeats').value)) || 1)),
    minMs: Math.min(5000, Math.max(0, Number($('min-ms').value) || 0)),
  };
}

const decoded = new Map<string, Img>();

/** The chosen input: the user's file, a bundled photo (scaled down to the size, never up), or a pattern. */
async function image(): Promise<Img> {
  const source = $<HTMLSelectElement>('source').value;
  const size = Number($<HTMLSelectElement>('size').value);
  if (source === 'file' && userImage) return userImage;
  if (!source.startsWith('photo:')) return generate(source, size);
  const key = `${source}@${size}`;
  if (!decoded.has(key)) decoded.set(key, await loadPhoto(source.slice('photo:'.length), size));
  return decoded.get(key)!;
}

const draw = (canvas: HTMLCanvasElement, img: Img, d = 0): void => drawAt(canvas, img, DISPLAY, d);

/** The error map on 0 … its max, with its legend. */
function drawError(canvas: HTMLCanvasElement, legendEl: HTMLElement, error: Img, display: number, d = 0): void {
  const scale = { lo: 0, hi: range(error.data)[1] || 1, stops: SEQUENTIAL };
  heat(canvas, error, scale, display, d);
  legend(legendEl, scale);
}

const fmtDb = (v: number) => (v === Infinity ? '∞' : v.toFixed(2));
const qualityText = (q: { psnr: number; ssim: number }) => `PSNR ${fmtDb(q.psnr)} dB, SSIM ${q.ssim.toFixed(4)}`;
const ms = (v: number) => (v < 0.1 ? v.toFixed(3) : v.toFixed(2));

function clear(canvas: HTMLCanvasElement): void {
  canvas.getContext('2d')!.clearRect(0, 0, canvas.width, canvas.height);
}

function parityText(p: Parity, tol: { atol: number; rtol: number }, ranOnJs: boolean): string {
  const d = p.maxAbsDiff === 0 ? '0' : p.maxAbsDiff.toExponential(1);
  if (ranOnJs) return `max |Δ| ${d} (this is the reference)`;
  const verdict = p.outside === 0 ? 'within' : `${p.outside} element(s) outside`;
  return `max |Δ| ${d}, ${verdict} |Δ| ≤ ${tol.atol.toExponential()} + ${tol.rtol.toExponential()}·|ref|`;
}

const LABEL: Record<string, string> = { ...Object.fromEntries(Object.values(poolOpDefs).map((d) => [d.method, d.layer.op])), unpool: 'adaUnpool' };

/** The input of an op's own option: its name in kebab case (`countIncludePad` → `count-include-pad`). */
const optionId = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The op menus and each op's own option inputs, from core's op descriptors: the page's markup
 * holds none of them, so a new op appears here by itself.
 */
function buildMenus(): void {
  const defs = Object.values(poolOpDefs);
  const option = (value: string, text: string) => Object.assign(document.createElement('option'), { value, textContent: text });
  const label = (d: (typeof defs)[number]) => (d.name === d.layer.op ? d.name : `${d.layer.op} (${d.name})`);
  $('op').replaceChildren(...defs.map((d) => option(d.method, label(d))), option('unpool', 'adaUnpool'));
  $<HTMLSelectElement>('op').value = 'em';
  $('mask-from').replaceChildren(...defs.map((d) => option(d.method, label(d))));
  $<HTMLSelectElement>('mask-from').value = 'ada';
  const inputs = defs.flatMap((d) =>
    Object.entries(d.options).map(([key, spec]) => {
      const l = document.createElement('label');
      l.dataset.for = d.method;
      l.title = spec.doc;
      const input = Object.assign(document.createElement('input'), { id: optionId(key), type: spec.kind === 'boolean' ? 'checkbox' : 'text' });
      if (spec.kind === 'boolean') {
        l.className = 'check';
        l.append(input, ` ${key}`);
      } else {
        input.placeholder = String(spec.default);
        l.append(`${key} `, input);
      }
      return l;
    }),
  );
  $('own-options').replaceChildren(...inputs);
}

function show(r: Result, s: Settings, input: Img): void {
  $('stats').hidden = $('code').hidden = false;
  $('error').hidden = true;
  const up = (img: Img) => (DISPLAY / Math.max(img.H, img.W)).toFixed(2).replace(/\.?0+$/, '');
  draw($<HTMLCanvasElement>('output-canvas'), r.output);
  $('output-caption').textContent =
    s.op === 'unpool'
      ? `adaUnpool output [${r.shape.join(', ')}] as computed: Σ v·W; a window's weights sum to 1, so each value is spread over its window (darker: ¼ at kernel 2 stride 2). The reconstruction divides by the coverage.`
      : `output [${r.shape.join(', ')}] → ${r.output.H}×${r.output.W}, shown ${up(r.output)}× upscaled`;
  $('pooled-figure').hidden = s.op !== 'unpool';
  if (s.op === 'unpool') {
    draw($<HTMLCanvasElement>('pooled-canvas'), r.pooled);
    $('pooled-caption').textContent = `${LABEL[r.method]} output (v), ${r.pooled.H}×${r.pooled.W}, whose mask W is scattered`;
  }
  draw($<HTMLCanvasElement>('recon-canvas'), r.recon);
  $('recon-caption').textContent = `reconstruction: adaUnpool(y, mask) / adaUnpool(ones, mask), ${LABEL[r.method]}'s own mask; ${qualityText(r)}`;
  drawError($<HTMLCanvasElement>('error-canvas'), $('error-legend'), r.error, DISPLAY);
  $('error-caption').textContent = '|reconstruction − input|, channel mean';
  $('grad-figure').hidden = !r.grad;
  if (r.grad) {
    const g = channelMean(r.grad);
    const { scale, note } = signedScale(g.data);
    heat($<HTMLCanvasElement>('grad-canvas'), g, scale, DISPLAY);
    legend($('grad-legend'), scale, note);
    const what = r.gradName === 'dv' ? 'dv (w.r.t. the pooled values) for dU = ones' : 'dx for dy = ones';
    $('grad-caption').textContent = `${what}, channel mean, ${r.grad.H}×${r.grad.W}; 0 is white`;
  }
  const asked = r.backend === s.backend ? '' : ` (asked for '${s.backend}')`;
  const grad = r.gradBackend && r.gradBackend !== r.backend ? `; gradient on ${r.gradBackend}` : '';
  $('ran').textContent = `${r.backend}${asked}${grad}`;
  $('shape').textContent = `[${r.shape.join(', ')}] from [${(s.channelsLast ? [1, ...spatial(input), C] : [1, C, ...spatial(input)]).join(', ')}]`;
  const bwd = r.backwardMs === undefined ? '' : `, backward ${ms(r.backwardMs)} ms`;
  $('time').textContent = `forward ${ms(r.forwardMs)} ms${bwd} (median of ${r.runs} run${r.runs > 1 ? 's' : ''}${crossOriginIsolated ? '' : '; not cross-origin isolated: the timer is coarse'})`;
  $('quality').textContent = `${qualityText(r)} (normalised scatter with ${LABEL[r.method]}'s mask)`;
  $('baselines-row').hidden = r.baselines.length === 0;
  $('baselines').textContent = r.baselines.map((b) => `${b.name}: ${qualityText(b)}`).join('; ');
  const js = r.backend === 'js';
  const parity = $('parity');
  parity.textContent = `output: ${parityText(r.parity, TOLERANCE.forward, js)}`;
  if (r.gradParity) parity.textContent += `; ${r.gradName}: ${parityText(r.gradParity, TOLERANCE.grad, js)}`;
  parity.className = r.parity.outside === 0 ? 'ok' : 'off';
  Object.assign(parity.dataset, { maxAbsDiff: String(r.parity.maxAbsDiff), outside: String(r.parity.outside) });
  $('code').textContent = r.code;
  $('summary').textContent = `${LABEL[s.op]}${s.op === 'unpool' ? ` (${LABEL[r.method]}'s mask)` : ''} on ${r.backend}: ${qualityText(r)}, forward ${ms(r.forwardMs)} ms`;
  Object.assign($('result').dataset, { op: LABEL[s.op], backend: r.backend, psnr: String(r.psnr), ssim: String(r.ssim), forwardMs: String(r.forwardMs) });
}

/** The comparison view: one card per method, with its reconstruction and measures. */
function showCompare(rows: Compared[]): void {
  const best = (k: 'psnr' | 'ssim') => rows.reduce((a, b) => (b[k] > a[k] ? b : a)).method.id;
  const [bestPsnr, bestSsim] = [best('psnr'), best('ssim')];
  const cards = rows.map((r) => {
    const card = Object.assign(document.createElement('figure'), { className: 'method' });
    Object.assign(card.dataset, { method: r.method.id, psnr: String(r.psnr), ssim: String(r.ssim), forwardMs: String(r.forwardMs), backend: r.backend });
    const [pooled, recon] = [document.createElement('canvas'), document.createElement('canvas')];
    drawAt(pooled, r.pooled, 128);
    drawAt(recon, r.recon, 128);
    const caption = document.createElement('figcaption');
    const mark = (k: string, id: string) => (id === r.method.id ? ` class="best" title="highest ${k} here"` : '');
    caption.innerHTML = `<b>${r.method.label}</b> <span class="hint">pooled · reconstruction</span><br><span${mark('PSNR', bestPsnr)}>PSNR ${fmtDb(r.psnr)} dB</span> · <span${mark('SSIM', bestSsim)}>SSIM ${r.ssim.toFixed(4)}</span><br>${ms(r.forwardMs)} ms on ${r.backend}`;
    card.append(pooled, recon, caption);
    return card;
  });
  $('compare-grid').replaceChildren(...cards);
  $('compare').dataset.state = 'done';
}

function showError(e: unknown): void {
  const box = $('error');
  box.replaceChildren();
  const head = document.createElement('b');
  head.textContent = e instanceof AdaPoolError ? `AdaPoolError ${e.code}` : 'Unexpected error';
  box.append(head, document.createTextNode(`\n${message(e)}`));
  box.hidden = false;
  for (const id of ['output-canvas', 'pooled-canvas', 'recon-canvas', 'error-canvas', 'grad-canvas']) clear($<HTMLCanvasElement>(id));
  for (const id of ['error-legend', 'grad-legend']) $(id).replaceChildren();
  $('summary').textContent = e instanceof AdaPoolError ? `AdaPoolError ${e.code}: see the message above` : 'error';
  for (const k of ['op', 'backend', 'psnr', 'ssim', 'forwardMs']) delete $('result').dataset[k];
  for (const id of ['ran', 'shape', 'time', 'quality', 'baselines', 'parity', 'code']) $(id).textContent = '';
  delete $('parity').dataset.maxAbsDiff;
  delete $('parity').dataset.outside;
  $('stats').hidden = $('code').hidden = true;
  $('output-caption').textContent = 'output: none (see the error above)';
  $('grad-caption').textContent = 'gradient: none';
  $('recon-caption').textContent = 'reconstruction: none';
  if (!(e instanceof AdaPoolError)) console.error(e);
}

/** Shows the controls that apply to the chosen op and geometry mode. */
function syncVisibility(): void {
  const op = $<HTMLSelectElement>('op').value;
  const method = op === 'unpool' ? $<HTMLSelectElement>('mask-from').value : op;
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-for]'))) el.hidden = el.dataset.for !== op && el.dataset.for !== method;
  $<HTMLAnchorElement>('op-doc').href = `docs/op-${LABEL[op]}.html`;
  $('op-doc').textContent = `about ${LABEL[op]}`;
  const mode = $<HTMLSelectElement>('mode').value;
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-mode]'))) el.hidden = el.dataset.mode !== mode;
  $<HTMLSelectElement>('size').disabled = $<HTMLSelectElement>('source').value === 'file';
  $('beta-channels').hidden = !$('per-channel').checked;
  $('beta').disabled = $('per-channel').checked;
  for (const input of Array.from(document.querySelectorAll<HTMLInputElement>('input[type="range"]'))) input.nextElementSibling!.textContent = input.value;
}

let running = false;
let again = false;

/** Runs now, or once more after the current run if one is in progress. */
async function update(): Promise<void> {
  syncVisibility();
  if (running) {
    again = true;
    return;
  }
  running = true;
  document.body.dataset.state = 'running';
  do {
    again = false;
    const s = settings();
    const input = await image();
    draw($<HTMLCanvasElement>('input-canvas'), input);
    const source = $<HTMLSelectElement>('source');
    const credit = source.value.startsWith('photo:') ? `; ${photos[source.value.slice(6)].credit}` : '';
    $('input-caption').textContent = `input ${input.H}×${input.W}, ${C} channels${credit}`;
    try {
      show(await run(input, s), s, input);
      document.body.dataset.state = 'idle';
      await compareIfChanged(input, s);
    } catch (e) {
      showError(e);
      document.body.dataset.state = 'error';
    }
    shareUrl();
    document.body.dataset.runs = String(Number(document.body.dataset.runs) + 1);
  } while (again);
  running = false;
}

let compared = '';

/** Reruns the comparison view when the image, geometry, backend or timing changed (not for another op). */
async function compareIfChanged(input: Img, s: Settings): Promise<void> {
  const { op: _op, maskFrom: _m, beta: _b, gradient: _g, ...rest } = s;
  const key = JSON.stringify([rest, $<HTMLSelectElement>('source').value, $<HTMLSelectElement>('size').value, input.data.length, userImage?.data.length]);
  if (key === compared) return;
  const section = $('compare');
  section.dataset.state = 'running';
  try {
    showCompare(await compareAll(input, s));
    compared = key;
  } catch (e) {
    $('compare-grid').replaceChildren(Object.assign(document.createElement('p'), { className: 'off', textContent: `not compared: ${message(e)}` }));
    section.dataset.state = 'error';
  }
}

/** The form fields a URL can preselect: `?op=softPool&kernel=3&backend=wasm`. */
const URL_FIELDS: Record<string, string> = { source: 'source', size: 'size', op: 'op', mask: 'mask-from', beta: 'beta', kernel: 'kernel-size', stride: 'stride', padding: 'padding', dilation: 'dilation', mode: 'mode', output: 'output-size', backend: 'backend' };
/** Op names as the library spells them (softPool) → the form's values (em). */
const OP_VALUE: Record<string, string> = Object.fromEntries([
  ...Object.entries(LABEL).map(([v, name]) => [name.toLowerCase(), v]),
  ...Object.values(poolOpDefs).flatMap((d) => [d.name, ...d.aliases].map((n) => [n.toLowerCase(), d.method])),
]);

function fromUrl(): void {
  const q = new URLSearchParams(location.search);
  for (const [key, id] of Object.entries(URL_FIELDS)) {
    const v = q.get(key);
    if (v === null) continue;
    const value = key === 'op' || key === 'mask' ? (OP_VALUE[v.toLowerCase()] ?? v) : v;
    const el = $<HTMLInputElement | HTMLSelectElement>(id);
    if (el instanceof HTMLSelectElement && !Array.from(el.options).some((o) => o.value === value && !o.disabled)) {
      console.warn(`playground: ?${key}=${v} is not an option here; kept ${el.value}`);
      continue;
    }
    el.value = value;
  }
}

/** Keeps the address bar a link to what is shown (history.replaceState: no new history entries). */
function shareUrl(): void {
  const q = new URLSearchParams();
  for (const [key, id] of Object.entries(URL_FIELDS)) {
    const el = $<HTMLInputElement | HTMLSelectElement>(id);
    const value = key === 'op' || key === 'mask' ? LABEL[el.value] : el.value;
    if (el.value !== '' && !(el.closest('[hidden]') && key !== 'backend')) q.set(key, value);
  }
  history.replaceState(null, '', `${location.pathname}?${q}${location.hash}`);
}

// the 3D demo: a generated clip, pooled as one [1, 3, 16, 64, 64] tensor, played back
let playing: ReturnType<typeof setInterval> | undefined;

/** Before the first pooling: the clip alone, playing. */
function previewClip(): void {
  const input = clip();
  let d = 0;
  playing = setInterval(() => {
    drawAt($<HTMLCanvasElement>('video-input'), input, 192, d);
    d = (d + 1) % (input.D ?? 1);
  }, 125);
  $('video-stats').textContent = 'Press "Pool the clip" to pool it with the method and kernel above.';
}

async function runVideo(): Promise<void> {
  const box = $('video-result');
  box.dataset.state = 'running';
  clearInterval(playing);
  const m = METHODS.find((x) => x.id === $<HTMLSelectElement>('video-method').value)!;
  const s: Settings = { ...settings(), op: m.pool, beta: m.beta ?? 0, channelsLast: false, gradient: false, geometry: { kernelSize: dims('video-kernel') } };
  const input = clip();
  try {
    const r = await run(input, s);
    const error = r.error;
    const scale = range(error.data)[1] || 1;
    let d = 0;
    const frame = () => {
      drawAt($<HTMLCanvasElement>('video-input'), input, 192, d);
      drawAt($<HTMLCanvasElement>('video-pooled'), r.output, 192, Math.min(d * (r.output.D ?? 1) / (input.D ?? 1), (r.output.D ?? 1) - 1) | 0);
      drawAt($<HTMLCanvasElement>('video-recon'), r.recon, 192, d);
      heat($<HTMLCanvasElement>('video-error'), error, { lo: 0, hi: scale, stops: SEQUENTIAL }, 192, d);
      box.dataset.frame = String(d);
      d = (d + 1) % (input.D ?? 1);
    };
    legend($('video-error-legend'), { lo: 0, hi: scale, stops: SEQUENTIAL });
    frame();
    playing = setInterval(frame, 125);
    $<HTMLButtonElement>('video-play').disabled = false;
    $('video-play').textContent = 'Pause';
    $('video-play').onclick = () => {
      if (playing === undefined) {
        playing = setInterval(frame, 125);
        $('video-play').textContent = 'Pause';
      } else {
        clearInterval(playing);
        playing = undefined;
        $('video-play').textContent = 'Play';
      }
    };
    $('video-pooled-caption').textContent = `${m.label} output [${r.shape.join(', ')}]: ${r.output.D} frames of ${r.output.H}×${r.output.W}`;
    $('video-stats').textContent = `${m.label} on ${r.backend}, kernel ${JSON.stringify(s.geometry.kernelSize)}: ${qualityText(r)} (SSIM per frame and channel, averaged), forward ${ms(r.forwardMs)} ms (median of ${r.runs}); parity vs js: ${r.parity.outside === 0 ? 'within' : `${r.parity.outside} outside`} §6`;
    Object.assign(box.dataset, { state: 'done', op: m.label, backend: r.backend, psnr: String(r.psnr), ssim: String(r.ssim), forwardMs: String(r.forwardMs), frames: String(r.output.D) });
  } catch (e) {
    $('video-stats').textContent = e instanceof AdaPoolError ? `AdaPoolError ${e.code}: ${e.message}` : `error: ${message(e)}`;
    box.dataset.state = 'error';
  }
}

/** On a phone the result is fixed at the bottom of the screen: keeps the control in use above it. */
function keepAboveResult(el: EventTarget | null): void {
  const result = $('result');
  if (!(el instanceof HTMLElement) || getComputedStyle(result).position !== 'fixed') return;
  const overlap = el.getBoundingClientRect().bottom - result.getBoundingClientRect().top;
  if (overlap > -8) window.scrollBy(0, overlap + 16);
}

let timer: ReturnType<typeof setTimeout> | undefined;
function scheduleUpdate(): void {
  syncVisibility();
  clearTimeout(timer);
  timer = setTimeout(update, 120);
}

async function useFile(file: File | undefined): Promise<void> {
  if (!file) return;
  try {
    userImage = await loadFile(file, DISPLAY);
  } catch (e) {
    showError(new Error(`could not decode ${file.name}: ${message(e)}`));
    return;
  }
  const option = $<HTMLSelectElement>('source').querySelector<HTMLOptionElement>('option[value="file"]')!;
  option.disabled = false;
  option.textContent = `your image: ${file.name}`;
  $<HTMLSelectElement>('source').value = 'file';
  void update();
}

async function main(): Promise<void> {
  buildMenus();
  const notes = await registerBackends();
  fromUrl();
  $('compare-pending').hidden = NOT_YET.length === 0;
  $('compare-pending').textContent = `Not here yet: ${NOT_YET.join('; ')}.`;
  $('video-method').replaceChildren(...METHODS.map((m) => Object.assign(document.createElement('option'), { value: m.id, textContent: m.label })));
  $<HTMLSelectElement>('video-method').value = 'soft';
  $('video-run').addEventListener('click', () => void runVideo());
  previewClip();
  $('backend-notes').replaceChildren(...notes.map((n) => Object.assign(document.createElement('li'), { textContent: n })));
  const form = $<HTMLFormElement>('controls');
  form.addEventListener('input', (e) => {
    if ((e.target as HTMLElement).id !== 'file') scheduleUpdate();
  });
  $('file').addEventListener('change', () => void useFile($('file').files?.[0]));
  form.addEventListener('focusin', (e) => keepAboveResult(e.target));
  $('run').addEventListener('click', () => void update());
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    void useFile(e.dataTransfer?.files[0]);
  });
  await update();
}

void main();
