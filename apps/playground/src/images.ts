/**
 * Input images for the playground: generated test patterns and the user's own files, as planar
 * RGB float32 (`[3, H, W]`, values in [0, 1]), the layout the ops take by default.
 */

export interface Img {
  /** Planar RGB: channel c, row i, column j at `(c * H + i) * W + j`. */
  readonly data: Float32Array;
  readonly H: number;
  readonly W: number;
}

export const C = 3;

/** value(c, i, j) for an H×W pattern, in [0, 1]. */
type Pattern = (c: number, i: number, j: number, H: number, W: number) => number;

const rings: Pattern = (c, i, j, H) => 0.5 + 0.5 * Math.sin((Math.hypot(i - H / 2, j - H / 2) / (H / 8)) * Math.PI + c);
const checker: Pattern = (c, i, j, H) => {
  const cell = Math.max(2, H >> 3);
  const on = (Math.floor(i / cell) + Math.floor(j / cell)) % 2;
  return on ? [0.95, 0.75, 0.2][c] : [0.1, 0.25, 0.6][c];
};
const gradient: Pattern = (c, i, j, H, W) => [j / (W - 1), i / (H - 1), 1 - (i + j) / (H + W - 2)][c];
/** The console demo's image: rings in red, a diagonal ramp in green, checkerboard × rings in blue. */
const mix: Pattern = (c, i, j, H, W) =>
  [rings(0, i, j, H, W), (i + j) / (H + W), 0.3 * (((i >> 3) + (j >> 3)) % 2) + 0.7 * rings(2, i, j, H, W) * (j / W)][c];

export const patterns: Record<string, Pattern> = { mix, rings, checkerboard: checker, gradient };

export function generate(name: string, size: number): Img {
  const pattern = patterns[name] ?? mix;
  const H = size;
  const W = size;
  const data = new Float32Array(C * H * W);
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) data[(c * H + i) * W + j] = pattern(c, i, j, H, W);
  }
  return { data, H, W };
}

/** RGBA pixels (a canvas's ImageData) → planar RGB in [0, 1]; alpha is dropped. */
export function fromRGBA(rgba: Uint8ClampedArray, H: number, W: number): Img {
  const data = new Float32Array(C * H * W);
  for (let p = 0; p < H * W; p++) for (let c = 0; c < C; c++) data[c * H * W + p] = rgba[4 * p + c] / 255;
  return { data, H, W };
}

/** Decodes an image file (no network: the browser decodes the bytes), scaled to fit maxSide. */
export async function loadFile(file: Blob, maxSide: number): Promise<Img> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const W = Math.max(1, Math.round(bitmap.width * scale));
  const H = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = new OffscreenCanvas(W, H);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0, W, H);
  bitmap.close();
  return fromRGBA(ctx.getImageData(0, 0, W, H).data, H, W);
}
