/**
 * Input images for the playground: a bundled photograph, generated test patterns, a generated
 * clip and the user's own files, as planar RGB float32 (`[3, H, W]`, or `[3, D, H, W]` for a
 * clip; values in [0, 1]), the layout the ops take by default.
 */
import baboon from 'baboon-image-uri';

export interface Img {
  /** Planar RGB: channel c, (frame d,) row i, column j at `((c * D + d) * H + i) * W + j`. */
  readonly data: Float32Array;
  readonly H: number;
  readonly W: number;
  /** Frames, for a clip (3D); absent for an image. */
  readonly D?: number;
}

export const C = 3;

/** The spatial size: [H, W], or [D, H, W] for a clip. */
export const spatial = (img: Img): number[] => (img.D === undefined ? [img.H, img.W] : [img.D, img.H, img.W]);

/** Planar data of spatial size S (2 or 3 axes) as an Img. */
export function withSize(data: Float32Array, S: readonly number[]): Img {
  const [H, W] = S.slice(-2);
  return S.length === 3 ? { data, H, W, D: S[0] } : { data, H, W };
}

/** Photographs bundled with the page (no network): name → data URI. */
export const photos: Record<string, { uri: string; credit: string }> = {
  baboon: { uri: baboon, credit: 'the USC-SIPI "Mandrill" test photograph, 128×128, from the npm package baboon-image-uri (MIT; the image is public domain per its README)' },
};

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

/**
 * A generated clip: `frames` frames of size×size, a textured background drifting right, a disc
 * moving across, a square moving down and growing, a bar rotating. Deterministic.
 */
export function clip(frames = 16, size = 64): Img {
  const [D, H, W] = [frames, size, size];
  const data = new Float32Array(C * D * H * W);
  const tex = (i: number, j: number) => 0.5 + 0.25 * Math.sin(i * 0.7 + Math.cos(j * 0.3) * 3) * Math.cos(j * 0.45 + Math.sin(i * 0.2) * 2);
  for (let d = 0; d < D; d++) {
    const t = d / D;
    const [di, dj] = [H * 0.35, W * (0.15 + 0.7 * t)];
    const [si, sj, sh] = [H * (0.1 + 0.6 * t), W * 0.7, W * (0.08 + 0.06 * t)];
    const a = Math.PI * t;
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < W; j++) {
        let rgb = [0.8, 1, 0.9].map((k) => k * tex(i, j - 3 * d));
        if (Math.hypot(i - di, j - dj) < W * 0.12) rgb = [0.95, 0.3, 0.2];
        if (Math.abs(i - si) < sh && Math.abs(j - sj) < sh) rgb = [0.15, 0.35, 0.95];
        const [u, v] = [j - W / 2, i - H * 0.75];
        if (Math.abs(u * Math.cos(a) + v * Math.sin(a)) < W * 0.3 && Math.abs(-u * Math.sin(a) + v * Math.cos(a)) < 1.5) rgb = [1, 0.9, 0.2];
        for (let c = 0; c < C; c++) data[((c * D + d) * H + i) * W + j] = rgb[c];
      }
    }
  }
  return { data, H, W, D };
}

/** RGBA pixels (a canvas's ImageData) → planar RGB in [0, 1]; alpha is dropped. */
export function fromRGBA(rgba: Uint8ClampedArray, H: number, W: number): Img {
  const data = new Float32Array(C * H * W);
  for (let p = 0; p < H * W; p++) for (let c = 0; c < C; c++) data[c * H * W + p] = rgba[4 * p + c] / 255;
  return { data, H, W };
}

/** Decodes an image file or a bundled photo (no network: the browser decodes the bytes), scaled to fit maxSide. */
export async function loadFile(file: Blob, maxSide: number): Promise<Img> {
  return decode(await createImageBitmap(file), maxSide);
}

/** A bundled photo (a data URI: decoded here, nothing fetched), scaled to fit maxSide. */
export async function loadPhoto(name: string, maxSide: number): Promise<Img> {
  const img = new Image();
  img.src = photos[name].uri;
  await img.decode();
  return decode(await createImageBitmap(img), maxSide);
}

function decode(bitmap: ImageBitmap, maxSide: number): Img {
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const W = Math.max(1, Math.round(bitmap.width * scale));
  const H = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = new OffscreenCanvas(W, H);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0, W, H);
  bitmap.close();
  return fromRGBA(ctx.getImageData(0, 0, W, H).data, H, W);
}
