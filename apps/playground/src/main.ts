/**
 * The playground page: reads the form, runs `pipeline.run` and shows the images, timings,
 * parity and the equivalent code. Backends are registered explicitly, as an app would.
 */
import { AdaPoolError, listBackends, registerBackend } from '@adapool/core';
import { createWasmBackend } from '@adapool/wasm';
import { createWebGPUBackend } from '@adapool/webgpu';
import { C, generate, loadFile, type Img } from './images.js';
import { run, TOLERANCE, type OpName, type Parity, type Result, type Settings } from './pipeline.js';

const $ = <T extends HTMLElement = HTMLInputElement>(id: string): T => document.getElementById(id) as T;
const DISPLAY = 256;

let userImage: Img | undefined;

/** Registers wasm and webgpu where this browser can run them; says why not otherwise. */
async function registerBackends(): Promise<string[]> {
  const notes: string[] = [];
  try {
    const wasm = await createWasmBackend();
    registerBackend(wasm);
    notes.push(`wasm: ${wasm.simd ? 'SIMD' : 'scalar (no Wasm SIMD here)'} build`);
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

function settings(): Settings {
  const adaptive = $<HTMLSelectElement>('mode').value === 'adaptive';
  const geometry: Record<string, unknown> = adaptive
    ? { outputSize: dims('output-size') }
    : { kernelSize: dims('kernel-size'), stride: dims('stride'), padding: dims('padding'), dilation: dims('dilation'), ceilMode: $('ceil-mode').checked || undefined };
  for (const k of Object.keys(geometry)) if (geometry[k] === undefined) delete geometry[k];
  const eps = dims('idw-eps');
  return {
    op: $<HTMLSelectElement>('op').value as OpName,
    maskFrom: $<HTMLSelectElement>('mask-from').value as Settings['maskFrom'],
    geometry,
    channelsLast: $('channels-last').checked,
    beta: $('per-channel').checked ? ['beta-r', 'beta-g', 'beta-b'].map((id) => Number($(id).value)) : Number($('beta').value),
    countIncludePad: $('count-include-pad').checked,
    idwEps: eps as number | undefined,
    backend: $<HTMLSelectElement>('backend').value,
    gradient: $('gradient').checked,
    repeats: Math.min(50, Math.max(1, Math.round(Number($('repeats').value)) || 1)),
  };
}

function image(): Img {
  const source = $<HTMLSelectElement>('source').value;
  return source === 'file' && userImage ? userImage : generate(source, Number($<HTMLSelectElement>('size').value));
}

/** Draws planar RGB upscaled (nearest neighbour) to fit DISPLAY px; values × scale, clamped to [0, 1]. */
function draw(canvas: HTMLCanvasElement, img: Img, scale = 1): void {
  const { data, H, W } = img;
  const f = DISPLAY / Math.max(H, W);
  const dW = Math.max(1, Math.round(W * f));
  const dH = Math.max(1, Math.round(H * f));
  [canvas.width, canvas.height] = [dW, dH];
  const ctx = canvas.getContext('2d')!;
  const out = ctx.createImageData(dW, dH);
  for (let y = 0; y < dH; y++) {
    const i = Math.min(H - 1, Math.floor(y / f));
    for (let x = 0; x < dW; x++) {
      const j = Math.min(W - 1, Math.floor(x / f));
      const p = 4 * (y * dW + x);
      for (let c = 0; c < C; c++) out.data[p + c] = Math.round(255 * Math.min(1, Math.max(0, data[(c * H + i) * W + j] * scale)));
      out.data[p + 3] = 255;
    }
  }
  ctx.putImageData(out, 0, 0);
}

function clear(canvas: HTMLCanvasElement): void {
  canvas.getContext('2d')!.clearRect(0, 0, canvas.width, canvas.height);
}

function parityText(p: Parity, tol: { atol: number; rtol: number }, ranOnJs: boolean): string {
  const d = p.maxAbsDiff === 0 ? '0' : p.maxAbsDiff.toExponential(1);
  if (ranOnJs) return `max |Δ| ${d} (this is the reference)`;
  const verdict = p.outside === 0 ? 'within' : `${p.outside} element(s) outside`;
  return `max |Δ| ${d}, ${verdict} |Δ| ≤ ${tol.atol.toExponential()} + ${tol.rtol.toExponential()}·|ref|`;
}

function show(r: Result, s: Settings, input: Img): void {
  $('stats').hidden = $('code').hidden = false;
  $('error').hidden = true;
  draw($<HTMLCanvasElement>('output-canvas'), r.output);
  $('output-caption').textContent = `output [${r.shape.join(', ')}] → ${r.output.H}×${r.output.W}, shown ${(DISPLAY / Math.max(r.output.H, r.output.W)).toFixed(2).replace(/\.?0+$/, '')}× upscaled`;
  $('grad-figure').hidden = !r.grad;
  if (r.grad) {
    let max = 0;
    for (const v of r.grad.data) max = Math.max(max, v);
    draw($<HTMLCanvasElement>('grad-canvas'), r.grad, max > 0 ? 1 / max : 1);
    const what = r.gradName === 'dv' ? '|dv| (w.r.t. the pooled values) for dU = ones' : '|dx| for dy = ones';
    $('grad-caption').textContent = `${what}, ${r.grad.H}×${r.grad.W}, scaled to its max ${max.toPrecision(3)}`;
  }
  const asked = r.backend === s.backend ? '' : ` (asked for '${s.backend}')`;
  const grad = r.gradBackend && r.gradBackend !== r.backend ? `; gradient on ${r.gradBackend}` : '';
  $('ran').textContent = `${r.backend}${asked}${grad}`;
  $('shape').textContent = `[${r.shape.join(', ')}] from [${(s.channelsLast ? [1, input.H, input.W, C] : [1, C, input.H, input.W]).join(', ')}]`;
  const bwd = r.backwardMs === undefined ? '' : `, backward ${r.backwardMs.toFixed(2)} ms`;
  $('time').textContent = `forward ${r.forwardMs.toFixed(2)} ms${bwd} (${s.repeats} run${s.repeats > 1 ? 's' : ''})`;
  const js = r.backend === 'js';
  const parity = $('parity');
  parity.textContent = `output: ${parityText(r.parity, TOLERANCE.forward, js)}`;
  if (r.gradParity) parity.textContent += `; ${r.gradName}: ${parityText(r.gradParity, TOLERANCE.grad, js)}`;
  parity.className = r.parity.outside === 0 ? 'ok' : 'off';
  Object.assign(parity.dataset, { maxAbsDiff: String(r.parity.maxAbsDiff), outside: String(r.parity.outside) });
  $('code').textContent = r.code;
}

function showError(e: unknown): void {
  const box = $('error');
  box.replaceChildren();
  const head = document.createElement('b');
  head.textContent = e instanceof AdaPoolError ? `AdaPoolError ${e.code}` : 'Unexpected error';
  box.append(head, document.createTextNode(`\n${message(e)}`));
  box.hidden = false;
  for (const id of ['output-canvas', 'grad-canvas']) clear($<HTMLCanvasElement>(id));
  for (const id of ['ran', 'shape', 'time', 'parity', 'code']) $(id).textContent = '';
  delete $('parity').dataset.maxAbsDiff;
  delete $('parity').dataset.outside;
  $('stats').hidden = $('code').hidden = true;
  $('output-caption').textContent = 'output: none (see the error above)';
  $('grad-caption').textContent = 'gradient: none';
  if (!(e instanceof AdaPoolError)) console.error(e);
}

/** Shows the controls that apply to the chosen op and geometry mode. */
function syncVisibility(): void {
  const op = $<HTMLSelectElement>('op').value;
  const method = op === 'unpool' ? $<HTMLSelectElement>('mask-from').value : op;
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-for]'))) el.hidden = el.dataset.for !== op && el.dataset.for !== method;
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
    const input = image();
    draw($<HTMLCanvasElement>('input-canvas'), input);
    $('input-caption').textContent = `input ${input.H}×${input.W}, ${C} channels`;
    try {
      show(await run(input, s), s, input);
      document.body.dataset.state = 'idle';
    } catch (e) {
      showError(e);
      document.body.dataset.state = 'error';
    }
    document.body.dataset.runs = String(Number(document.body.dataset.runs) + 1);
  } while (again);
  running = false;
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
  const notes = await registerBackends();
  $('backend-notes').replaceChildren(...notes.map((n) => Object.assign(document.createElement('li'), { textContent: n })));
  const form = $<HTMLFormElement>('controls');
  form.addEventListener('input', (e) => {
    if ((e.target as HTMLElement).id !== 'file') scheduleUpdate();
  });
  $('file').addEventListener('change', () => void useFile($('file').files?.[0]));
  $('run').addEventListener('click', () => void update());
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    void useFile(e.dataTransfer?.files[0]);
  });
  await update();
}

void main();
