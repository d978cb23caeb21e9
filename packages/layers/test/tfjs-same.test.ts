/**
 * Issue 13: tfjs's own padding vocabulary. `padding: 'same'` layers of the adapter give exactly
 * the output shapes of tfjs's `maxPooling{1,2,3}d` / `averagePooling{1,2,3}d` with `'same'` (and
 * their values and gradients for max/avg), for sizes and strides that do and do not divide;
 * `'valid'` likewise; and a model with a `'same'` adaPool2d trains, saves and loads.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import * as T from '@adapool/layers/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { distinctData, uniform } from './helpers.js';

type Rank = 1 | 2 | 3;
type PoolFactory = (config: Record<string, unknown>) => tfl.layers.Layer;
const TF_POOL: Record<'max' | 'avg', Record<Rank, PoolFactory>> = {
  max: { 1: tfl.layers.maxPooling1d as PoolFactory, 2: tfl.layers.maxPooling2d as PoolFactory, 3: tfl.layers.maxPooling3d as PoolFactory },
  avg: { 1: tfl.layers.averagePooling1d as PoolFactory, 2: tfl.layers.averagePooling2d as PoolFactory, 3: tfl.layers.averagePooling3d as PoolFactory },
};
const OURS: Record<'max' | 'avg', Record<Rank, PoolFactory>> = {
  max: { 1: T.maxPool1d as PoolFactory, 2: T.maxPool2d as PoolFactory, 3: T.maxPool3d as PoolFactory },
  avg: { 1: T.avgPool1d as PoolFactory, 2: T.avgPool2d as PoolFactory, 3: T.avgPool3d as PoolFactory },
};

/** tfjs's 1d layers take scalars; ours take a number for every rank. */
const tfGeometry = (n: Rank, k: number, s: number) => (n === 1 ? { poolSize: k, strides: s } : { poolSize: new Array(n).fill(k), strides: new Array(n).fill(s) });

/**
 * Jᵀr of a linear layer (avg pooling) from its forward alone: the layer applied to a batch of
 * basis inputs. tfjs's own avgPool gradient is not used: tfjs-backend-cpu's AvgPoolGrad divides by
 * the full window size (`1 / (filterHeight·filterWidth)`) where its forward divides by the valid
 * taps, so at 'same' borders it is not the gradient of its forward.
 */
function linearVjp(layer: tfl.layers.Layer, shape: number[], r: tf.Tensor): Float32Array {
  return tf.tidy(() => {
    const P = shape.slice(1).reduce((p, d) => p * d, 1);
    const Y = layer.apply(tf.reshape(tf.eye(P), [P, ...shape.slice(1)])) as tf.Tensor; // y(e_p), p < P
    const Q = Y.size / P;
    return tf.matMul(tf.reshape(r, [shape[0], Q]), tf.reshape(Y, [P, Q]), false, true).dataSync() as Float32Array; // [N, P]
  });
}

const CASES: { n: Rank; S: number[]; k: number; s: number }[] = [];
for (const L of [5, 6, 7, 8, 9]) for (const [k, s] of [[2, 2], [3, 2], [3, 1], [2, 3], [4, 3], [5, 2], [1, 2]]) CASES.push({ n: 2, S: [L, L + 1], k, s });
for (const L of [4, 7, 10]) for (const [k, s] of [[2, 2], [3, 2], [4, 3], [3, 1]]) CASES.push({ n: 1, S: [L], k, s });
for (const [k, s] of [[2, 2], [3, 2], [2, 1]]) CASES.push({ n: 3, S: [3, 4, 5], k, s });

describe("padding 'same' and 'valid' as tfjs's own pooling layers have them", () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const padding of ['same', 'valid'] as const) {
    for (const method of ['max', 'avg'] as const) {
      it(`${method}Pool ${padding}: output shapes (known and unknown dims), values and gradients equal tfjs's ${CASES.length} cases`, () => {
        let checked = 0;
        for (const { n, S, k, s } of CASES) {
          if (padding === 'valid' && S.some((L) => L < k)) continue;
          const C = 2;
          const shape = [2, ...S, C];
          const label = `${method} ${padding} ${n}d S[${S}] k${k} s${s}`;
          const theirs = TF_POOL[method][n]({ ...tfGeometry(n, k, s), padding });
          const ours = OURS[method][n]({ poolSize: k, strides: s, padding });
          expect(ours.computeOutputShape(shape), label).toEqual(theirs.computeOutputShape(shape));
          const unknown = [null, ...S.slice(0, -1), null, C];
          expect(ours.computeOutputShape(unknown), label).toEqual(theirs.computeOutputShape(unknown));
          const x = tf.tensor(distinctData(shape, checked + 1), shape);
          const yT = theirs.apply(x) as tf.Tensor;
          const yO = ours.apply(x) as tf.Tensor;
          expect(yO.shape, label).toEqual(yT.shape);
          const [a, b] = [yO.dataSync(), yT.dataSync()];
          for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `${label} y[${i}] ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(1e-6 + 1e-6 * Math.abs(b[i]));
          // gradients of Σ r·y through each
          const r = tf.tensor(uniform(yT.size, checked + 7), yT.shape);
          const gO = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(ours.apply(t) as tf.Tensor, r)))(x).dataSync();
          const gT = method === 'max' ? tf.grad((t: tf.Tensor) => tf.sum(tf.mul(theirs.apply(t) as tf.Tensor, r)))(x).dataSync() : linearVjp(theirs, shape, r);
          for (let i = 0; i < gT.length; i++) expect(Math.abs(gO[i] - gT[i]), `${label} dx[${i}]`).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(gT[i]));
          tf.dispose([x, yT, yO, r]);
          checked++;
        }
        expect(checked).toBeGreaterThan(30);
      });
    }
  }

  it("channelsFirst 'same' gives tfjs's shape transposed", () => {
    const l = T.softPool2d({ poolSize: 3, strides: 2, padding: 'same', dataFormat: 'channelsFirst' });
    expect(l.computeOutputShape([1, 4, 7, 10])).toEqual([1, 4, 4, 5]);
    const x = tf.tensor(distinctData([1, 4, 7, 10], 3), [1, 4, 7, 10]);
    expect((l.apply(x) as tf.Tensor).shape).toEqual([1, 4, 4, 5]);
  });

  it("a model with adaPool2d({ padding: 'same' }) fits (loss falls, β moves), saves and loads with identical predictions", async () => {
    const model = tfl.sequential();
    model.add(tfl.layers.conv2d({ inputShape: [7, 7, 1], filters: 3, kernelSize: 3, padding: 'same', activation: 'tanh', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }));
    model.add(T.adaPool2d({ poolSize: 3, strides: 2, padding: 'same' }));
    model.add(tfl.layers.flatten());
    model.add(tfl.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) }));
    model.compile({ optimizer: tf.train.adam(0.03), loss: 'categoricalCrossentropy' });
    expect(model.layers[1].outputShape).toEqual([null, 4, 4, 3]); // ⌈7/2⌉, as tfjs's maxPooling2d 'same'
    const n = 24;
    const xs = uniform(n * 49, 5, 0, 0.3);
    const ys: number[] = [];
    for (let i = 0; i < n; i++) {
      ys.push(i % 2);
      for (let h = 1; h < 6; h++) xs[i * 49 + h * 7 + (i % 2 ? 6 : 0)] += 1; // a bright edge column: only 'same' windows see it whole
    }
    const X = tf.tensor(xs, [n, 7, 7, 1]);
    const Y = tf.oneHot(tf.tensor1d(ys, 'int32'), 2);
    const h = await model.fit(X, Y, { epochs: 8, batchSize: 8, verbose: 0, shuffle: false });
    const loss = h.history.loss as number[];
    expect(loss[loss.length - 1]).toBeLessThan(loss[0]);
    tf.dispose(model.predict(X));
    const beta = Array.from(model.layers[1].getWeights()[0].dataSync());
    expect(beta.some((b) => Math.abs(b - 0.5) > 1e-4)).toBe(true);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    expect(JSON.stringify(artifacts!.modelTopology)).toContain('"padding":"same"');
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    expect(Array.from((loaded.predict(X) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(X) as tf.Tensor).dataSync()));
  });
});
