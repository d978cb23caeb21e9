/**
 * Issue 9 regressions on the reference backend: options read exactly once, sizes bounded before
 * any loop, a size guard before any allocation, hostile objects (getters, Proxies, revoked
 * Proxies, cyclic arrays, BigInt arrays) rejected as AdaPoolError, short messages, plain-object
 * options only.
 */
import { describe, expect, it } from 'vitest';
import * as ap from '@adapool/core';
import { AdaPoolError, tensor } from '@adapool/core';
import { adaptiveEnd, adaptiveStart } from '../src/geometry.js';
import { expectCode } from './helpers/expect-error.js';

const ramp = (shape: number[]) => tensor(Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => Math.sin(i)), shape);
const revoked = () => {
  const r = Proxy.revocable({}, {});
  r.revoke();
  return r.proxy;
};
const revokedArray = () => {
  const r = Proxy.revocable([1, 2], {});
  r.revoke();
  return r.proxy;
};
/** Milliseconds `fn` takes. */
const timed = (fn: () => void) => {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
};

describe('options are read exactly once (issue 9.2)', () => {
  it('a getter that changes on a second read cannot give an inconsistent plan', async () => {
    const x = ramp([1, 2, 4, 4]);
    const before = Array.from(x.readSync());
    let k = 0;
    const opts = {
      get outputSize() {
        return k++ ? undefined : [2, 2];
      },
    };
    const y = ap.avgPool2d(x, opts as never);
    expect(k).toBe(1);
    expect(y.shape).toEqual([1, 2, 2, 2]);
    const want = ap.avgPool2d(x, { outputSize: [2, 2] });
    expect(Array.from(await y.read())).toEqual(Array.from(await want.read()));
    expect(Array.from(x.readSync())).toEqual(before);
  });

  it('every key of a Proxy options object is read once, per-dim arrays too', () => {
    const reads = new Map<PropertyKey, number>();
    const count = (k: PropertyKey) => reads.set(k, (reads.get(k) ?? 0) + 1);
    let n = 0;
    const kernel = new Proxy([2, 2], {
      get(t, k, r) {
        count(`kernelSize.${String(k)}`);
        // the second read of any element says 1
        if (k === '0' || k === '1') return n++ < 2 ? Reflect.get(t, k, r) : 1;
        return Reflect.get(t, k, r);
      },
    });
    const opts = new Proxy({ kernelSize: kernel, returnMask: true }, {
      get(t, k, r) {
        count(k);
        return Reflect.get(t, k, r);
      },
    });
    const r = ap.maxPool2d(ramp([1, 1, 4, 4]), opts as never) as unknown as ap.PoolWithMask;
    expect(r.output.shape).toEqual([1, 1, 2, 2]);
    expect(r.mask.shape).toEqual([1, 1, 2, 2, 2, 2]);
    expect(reads.get('kernelSize')).toBe(1);
    expect(reads.get('returnMask')).toBe(1);
    expect(reads.get('kernelSize.0')).toBe(1);
    expect(reads.get('kernelSize.1')).toBe(1);
  });

  it('a getter that throws is an OPTION error with the thrown error as cause', () => {
    const boom = new Error('boom');
    const e = expectCode(() => ap.softPool1d(ramp([1, 1, 4]), { get kernelSize(): number { throw boom; } }), 'OPTION', 'softPool1d');
    expect(e.message).toContain('options.kernelSize must be readable');
    expect(e.message).toContain('Error: boom');
    expect(e.cause).toBe(boom);
  });
});

describe('sizes are bounded before any loop (issue 9.3)', () => {
  const x1 = ramp([1, 1, 8]);
  const cases: [string, () => unknown, string][] = [
    ['outputSize 1e300', () => ap.avgPool1d(x1, { outputSize: 1e300 }), 'avgPool1d'],
    ['outputSize 2**31', () => ap.avgPool1d(x1, { outputSize: 2 ** 31 }), 'avgPool1d'],
    ['outputSize 2**31−1', () => ap.emPool1d(x1, { outputSize: 2 ** 31 - 1 }), 'emPool1d'],
    ['outputSize [2**30, 2**30]', () => ap.maxPool2d(ramp([1, 1, 2, 2]), { outputSize: [2 ** 30, 2 ** 30], returnMask: true }), 'maxPool2d'],
    ['kernelSize 2**31', () => ap.maxPool1d(x1, { kernelSize: 2 ** 31 }), 'maxPool1d'],
    ['kernelSize 1e300', () => ap.softPool1d(x1, { kernelSize: 1e300 }), 'softPool1d'],
    ['stride 1e300', () => ap.softPool1d(x1, { stride: 1e300 }), 'softPool1d'],
    ['padding 1e300', () => ap.softPool1d(x1, { kernelSize: 3, padding: 1e300 }), 'softPool1d'],
    ['dilation 2**53', () => ap.softPool1d(x1, { dilation: 2 ** 53 }), 'softPool1d'],
    ['inputSize 1e300', () => ap.adaUnpool1d(ramp([1, 1, 1]), ramp([1, 1, 1, 1]), { outputSize: 1, inputSize: 1e300 }), 'adaUnpool1d'],
    ['inferred unpool size 2**31·2', () => ap.adaUnpool1d(ramp([1, 1, 3]), ramp([1, 1, 3, 1]), { kernelSize: 1, stride: 2 ** 31 - 1 }), 'adaUnpool1d'],
    ['grad outputSize 2**31−1', () => ap.idwPool1dGrad(x1, ramp([1, 1, 1]), { outputSize: 2 ** 31 - 1 }), 'idwPool1dGrad'],
  ];
  for (const [name, run, op] of cases) {
    it(`${name}: an AdaPoolError in < 50 ms`, () => {
      let e: unknown;
      const ms = timed(() => {
        try {
          run();
        } catch (err) {
          e = err;
        }
      });
      expect(e, name).toBeInstanceOf(AdaPoolError);
      expect((e as AdaPoolError).op).toBe(op);
      expect((e as AdaPoolError).message.startsWith(`${op}: `)).toBe(true);
      expect(ms, name).toBeLessThan(50);
    });
  }

  it('the closed-form adaptive K equals the largest region, L and O in 1..80', () => {
    for (let L = 1; L <= 80; L++) {
      for (let O = 1; O <= 80; O++) {
        let K = 0;
        for (let o = 0; o < O; o++) K = Math.max(K, adaptiveEnd(o, L, O) - adaptiveStart(o, L, O));
        expect(ap.adaptiveAxis(L, O).K, `L ${L} O ${O}`).toBe(K);
      }
    }
  });
});

describe('the js backend checks a call’s size before allocating (issue 9.4)', () => {
  it('huge outputs, masks and unpools are UNSUPPORTED with the figure', () => {
    const x = ramp([1, 1, 2, 2]);
    let e = expectCode(() => ap.maxPool2d(x, { outputSize: [65536, 65536], returnMask: true }), 'UNSUPPORTED', 'maxPool2d');
    expect(e.message).toBe("maxPool2d: a call must fit the js backend's limits (2^31−1 elements per array, 4 GiB in all), got an array of 4294967296 elements needed");
    // v [1,64,2,2] with stride 65535 unpools to [1,64,65536,65536]
    e = expectCode(() => ap.adaUnpool2d(ramp([1, 64, 2, 2]), ramp([1, 64, 2, 2, 1, 1]), { kernelSize: 1, stride: 65535 }), 'UNSUPPORTED', 'adaUnpool2d');
    expect(e.message).toContain(`got an array of ${64 * 65536 * 65536} elements needed`);
    // under 2^31 elements per array, over 4 GiB in all: 20000² outputs with a 4-tap mask
    e = expectCode(() => ap.softPool2d(x, { outputSize: [20000, 20000], returnMask: true }), 'UNSUPPORTED', 'softPool2d');
    expect(e.message).toMatch(/got \d+\.\d\d GiB needed$/);
  });
});

describe('hostile inputs are AdaPoolErrors (issue 9.8)', () => {
  const x = () => ramp([1, 1, 4]);

  it('BigInt arrays and DataViews are rejected; other numeric typed arrays are converted', async () => {
    expectCode(() => tensor(new BigInt64Array(4) as never, [4]), 'DTYPE', 'tensor');
    expectCode(() => tensor(new BigUint64Array(2) as never, [2]), 'DTYPE', 'tensor');
    expectCode(() => tensor(new DataView(new ArrayBuffer(8)) as never, [2]), 'DTYPE', 'tensor');
    expect(Array.from(await tensor(new Float64Array([1.5, -2, 1e40]), [3]).read())).toEqual([1.5, -2, Infinity]);
    expect(Array.from(await tensor(new Uint8Array([1, 255]), [2]).read())).toEqual([1, 255]);
    const i = tensor(new Int16Array([-3, 7]), [2], 'int32');
    expect(i.dtype).toBe('int32');
    expect(Array.from(await i.read())).toEqual([-3, 7]);
    expectCode(() => tensor(new Float64Array([0.5]), [1], 'int32'), 'DTYPE', 'tensor');
  });

  it('cyclic arrays as data, shape and options', () => {
    const cyc: unknown[] = [1, 2];
    cyc.push(cyc);
    expectCode(() => tensor(cyc as never, [3]), 'DTYPE', 'tensor');
    expectCode(() => tensor([1, 2, 3], cyc as never), 'SHAPE', 'tensor');
    const e = expectCode(() => ap.softPool1d(x(), { kernelSize: cyc as never }), 'OPTION', 'softPool1d');
    expect(e.message.length).toBeLessThan(300);
    const deep: unknown[] = [];
    let d = deep;
    for (let i = 0; i < 100_000; i++) d = (d[0] = []) as unknown[];
    expectCode(() => ap.softPool1d(x(), { outputSize: deep as never }), 'OPTION', 'softPool1d');
  });

  it('revoked Proxies as data, shape, options, option values and tensors', () => {
    expectCode(() => tensor(revoked() as never, [0]), 'DTYPE', 'tensor');
    expectCode(() => tensor(revokedArray() as never, [2]), 'DTYPE', 'tensor');
    expectCode(() => tensor([1, 2], revokedArray() as never), 'SHAPE', 'tensor');
    expectCode(() => ap.avgPool1d(x(), revoked() as never), 'OPTION', 'avgPool1d');
    expectCode(() => ap.avgPool1d(x(), { kernelSize: revokedArray() as never }), 'OPTION', 'avgPool1d');
    expectCode(() => ap.avgPool1d(revoked() as never), 'DTYPE', 'avgPool1d');
    expectCode(() => ap.adaPool1d(x(), revoked() as never), 'DTYPE', 'adaPool1d');
    expectCode(() => ap.adaUnpool1d(ramp([1, 1, 2]), revoked() as never), 'DTYPE', 'adaUnpool1d');
    expectCode(() => ap.registerBackend(revoked() as never), 'BACKEND', 'registerBackend');
  });

  it('Proxies whose traps throw, and getters on data', () => {
    const trap = new Proxy({}, { ownKeys() { throw new RangeError('no keys'); } });
    const e = expectCode(() => ap.avgPool1d(x(), trap as never), 'OPTION', 'avgPool1d');
    expect(e.cause).toBeInstanceOf(RangeError);
    const data = [1, 2, 3];
    Object.defineProperty(data, 1, { get() { throw new TypeError('nope'); } });
    expectCode(() => tensor(data, [3]), 'DTYPE', 'tensor');
    const arrayLike = { length: 2, get 0() { return 1; }, 1: 'x' };
    expectCode(() => tensor(arrayLike as never, [2]), 'DTYPE', 'tensor');
    expectCode(() => tensor({ length: 1e300 } as never, [2]), 'DTYPE', 'tensor');
  });
});

describe('messages, options objects and names (issue 9.9)', () => {
  const x = () => ramp([1, 1, 4]);

  it('a 100k-element bad value gives a short message', () => {
    const big = new Array(100_000).fill(-1);
    let e = expectCode(() => ap.softPool1d(x(), { kernelSize: big }), 'OPTION', 'softPool1d');
    expect(e.message).toContain('100000 elements');
    expect(e.message.length).toBeLessThan(300);
    e = expectCode(() => tensor([1], big), 'SHAPE', 'tensor');
    expect(e.message.length).toBeLessThan(300);
    const shape = new Array(40).fill(-1);
    e = expectCode(() => tensor([1], shape), 'SHAPE', 'tensor');
    expect(e.message).toContain('(40 elements)');
    expect(e.message.length).toBeLessThan(300);
    e = expectCode(() => ap.softPool1d(x(), { backend: 'w'.repeat(100_000) }), 'BACKEND', 'softPool1d');
    expect(e.message.length).toBeLessThan(400);
    e = expectCode(() => ap.softPool1d(x(), { ['k'.repeat(100_000)]: 1 } as never), 'OPTION', 'softPool1d');
    expect(e.message.length).toBeLessThan(400);
  });

  it('only plain objects are options: Map, Date, RegExp, arrays, functions, class instances are rejected', () => {
    class Opts {
      kernelSize = 2;
    }
    for (const o of [new Map([['kernelSize', 2]]), new Date(), /k/, [2], () => 2, new Opts(), new Set(), Object.create({})]) {
      const e = expectCode(() => ap.avgPool1d(x(), o as never), 'OPTION', 'avgPool1d');
      expect(e.message).toContain('options must be an object (a plain { … } or Object.create(null))');
    }
    const bare = Object.assign(Object.create(null), { kernelSize: 2 });
    expect(ap.avgPool1d(x(), bare).shape).toEqual([1, 1, 2]);
  });

  it('options inherited from a prototype are not silently ignored', () => {
    const typo = Object.create({ kernelSize: 4 });
    expectCode(() => ap.avgPool1d(x(), typo), 'OPTION', 'avgPool1d');
  });

  it('dtype null and non-string backend names are rejected', () => {
    expectCode(() => tensor([1, 2], [2], null as never), 'DTYPE', 'tensor');
    expectCode(() => ap.removeBackend(42 as never), 'BACKEND', 'removeBackend');
    expectCode(() => ap.setBackend(42 as never), 'BACKEND', 'setBackend');
    expectCode(() => ap.registerBackend({ name: 42, upload() {}, read() {}, dispose() {}, kernels: {} } as never), 'BACKEND', 'registerBackend');
  });
});
