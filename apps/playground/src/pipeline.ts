/**
 * What the playground computes, without any DOM: one op on one backend, timed, its gradient for
 * dy = ones, and the same computation on the float64 reference backend `js` for parity. Every
 * option goes to @adapool/core as the user typed it: core validates (and explains) everything.
 */
import * as ap from '@adapool/core';
import type { PoolMethod, PoolWithMask, Tensor } from '@adapool/core';
import { C, type Img } from './images.js';
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
  countIncludePad: boolean;
  idwEps?: number;
  /** A registered backend name or 'auto'. */
  backend: string;
  gradient: boolean;
  /** Timed runs (after one warm-up run); the median is reported. */
  repeats: number;
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

const none = (): Opts => ({});
export const pools: Record<PoolMethod, PoolDef> = {
  avg: { fn: 'avgPool', forward: (x, _, o) => ap.avgPool(x, o), grad: (x, _, dy, o) => ap.avgPoolGrad(x, dy, o), extra: (s) => (s.countIncludePad ? { countIncludePad: true } : {}) },
  max: { fn: 'maxPool', forward: (x, _, o) => ap.maxPool(x, o), grad: (x, _, dy, o) => ap.maxPoolGrad(x, dy, o), extra: none },
  em: { fn: 'softPool', forward: (x, _, o) => ap.softPool(x, o), grad: (x, _, dy, o) => ap.softPoolGrad(x, dy, o), extra: none },
  edscw: { fn: 'edscwPool', forward: (x, _, o) => ap.edscwPool(x, o), grad: (x, _, dy, o) => ap.edscwPoolGrad(x, dy, o), extra: none },
  idw: { fn: 'idwPool', forward: (x, _, o) => ap.idwPool(x, o), grad: (x, _, dy, o) => ap.idwPoolGrad(x, dy, o), extra: (s) => (s.idwEps === undefined ? {} : { idwEps: s.idwEps }) },
  ada: { fn: 'adaPool', forward: (x, b, o) => ap.adaPool(x, b, o), grad: (x, b, dy, o) => ap.adaPoolGrad(x, b, dy, o).dx, extra: none },
};

/** OPERATORS.md §6 conformance tolerances (|Δ| ≤ atol + rtol·|ref|), as the parity suite uses them. */
export { TOLERANCE };

export interface Parity {
  maxAbsDiff: number;
  /** Elements outside the tolerance. */
  outside: number;
}

export interface Result {
  /** The backend that actually ran (`tensor.backend`): what 'auto' chose, or 'js' after a fallback. */
  backend: string;
  /** The backend that ran the gradient (a backend without that kernel falls back to 'js'). */
  gradBackend?: string;
  /** Output shape as laid out, and the output as planar RGB. */
  shape: readonly number[];
  output: Img;
  /** |dx| (pooling) or |dv| (adaUnpool) for an upstream gradient of ones, planar RGB. */
  grad?: Img;
  gradName?: string;
  forwardMs: number;
  backwardMs?: number;
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

/** Planar RGB → the tensor layout ([1, C, H, W], or [1, H, W, C] with channelsLast), on `backend`. */
function toTensor(img: Img, channelsLast: boolean, backend: string): Tensor {
  const { data, H, W } = img;
  if (!channelsLast) return ap.tensor(data, [1, C, H, W], { backend });
  const nhwc = new Float32Array(data.length);
  for (let c = 0; c < C; c++) for (let p = 0; p < H * W; p++) nhwc[p * C + c] = data[c * H * W + p];
  return ap.tensor(nhwc, [1, H, W, C], { backend });
}

/** A [1, C, H, W] or [1, H, W, C] result → planar RGB, optionally |values|. */
function toImg(values: ArrayLike<number>, shape: readonly number[], channelsLast: boolean, abs = false): Img {
  const [H, W] = channelsLast ? shape.slice(1, 3) : shape.slice(2, 4);
  const data = new Float32Array(C * H * W);
  for (let c = 0; c < C; c++) {
    for (let p = 0; p < H * W; p++) {
      const v = values[channelsLast ? p * C + c : c * H * W + p];
      data[c * H * W + p] = abs ? Math.abs(v) : v;
    }
  }
  return { data, H, W };
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
  const o = { ...geometry, inputSize: [img.H, img.W] };
  const y = scope.add(ap.adaUnpool(output, mask, o));
  return { y, grad: () => scope.add(ap.adaUnpoolGrad(output, mask, scope.add(onesLike(y)), o).dv) };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
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
    const fwdTimes: number[] = [];
    const bwdTimes: number[] = [];
    let ran = '';
    let shape: readonly number[] = [];
    let values!: Float32Array;
    let gradRan: string | undefined;
    let dShape: readonly number[] = [];
    let dValues: Float32Array | undefined;
    // run 0 warms up (GPU pipelines compile on first use) and is not timed
    for (let r = 0; r <= Math.max(1, s.repeats); r++) {
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
        const t2 = performance.now();
        if (r > 0) {
          fwdTimes.push(t1 - t0);
          bwdTimes.push(t2 - t1);
        }
        [ran, shape] = [f.y.backend, f.y.shape];
      } finally {
        scope.dispose();
      }
    }
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
        grad: dValues && toImg(dValues, dShape, s.channelsLast, true),
        gradName: s.op === 'unpool' ? 'dv' : 'dx',
        forwardMs: median(fwdTimes),
        backwardMs: s.gradient ? median(bwdTimes) : undefined,
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
    const o = fmt({ ...geometry, inputSize: [img.H, img.W] });
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
