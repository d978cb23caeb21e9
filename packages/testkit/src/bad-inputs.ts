/**
 * The bad-input fuzzer: seeded calls of every public entry point of @adapool/core (every op,
 * alias and gradient, `tensor`, the registry, Tensor methods and `readSync`'s options) with generated hostile arguments:
 * wrong types, getters that throw or change, Proxies whose traps throw, revoked Proxies, cyclic
 * and deeply nested arrays, 100 000-element arrays, huge numbers, NaN, −0, 1e300, 2^31, strings,
 * symbols, BigInts, BigInt arrays, Map/Date/RegExp/class instances, forged, disposed, int32 and
 * mis-shaped tensors.
 *
 * Every call must either return a well-formed result (some generated inputs are valid; results
 * are disposed) or throw an `AdaPoolError` with a known code, `op` the function called and a
 * message `op: what must hold, got what` of at most MESSAGE_MAX characters, within CALL_MS; the
 * valid input tensors must be unchanged afterwards. Problems are collected, not thrown.
 */
import * as ap from '@adapool/core';
import type { Tensor } from '@adapool/core';
import { rng } from './rng.js';

export const MESSAGE_MAX = 600;
export const CALL_MS = 1000;
const CODES = new Set(['SHAPE', 'OPTION', 'DTYPE', 'BACKEND', 'DISPOSED', 'UNSUPPORTED', 'DEVICE']);

export interface FuzzReport {
  /** Calls made. */
  tried: number;
  /** Calls that threw a well-formed AdaPoolError. */
  rejected: number;
  /** Calls that returned a well-formed result (the generated input happened to be valid). */
  accepted: number;
  /** Slowest call, ms. */
  slowestMs: number;
  /** Rejections per code. */
  codes: Record<string, number>;
  /** What went wrong (at most 50 kept), empty when everything held. */
  problems: string[];
}

export interface FuzzOptions {
  seed: number;
  cases: number;
  /** Backend for the calls (default: whatever is set). */
  backend?: string;
}

type Fn = (...args: unknown[]) => unknown;
type Rand = () => number;

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

/** Every op, alias and gradient of core, with what it takes. */
interface Entry {
  op: string;
  fn: Fn;
  kind: 'pool' | 'ada' | 'unpool';
  grad: boolean;
  rank?: number;
  /** Option keys it accepts. */
  keys: readonly string[];
}

const GEOMETRY = ['kernelSize', 'stride', 'padding', 'dilation', 'ceilMode', 'outputSize', 'channelsLast', 'backend'];

/** Every public op function: each name and alias of each op descriptor, per rank, forward and gradient, and adaUnpool. */
export function entries(): Entry[] {
  const out: Entry[] = [];
  const stems: [string, 'pool' | 'ada' | 'unpool', readonly string[]][] = [
    ...Object.values(ap.poolOpDefs).flatMap((d) => [d.name, ...d.aliases].map((name): [string, 'pool' | 'ada', readonly string[]] => [name, d.beta ? 'ada' : 'pool', ['returnMask', ...Object.keys(d.options)]])),
    ['adaUnpool', 'unpool', ['inputSize']],
  ];
  for (const [stem, kind, extra] of stems) {
    for (const rank of [undefined, 1, 2, 3]) {
      for (const grad of [false, true]) {
        const op = `${stem}${rank ? `${rank}d` : ''}${grad ? 'Grad' : ''}`;
        const fn = (ap as unknown as Record<string, unknown>)[op];
        if (typeof fn === 'function') out.push({ op, fn: fn as Fn, kind, grad, rank, keys: [...GEOMETRY, ...extra] });
      }
    }
  }
  return out;
}

const LONG = 100_000;

/** A hostile value; `valid` holds live tensors that may stand in (a tensor where a number goes, …). */
export function hostile(r: Rand, valid: readonly Tensor[], depth = 0, made?: Tensor[]): unknown {
  const keep = (t: Tensor) => (made?.push(t), t); // tensors made here, for the caller to dispose
  const k = Math.floor(r() * 40);
  switch (k) {
    case 0: return NaN;
    case 1: return -0;
    case 2: return 1e300;
    case 3: return 2 ** 31;
    case 4: return 2 ** 31 - 1;
    case 5: return -1;
    case 6: return 0.5;
    case 7: return pick(r, [Infinity, -Infinity, Number.MAX_VALUE, 2 ** 53, 1e-300, 65536]);
    case 8: return pick(r, ['2', '', 'wasm', 'auto', 'x'.repeat(LONG), '__proto__', 'same', 'valid', 'SAME']);
    case 9: return pick(r, [true, false, null, undefined]);
    case 10: return Symbol('s');
    case 11: return 10n;
    case 12: return pick(r, [{}, [], () => 1, new Map([['kernelSize', 2]]), new Date(), /k/, new Set(), new Error('e')]);
    case 13: return pick(r, [new BigInt64Array(4), new BigUint64Array(2), new Float64Array(4), new Uint8Array(2), new DataView(new ArrayBuffer(8)), new Float32Array(3)]);
    case 14: return new Array(Math.floor(r() * 4)).fill(0).map(() => (depth < 2 ? hostile(r, valid, depth + 1, made) : 1));
    case 15: return new Array(LONG).fill(pick(r, [-1, 2, NaN, 'a']));
    case 16: {
      const a: unknown[] = [2, 2];
      a.push(a);
      return a;
    }
    case 17: {
      const a: unknown[] = [];
      let d = a;
      for (let i = 0; i < 5000; i++) d = (d[0] = []) as unknown[];
      return a;
    }
    case 18: {
      const p = Proxy.revocable(pick(r, [{}, [2, 2]]), {});
      p.revoke();
      return p.proxy;
    }
    case 19: {
      const trap = pick(r, ['get', 'ownKeys', 'getPrototypeOf', 'has', 'getOwnPropertyDescriptor']);
      return new Proxy(pick(r, [{ kernelSize: 2 }, [2, 2], {}]), { [trap]: () => { throw new RangeError(`trap ${trap}`); } });
    }
    case 20: return { get kernelSize(): number { throw new TypeError('getter'); } };
    case 21: {
      let n = 0;
      return { get outputSize() { return n++ ? undefined : [2, 2]; }, get kernelSize() { return n++ ? 3 : undefined; } };
    }
    case 22: return Object.create({ kernelSize: 3 });
    case 23: return Object.create(ap.Tensor.prototype);
    case 24: return valid.length ? new Proxy(pick(r, valid), {}) : {};
    case 25: return valid.length ? pick(r, valid) : 1;
    case 26: return keep(ap.tensor(new Int32Array(4), [1, 1, 4]));
    case 27: {
      const t = ap.tensor(new Float32Array(8), [1, 2, 4]);
      t.dispose();
      return t;
    }
    case 28: return keep(ap.tensor(new Float32Array(6), pick(r, [[6], [1, 6], [1, 1, 2, 3], [2, 3, 1, 1, 1, 1]])));
    case 29: return { length: pick(r, [1e300, -1, 2 ** 32, NaN]) };
    case 30: {
      let n = 0;
      return new Proxy([2, 2], { get: (t, p, rc) => (p === 'length' ? (n++ ? 1e9 : 2) : Reflect.get(t, p, rc)) });
    }
    case 31: return pick(r, [[2, 2], [1, 1, 1], [3], [0], [2 ** 31, 1]]);
    case 32: return pick(r, [[NaN, 2], [-0, 1], [1e300, 1e300, 1e300], [2, '2'], [2, null], [[1, 0], [0, 1]], [[NaN, 1]], [[1], [2]], [1, [0, 1]], [[0, 2 ** 31]]]);
    case 33: return Object.assign(Object.create(null), { kernelSize: hostile(r, valid, depth + 1, made) });
    case 34: return { [pick(r, ['kernelsize', 'stirde', 'mode', 'outputSize ', 'beta'])]: 2 };
    case 35: return new (class Opts { kernelSize = 2; })();
    default: return pick(r, [1, 2, 3, [1, 2], undefined]);
  }
}

/** Runs the fuzzer; returns figures and problems (empty when every call held). */
export function fuzzBadInputs(opts: FuzzOptions): FuzzReport {
  const r = rng(opts.seed);
  const report: FuzzReport = { tried: 0, rejected: 0, accepted: 0, slowestMs: 0, codes: {}, problems: [] };
  const problem = (s: string) => {
    if (report.problems.length < 50) report.problems.push(s);
  };
  const ramp = (shape: number[]) => ap.tensor(Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => Math.sin(i * 1.3)), shape);
  // valid inputs per rank n: x, dy for k2 (= v), the k2 mask, β
  const X = [undefined, ramp([1, 2, 6]), ramp([1, 2, 4, 4]), ramp([1, 1, 4, 4, 4])];
  const Y = [undefined, ramp([1, 2, 3]), ramp([1, 2, 2, 2]), ramp([1, 1, 2, 2, 2])];
  const M = [undefined, ramp([1, 2, 3, 2]), ramp([1, 2, 2, 2, 2, 2]), ramp([1, 1, 2, 2, 2, 2, 2, 2])];
  const B = ramp([1]);
  const valid: Tensor[] = [...X, ...Y, ...M, B].filter((t): t is Tensor => t !== undefined);
  /** Tensors the hostile values were made of: disposed after each case, so a run leaves nothing behind. */
  const made: Tensor[] = [];
  const before = valid.map((t) => Array.from(t.readSync()));
  const ops = entries();
  const backend = opts.backend;

  /** Arguments for an entry: all valid, then some replaced by hostile ones. */
  function argsFor(e: Entry): unknown[] {
    const n = e.rank ?? 1 + Math.floor(r() * 3);
    const o: Record<string, unknown> = backend ? { backend } : {};
    let args: unknown[];
    if (e.kind === 'unpool') args = e.grad ? [Y[n], M[n], X[n], o] : [Y[n], M[n], o];
    else if (e.kind === 'ada') args = e.grad ? [X[n], pick(r, [B, 0.5]), Y[n], o] : [X[n], pick(r, [B, 0.5]), o];
    else args = e.grad ? [X[n], Y[n], o] : [X[n], o];
    const last = args.length - 1;
    const mutations = 1 + Math.floor(r() * 2);
    for (let i = 0; i < mutations; i++) {
      const what = r();
      if (what < 0.5) o[pick(r, e.keys)] = hostile(r, valid, 0, made); // an option value
      else if (what < 0.65) args[last] = hostile(r, valid, 0, made); // the options object itself
      else if (what < 0.75) o[pick(r, ['kernelsize', 'Stride', 'mode', 'beta', 'constructor', 'toString'])] = 1; // an unknown key
      else args[Math.floor(r() * last)] = hostile(r, valid, 0, made); // a tensor argument
    }
    if (r() < 0.05) args.push(hostile(r, valid, 0, made)); // one too many
    return args;
  }

  /** `[op, call]` for a non-op entry point. */
  function other(): [string, () => unknown] {
    const h = () => hostile(r, valid, 0, made);
    switch (Math.floor(r() * 10)) {
      case 0: return ['tensor', () => ap.tensor(h() as never, pick(r, [[4], [2, 2], h()]) as never, pick(r, [undefined, 'float32', 'int32', h()]) as never)];
      case 1: return ['tensor', () => ap.tensor(pick(r, [[1, 2, 3, 4], new Float32Array(4), h()]) as never, h() as never)];
      case 2: return ['tensor', () => ap.tensor([1, 2, 3, 4], [4], h() as never)];
      case 3: return ['registerBackend', () => ap.registerBackend(h() as never)];
      case 4: {
        const name = h();
        return ['setBackend', () => {
          const was = ap.getBackend();
          try {
            ap.setBackend(name as never);
          } finally {
            ap.setBackend(was);
          }
        }];
      }
      case 5: {
        const name = h();
        return ['removeBackend', () => (typeof name === 'string' && ap.listBackends().includes(name) ? ap.removeBackend(7 as never) : ap.removeBackend(name as never))];
      }
      case 6: {
        // read options: hostile as a whole, or as `into` (only a Float32Array of the size is taken)
        const t = pick(r, valid);
        const o = r() < 0.5 ? h() : { into: r() < 0.8 ? h() : pick(r, [new Float32Array(t.size), new Float32Array(t.size + 1), new Int32Array(t.size)]) };
        return ['Tensor.readSync', () => t.readSync(o as never)];
      }
      case 7: {
        const t = pick(r, valid);
        const o = { into: h() };
        return ['Tensor.readSync', () => t.readSync(o as never)];
      }
      default: {
        const m = pick(r, ['readSync', 'dispose'] as const);
        const v = h();
        let tensorLike = true; // a real tensor (which the call would dispose) or a revoked Proxy
        try {
          tensorLike = v instanceof ap.Tensor;
        } catch {
          /* keep it out */
        }
        const self = tensorLike ? Object.create(ap.Tensor.prototype) : v;
        return [`Tensor.${m}`, () => (ap.Tensor.prototype[m] as Fn).call(self)];
      }
    }
  }

  const disposeResult = (v: unknown) => {
    if (v instanceof ap.Tensor) v.dispose();
    else if (v && typeof v === 'object') for (const t of Object.values(v)) if (t instanceof ap.Tensor) t.dispose();
  };

  for (let i = 0; i < opts.cases; i++) {
    let op: string;
    let call: () => unknown;
    if (r() < 0.85) {
      const e = pick(r, ops);
      const args = argsFor(e);
      op = e.op;
      call = () => e.fn(...args);
    } else [op, call] = other();
    report.tried++;
    const t0 = performance.now();
    const disposeMade = () => {
      for (const t of made.splice(0)) if (!t.isDisposed) t.dispose();
    };
    let result: unknown;
    let error: unknown;
    let threw = false;
    try {
      result = call();
    } catch (err) {
      error = err;
      threw = true;
    }
    const ms = performance.now() - t0;
    report.slowestMs = Math.max(report.slowestMs, ms);
    if (ms > CALL_MS) problem(`case ${i} (${op}) took ${ms.toFixed(0)} ms`);
    disposeMade();
    if (!threw) {
      report.accepted++;
      disposeResult(result);
      continue;
    }
    if (!(error instanceof ap.AdaPoolError)) {
      problem(`case ${i} (${op}) threw ${String(error).slice(0, 200)}`);
      continue;
    }
    const msg = error.message;
    const ok = CODES.has(error.code) && error.op === op && msg.startsWith(`${op}: `) && /^[^:]+: [\s\S]+, got [\s\S]+$/.test(msg) && msg.length <= MESSAGE_MAX;
    if (!ok) problem(`case ${i} (${op}) gave ${error.code}/${error.op} (${msg.length} chars): ${msg.slice(0, 300)}`);
    else {
      report.rejected++;
      report.codes[error.code] = (report.codes[error.code] ?? 0) + 1;
    }
  }
  valid.forEach((t, i) => {
    if (t.isDisposed) problem(`valid input ${i} was disposed`);
    else if (Array.from(t.readSync()).some((v, j) => !Object.is(v, before[i][j]))) problem(`valid input ${i} changed`);
    t.dispose();
  });
  return report;
}
