/**
 * Image similarity, as the SoftPool and AdaPool papers report it: PSNR and SSIM of a
 * reconstruction against the original. Planar channels, values in [0, 1] (peak L = 1).
 *
 * SSIM is the standard one (Wang et al. 2004, the reference `ssim_index.m`): an 11×11 Gaussian
 * window with σ = 1.5, K1 = 0.01, K2 = 0.03, 'valid' filtering (only windows inside the image),
 * computed per channel and averaged over channels (and over frames for a clip). Windows are
 * shrunk to the image for images smaller than 11 px.
 */

/** PSNR in dB over every value (peak 1): 10·log10(1 / MSE); identical inputs give +∞. */
export function psnr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  return se === 0 ? Infinity : 10 * Math.log10(a.length / se);
}

/** The separable Gaussian taps (normalised), `size` odd. */
function gaussian(size: number, sigma: number): Float64Array {
  const g = new Float64Array(size);
  const r = (size - 1) / 2;
  let sum = 0;
  for (let i = 0; i < size; i++) sum += g[i] = Math.exp(-((i - r) ** 2) / (2 * sigma * sigma));
  return g.map((v) => v / sum);
}

/** 'valid' separable filtering of one H×W plane. */
function filter(p: Float64Array, H: number, W: number, g: Float64Array): Float64Array {
  const k = g.length;
  const [oH, oW] = [H - k + 1, W - k + 1];
  const rows = new Float64Array(H * oW);
  for (let i = 0; i < H; i++) {
    for (let j = 0; j < oW; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += g[t] * p[i * W + j + t];
      rows[i * oW + j] = s;
    }
  }
  const out = new Float64Array(oH * oW);
  for (let i = 0; i < oH; i++) {
    for (let j = 0; j < oW; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += g[t] * rows[(i + t) * oW + j];
      out[i * oW + j] = s;
    }
  }
  return out;
}

/** Mean SSIM of one H×W plane pair. */
function ssimPlane(x: Float64Array, y: Float64Array, H: number, W: number): number {
  let size = Math.min(11, H, W);
  if (size % 2 === 0) size--;
  const g = gaussian(size, 1.5);
  const [C1, C2] = [0.01 ** 2, 0.03 ** 2];
  const mx = filter(x, H, W, g);
  const my = filter(y, H, W, g);
  const xx = filter(x.map((v) => v * v), H, W, g);
  const yy = filter(y.map((v) => v * v), H, W, g);
  const xy = filter(x.map((v, i) => v * y[i]), H, W, g);
  let sum = 0;
  for (let i = 0; i < mx.length; i++) {
    const [a, b] = [mx[i], my[i]];
    const [vx, vy, cxy] = [xx[i] - a * a, yy[i] - b * b, xy[i] - a * b];
    sum += ((2 * a * b + C1) * (2 * cxy + C2)) / ((a * a + b * b + C1) * (vx + vy + C2));
  }
  return sum / mx.length;
}

/**
 * Mean SSIM of planar data made of `planes` H×W planes (channels, or channels × frames),
 * averaged over the planes; identical inputs give 1.
 */
export function ssim(a: ArrayLike<number>, b: ArrayLike<number>, H: number, W: number): number {
  const n = H * W;
  const planes = a.length / n;
  let sum = 0;
  for (let p = 0; p < planes; p++) {
    const x = Float64Array.from({ length: n }, (_, i) => a[p * n + i]);
    const y = Float64Array.from({ length: n }, (_, i) => b[p * n + i]);
    sum += ssimPlane(x, y, H, W);
  }
  return sum / planes;
}
