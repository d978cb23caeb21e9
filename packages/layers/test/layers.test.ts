/**
 * Framework-free layers on the reference backend: every class against the core op it wraps,
 * β (forms, init, gradient, updates), the AdaUnpool wiring, ownership and bad input.
 */
import * as core from '@adapool/core';
import { tensor, type Tensor } from '@adapool/core';
import * as L from '@adapool/layers';
import { describe, expect, it } from 'vitest';
import { checkGradient, distinctData, expectAdaPoolError, size, uniform } from './helpers.js';

type Ctor = new (o?: Record<string, unknown>) => L.PoolLayer;
const layerClass = (name: string) => (L as unknown as Record<string, Ctor>)[name];
const coreFn = (name: string) => (core as unknown as Record<string, (...a: unknown[]) => unknown>)[name];

const read = (t: Tensor) => Array.from(t.readSync());
const inputShape = (n: number, channelsLast: boolean): number[] => {
  const S = [5, 6, 4].slice(0, n);
  return channelsLast ? [2, ...S, 3] : [2, 3, ...S];
};

describe('framework-free layers: every method and rank equals its core op', () => {
  for (const m of L.METHODS) {
    for (const n of [1, 2, 3] as const) {
      const cls = `${m.cls}${n}d`;
      for (const channelsLast of [false, true]) {
        it(`${cls} (${channelsLast ? 'channelsLast' : 'channelsFirst'})`, () => {
          const Layer = layerClass(cls);
          expect(Layer.name).toBe(cls);
          const opts = n === 2 ? { kernelSize: 3, stride: 2, padding: 1, channelsLast } : { outputSize: 2, channelsLast };
          const layer = new Layer(opts);
          expect(layer.name).toBe(cls);
          const shape = inputShape(n, channelsLast);
          const x = tensor(distinctData(shape, 7 + n), shape);
          const y = layer.forward(x);
          expect(y.shape).toEqual(layer.outputShape(shape));
          const dy = tensor(uniform(y.size, 3), y.shape);
          const dx = layer.backward(dy);

          const beta = layer.beta;
          expect(!!beta).toBe(m.beta);
          const coreOpts = { ...opts };
          const yRef = (m.beta ? coreFn(`${m.op}${n}d`)(x, beta, coreOpts) : coreFn(`${m.op}${n}d`)(x, coreOpts)) as Tensor;
          const g = (m.beta ? coreFn(`${m.op}${n}dGrad`)(x, beta, dy, coreOpts) : { dx: coreFn(`${m.op}${n}dGrad`)(x, dy, coreOpts) }) as { dx: Tensor; dbeta?: Tensor };
          expect(read(y)).toEqual(read(yRef));
          expect(read(dx)).toEqual(read(g.dx));
          if (m.beta) {
            // default β: per channel, 0.5
            expect(beta!.shape).toEqual(channelsLast ? [3] : [3, ...new Array(n).fill(1)]);
            expect(read(beta!)).toEqual([0.5, 0.5, 0.5]);
            expect(read(layer.grads.beta!)).toEqual(read(g.dbeta!));
            const [p] = layer.parameters();
            expect(p.name).toBe('beta');
            expect(p.value).toBe(beta);
            expect(p.grad).toBe(layer.grads.beta);
          } else {
            expect(layer.parameters()).toEqual([]);
            expect(layer.grads).toEqual({});
          }
          for (const t of [x, y, dy, dx, yRef, g.dx, g.dbeta]) t?.dispose();
          layer.dispose();
          expect(layer.isDisposed).toBe(true);
          if (beta) expect(beta.isDisposed).toBe(true);
        });
      }
    }
  }

  it('EmPool* is SoftPool* (the same classes)', () => {
    expect(L.EmPool1d).toBe(L.SoftPool1d);
    expect(L.EmPool2d).toBe(L.SoftPool2d);
    expect(L.EmPool3d).toBe(L.SoftPool3d);
  });

  it('passes countIncludePad and idwEps to the op', () => {
    const x = tensor(distinctData([1, 2, 5, 5], 1), [1, 2, 5, 5]);
    const a = new L.AvgPool2d({ kernelSize: 3, padding: 1, countIncludePad: true }).forward(x);
    const aRef = core.avgPool2d(x, { kernelSize: 3, padding: 1, countIncludePad: true });
    expect(read(a)).toEqual(read(aRef));
    const b = new L.IDWPool2d({ kernelSize: 2, idwEps: 0.3 }).forward(x);
    const bRef = core.idwPool2d(x, { kernelSize: 2, idwEps: 0.3 });
    expect(read(b)).toEqual(read(bRef));
    expect(read(b)).not.toEqual(read(core.idwPool2d(x, { kernelSize: 2 })));
  });

  it("takes padding pairs, 'same' and 'valid' (forward, backward, unpool wired to it) as the ops do", () => {
    const x = tensor(distinctData([1, 2, 7, 6], 4), [1, 2, 7, 6]);
    for (const padding of ['same', 'valid', [[0, 2], [1, 0]], [2, 1]] as const) {
      const opts = { kernelSize: 3, stride: 2, padding } as const;
      const pool = new L.SoftPool2d(opts);
      const y = pool.forward(x);
      expect(read(y)).toEqual(read(core.softPool2d(x, opts)));
      const dy = tensor(distinctData(y.shape, 5), y.shape);
      expect(read(pool.backward(dy))).toEqual(read(core.softPool2dGrad(x, dy, opts)));
      if (padding === 'same') expect(y.shape).toEqual([1, 2, 4, 3]);
      const ada = new L.AdaPool2d({ ...opts, betaShape: 'scalar' });
      const unpool = new L.AdaUnpool2d({ from: ada });
      const U = unpool.forward(ada.forward(x));
      expect(U.shape).toEqual(x.shape);
    }
    expect(new L.AdaUnpool2d({ kernelSize: 3, stride: 2, padding: 'same', inputSize: [7, 6] })).toBeInstanceOf(L.AdaUnpool2d);
  });
});

describe('float64: layer gradients against central differences of the float64 reference forward', () => {
  // The layer's backward (float32, computed in float64) vs central differences (h = 1e-5) of core's
  // float64 forward, which is tight: |Δ| ≤ 1e-6 + 1e-5·|g|. Inputs away from the kinks, β inside (0,1).
  for (const m of L.METHODS) {
    for (const n of [1, 2, 3] as const) {
      const channelsLast = n !== 2;
      it(`${m.cls}${n}d (${channelsLast ? 'channelsLast' : 'channelsFirst'}, kernel 3, stride 2, padding 1)`, () => {
        const opts = { kernelSize: 3, stride: 2, padding: 1, channelsLast, ...(m.key === 'idw' ? { idwEps: 0.2 } : {}) };
        const layer = new (layerClass(`${m.cls}${n}d`))(opts);
        const shape = inputShape(n, channelsLast);
        const xd = distinctData(shape, 40 + n);
        const x = tensor(xd, shape);
        const y = layer.forward(x);
        if (m.beta) {
          layer.setParameter('beta', uniform(3, 5, 0.2, 0.8));
          y.dispose();
        }
        const r = uniform(y.size, 6);
        const dx = layer.backward(tensor(r, y.shape)).readSync();
        const def = core.poolOpDefs[m.key];
        let { plan } = core.planPool('fd', def.method, x, opts, def.options, n);
        const beta = layer.beta ? Float64Array.from(layer.beta.readSync()) : undefined;
        if (layer.beta) plan = core.withBeta(plan, core.planBeta('fd', layer.beta, plan));
        const L64 = (xs: ArrayLike<number>, b: ArrayLike<number> | undefined = beta) => {
          const out = core.referencePool(plan, xs, b).output;
          let sum = 0;
          for (let i = 0; i < out.length; i++) sum += r[i] * out[i];
          return sum;
        };
        const h = 1e-5;
        const fd = (p: Float64Array, f: (q: ArrayLike<number>) => number) =>
          Array.from(p, (v, i) => {
            const q = p.slice();
            q[i] = v + h;
            const lp = f(q);
            q[i] = v - h;
            return (lp - f(q)) / (2 * h);
          });
        const close = (a: ArrayLike<number>, b: number[]) => b.every((v, i) => Math.abs(v - a[i]) <= 1e-6 + 1e-5 * Math.abs(v));
        const x64 = Float64Array.from(xd);
        expect(close(dx, fd(x64, (q) => L64(q)))).toBe(true);
        if (beta) {
          const gb = fd(beta, (q) => L64(x64, q));
          expect(gb.some((v) => Math.abs(v) > 1e-3)).toBe(true);
          expect(close(layer.grads.beta!.readSync(), gb)).toBe(true);
        }
        layer.dispose();
      });
    }
  }
});

describe('AdaPool β', () => {
  it('API.md example: betaShape [7,7] (per position), β = 0.5, grads.beta has β shape', () => {
    const pool = new L.AdaPool2d({ kernelSize: 2, betaShape: [7, 7] });
    expect(pool.beta!.shape).toEqual([7, 7]);
    expect(pool.parameters()).toHaveLength(1);
    const x = tensor(distinctData([2, 3, 14, 14], 2), [2, 3, 14, 14]);
    const y = pool.forward(x);
    expect(y.shape).toEqual([2, 3, 7, 7]);
    const dx = pool.backward(tensor(new Float32Array(y.size).fill(1), y.shape));
    expect(dx.shape).toEqual([2, 3, 14, 14]);
    expect(pool.grads.beta!.shape).toEqual([7, 7]);
    expect(pool.parameters()[0].grad).toBe(pool.grads.beta);
  });

  const forms: [L.BetaForm, boolean, number[]][] = [
    ['scalar', false, [1]],
    ['scalar', true, [1]],
    ['position', false, [3, 2]],
    ['position', true, [3, 2, 1]],
    ['channel', false, [4, 1, 1]],
    ['channel', true, [4]],
    ['sample-channel', false, [2, 4, 1, 1]],
    ['sample-channel', true, [2, 1, 1, 4]],
    ['full', false, [2, 4, 3, 2]],
    ['full', true, [2, 3, 2, 4]],
  ];
  for (const [form, channelsLast, expected] of forms) {
    it(`betaShape '${form}' (${channelsLast ? 'channelsLast' : 'channelsFirst'}) is ${JSON.stringify(expected)}; dβ matches central differences`, () => {
      const shape = channelsLast ? [2, 6, 4, 4] : [2, 4, 6, 4];
      const pool = new L.AdaPool2d({ kernelSize: 2, betaShape: form, betaInit: 0.3, channelsLast });
      expect(pool.parameters()).toEqual([]); // shape known at the first forward
      const xd = distinctData(shape, 5);
      const x = tensor(xd, shape);
      const y = pool.forward(x);
      expect(pool.beta!.shape).toEqual(expected);
      const r = uniform(y.size, 11);
      pool.backward(tensor(r, y.shape));
      const b0 = Float32Array.from(pool.beta!.readSync());
      expect(Array.from(b0).every((v) => Math.abs(v - 0.3) < 1e-7)).toBe(true);
      // L(β) = Σ r·y(β), evaluated through the layer with β replaced
      const probe = new L.AdaPool2d({ kernelSize: 2, betaShape: expected, channelsLast });
      const loss = (b: Float32Array) => {
        probe.setParameter('beta', tensor(b, expected));
        const out = probe.forward(x).readSync();
        let s = 0;
        for (let i = 0; i < out.length; i++) s += r[i] * out[i];
        return s;
      };
      checkGradient(`dβ ${form}`, b0, loss, pool.grads.beta!.readSync());
    });
  }

  it('setParameter: numbers are projected into [0,1]; shape must stay; a Tensor is taken over', () => {
    const pool = new L.AdaPool1d({ kernelSize: 2, betaShape: [3, 1] });
    const old = pool.beta!;
    pool.setParameter('beta', [-0.5, 0.25, 7]);
    expect(old.isDisposed).toBe(true);
    expect(read(pool.beta!)).toEqual([0, 0.25, 1]);
    expectAdaPoolError(() => pool.setParameter('beta', [1, 2]), 'SHAPE', /AdaPool1d\.setParameter: .*\[3,1\]/);
    expect(read(pool.beta!)).toEqual([0, 0.25, 1]);
    const t = tensor([0.1, 0.2, 0.3], [3, 1]);
    pool.setParameter('beta', t);
    expect(pool.beta).toBe(t);
    expectAdaPoolError(() => pool.setParameter('gamma' as 'beta', [1, 1, 1]), 'OPTION', /gamma/);
    expectAdaPoolError(() => new L.SoftPool1d().setParameter('beta', [1]), 'OPTION', /SoftPool1d/);
    pool.dispose();
    expect(t.isDisposed).toBe(true);
  });

  it('a training step moves β (plain SGD over parameters())', () => {
    const pool = new L.AdaPool2d({ kernelSize: 2 });
    const x = tensor(distinctData([1, 2, 4, 4], 9), [1, 2, 4, 4]);
    const y = pool.forward(x);
    pool.backward(tensor(new Float32Array(y.size).fill(1), y.shape));
    const [{ value, grad }] = pool.parameters();
    const b = value.readSync();
    const g = grad!.readSync();
    expect(Array.from(g).some((v) => v !== 0)).toBe(true);
    pool.setParameter('beta', Array.from(b, (v, i) => v - 0.1 * g[i]));
    expect(read(pool.beta!)).not.toEqual(Array.from(b));
  });
});

describe('AdaUnpool layers', () => {
  it('wired to a pooling layer: uses its last mask, geometry and input size (odd sizes too)', () => {
    for (const channelsLast of [false, true]) {
      const pool = new L.AdaPool2d({ kernelSize: 2, channelsLast });
      expect(pool.keepMask).toBe(false);
      const unpool = new L.AdaUnpool2d({ from: pool });
      expect(pool.keepMask).toBe(true);
      const shape = channelsLast ? [1, 5, 7, 2] : [1, 2, 5, 7];
      const x = tensor(distinctData(shape, 3), shape);
      const y = pool.forward(x);
      const mask = pool.mask!;
      const u = unpool.forward(y);
      expect(u.shape).toEqual(shape); // inputSize from the pool's input, not the inferred 4×6
      const ref = core.adaUnpool2d(y, mask, { kernelSize: 2, channelsLast, inputSize: [5, 7] });
      expect(read(u)).toEqual(read(ref));
      const dU = tensor(uniform(u.size, 4), u.shape);
      const dv = unpool.backward(dU);
      const g = core.adaUnpool2dGrad(y, mask, dU, { kernelSize: 2, channelsLast, inputSize: [5, 7] });
      expect(read(dv)).toEqual(read(g.dv));
      expect(read(unpool.grads.mask!)).toEqual(read(g.dmask));
      // the pool ran forward again: the old mask is gone, backward says so
      pool.forward(x);
      expect(mask.isDisposed).toBe(true);
      expectAdaPoolError(() => unpool.backward(dU), 'DISPOSED', /AdaUnpool2d\.backward: .*mask/);
      pool.dispose();
      expectAdaPoolError(() => unpool.forward(y), 'DISPOSED', /AdaPool2d must not be disposed/);
    }
  });

  it('standalone: forward(v, mask) with explicit geometry, every rank', () => {
    for (const n of [1, 2, 3] as const) {
      const S = [4, 6, 4].slice(0, n);
      const x = tensor(distinctData([1, 2, ...S], n), [1, 2, ...S]);
      const { output, mask } = core.softPool(x, { kernelSize: 2, returnMask: true });
      const Unpool = (L as unknown as Record<string, new (o?: object) => L.UnpoolLayer>)[`AdaUnpool${n}d`];
      const u = new Unpool({ kernelSize: 2 }).forward(output, mask);
      expect(read(u)).toEqual(read(core.adaUnpool(output, mask, { kernelSize: 2 })));
    }
  });

  it('rejects a missing or extra mask, a rank mismatch, and forward before the pool ran', () => {
    const pool = new L.SoftPool2d();
    const unpool = new L.AdaUnpool2d({ from: pool });
    const v = tensor(new Float32Array(4), [1, 1, 2, 2]);
    expectAdaPoolError(() => unpool.forward(v), 'UNSUPPORTED', /AdaUnpool2d\.forward: SoftPool2d must run forward first/);
    expectAdaPoolError(() => unpool.forward(v, v), 'OPTION', /mask must not be given/);
    expectAdaPoolError(() => new L.AdaUnpool2d().forward(v), 'OPTION', /mask must be given/);
    expectAdaPoolError(() => new L.AdaUnpool1d({ from: pool }), 'OPTION', /1d pooling layer/);
    expectAdaPoolError(() => new L.AdaUnpool2d({ from: {} as L.PoolLayer }), 'OPTION', /from must be a pooling layer/);
    expectAdaPoolError(() => new L.AdaUnpool2d({ from: pool, kernelSize: 3 } as never), 'OPTION', /unknown option "kernelSize"/);
    expectAdaPoolError(() => new L.AdaUnpool2d().backward(v), 'UNSUPPORTED', /forward must run before backward/);
  });
});

describe('ownership and bad input', () => {
  it('backward before forward, disposed saved input, use after dispose', () => {
    const pool = new L.AdaPool2d();
    const dy = tensor(new Float32Array(4), [1, 1, 2, 2]);
    expectAdaPoolError(() => pool.backward(dy), 'UNSUPPORTED', /^AdaPool2d\.backward: forward must run before backward, got no saved input$/);
    const x = tensor(distinctData([1, 1, 4, 4], 1), [1, 1, 4, 4]);
    pool.forward(x);
    x.dispose();
    expectAdaPoolError(() => pool.backward(dy), 'DISPOSED', /AdaPool2d\.backward: the last forward's input must stay alive/);
    pool.dispose();
    pool.dispose(); // idempotent
    expectAdaPoolError(() => pool.forward(x), 'DISPOSED', /AdaPool2d\.forward: the layer must not be disposed/);
    expectAdaPoolError(() => pool.parameters(), 'DISPOSED', /AdaPool2d\.parameters/);
  });

  it('grads.beta and a kept mask are replaced (old ones disposed) and freed by dispose()', () => {
    const pool = new L.AdaPool2d({ keepMask: true });
    const x = tensor(distinctData([1, 2, 4, 4], 1), [1, 2, 4, 4]);
    const dy = tensor(new Float32Array(8).fill(1), [1, 2, 2, 2]);
    pool.forward(x);
    const m1 = pool.mask!;
    pool.backward(dy);
    const g1 = pool.grads.beta!;
    pool.forward(x);
    pool.backward(dy);
    expect(m1.isDisposed).toBe(true);
    expect(g1.isDisposed).toBe(true);
    const [m2, g2, b] = [pool.mask!, pool.grads.beta!, pool.beta!];
    pool.zeroGrad();
    expect(g2.isDisposed).toBe(true);
    expect(pool.grads.beta).toBeUndefined();
    pool.dispose();
    expect(m2.isDisposed && b.isDisposed).toBe(true);
    expect(x.isDisposed || dy.isDisposed).toBe(false); // the caller's tensors are the caller's
  });

  it('rejects bad options at construction, naming the layer', () => {
    expectAdaPoolError(() => new L.AdaPool2d({ kernelsize: 2 } as never), 'OPTION', /^AdaPool2d: options must be among .*unknown option "kernelsize" \(did you mean "kernelSize"\?\)$/);
    expectAdaPoolError(() => new L.SoftPool2d({ kernelSize: 0 }), 'OPTION', /SoftPool2d: kernelSize must be an integer ≥ 1/);
    expectAdaPoolError(() => new L.SoftPool2d({ kernelSize: [2, 2, 2] }), 'OPTION', /array of 2/);
    expectAdaPoolError(() => new L.MaxPool1d({ kernelSize: 2, padding: 2 }), 'OPTION', /padding must be ≤ dilation·\(kernelSize−1\) on each side/);
    expectAdaPoolError(() => new L.MaxPool2d({ padding: 'same', ceilMode: true }), 'OPTION', /MaxPool2d: padding 'same' fixes the output size/);
    expectAdaPoolError(() => new L.SoftPool2d({ padding: [[0, 1]] }), 'OPTION', /SoftPool2d: padding must be an integer ≥ 0, an array of 2 of them, an array of 2 \[begin, end\] pairs/);
    expectAdaPoolError(() => new L.AdaUnpool2d({ padding: 'same' }), 'OPTION', /AdaUnpool2d: inputSize is required with padding 'same'/);
    expectAdaPoolError(() => new L.AvgPool3d({ outputSize: 2, stride: 1 }), 'OPTION', /outputSize .* excludes/);
    expectAdaPoolError(() => new L.AdaPool2d({ betaShape: 'per-channel' as never }), 'OPTION', /betaShape must be one of 'scalar'/);
    expectAdaPoolError(() => new L.AdaPool2d({ betaInit: 2 }), 'OPTION', /betaInit must be a number in \[0, 1\]/);
    expectAdaPoolError(() => new L.SoftPool2d({ betaInit: 0.5 } as never), 'OPTION', /unknown option "betaInit"/);
    expectAdaPoolError(() => new L.SoftPool2d({ countIncludePad: true } as never), 'OPTION', /unknown option "countIncludePad"/);
    expectAdaPoolError(() => new L.SoftPool2d({ channelsLast: 1 } as never), 'OPTION', /channelsLast must be a boolean/);
    expectAdaPoolError(() => new L.SoftPool2d('x' as never), 'OPTION', /options must be an object/);
    expectAdaPoolError(() => new L.IDWPool2d({ idwEps: -1 }), 'OPTION', /IDWPool2d: idwEps must be a finite number > 0, got -1/);
    expectAdaPoolError(() => new L.AdaUnpool2d({ inputSize: [0, 2] }), 'OPTION', /AdaUnpool2d: inputSize must be an integer ≥ 1/);
  });

  it('rejects bad inputs without computing or touching them', () => {
    const pool = new L.AdaPool2d();
    expectAdaPoolError(() => pool.forward([1, 2] as never), 'DTYPE', /AdaPool2d\.forward: x must be a Tensor/);
    const x3 = tensor(new Float32Array(8), [1, 2, 4]);
    expectAdaPoolError(() => pool.forward(x3), 'SHAPE', /AdaPool2d\.forward: x must have rank 4/);
    expect(pool.beta).toBeUndefined(); // nothing created
    const tiny = tensor(new Float32Array(2), [1, 2, 1, 1]);
    expectAdaPoolError(() => pool.forward(tiny), 'SHAPE', /window .* must fit/);
    const ok = tensor(new Float32Array(32).fill(1), [1, 2, 4, 4]);
    pool.forward(ok);
    const bad = tensor(new Float32Array(4), [1, 1, 2, 2]);
    expectAdaPoolError(() => pool.backward(bad), 'SHAPE', /dy shape must equal the output shape \[1,2,2,2\]/);
    // a β built for 2 channels does not broadcast to 3
    const x3c = tensor(new Float32Array(48), [1, 3, 4, 4]);
    expectAdaPoolError(() => pool.forward(x3c), 'SHAPE', /beta shape must broadcast/);
    expect(Array.from(ok.readSync()).every((v) => v === 1)).toBe(true);
    expect(size(ok.shape)).toBe(32);
  });
});
