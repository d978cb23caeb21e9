/**
 * What the playground computes, without any DOM: one op on one backend, timed, its gradient for
 * dy = ones, and the same computation on the float64 reference backend `js` for parity. Every
 * option goes to @adapool/core as the user typed it: core validates (and explains) everything.
 */
import * as ap from '@adapool/core';
import type { PoolMethod, PoolWithMask, Tensor } from '@adapool/core';
import { C, spatial, withSize, type Img } from './images.js';
import { psnr, ssim } from './measures.js';
import { TOLERANCE } from '@adapool/testkit';

/** The pooling ops, plus adaUnpool of a pooling's mask. */
export type OpName = PoolMethod | 'unpool';

export interface Settings {
  op: OpName;
  /** adaUnpool: the pooling whose output and mask it scatters back. */
  maskFrom: PoolMethod;
  /** kernelSize, stride, padding, dilation, ceilMode, or outputSize, as entered. */
  geometry: Record<string, unknown>;
  channelsLast: boolean;
  /** adaPool's β: one number, or one per channel (R, G, B). */
  beta: number | readonly number[];
  /** The op's own options as entered (countIncludePad, idwEps, p, …: its descriptor's schema); absent ones left out. */
  own: Record<string, unknown>;
  /** A registered backend name or 'auto'. */
  backend: string;
  gradient: boolean;
  /** Timed runs (after one warm-up run): at least `repeats`, and until they took `minMs`; medians are reported. */
  repeats: number;
  minMs: number;
}

type Opts = Record<string, unknown>;

interface PoolDef {
  /** The function's name in @adapool/core (shown in the code sample). */
  fn: string;
  forward(x: Tensor, beta: Tensor | number, o: Opts): Tensor | PoolWithMask;
  grad(x: Tensor, beta: Tensor | number, dy: Tensor, o: Opts): Tensor;
  /** The op's own options. */
  extra(s: Settings): Opts;
}

type Fn = (...args: unknown[]) => unknown;
const lib = ap as unknown as Record<string, Fn>;

/** Every pooling method's functions, from core's op descriptors (the name shown is the layers' one: softPool for emPool). */
export const pools = Object.fromEntries(
  Object.values(ap.poolOpDefs).map((d): [PoolMethod, PoolDef] => [
    d.method,
    {
      fn: d.layer.op,
      forward: (x, b, o) => (d.beta ? lib[d.name](x, b, o) : lib[d.name](x, o)) as Tensor | PoolWithMask,
      grad: (x, b, dy, o) => (d.beta ? (lib[`${d.name}Grad`](x, b, dy, o) as { dx: Tensor }).dx : (lib[`${d.name}Grad`](x, dy, o) as Tensor)),
      extra: (s) => Object.fromEntries(Object.keys(d.options).filter((k) => s.own[k] !== undefined).map((k) => [k, s.own[k]])),
    },
  ]),
) as Record<PoolMethod, PoolDef>;

/** OPERATORS.md §6 conformance tolerances (|Δ| ≤ atol + rtol·|ref|), as the parity suite uses them. */
export { TOLERANCE };

export interface Parity {
  maxAbsDiff: number;
  /** Elements outside the tolerance. */
  outside: number;
}

/** What a reconstruction keeps: PSNR (dB) and SSIM against the original (measures.ts). */
export interface Quality {
  psnr: number;
  ssim: number;
}

/** A reconstruction of the input from a pooled output, with its quality. */
export interface Reconstruction extends Quality {
  /** How it was made: 'normalised scatter', 'nearest', 'window mean'. */
  name: string;
  img: Img;
}

export interface Result extends Quality {
  /** The backend that actually ran (`tensor.backend`): what 'auto' chose, or 'js' after a fallback. */
  backend: string;
  /** The backend that ran the gradient (a backend without that kernel falls back to 'js'). */
  gradBackend?: string;
  /** Output shape as laid out, and the output as planar RGB. */
  shape: readonly number[];
  output: Img;
  /** The pooling whose output and mask are scattered back (the op, or adaUnpool's mask-from). */
  method: PoolMethod;
  /** The pooled image (for adaUnpool: the pooling it scatters back). */
  pooled: Img;
  /** Normalised scatter of the pooled image with its own mask (see `reconstruct`). */
  recon: Img;
  /** |recon − input| averaged over channels: one plane. */
  error: Img;
  /** max/avg: nearest and window-mean upsampling of the same output, as baselines. */
  baselines: Reconstruction[];
  /** dx (pooling) or dv (adaUnpool) for an upstream gradient of ones, signed, planar RGB. */
  grad?: Img;
  gradName?: string;
  forwardMs: number;
  backwardMs?: number;
  /** Timed runs behind the medians. */
  runs: number;
  parity: Parity;
  gradParity?: Parity;
  /** The calls this ran, as code. */
  code: string;
}

/** Tensors made during one run, disposed together (also when an op throws). */
class Scope {
  private readonly tensors: Tensor[] = [];
  add<T extends Tensor | undefined>(t: T): T {
    if (t) this.tensors.push(t);
    return t;
  }
  dispose(): void {
    for (const t of this.tensors) if (!t.isDisposed) t.dispose();
  }
}

/** dy = ones shaped like `y`, on `y`'s backend (nothing to move). */
const onesLike = (y: Tensor): Tensor => ap.tensor(new Float32Array(y.size).fill(1), y.shape, { backend: y.backend });

/** Planar RGB → the tensor layout ([1, C, ...S], or [1, ...S, C] with channelsLast), on `backend`. */
function toTensor(img: Img, channelsLast: boolean, backend: string): Tensor {
  const S = spatial(img);
  if (!channelsLast) return ap.tensor(img.data, [1, C, ...S], { backend });
  const P = img.data.length / C;
  const last = new Float32Array(img.data.length);
  for (let c = 0; c < C; c++) for (let p = 0; p < P; p++) last[p * C + c] = img.data[c * P + p];
  return ap.tensor(last, [1, ...S, C], { backend });
}

/** A [1, C, ...S] or [1, ...S, C] result → planar RGB. */
function toImg(values: ArrayLike<number>, shape: readonly number[], channelsLast: boolean): Img {
  const S = channelsLast ? shape.slice(1, -1) : shape.slice(2);
  const P = S.reduce((a, b) => a * b, 1);
  const data = new Float32Array(C * P);
  for (let c = 0; c < C; c++) for (let p = 0; p < P; p++) data[c * P + p] = values[channelsLast ? p * C + c : c * P + p];
  return withSize(data, S);
}

function betaArg(s: Settings, backend: string): Tensor | number {
  if (typeof s.beta === 'number') return s.beta;
  // per-channel: [C,1,1] channels-first, [C] channels-last (OPERATORS.md §4.6)
  return ap.tensor(s.beta, s.channelsLast ? [C] : [C, 1, 1], { backend });
}

/** One forward computation (and a closure for its gradient) on `backend`. */
function forward(s: Settings, img: Img, x: Tensor, beta: Tensor | number, backend: string, scope: Scope): { y: Tensor; grad: () => Tensor } {
  const geometry = { ...s.geometry, channelsLast: s.channelsLast, backend };
  if (s.op !== 'unpool') {
    const def = pools[s.op];
    const o = { ...geometry, ...def.extra(s) };
    const y = scope.add(def.forward(x, beta, o) as Tensor);
    return { y, grad: () => scope.add(def.grad(x, beta, scope.add(onesLike(y)), o)) };
  }
  const def = pools[s.maskFrom];
  const { output, mask, indices } = def.forward(x, beta, { ...geometry, ...def.extra(s), returnMask: true }) as PoolWithMask;
  [output, mask, indices].forEach((t) => scope.add(t));
  const o = { ...geometry, inputSize: spatial(img) };
  const y = scope.add(ap.adaUnpool(output, mask, o));
  return { y, grad: () => scope.add(ap.adaUnpoolGrad(output, mask, scope.add(onesLike(y)), o).dv) };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Timed runs stop at `maxRuns`, whatever `minMs` asks. */
const MAX_RUNS = 500;

/**
 * Calls `once` (which returns its phases' times, ms) once to warm up (GPU pipelines compile on
 * first use), then until it ran `repeats` times and the timed runs took `minMs` in all; the median
 * of each phase.
 */
export async function repeat(s: Pick<Settings, 'repeats' | 'minMs'>, once: () => Promise<number[]>): Promise<{ medians: number[]; runs: number }> {
  await once();
  const times: number[][] = [];
  let total = 0;
  while ((times.length < s.repeats || total < s.minMs) && times.length < MAX_RUNS) {
    const t = await once();
    times.push(t);
    total += t.reduce((a, b) => a + b, 0);
  }
  return { medians: times[0].map((_, k) => median(times.map((t) => t[k]))), runs: times.length };
}

function compare(got: ArrayLike<number>, ref: ArrayLike<number>, tol: { atol: number; rtol: number }): Parity {
  let maxAbsDiff = 0;
  let outside = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(got[i] - ref[i]);
    if (!(d <= maxAbsDiff)) maxAbsDiff = d; // NaN wins
    if (!(d <= tol.atol + tol.rtol * Math.abs(ref[i]))) outside++;
  }
  return { maxAbsDiff, outside };
}

/** Nearest-neighbour upsampling of planar `y` to the spatial size `S`: p → ⌊p·O/S⌋ on each axis. */
function nearest(y: Img, S: readonly number[]): Img {
  const O = spatial(y);
  const [P, Q] = [S.reduce((a, b) => a * b, 1), O.reduce((a, b) => a * b, 1)];
  const data = new Float32Array(C * P);
  for (let p = 0; p < P; p++) {
    let [rest, q] = [p, 0];
    for (let a = S.length - 1, stride = 1; a >= 0; a--) {
      q += Math.min(O[a] - 1, Math.floor(((rest % S[a]) * O[a]) / S[a])) * stride;
      [rest, stride] = [Math.floor(rest / S[a]), stride * O[a]];
    }
    for (let c = 0; c < C; c++) data[c * P + p] = y.data[c * Q + q];
  }
  return withSize(data, S);
}

/** Σ v·W / Σ W per position (planar), where Σ W > 0; `fallback` elsewhere. */
function normalised(u: Img, n: Img, fallback: Img): Img {
  const data = u.data.map((v, i) => (n.data[i] > 0 ? v / n.data[i] : fallback.data[i]));
  return withSize(data, spatial(u));
}

/** |a − b| averaged over channels: one plane. */
function errorMap(a: Img, b: Img): Img {
  const P = a.data.length / C;
  const data = new Float32Array(P);
  for (let c = 0; c < C; c++) for (let p = 0; p < P; p++) data[p] += Math.abs(a.data[c * P + p] - b.data[c * P + p]) / C;
  return withSize(data, spatial(a));
}

/** PSNR and SSIM of `img` against `ref` (SSIM per H×W plane: channels × frames, averaged). */
export function quality(img: Img, ref: Img): Quality {
  return { psnr: psnr(img.data, ref.data), ssim: ssim(img.data, ref.data, ref.H, ref.W) };
}

/**
 * Pools `x` with `method` (returnMask) on `backend` and reconstructs the input from the output
 * with the op's own mask W, as a normalised scatter:
 *
 *   R_p = adaUnpool(y, W)_p / adaUnpool(1, W)_p = Σ y_o W_{o,p} / Σ W_{o,p}
 *
 * (the mask weights of a window sum to 1, so adaUnpool alone spreads each value over its window:
 * ¼ brightness at kernel 2 with stride 2; dividing by the mask's coverage gives the image back at
 * its brightness). Where the op's mask puts no weight on a pixel (maxPool's one-hot mask off the
 * maximum), the same with avgPool's mask (the window mean); where no window covers it (stride >
 * kernel, dropped edges), nearest upsampling. With non-overlapping windows every method's
 * reconstruction is its output, nearest-upsampled: what differs is the value each method keeps.
 */
export async function reconstruct(s: Settings, method: PoolMethod, img: Img, x: Tensor, beta: Tensor | number, backend: string): Promise<{ pooled: Img; recon: Img; baselines: Img[] }> {
  const scope = new Scope();
  try {
    const geometry = { ...s.geometry, channelsLast: s.channelsLast, backend };
    const def = pools[method];
    const own = def.forward(x, beta, { ...geometry, ...def.extra(s), returnMask: true }) as PoolWithMask;
    const uniform = ap.avgPool(x, { ...geometry, returnMask: true });
    [own.output, own.mask, own.indices, uniform.output, uniform.mask].forEach((t) => scope.add(t));
    const o = { ...geometry, inputSize: spatial(img) };
    const ones = scope.add(onesLike(own.output));
    const read = async (t: Tensor): Promise<Img> => toImg((await scope.add(t).read()) as Float32Array, t.shape, s.channelsLast);
    const pooled = await read(own.output);
    const near = nearest(pooled, spatial(img));
    const area = normalised(await read(ap.adaUnpool(own.output, uniform.mask, o)), await read(ap.adaUnpool(ones, uniform.mask, o)), near);
    const recon = normalised(await read(ap.adaUnpool(own.output, own.mask, o)), await read(ap.adaUnpool(ones, own.mask, o)), area);
    return { pooled, recon, baselines: [near, area] };
  } finally {
    scope.dispose();
  }
}

/** Runs the settings on `img`: timed on the chosen backend, then once on 'js' for parity. */
export async function run(img: Img, s: Settings): Promise<Result> {
  const outer = new Scope();
  try {
    // the inputs live where the timed op runs (as after setBackend), and on 'js' for the reference
    const x = outer.add(toTensor(img, s.channelsLast, s.backend));
    const beta = betaArg(s, s.backend);
    if (typeof beta !== 'number') outer.add(beta);
    const xRef = outer.add(await x.to('js'));
    const betaRef = typeof beta === 'number' ? beta : outer.add(await beta.to('js'));
    let ran = '';
    let shape: readonly number[] = [];
    let values!: Float32Array;
    let gradRan: string | undefined;
    let dShape: readonly number[] = [];
    let dValues: Float32Array | undefined;
    const timed = await repeat(s, async () => {
      const scope = new Scope();
      try {
        const t0 = performance.now();
        const f = forward(s, img, x, beta, s.backend, scope);
        values = (await f.y.read()) as Float32Array;
        const t1 = performance.now();
        if (s.gradient) {
          const g = f.grad();
          [gradRan, dShape] = [g.backend, g.shape];
          dValues = (await g.read()) as Float32Array;
        }
        [ran, shape] = [f.y.backend, f.y.shape];
        return [t1 - t0, performance.now() - t1];
      } finally {
        scope.dispose();
      }
    });
    const method = s.op === 'unpool' ? s.maskFrom : s.op;
    const { pooled, recon, baselines } = await reconstruct(s, method, img, x, beta, s.backend);
    const ref = new Scope();
    try {
      const f = forward(s, img, xRef, betaRef, 'js', ref);
      const parity = compare(values, (await f.y.read()) as Float32Array, TOLERANCE.forward);
      const gradParity = dValues && compare(dValues, (await f.grad().read()) as Float32Array, TOLERANCE.grad);
      return {
        backend: ran,
        gradBackend: gradRan,
        shape,
        output: toImg(values, shape, s.channelsLast),
        method,
        pooled,
        recon,
        error: errorMap(recon, img),
        ...quality(recon, img),
        baselines: method === 'max' || method === 'avg' ? baselines.map((b, k) => ({ name: ['nearest', 'window mean'][k], img: b, ...quality(b, img) })) : [],
        grad: dValues && toImg(dValues, dShape, s.channelsLast),
        gradName: s.op === 'unpool' ? 'dv' : 'dx',
        forwardMs: timed.medians[0],
        backwardMs: s.gradient ? timed.medians[1] : undefined,
        runs: timed.runs,
        parity,
        gradParity,
        code: code(s, img),
      };
    } finally {
      ref.dispose();
    }
  } finally {
    outer.dispose();
  }
}

/** One method of the comparison view: a pooling, with β for adaPool. */
export interface Method {
  id: string;
  label: string;
  pool: PoolMethod;
  beta?: number;
}

/** The comparison view's methods, one per op descriptor (adaPool at β = 0, 0.5 and 1). */
export const METHODS: readonly Method[] = Object.values(ap.poolOpDefs).flatMap((d): Method[] => {
  const id = d.layer.op.replace(/Pool$/, '');
  return d.beta ? [0, 0.5, 1].map((beta) => ({ id: `${id}-${beta}`, label: `${d.layer.op} β=${beta}`, pool: d.method, beta })) : [{ id, label: d.layer.op, pool: d.method }];
});

/** Methods the comparison cannot show yet, and why. */
export const NOT_YET: readonly string[] = [];

export interface Compared extends Quality {
  method: Method;
  backend: string;
  pooled: Img;
  recon: Img;
  forwardMs: number;
  runs: number;
}

/** Every method of METHODS on `img` with the settings' geometry and backend: forward time, reconstruction, PSNR and SSIM. */
export async function compareAll(img: Img, s: Settings): Promise<Compared[]> {
  const outer = new Scope();
  try {
    const x = outer.add(toTensor(img, s.channelsLast, s.backend));
    const out: Compared[] = [];
    for (const m of METHODS) {
      const def = pools[m.pool];
      const beta = m.beta ?? 0;
      const o = { ...s.geometry, channelsLast: s.channelsLast, backend: s.backend, ...def.extra(s) };
      let backend = '';
      const timed = await repeat(s, async () => {
        const t0 = performance.now();
        const y = def.forward(x, beta, o) as Tensor;
        try {
          await y.read();
          backend = y.backend;
        } finally {
          y.dispose();
        }
        return [performance.now() - t0];
      });
      const { pooled, recon } = await reconstruct(s, m.pool, img, x, beta, s.backend);
      out.push({ method: m, backend, pooled, recon, ...quality(recon, img), forwardMs: timed.medians[0], runs: timed.runs });
    }
    return out;
  } finally {
    outer.dispose();
  }
}

/** `{ kernelSize: 3, backend: 'wasm' }` */
function fmt(o: Opts): string {
  const v = (x: unknown): string => (typeof x === 'string' ? `'${x}'` : Array.isArray(x) ? `[${x.map(v).join(', ')}]` : String(x));
  const entries = Object.entries(o).filter(([, x]) => x !== undefined && x !== false);
  return entries.length ? `{ ${entries.map(([k, x]) => `${k}: ${v(x)}`).join(', ')} }` : '{}';
}

/** The calls `run` makes, as a user would write them. */
export function code(s: Settings, img: Img): string {
  const x = s.channelsLast ? `[1, ${img.H}, ${img.W}, ${C}]` : `[1, ${C}, ${img.H}, ${img.W}]`;
  // as a user writes it: choose the backend once; tensors are created on it, ops run there
  const lines = [...(s.backend === 'auto' ? [] : [`setBackend('${s.backend}');`]), `const x = tensor(pixels, ${x});`];
  const geometry = { ...s.geometry, channelsLast: s.channelsLast };
  const method = s.op === 'unpool' ? s.maskFrom : s.op;
  if (method === 'ada') {
    lines.push(typeof s.beta === 'number' ? `const beta = ${s.beta};` : `const beta = tensor([${s.beta.join(', ')}], ${s.channelsLast ? '[3]' : '[3, 1, 1]'}); // per channel`);
  }
  const def = pools[method];
  const args = method === 'ada' ? 'x, beta' : 'x';
  if (s.op !== 'unpool') {
    const o = fmt({ ...geometry, ...def.extra(s) });
    lines.push(`const y = ${def.fn}(${args}, ${o});`);
    if (s.gradient) {
      lines.push('const dy = tensor(new Float32Array(y.size).fill(1), y.shape);');
      lines.push(method === 'ada' ? `const { dx } = adaPoolGrad(x, beta, dy, ${o});` : `const dx = ${def.fn}Grad(x, dy, ${o});`);
    }
  } else {
    lines.push(`const { output, mask } = ${def.fn}(${args}, ${fmt({ ...geometry, ...def.extra(s), returnMask: true })});`);
    const o = fmt({ ...geometry, inputSize: spatial(img) });
    lines.push(`const y = adaUnpool(output, mask, ${o});`);
    if (s.gradient) {
      lines.push('const dU = tensor(new Float32Array(y.size).fill(1), y.shape);');
      lines.push(`const { dv } = adaUnpoolGrad(output, mask, dU, ${o});`);
    }
  }
  lines.push('await y.read();');
  const used = ['tensor', def.fn, `${def.fn}Grad`, 'adaUnpool', 'adaUnpoolGrad'].filter((name) => lines.some((l) => l.includes(`${name}(`)));
  const factories = [
    ['wasm', 'createWasmBackend', '@adapool/wasm'],
    ['webgpu', 'createWebGPUBackend', '@adapool/webgpu'],
  ].filter(([name]) => s.backend === name || s.backend === 'auto');
  const head = [`import { ${[...used, ...(factories.length ? ['registerBackend'] : []), ...(s.backend === 'auto' ? [] : ['setBackend'])].join(', ')} } from '@adapool/core';`];
  for (const [, fn, pkg] of factories) head.push(`import { ${fn} } from '${pkg}';`);
  for (const [, fn] of factories) head.push(`registerBackend(await ${fn}());`);
  return [...head, '', ...lines].join('\n');
}
