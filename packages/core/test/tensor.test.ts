/** Tensors: creation, copies, immutability, dispose, zero-size shapes and ops on empty batches. */
import { describe, expect, it } from 'vitest';
import * as core from '@adapool/core';
import { AdaPoolError, Tensor, tensor, avgPool2d, softPool, adaPool2d, adaPool2dGrad, maxPool2d, adaUnpool2d, adaUnpool2dGrad, idwPool1dGrad, edscwPool3d } from '@adapool/core';
import { expectCode } from './helpers/expect-error.js';

type Fn = (...args: any[]) => unknown;
const api = core as unknown as Record<string, Fn>;


describe('tensor()', () => {
  it('copies a Float32Array: later writes to the source do not reach the tensor', () => {
    const src = new Float32Array([1, 2, 3, 4, 5, 6]);
    const t = tensor(src, [2, 3]);
    src[0] = 100;
    src.fill(-1);
    expect(t.readSync()).toEqual(new Float32Array([1, 2, 3, 4, 5, 6]));
    expect(t.dtype).toBe('float32');
    expect(t.readSync()).toBeInstanceOf(Float32Array);
  });

  it('copies a number[] and rounds to float32', () => {
    const src = [0.1, 2, -3.5, 1e-3];
    const t = tensor(src, [4]);
    src[1] = 7;
    expect(t.dtype).toBe('float32');
    const d = t.readSync();
    expect(d).toBeInstanceOf(Float32Array);
    expect(Array.from(d)).toEqual([Math.fround(0.1), 2, -3.5, Math.fround(1e-3)]);
  });

  it('takes int32 from an Int32Array and copies it', () => {
    const src = new Int32Array([1, -2, 3, 2147483647, -2147483648, 0]);
    const t = tensor(src, [3, 2]);
    src[0] = 9;
    expect(t.dtype).toBe('int32');
    const d = t.readSync();
    expect(d).toBeInstanceOf(Int32Array);
    expect(Array.from(d)).toEqual([1, -2, 3, 2147483647, -2147483648, 0]);
  });

  it('honours an explicit dtype', () => {
    const a = tensor([1, 2, -3], [3], 'int32');
    expect(a.dtype).toBe('int32');
    expect(a.readSync()).toEqual(new Int32Array([1, 2, -3]));
    const b = tensor(new Int32Array([4, 5]), [2], 'float32');
    expect(b.dtype).toBe('float32');
    expect(b.readSync()).toEqual(new Float32Array([4, 5]));
    const c = tensor(new Float32Array([6, -7]), [2], 'int32');
    expect(c.dtype).toBe('int32');
    expect(c.readSync()).toEqual(new Int32Array([6, -7]));
    const d = tensor([1.5], [1], 'float32');
    expect(d.readSync()).toEqual(new Float32Array([1.5]));
  });

  it('accepts a plain array-like object', () => {
    const t = tensor({ length: 2, 0: 3, 1: 4 }, [2]);
    expect(t.readSync()).toEqual(new Float32Array([3, 4]));
  });

  it('copies and freezes the shape; size is the product', () => {
    const shape = [2, 3, 4];
    const t = tensor(new Float32Array(24), shape);
    shape[0] = 7;
    expect(t.shape).toEqual([2, 3, 4]);
    expect(Object.isFrozen(t.shape)).toBe(true);
    expect(() => {
      (t.shape as number[])[0] = 5;
    }).toThrow(TypeError);
    expect(() => (t.shape as number[]).push(1)).toThrow(TypeError);
    expect(t.shape).toEqual([2, 3, 4]);
    expect(t.size).toBe(24);
    expect(tensor([5], []).size).toBe(1);
    expect(tensor([5], []).shape).toEqual([]);
    expect(tensor(new Float32Array(0), [0, 3, 4]).size).toBe(0);
  });

  it('a frozen shape array given as input is accepted and still copied', () => {
    const shape = Object.freeze([1, 2]);
    const t = tensor([1, 2], shape);
    expect(t.shape).toEqual([1, 2]);
    expect(t.shape).not.toBe(shape);
  });

  it('lives on js and is not disposed', () => {
    const t = tensor([1], [1]);
    expect(t).toBeInstanceOf(Tensor);
    expect(t.backend).toBe('js');
    expect(t.isDisposed).toBe(false);
    expect(String(t)).toBe('Tensor(float32, [1], js)');
  });
});

describe('reading', () => {
  it('read() resolves to a fresh copy each time', async () => {
    const t = tensor([1, 2, 3], [3]);
    const a = await t.read();
    const b = await t.read();
    expect(a).not.toBe(b);
    expect(a).toEqual(new Float32Array([1, 2, 3]));
    a[0] = 42;
    b.fill(0);
    expect(await t.read()).toEqual(new Float32Array([1, 2, 3]));
  });

  it('readSync() returns a fresh copy each time', () => {
    const t = tensor(new Int32Array([4, 5]), [2]);
    const a = t.readSync();
    const b = t.readSync();
    expect(a).not.toBe(b);
    a[1] = -1;
    expect(t.readSync()).toEqual(new Int32Array([4, 5]));
    expect(b).toEqual(new Int32Array([4, 5]));
  });

  it('read() returns a Promise', () => {
    const p = tensor([1], [1]).read();
    expect(p).toBeInstanceOf(Promise);
    return p;
  });

  it('op outputs are fresh tensors that copy on read too', async () => {
    const x = tensor(Float32Array.from({ length: 16 }, (_, i) => i), [1, 1, 4, 4]);
    const y = avgPool2d(x);
    const r = y.readSync();
    r.fill(99);
    expect(Array.from(await y.read())).toEqual([2.5, 4.5, 10.5, 12.5]);
    expect(Array.from(x.readSync())).toEqual(Array.from({ length: 16 }, (_, i) => i));
  });
});

describe('reading into an array the caller keeps (read / readSync with { into })', () => {
  it('copies into the given array and returns that same array, float32 and int32, async and sync', async () => {
    const x = tensor(Float32Array.from({ length: 16 }, (_, i) => i), [1, 1, 4, 4]);
    const y = avgPool2d(x);
    const into = new Float32Array(4).fill(-7);
    expect(await y.read({ into })).toBe(into);
    expect(Array.from(into)).toEqual([2.5, 4.5, 10.5, 12.5]);
    into.fill(0);
    expect(y.readSync({ into })).toBe(into);
    expect(Array.from(into)).toEqual([2.5, 4.5, 10.5, 12.5]);
    const { indices } = maxPool2d(x, { returnMask: true }) as { indices: Tensor };
    const ix = new Int32Array(4);
    expect(await indices.read({ into: ix })).toBe(ix);
    expect(Array.from(ix)).toEqual(Array.from(indices.readSync()));
    // a view into a larger buffer, and a shared buffer, are fine: only the array's own elements change
    const big = new Float32Array(10).fill(5);
    y.readSync({ into: big.subarray(3, 7) });
    expect(Array.from(big)).toEqual([5, 5, 5, 2.5, 4.5, 10.5, 12.5, 5, 5, 5]);
    if (typeof SharedArrayBuffer === 'function') {
      const shared = new Float32Array(new SharedArrayBuffer(16));
      await y.read({ into: shared });
      expect(Array.from(shared)).toEqual([2.5, 4.5, 10.5, 12.5]);
    }
    // { into: undefined } and no options: a fresh copy
    expect(y.readSync({ into: undefined })).not.toBe(into);
    expect(Array.from(await y.read({}))).toEqual([2.5, 4.5, 10.5, 12.5]);
    // zero elements
    const empty = tensor(new Float32Array(0), [0, 3]);
    const none = new Float32Array(0);
    expect(await empty.read({ into: none })).toBe(none);
  });

  it('rejects a wrong array or options with a clear error and leaves the array untouched', async () => {
    const y = tensor(Float32Array.from([1, 2, 3, 4]), [1, 1, 2, 2]);
    const bad: [unknown, string, RegExp][] = [
      [{ into: new Float64Array(4) }, 'DTYPE', /options\.into must be a Float32Array \(the tensor is float32\), got Float64Array\(4\)/],
      [{ into: new Int32Array(4) }, 'DTYPE', /must be a Float32Array/],
      [{ into: [0, 0, 0, 0] }, 'DTYPE', /must be a Float32Array/],
      [{ into: new DataView(new ArrayBuffer(16)) }, 'DTYPE', /must be a Float32Array/],
      [{ into: new Float32Array(3) }, 'SHAPE', /options\.into must have the tensor's 4 elements \(shape \[1,1,2,2\]\), got 3 elements/],
      [{ into: new Float32Array(5) }, 'SHAPE', /got 5 elements/],
      [{ int: new Float32Array(4) }, 'OPTION', /options must be among into/],
      [new Float32Array(4), 'OPTION', /options must be an object/],
      ['into', 'OPTION', /options must be an object/],
    ];
    for (const [options, code, message] of bad) {
      const e = expectCode(() => y.readSync(options as never), code, 'Tensor.readSync');
      expect(e.message).toMatch(message);
      const err = await y.read(options as never).then(() => undefined, (r: unknown) => r);
      expect(err).toBeInstanceOf(AdaPoolError);
      expect((err as AdaPoolError).code).toBe(code);
      expect((err as AdaPoolError).message.startsWith('Tensor.read: ')).toBe(true);
    }
    const keep = new Float32Array(3).fill(9);
    expect(() => y.readSync({ into: keep })).toThrow(AdaPoolError);
    expect(Array.from(keep)).toEqual([9, 9, 9]);
    // an int32 tensor wants an Int32Array
    const { indices } = maxPool2d(y, { returnMask: true }) as { indices: Tensor };
    expect(expectCode(() => indices.readSync({ into: new Float32Array(1) }), 'DTYPE', 'Tensor.readSync').message).toMatch(/must be an Int32Array \(the tensor is int32\)/);
    // a detached array says so
    const detached = new Float32Array(4);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    expect(expectCode(() => y.readSync({ into: detached }), 'SHAPE').message).toMatch(/got 0 elements \(a detached buffer\?\)/);
    // what the array is comes from its type, not from properties its instance defines; any realm
    const tricky = new Float32Array(4);
    for (const key of ['length', 'set', 'buffer', Symbol.toStringTag]) {
      Object.defineProperty(tricky, key, { get() { throw new Error('trap'); } });
    }
    expect(Array.from(y.readSync({ into: tricky }))).toEqual([1, 2, 3, 4]);
    const faker = Object.defineProperty(new Float64Array(4), Symbol.toStringTag, { value: 'Float32Array' });
    expectCode(() => y.readSync({ into: faker as never }), 'DTYPE');
    const { runInNewContext } = await import('node:vm');
    const foreign = runInNewContext('new Float32Array(4)') as Float32Array;
    expect(Array.from(y.readSync({ into: foreign }))).toEqual([1, 2, 3, 4]);
    // a disposed tensor: DISPOSED before the options are looked at
    y.dispose();
    expectCode(() => y.readSync({ into: new Float64Array(1) as never }), 'DISPOSED', 'Tensor.readSync');
  });
});

describe('zero-size tensors', () => {
  it('[0,3,4] holds nothing and reads empty', async () => {
    const t = tensor(new Float32Array(0), [0, 3, 4]);
    expect(t.shape).toEqual([0, 3, 4]);
    expect(t.size).toBe(0);
    expect(t.readSync()).toEqual(new Float32Array(0));
    expect(await t.read()).toEqual(new Float32Array(0));
    const u = tensor([], [3, 0], 'int32');
    expect(u.readSync()).toEqual(new Int32Array(0));
  });

  const shapes2d: [string, number[], number[], number[]][] = [
    ['N = 0', [0, 3, 4, 4], [0, 3, 2, 2], [0, 3, 2, 2, 2, 2]],
    ['C = 0', [2, 0, 4, 4], [2, 0, 2, 2], [2, 0, 2, 2, 2, 2]],
  ];
  const empty = (s: number[]) => tensor(new Float32Array(0), s);

  it.each(shapes2d)('every forward op on %s returns a zero-size output of the right shape', (_n, xs, ys, ms) => {
    for (const name of ['avgPool2d', 'maxPool2d', 'emPool2d', 'softPool2d', 'edscwPool2d', 'idwPool2d']) {
      const y = api[name](empty(xs)) as Tensor;
      expect(y.shape, name).toEqual(ys);
      expect(y.size).toBe(0);
      expect(y.readSync()).toEqual(new Float32Array(0));
      const r = api[name](empty(xs), { returnMask: true }) as { output: Tensor; mask: Tensor; indices?: Tensor };
      expect(r.output.shape).toEqual(ys);
      expect(r.mask.shape).toEqual(ms);
      expect(r.mask.size).toBe(0);
      if (name === 'maxPool2d') {
        expect(r.indices!.shape).toEqual(ys);
        expect(r.indices!.dtype).toBe('int32');
      }
    }
    expect(adaPool2d(empty(xs), 0.5).shape).toEqual(ys);
    expect(adaPool2d(empty(xs), empty(ys)).shape).toEqual(ys);
    expect(adaPool2d(empty(xs), tensor([0.5], [1])).shape).toEqual(ys);
  });

  it.each(shapes2d)('gradients and unpool on %s return zero-size results', (_n, xs, ys, ms) => {
    for (const name of ['avgPool2dGrad', 'maxPool2dGrad', 'emPool2dGrad', 'softPool2dGrad', 'edscwPool2dGrad', 'idwPool2dGrad']) {
      const dx = api[name](empty(xs), empty(ys)) as Tensor;
      expect(dx.shape, name).toEqual(xs);
      expect(dx.readSync()).toEqual(new Float32Array(0));
    }
    const { dx, dbeta } = adaPool2dGrad(empty(xs), tensor([0.5], [1]), empty(ys));
    expect(dx.shape).toEqual(xs);
    expect(dbeta.shape).toEqual([1]);
    expect(dbeta.readSync()).toEqual(new Float32Array([0]));
    const full = adaPool2dGrad(empty(xs), empty(ys), empty(ys));
    expect(full.dbeta.shape).toEqual(ys);
    expect(adaPool2dGrad(empty(xs), 0.5, empty(ys)).dbeta.shape).toEqual([]);
    const U = adaUnpool2d(empty(ys), empty(ms));
    expect(U.shape).toEqual(xs);
    const g = adaUnpool2dGrad(empty(ys), empty(ms), empty(xs));
    expect(g.dv.shape).toEqual(ys);
    expect(g.dmask.shape).toEqual(ms);
  });

  it('zero-size batch in 1D, 3D, channels-last and adaptive geometry', () => {
    const e = (s: number[]) => tensor(new Float32Array(0), s);
    expect(softPool(e([0, 2, 6]), { kernelSize: 3 }).shape).toEqual([0, 2, 2]);
    expect(edscwPool3d(e([0, 1, 4, 4, 4])).shape).toEqual([0, 1, 2, 2, 2]);
    expect(maxPool2d(e([0, 4, 4, 5]), { channelsLast: true }).shape).toEqual([0, 2, 2, 5]);
    expect(maxPool2d(e([3, 4, 4, 0]), { channelsLast: true }).shape).toEqual([3, 2, 2, 0]);
    expect(avgPool2d(e([0, 2, 5, 7]), { outputSize: [3, 2] }).shape).toEqual([0, 2, 3, 2]);
    expect(idwPool1dGrad(e([2, 0, 6]), e([2, 0, 3])).shape).toEqual([2, 0, 6]);
  });

  it('a zero-size spatial dim is rejected (the window cannot fit)', () => {
    expectCode(() => avgPool2d(tensor([], [1, 3, 0, 4])), 'SHAPE', 'avgPool2d');
    expectCode(() => avgPool2d(tensor([], [1, 3, 0, 4]), { outputSize: 2 }), 'SHAPE', 'avgPool2d');
  });
});

describe('dispose', () => {
  it('isDisposed flips, read() rejects and readSync() throws with DISPOSED', async () => {
    const t = tensor([1, 2], [2]);
    t.dispose();
    expect(t.isDisposed).toBe(true);
    await expect(t.read()).rejects.toBeInstanceOf(AdaPoolError);
    await expect(t.read()).rejects.toMatchObject({ code: 'DISPOSED', op: 'Tensor.read' });
    const e = expectCode(() => t.readSync(), 'DISPOSED', 'Tensor.readSync');
    expect(e.message).toContain('got a disposed tensor of shape [2]');
  });

  it('read() of a disposed tensor rejects instead of throwing synchronously', () => {
    const t = tensor([1], [1]);
    t.dispose();
    let p: Promise<unknown> | undefined;
    expect(() => {
      p = t.read();
    }).not.toThrow();
    return expect(p).rejects.toMatchObject({ code: 'DISPOSED' });
  });

  it('a second dispose throws DISPOSED', () => {
    const t = tensor([1], [1]);
    t.dispose();
    expectCode(() => t.dispose(), 'DISPOSED', 'Tensor.dispose');
    expect(t.isDisposed).toBe(true);
  });

  it('keeps shape, dtype, size and backend readable after dispose', () => {
    const t = tensor(new Int32Array([1, 2, 3, 4]), [2, 2]);
    t.dispose();
    expect(t.shape).toEqual([2, 2]);
    expect(t.dtype).toBe('int32');
    expect(t.size).toBe(4);
    expect(t.backend).toBe('js');
    expect(String(t)).toBe('Tensor(int32, [2,2], disposed)');
  });

  it('ops reject a disposed input with DISPOSED, and dispose does not affect other tensors', () => {
    const a = tensor(new Float32Array(16).fill(1), [1, 1, 4, 4]);
    const b = tensor(new Float32Array(16).fill(2), [1, 1, 4, 4]);
    a.dispose();
    expectCode(() => avgPool2d(a), 'DISPOSED', 'avgPool2d');
    expectCode(() => softPool(a), 'DISPOSED', 'softPool');
    expect(Array.from(avgPool2d(b).readSync())).toEqual([2, 2, 2, 2]);
  });

  it('disposing an op output leaves the input intact, and vice versa', () => {
    const x = tensor(Float32Array.from({ length: 16 }, (_, i) => i), [1, 1, 4, 4]);
    const y = maxPool2d(x);
    y.dispose();
    expect(x.isDisposed).toBe(false);
    expect(x.readSync()[15]).toBe(15);
    const z = maxPool2d(x);
    x.dispose();
    expect(Array.from(z.readSync())).toEqual([5, 7, 13, 15]);
  });
});
