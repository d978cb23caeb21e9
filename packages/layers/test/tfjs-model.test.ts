/**
 * The tfjs adapter in models: drop-in `adaPool2d()` in a tf.sequential that fits, saves and loads
 * with identical predictions (cpu and wasm backends); a save/load round trip of every layer
 * class; configs, β's projection, shapes, and bad input.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import * as T from '@adapool/layers/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { distinctData, expectAdaPoolError, uniform } from './helpers.js';

type Config = Record<string, unknown>;
type LayerClass = new (c?: Config) => tfl.layers.Layer;
const cls = (name: string) => (T as unknown as Record<string, LayerClass>)[name];

async function roundTrip(model: tfl.LayersModel): Promise<{ loaded: tfl.LayersModel; artifacts: tf.io.ModelArtifacts }> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
  return { loaded, artifacts: artifacts! };
}

const same = (a: tf.Tensor | tf.Tensor[], b: tf.Tensor | tf.Tensor[]) => {
  const as = Array.isArray(a) ? a : [a];
  const bs = Array.isArray(b) ? b : [b];
  expect(bs.length).toBe(as.length);
  as.forEach((t, i) => {
    expect(bs[i].shape).toEqual(t.shape);
    expect(Array.from(bs[i].dataSync())).toEqual(Array.from(t.dataSync()));
  });
};

function dataset(n: number, seed: number) {
  // two classes: a bright blob in the left or the right half of an 8×8 image
  const x = uniform(n * 64, seed, 0, 0.3);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    y.push(c);
    for (let h = 2; h < 6; h++) for (let w = 0; w < 3; w++) x[i * 64 + h * 8 + (c ? 5 + w : w)] += 1;
  }
  return { xs: tf.tensor(x, [n, 8, 8, 1]), ys: tf.oneHot(tf.tensor1d(y, 'int32'), 2) };
}

for (const backend of ['cpu', 'wasm']) {
  describe(`drop-in adaPool2d() on tfjs-backend-${backend}`, () => {
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true);
    });

    // tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel: on wasm a dense layer stands in for the conv.
    it('tf.sequential with adaPool2d(): fit (loss falls, β moves), save, load, identical predictions', async () => {
      const model = tfl.sequential();
      if (backend === 'cpu') {
        model.add(tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'tanh', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }));
      } else {
        model.add(tfl.layers.dense({ inputShape: [8, 8, 1], units: 4, activation: 'tanh', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }));
      }
      model.add(T.adaPool2d({ poolSize: 2 }));
      model.add(tfl.layers.flatten());
      model.add(tfl.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }));
      model.compile({ optimizer: tf.train.adam(0.03), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      const pool = model.layers[1] as T.TfPoolLayer;
      expect(pool).toBeInstanceOf(T.AdaPool2d);
      expect(pool.beta!.shape).toEqual([4]); // per channel, channelsLast
      expect(Array.from(pool.getWeights()[0].dataSync())).toEqual([0.5, 0.5, 0.5, 0.5]);
      expect(pool.trainableWeights.map((w) => w.name)).toEqual([expect.stringMatching(/beta/)]);
      const { xs, ys } = dataset(32, 1);
      const h = await model.fit(xs, ys, { epochs: 6, batchSize: 8, verbose: 0, shuffle: false });
      const loss = h.history.loss as number[];
      expect(loss[loss.length - 1]).toBeLessThan(loss[0]);
      // the last optimizer step may leave β outside [0, 1] (the op uses clamp(β)); the next call projects it
      tf.dispose(model.predict(xs));
      const beta = Array.from(pool.getWeights()[0].dataSync());
      expect(beta.some((b) => Math.abs(b - 0.5) > 1e-4)).toBe(true);
      expect(beta.every((b) => b >= 0 && b <= 1), String(beta)).toBe(true);

      const { loaded, artifacts } = await roundTrip(model);
      const topology = JSON.stringify(artifacts.modelTopology);
      expect(topology).toContain('"class_name":"AdaPool2d"');
      expect(loaded.layers[1]).toBeInstanceOf(T.AdaPool2d);
      expect(Array.from(loaded.layers[1].getWeights()[0].dataSync())).toEqual(beta);
      same(model.predict(xs) as tf.Tensor, loaded.predict(xs) as tf.Tensor);
      // the loaded model trains on
      loaded.compile({ optimizer: tf.train.adam(0.03), loss: 'categoricalCrossentropy' });
      const h2 = await loaded.fit(xs, ys, { epochs: 1, batchSize: 8, verbose: 0 });
      expect(Number.isFinite(h2.history.loss[0] as number)).toBe(true);
      // no tensors leak from predictions
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        loaded.predict(xs);
      });
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}

describe('lpPool2d() in a model (OPERATORS.md 4.2a)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('tf.sequential with lpPool2d({ p: 3 }) and LpPool2d: fit (loss falls), save, load, identical predictions', async () => {
    for (const pool of [T.lpPool2d({ poolSize: 2, p: 3 }), new T.LpPool2d({ poolSize: 3, strides: 2, padding: 'same' })]) {
      const model = tfl.sequential();
      model.add(tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'tanh', kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }) }));
      model.add(pool);
      model.add(tfl.layers.flatten());
      model.add(tfl.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 6 }) }));
      model.compile({ optimizer: tf.train.adam(0.03), loss: 'categoricalCrossentropy' });
      const { xs, ys } = dataset(32, 3);
      const h = await model.fit(xs, ys, { epochs: 6, batchSize: 8, verbose: 0, shuffle: false });
      const loss = h.history.loss as number[];
      expect(loss[loss.length - 1]).toBeLessThan(loss[0]);
      const { loaded, artifacts } = await roundTrip(model);
      expect(JSON.stringify(artifacts.modelTopology)).toContain('"class_name":"LpPool2d"');
      same(model.predict(xs) as tf.Tensor, loaded.predict(xs) as tf.Tensor);
    }
  });
});

describe('save/load round trip of every layer class', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  const CONFIGS: Record<number, [number[], Config][]> = {
    1: [[[7, 3], { poolSize: 3, strides: 2, padding: 1, ceilMode: true }]],
    2: [
      [[6, 5, 3], { poolSize: [2, 3], dilationRate: [1, 2] }],
      [[3, 6, 5], { outputSize: [2, 3], dataFormat: 'channelsFirst' }],
    ],
    3: [[[4, 4, 5, 2], { poolSize: 2, strides: 1, padding: 'valid' }]],
  };
  for (const m of T.METHODS) {
    for (const n of T.RANKS) {
      for (const [shape, config] of CONFIGS[n]) {
        const name = `${m.cls}${n}d`;
        const extra: Config = m.key === 'idw' ? { idwEps: 0.01 } : m.key === 'avg' ? { countIncludePad: true } : m.key === 'ada' ? { betaShape: 'position', betaInit: 0.25 } : m.key === 'lp' ? { p: 3 } : {};
        it(`${name} ${JSON.stringify({ ...config, ...extra })}`, async () => {
          const layer = new (cls(name))({ inputShape: shape, ...config, ...extra });
          const model = tfl.sequential({ layers: [layer] });
          if (m.beta) layer.setWeights([tf.tensor(uniform(layer.getWeights()[0].size, 3, 0.1, 0.9), layer.getWeights()[0].shape)]);
          const x = tf.tensor(distinctData([2, ...shape], 4), [2, ...shape]);
          const { loaded } = await roundTrip(model);
          const l2 = loaded.layers[0];
          expect(l2.getClassName()).toBe(name);
          expect(l2.getConfig()).toEqual({ ...layer.getConfig() });
          same(model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor);
          if (m.beta) same(layer.getWeights(), l2.getWeights());
        });
      }
    }
  }
  it('every β form survives save/load (config and weight shape)', async () => {
    for (const betaShape of ['channel', 'scalar', 'position', 'sample-channel', 'full', [1, 2, 1]] as const) {
      for (const dataFormat of ['channelsLast', 'channelsFirst'] as const) {
        const model = tfl.sequential({ layers: [T.adaPool2d({ batchInputShape: [2, 4, 4, 3], betaShape: betaShape as T.BetaForm, dataFormat })] });
        const { loaded } = await roundTrip(model);
        expect(loaded.layers[0].getConfig().betaShape).toEqual(betaShape);
        expect(loaded.layers[0].getConfig().dataFormat).toBe(dataFormat);
        expect(loaded.layers[0].getWeights()[0].shape).toEqual(model.layers[0].getWeights()[0].shape);
      }
    }
  });

  for (const n of T.RANKS) {
    it(`AdaUnpool${n}d in a functional model fed by a pooling layer with returnMask`, async () => {
      const S = [5, 4, 6].slice(0, n);
      const input = tfl.input({ shape: [...S, 2] });
      const [v, mask] = new (cls(`SoftPool${n}d`))({ poolSize: 2, returnMask: true }).apply(input) as tfl.SymbolicTensor[];
      const up = new (cls(`AdaUnpool${n}d`))({ poolSize: 2, inputSize: S }).apply([v, mask]) as tfl.SymbolicTensor;
      expect(up.shape).toEqual([null, ...S, 2]);
      const model = tfl.model({ inputs: input, outputs: [up, v, mask] });
      const x = tf.tensor(distinctData([2, ...S, 2], 8), [2, ...S, 2]);
      const { loaded } = await roundTrip(model);
      same(model.predict(x) as tf.Tensor[], loaded.predict(x) as tf.Tensor[]);
      // mask shape [N,*O,*K,C]
      expect((model.predict(x) as tf.Tensor[])[2].shape).toEqual([2, ...S.map((s) => Math.floor(s / 2)), ...S.map(() => 2), 2]);
    });
  }
});

describe('configuration, shapes and bad input', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it("getConfig speaks tfjs: numbers become per-dim arrays, 'valid' and 'same' stay, channelsLast default", () => {
    const c = T.adaPool2d({ poolSize: 3, strides: 2, padding: 'valid' }).getConfig();
    expect(c).toMatchObject({ poolSize: [3, 3], strides: [2, 2], padding: 'valid', dataFormat: 'channelsLast', returnMask: false, betaShape: 'channel', betaInit: 0.5 });
    expect(T.maxPool2d({ poolSize: 3, padding: 'same' }).getConfig()).toMatchObject({ poolSize: [3, 3], padding: 'same' });
    expect(T.maxPool2d({ poolSize: 3, padding: 2 }).getConfig()).toMatchObject({ padding: [2, 2] });
    expect(T.maxPool2d({ poolSize: 3, padding: [[0, 2], [1, 0]] }).getConfig()).toMatchObject({ padding: [[0, 2], [1, 0]] });
    expect(T.softPool1d({ outputSize: 4, dataFormat: 'channelsFirst' }).getConfig()).toMatchObject({ outputSize: [4], dataFormat: 'channelsFirst' });
  });

  it('computeOutputShape with unknown dims, with and without the mask', () => {
    const l = T.maxPool2d({ poolSize: 2 });
    expect(l.computeOutputShape([null, 7, null, 3])).toEqual([null, 3, null, 3]);
    const lm = T.softPool3d({ outputSize: [2, 2, 2], returnMask: true, dataFormat: 'channelsFirst' });
    expect(lm.computeOutputShape([4, 3, 5, 4, null])).toEqual([
      [4, 3, 2, 2, 2],
      [4, 3, 2, 2, 2, 3, 2, null],
    ]);
  });

  it('β is kept in [0, 1]: a call after an out-of-range update projects it', () => {
    const l = T.adaPool1d({ poolSize: 2 });
    const x = tf.tensor(distinctData([1, 4, 3], 1), [1, 4, 3]);
    l.apply(x);
    l.setWeights([tf.tensor([1.5, -0.2, 0.4])]);
    const y = l.apply(x) as tf.Tensor;
    expect(Array.from(l.getWeights()[0].dataSync())).toEqual([1, 0, expect.closeTo(0.4, 6)]);
    same(y, T.adaPool1d(x, tf.tensor([1, 0, 0.4]), { poolSize: 2 }));
  });

  it('the overloads are typed: tensor first → tf.Tensor (or { output, mask }), config → layer', () => {
    const x = tf.tensor(distinctData([1, 4, 4, 2], 6), [1, 4, 4, 2]);
    const y: tf.Tensor = T.softPool2d(x, { poolSize: 2 });
    const l: T.TfPoolLayer = T.softPool2d({ poolSize: 2 });
    const withMask: T.TfPoolWithMask = T.maxPool2d(x, { returnMask: true });
    const a: tf.Tensor = T.adaPool2d(x, 0.3);
    const al: T.TfPoolLayer = T.adaPool2d({ betaShape: 'scalar' });
    const u: tf.Tensor = T.adaUnpool2d(withMask.output, withMask.mask);
    const ul: T.TfUnpoolLayer = T.adaUnpool2d({ poolSize: 2 });
    expect([y.shape, withMask.mask.shape, a.shape, u.shape]).toEqual([[1, 2, 2, 2], [1, 2, 2, 2, 2, 2], [1, 2, 2, 2], [1, 4, 4, 2]]);
    expect([l, al, ul].map((t) => t.getClassName())).toEqual(['SoftPool2d', 'AdaPool2d', 'AdaUnpool2d']);
  });

  it('every factory makes its layer; with a tensor first it is the op', () => {
    const x = tf.tensor(distinctData([1, 4, 4, 4, 2], 2), [1, 4, 4, 4, 2]);
    for (const m of T.METHODS) {
      for (const n of T.RANKS) {
        const f = (T as unknown as Record<string, (...a: unknown[]) => unknown>)[`${m.op}${n}d`];
        expect(f({ poolSize: 2 })).toBeInstanceOf(cls(`${m.cls}${n}d`));
      }
      const f3 = (T as unknown as Record<string, (...a: unknown[]) => tf.Tensor>)[`${m.op}3d`];
      const y = m.beta ? f3(x, 0.5) : f3(x);
      expect(y.shape).toEqual([1, 2, 2, 2, 2]);
    }
    expect(T.emPool2d).toBe(T.softPool2d);
    expect(T.EmPool2d).toBe(T.SoftPool2d);
    expect(T.adaUnpool2d({ poolSize: 2 })).toBeInstanceOf(T.AdaUnpool2d);
  });

  it('rejects bad layer configs with AdaPoolError naming the layer', () => {
    expectAdaPoolError(() => T.adaPool2d({ padding: 'SAME' as never }), 'OPTION', /^AdaPool2d: padding must be an integer ≥ 0, .*'same' or 'valid', got "SAME"$/);
    expectAdaPoolError(() => T.maxPool1d({ padding: 'causal' as never }), 'OPTION', /^MaxPool1d: padding must be .*, got "causal"$/);
    expectAdaPoolError(() => T.maxPool2d({ padding: 'same', ceilMode: true }), 'OPTION', /^MaxPool2d: padding 'same' fixes the output size ⌈L\/strides⌉ and excludes ceilMode: true/);
    expectAdaPoolError(() => T.maxPool2d({ padding: [1, [0, 1]] as never }), 'OPTION', /^MaxPool2d: padding per axis must be all numbers or all \[begin, end\] pairs/);
    expectAdaPoolError(() => T.maxPool2d({ poolSize: 3, dilationRate: 2, padding: [[0, 5], [0, 0]] }), 'OPTION', /^MaxPool2d: padding must be ≤ dilationRate·\(poolSize−1\) on each side of every axis \(poolSize \[3,3\], dilationRate \[2,2\]\), got padding \[\[0,5\],\[0,0\]\]$/);
    expectAdaPoolError(() => T.adaUnpool2d({ poolSize: 2, padding: 'same' }), 'OPTION', /^AdaUnpool2d: inputSize is required with padding 'same'/);
    expectAdaPoolError(() => T.softPool2d({ poolsize: 2 } as never), 'OPTION', /SoftPool2d: .*unknown option "poolsize" \(did you mean "poolSize"\?\)/);
    expectAdaPoolError(() => T.softPool2d({ dataFormat: 'NHWC' as never }), 'OPTION', /dataFormat must be 'channelsFirst' or 'channelsLast'/);
    expectAdaPoolError(() => T.maxPool2d({ poolSize: 2, padding: 3 }), 'OPTION', /^MaxPool2d: padding must be ≤ dilationRate·\(poolSize−1\) on each side of every axis \(poolSize \[2,2\], dilationRate \[1,1\]\), got padding \[3,3\]$/);
    expectAdaPoolError(() => T.avgPool1d({ outputSize: 3, strides: 1 }), 'OPTION', /AvgPool1d: outputSize \(adaptive geometry\) excludes poolSize, strides, padding, dilationRate and ceilMode, got outputSize with strides/);
    expectAdaPoolError(() => T.softPool2d({ poolSize: [2, 2, 2] }), 'OPTION', /SoftPool2d: poolSize must be an integer ≥ 1 or an array of 2 of them/);
    expectAdaPoolError(() => T.idwPool2d({ idwEps: 0 }), 'OPTION', /idwEps must be a finite number > 0/);
    expectAdaPoolError(() => T.adaPool2d({ betaShape: [0] }), 'OPTION', /betaShape must be/);
    expectAdaPoolError(() => T.softPool2d({ betaInit: 0.5 } as never), 'OPTION', /unknown option "betaInit"/);
    expectAdaPoolError(() => T.adaUnpool2d({ outputSize: 2 }), 'OPTION', /AdaUnpool2d: inputSize is required with adaptive geometry/);
    const model = tfl.sequential();
    model.add(tfl.layers.inputLayer({ inputShape: [null, null, 3] }));
    expectAdaPoolError(() => model.add(T.adaPool2d({ betaShape: 'position' })), 'SHAPE', /AdaPool2d: betaShape 'position' needs every dim it uses known/);
    expectAdaPoolError(() => tfl.sequential({ layers: [T.adaPool2d({ inputShape: [4, 4, 3], betaShape: [5] })] }), 'SHAPE', /AdaPool2d: betaShape must broadcast to the output \[null,2,2,3\] .*, got \[5\]/);
    expect(() => T.softPool2d({ poolSize: 2 }).apply(tf.zeros([2, 4, 4]))).toThrow(/ndim=4/); // tfjs's inputSpec check
    expectAdaPoolError(() => T.softPool2d(tfl.input({ shape: [4, 4, 1] }) as never), 'OPTION', /SoftPool2d: the factory takes a config .*got a SymbolicTensor/);
  });

  it('rejects bad functional-op inputs without leaking tensors', () => {
    const x = tf.tensor(distinctData([1, 4, 4, 2], 1), [1, 4, 4, 2]);
    const before = tf.memory().numTensors;
    expectAdaPoolError(() => T.ops.softPool2d([1, 2] as never), 'DTYPE', /softPool2d: x must be a tf.Tensor/);
    const x3 = tf.zeros([1, 4, 4]);
    expectAdaPoolError(() => T.ops.softPool2d(x3), 'SHAPE', /softPool2d: x must have rank 4/);
    x3.dispose();
    const xi = tf.zeros([1, 4, 4, 2], 'int32');
    expectAdaPoolError(() => T.ops.softPool2d(xi), 'DTYPE', /softPool2d: x must be a float32 tensor, got "int32"/);
    xi.dispose();
    const b3 = tf.ones([3]);
    expectAdaPoolError(() => T.ops.adaPool2d(x, b3), 'SHAPE', /adaPool2d: beta shape must broadcast to the output \[1,2,2,2\]/);
    b3.dispose();
    expectAdaPoolError(() => T.ops.maxPool2d(x, { returnMask: 'yes' as never }), 'OPTION', /returnMask must be a boolean/);
    expectAdaPoolError(() => T.ops.avgPool2d(x, { poolSize: 5 }), 'SHAPE', /must fit the padded input/);
    expectAdaPoolError(() => T.ops.softPool2d(x, { backend: 'nope' }), 'BACKEND', /backend must be 'auto' or a registered backend/);
    const d = tf.zeros([1, 4, 4, 2]);
    d.dispose();
    expectAdaPoolError(() => T.ops.softPool2d(d), 'DISPOSED', /x must not be disposed/);
    expect(tf.memory().numTensors).toBe(before + 0);
    expect(Array.from(x.dataSync())).toEqual(Array.from(distinctData([1, 4, 4, 2], 1)));
  });

  it("functional ops take core's backend for one call", () => {
    const x = tf.tensor(distinctData([1, 4, 4, 2], 1), [1, 4, 4, 2]);
    same(T.ops.softPool2d(x, { backend: 'js' }), T.ops.softPool2d(x));
  });
});
