/**
 * PSNR and SSIM against known values: identical images, hand-derived constant images, and a pair
 * computed independently with python3 + numpy + scipy (convolve2d 'valid' with the 11×11 σ = 1.5
 * Gaussian, as in ssim_index.m; the script is in the comment below).
 */
import { describe, expect, it } from 'vitest';
import { psnr, ssim } from '../src/measures.js';

// import numpy as np; from scipy.signal import convolve2d
// H, W = 32, 24; i, j = np.meshgrid(np.arange(H), np.arange(W), indexing='ij')
// a = 0.5 + 0.4*np.sin(0.3*i)*np.cos(0.2*j); b = a + 0.05*np.sin(1.7*i + 0.9*j)
// x = np.arange(11) - 5; g = np.exp(-x**2/(2*1.5**2)); g /= g.sum(); w = np.outer(g, g)
// f = lambda p: convolve2d(p, w, mode='valid'); C1, C2 = 0.01**2, 0.03**2
// mx, my = f(a), f(b); vx, vy, cxy = f(a*a)-mx*mx, f(b*b)-my*my, f(a*b)-mx*my
// print(((2*mx*my+C1)*(2*cxy+C2))/((mx*mx+my*my+C1)*(vx+vy+C2))).mean(), 10*np.log10(1/np.mean((a-b)**2)))
const NUMPY = { ssim: 0.9298565748465459, psnr: 29.031863657978846 };

function pair(H: number, W: number): [Float64Array, Float64Array] {
  const a = new Float64Array(H * W);
  const b = new Float64Array(H * W);
  for (let i = 0; i < H; i++) {
    for (let j = 0; j < W; j++) {
      a[i * W + j] = 0.5 + 0.4 * Math.sin(0.3 * i) * Math.cos(0.2 * j);
      b[i * W + j] = a[i * W + j] + 0.05 * Math.sin(1.7 * i + 0.9 * j);
    }
  }
  return [a, b];
}

describe('psnr and ssim', () => {
  it('identical images: PSNR +∞, SSIM 1', () => {
    const [a] = pair(32, 24);
    expect(psnr(a, a)).toBe(Infinity);
    expect(ssim(a, a, 32, 24)).toBeCloseTo(1, 12);
  });

  it('hand-derived: a constant offset of 0.1 is 20 dB; constant images have SSIM (2ab + C1)/(a² + b² + C1)', () => {
    const a = new Float64Array(3 * 16 * 16).fill(0.5);
    const b = new Float64Array(3 * 16 * 16).fill(0.4);
    expect(psnr(a, b)).toBeCloseTo(20, 10);
    const C1 = 0.01 ** 2;
    expect(ssim(a, b, 16, 16)).toBeCloseTo((2 * 0.5 * 0.4 + C1) / (0.25 + 0.16 + C1), 12);
  });

  it('a pair computed with numpy/scipy', () => {
    const [a, b] = pair(32, 24);
    expect(psnr(a, b)).toBeCloseTo(NUMPY.psnr, 10);
    expect(ssim(a, b, 32, 24)).toBeCloseTo(NUMPY.ssim, 10);
    // planes average: the same pair as two channels, and a channel that matches exactly
    const two = (x: Float64Array, y: Float64Array) => Float64Array.from([...x, ...y]);
    expect(ssim(two(a, a), two(b, a), 32, 24)).toBeCloseTo((NUMPY.ssim + 1) / 2, 10);
  });
});
