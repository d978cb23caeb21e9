/**
 * Drawing: planar RGB images and one-plane heat maps (a sequential map for errors, a diverging
 * one for signed gradients) on canvases, nearest-neighbour upscaled, with colour-scale legends.
 */
import { C, type Img } from './images.js';

/** Colour stops (r, g, b in 0–255) at t = 0, 1/(n−1), …, 1. */
type Stops = readonly (readonly [number, number, number])[];

/** Sequential (black → purple → orange → pale yellow), for |error|. */
export const SEQUENTIAL: Stops = [[0, 0, 4], [81, 18, 124], [183, 55, 121], [252, 137, 97], [252, 253, 191]];
/** Diverging (blue → white → red), for signed values: 0 is white. */
export const DIVERGING: Stops = [[33, 102, 172], [146, 197, 222], [247, 247, 247], [244, 165, 130], [178, 24, 43]];

function colour(stops: Stops, t: number): readonly [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isNaN(t) ? 0 : t)) * (stops.length - 1);
  const k = Math.min(stops.length - 2, Math.floor(x));
  const f = x - k;
  return [0, 1, 2].map((c) => Math.round(stops[k][c] * (1 - f) + stops[k + 1][c] * f)) as unknown as readonly [number, number, number];
}

/** Fills `canvas` (fitting `display` px) from `pixel(i, j)` → [r, g, b] for an H×W grid. */
function paint(canvas: HTMLCanvasElement, H: number, W: number, display: number, pixel: (i: number, j: number) => readonly number[]): void {
  const f = display / Math.max(H, W);
  const dW = Math.max(1, Math.round(W * f));
  const dH = Math.max(1, Math.round(H * f));
  if (canvas.width !== dW || canvas.height !== dH) [canvas.width, canvas.height] = [dW, dH];
  const ctx = canvas.getContext('2d')!;
  const out = ctx.createImageData(dW, dH);
  for (let y = 0; y < dH; y++) {
    const i = Math.min(H - 1, Math.floor(y / f));
    for (let x = 0; x < dW; x++) {
      const rgb = pixel(i, Math.min(W - 1, Math.floor(x / f)));
      const p = 4 * (y * dW + x);
      [out.data[p], out.data[p + 1], out.data[p + 2], out.data[p + 3]] = [rgb[0], rgb[1], rgb[2], 255];
    }
  }
  ctx.putImageData(out, 0, 0);
}

/** Draws frame `d` of planar RGB, values clamped to [0, 1]. */
export function draw(canvas: HTMLCanvasElement, img: Img, display: number, d = 0): void {
  const { data, H, W } = img;
  const D = img.D ?? 1;
  const px = (i: number, j: number) => [0, 1, 2].map((c) => Math.round(255 * Math.min(1, Math.max(0, data[((c * D + d) * H + i) * W + j]))));
  paint(canvas, H, W, display, px);
}

/** The range a heat map is drawn over, and what its legend says. */
export interface Scale {
  lo: number;
  hi: number;
  stops: Stops;
}

/** A one-plane image (`img.data` of H·W·D values) as a heat map over `scale`; frame `d`. */
export function heat(canvas: HTMLCanvasElement, img: Img, scale: Scale, display: number, d = 0): void {
  const { data, H, W } = img;
  const span = scale.hi - scale.lo;
  paint(canvas, H, W, display, (i, j) => colour(scale.stops, span > 0 ? (data[(d * H + i) * W + j] - scale.lo) / span : 0.5));
}

/** The channel mean of planar RGB: one plane. */
export function channelMean(img: Img): Img {
  const P = img.data.length / C;
  const data = new Float32Array(P);
  for (let c = 0; c < C; c++) for (let p = 0; p < P; p++) data[p] += img.data[c * P + p] / C;
  return { ...img, data };
}

export function range(data: ArrayLike<number>): [number, number] {
  let [lo, hi] = [Infinity, -Infinity];
  for (let i = 0; i < data.length; i++) [lo, hi] = [Math.min(lo, data[i]), Math.max(hi, data[i])];
  return [lo, hi];
}

const num = (v: number) => (v === 0 ? '0' : Math.abs(v) >= 0.01 && Math.abs(v) < 1e4 ? v.toPrecision(3) : v.toExponential(2));

/** A colour bar for `scale`, labelled at both ends (and 0 for a diverging one). */
export function legend(el: HTMLElement, scale: Scale, note = ''): void {
  const css = scale.stops.map((s, k) => `rgb(${s.join(',')}) ${(100 * k) / (scale.stops.length - 1)}%`).join(', ');
  const bar = Object.assign(document.createElement('div'), { className: 'bar' });
  bar.style.background = `linear-gradient(to right, ${css})`;
  const labels = Object.assign(document.createElement('div'), { className: 'labels' });
  const ticks = scale.stops === DIVERGING ? [scale.lo, (scale.lo + scale.hi) / 2, scale.hi] : [scale.lo, scale.hi];
  labels.append(...ticks.map((t) => Object.assign(document.createElement('span'), { textContent: num(t) })));
  el.replaceChildren(bar, labels, ...(note ? [Object.assign(document.createElement('div'), { className: 'note', textContent: note })] : []));
  Object.assign(el.dataset, { lo: String(scale.lo), hi: String(scale.hi) });
}

/** The diverging scale for signed values: symmetric about 0, ±max|v| (±1 when all are 0). */
export function signedScale(data: ArrayLike<number>): { scale: Scale; note: string } {
  const [lo, hi] = range(data);
  const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  const constant = hi - lo <= 1e-6 * Math.max(1, Math.abs(hi));
  return { scale: { lo: -m, hi: m, stops: DIVERGING }, note: constant ? `constant: every value is ${num(lo)}` : `values from ${num(lo)} to ${num(hi)}` };
}

export { num };
