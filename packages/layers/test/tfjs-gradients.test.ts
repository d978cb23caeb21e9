/**
 * Gradient check of every tfjs layer (method × rank, input and β) against central differences
 * taken through the layer itself, on tfjs-backend-cpu and tfjs-backend-wasm; plus the functional
 * ops inside tf.grad.
 *
 * Float32 throughout (tfjs tensors): step h = 1e-3 (the float32 step actually taken is used),
 * inputs distinct in [0.3, 1.5] (away from every kink: x, m ≠ 0, gaps ≥ 2h so no max ties move),
 * β in (0.15, 0.85) (inside the clamp), loss L = Σ r·y with r fixed, accumulated in float64;
 * tolerance 2e-3 + 2e-3·|g| (float32 rounding of y over 2h is ~1e-4). The float64 reference
 * itself is checked against finite differences in @adapool/core's tests; this checks the
 * adapter: layouts, β wiring, customGrad plumbing.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as T from '@adapool/layers/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradient, distinctData, size, uniform } from './helpers.js';

type Config = Record<string, unknown>;
interface Case {
  rank: 1 | 2 | 3;
  shape: number[];
  config: Config;
}
const CASES: Case[] = [
  { rank: 1, shape: [2, 9, 3], config: { poolSize: 3, strides: 2, padding: 1 } },
  { rank: 2, shape: [2, 5, 6, 3], config: { poolSize: 2 } },
  { rank: 2, shape: [2, 3, 5, 6], config: { outputSize: [3, 2], dataFormat: 'channelsFirst' } },
  { rank: 3, shape: [1, 4, 5, 4, 2], config: { poolSize: [2, 3, 2], strides: [2, 1, 2] } },
];
const EXTRA: Record<string, Config> = { idw: { idwEps: 0.25 }, avg: { countIncludePad: true } };
const ADA_FORMS: Case[] = [
  { rank: 1, shape: [2, 8, 3], config: { betaShape: 'scalar' } },
  { rank: 2, shape: [2, 3, 6, 4], config: { betaShape: 'position', dataFormat: 'channelsFirst' } },
  { rank: 2, shape: [2, 6, 4, 3], config: { betaShape: 'sample-channel' } },
  { rank: 3, shape: [2, 4, 4, 4, 2], config: { betaShape: 'full' } },
];

type LayerClass = new (c?: Config) => T.TfPoolLayer;
const cls = (name: string) => (T as unknown as Record<string, LayerClass>)[name];

function weightedSum(r: Float32Array) {
  return (t: tf.Tensor): number => {
    const d = t.dataSync();
    let s = 0;
    for (let i = 0; i < d.length; i++) s += r[i] * d[i];
    return s;
  };
}

function checkLayer(layer: T.TfPoolLayer, shape: number[], seed: number): void {
  const x = distinctData(shape, seed);
  const x0 = tf.tensor(x, shape);
  const y0 = layer.apply(x0) as tf.Tensor; // builds
  const r = uniform(y0.size, seed + 1);
  const rT = tf.tensor(r, y0.shape);
  const L = weightedSum(r);
  let beta: Float32Array | undefined;
  let betaShape: number[] = [];
  if (layer.beta) {
    betaShape = layer.beta.shape as number[];
    beta = uniform(size(betaShape), seed + 2, 0.15, 0.85);
    tf.tidy(() => layer.setWeights([tf.tensor(beta!, betaShape)]));
  }
  const xv = tf.tidy(() => tf.variable(tf.tensor(x, shape)));
  const vars = [xv, ...(layer.beta ? [layer.beta.read() as tf.Variable] : [])];
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(xv) as tf.Tensor, rT)) as tf.Scalar, vars);
  const lossX = (p: Float32Array) => tf.tidy(() => L(layer.apply(tf.tensor(p, shape)) as tf.Tensor));
  checkGradient('dx', x, lossX, grads[xv.name].dataSync());
  if (beta) {
    const lossB = (b: Float32Array) => {
      tf.tidy(() => layer.setWeights([tf.tensor(b, betaShape)]));
      return tf.tidy(() => L(layer.apply(tf.tensor(x, shape)) as tf.Tensor));
    };
    const analytic = grads[vars[1].name].dataSync();
    expect(Array.from(analytic).some((v) => v !== 0)).toBe(true);
    checkGradient('dβ', beta, lossB, analytic);
  }
  tf.dispose([x0, y0, rT, xv, value, ...Object.values(grads)]);
}

for (const backend of ['cpu', 'wasm']) {
  describe(`tfjs layers on tfjs-backend-${backend}: gradients match central differences`, () => {
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      await tf.ready();
      expect(tf.getBackend()).toBe(backend);
    });

    for (const m of T.METHODS) {
      for (const [i, c] of CASES.entries()) {
        const name = `${m.cls}${c.rank}d`;
        const config = { ...c.config, ...(EXTRA[m.key] ?? {}) };
        it(`${name} ${JSON.stringify(config)} on [${c.shape}]`, () => {
          const before = tf.memory().numTensors;
          const layer = new (cls(name))(config);
          expect(layer.getClassName()).toBe(name);
          checkLayer(layer, c.shape, 100 + i);
          expect(!!layer.beta).toBe(m.beta);
          expect(tf.memory().numTensors - before).toBeLessThanOrEqual(m.beta ? 1 : 0); // only β stays
        });
      }
    }
    for (const [i, c] of ADA_FORMS.entries()) {
      it(`AdaPool${c.rank}d betaShape ${JSON.stringify(c.config)} on [${c.shape}]`, () => {
        const layer = new (cls(`AdaPool${c.rank}d`))(c.config);
        checkLayer(layer, c.shape, 200 + i);
      });
    }

    for (const n of [1, 2, 3] as const) {
      it(`AdaUnpool${n}d: gradients for v and mask`, () => {
        const S = [5, 4, 3].slice(0, n);
        const xShape = [2, ...S, 2];
        const x = tf.tensor(distinctData(xShape, n), xShape);
        const { output, mask } = (T.ops[`adaPool${n}d` as 'adaPool2d'] as T.TfAdaPoolOp)(x, 0.4, { poolSize: 2, returnMask: true });
        const layer = new (T as unknown as Record<string, new (c: Config) => T.TfUnpoolLayer>)[`AdaUnpool${n}d`]({ poolSize: 2, inputSize: S });
        const v = output.dataSync().slice() as Float32Array;
        const w = mask.dataSync().slice() as Float32Array;
        const U = layer.apply([output, mask]) as tf.Tensor;
        expect(U.shape).toEqual(xShape);
        expect(layer.computeOutputShape([output.shape, mask.shape])).toEqual(xShape);
        const r = uniform(U.size, 9);
        const rT = tf.tensor(r, U.shape);
        const L = weightedSum(r);
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(layer.apply([a, b]) as tf.Tensor, rT)))([output, mask]);
        checkGradient('dv', v, (p) => tf.tidy(() => L(layer.apply([tf.tensor(p, output.shape), mask]) as tf.Tensor)), g[0].dataSync());
        checkGradient('dmask', w, (p) => tf.tidy(() => L(layer.apply([output, tf.tensor(p, mask.shape)]) as tf.Tensor)), g[1].dataSync());
        tf.dispose([x, output, mask, U, rT, ...g]);
      });
    }

    it('functional ops inside tf.grad / tf.grads equal the layers', () => {
      const shape = [2, 6, 6, 3];
      const x = tf.tensor(distinctData(shape, 5), shape);
      const beta = tf.tensor([0.2, 0.5, 0.8], [3]);
      // the factory name with a tensor first is the op; ops.* is the same op
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(T.adaPool2d(a, b, { poolSize: 3, strides: 2, padding: 1 })));
      const [dx, dbeta] = tf.grads(f)([x, beta]);
      const [dx2, dbeta2] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(T.ops.adaPool2d(a, b, { poolSize: 3, strides: 2, padding: 1 }))))([x, beta]);
      expect(Array.from(dx.dataSync())).toEqual(Array.from(dx2.dataSync()));
      expect(Array.from(dbeta.dataSync())).toEqual(Array.from(dbeta2.dataSync()));
      const layer = new T.AdaPool2d({ poolSize: 3, strides: 2, padding: 1 });
      layer.apply(x);
      layer.setWeights([beta]);
      const xv = tf.variable(x);
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(xv) as tf.Tensor)) as tf.Scalar, [xv, layer.beta!.read() as tf.Variable]);
      expect(Array.from(grads[xv.name].dataSync())).toEqual(Array.from(dx.dataSync()));
      expect(Array.from(grads[(layer.beta!.read() as tf.Variable).name].dataSync())).toEqual(Array.from(dbeta.dataSync()));
      // every non-ada functional op differentiates too, numbers for β work
      for (const op of ['softPool2d', 'emPool2d', 'edscwPool2d', 'idwPool2d', 'maxPool2d', 'avgPool2d'] as const) {
        const g = tf.grad((a: tf.Tensor) => tf.sum((T[op] as (t: tf.Tensor) => tf.Tensor)(a)))(x);
        expect(g.shape).toEqual(shape);
        const gOps = tf.grad((a: tf.Tensor) => tf.sum((T.ops[op] as (t: tf.Tensor) => tf.Tensor)(a)))(x);
        expect(Array.from(g.dataSync())).toEqual(Array.from(gOps.dataSync()));
      }
      const y = T.adaPool2d(x, 0.5);
      expect(y.shape).toEqual([2, 3, 3, 3]);
      // a number β is a constant: the gradient flows to x only, and equals that of a tensor β
      const gNum = tf.grad((a: tf.Tensor) => tf.sum(tf.square(T.adaPool2d(a, 0.5))))(x);
      const gT = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(T.adaPool2d(a, b))))([x, tf.scalar(0.5)])[0];
      expect(Array.from(gNum.dataSync())).toEqual(Array.from(gT.dataSync()));
      // pool → unpool chain: the mask is detached, the gradient flows through the values
      const chain = (a: tf.Tensor) => {
        const { output, mask } = T.softPool2d(a, { returnMask: true });
        return tf.sum(tf.mul(T.adaUnpool2d(output, mask), a));
      };
      const gc = tf.grad(chain)(x);
      expect(gc.shape).toEqual(shape);
      expect(Array.from(gc.dataSync()).every(Number.isFinite)).toBe(true);
    });
  });
}
