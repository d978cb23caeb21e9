/**
 * Trains a small CNN on a generated "shapes" dataset (16×16 images of a horizontal bar, a vertical
 * bar, a square outline or a diagonal cross, at random places, with noise) twice: with tfjs's
 * MaxPooling2D, then with MaxPooling2D replaced by AdaPool2d (per-channel β, initialised to 0.5).
 * Prints the losses, test accuracy and how β moved. Nothing is downloaded.
 *
 *   npm run example -w @adapool/layers            # full run (< 1 minute on 2 cores)
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { adaPool2d, type TfPoolLayer } from '@adapool/layers/tfjs';

export const CLASSES = ['horizontal bar', 'vertical bar', 'square', 'cross'] as const;
const SIZE = 16;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` images `[n,16,16,1]` with one-hot labels `[n,4]`, deterministic in `seed`. */
export function shapesDataset(n: number, seed: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const x = new Float32Array(n * SIZE * SIZE);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const img = x.subarray(i * SIZE * SIZE, (i + 1) * SIZE * SIZE);
    for (let p = 0; p < img.length; p++) img[p] = 0.25 * r();
    const set = (h: number, w: number) => {
      if (h >= 0 && h < SIZE && w >= 0 && w < SIZE) img[h * SIZE + w] = 0.7 + 0.3 * r();
    };
    const c = i % CLASSES.length;
    labels[i] = c;
    const len = int(6, 10);
    const h0 = int(1, SIZE - len - 1);
    const w0 = int(1, SIZE - len - 1);
    if (c === 0) for (let k = 0; k < len; k++) set(h0, w0 + k);
    if (c === 1) for (let k = 0; k < len; k++) set(h0 + k, w0);
    if (c === 2) {
      for (let k = 0; k < len; k++) {
        set(h0, w0 + k);
        set(h0 + len - 1, w0 + k);
        set(h0 + k, w0);
        set(h0 + k, w0 + len - 1);
      }
    }
    if (c === 3) {
      for (let k = 0; k < len; k++) {
        set(h0 + k, w0 + k);
        set(h0 + k, w0 + len - 1 - k);
      }
    }
  }
  return tf.tidy(() => ({ xs: tf.tensor4d(x, [n, SIZE, SIZE, 1]), ys: tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES.length) as tf.Tensor2D }));
}

export type PoolKind = 'max' | 'ada';

/** conv(4) → pool → conv(8) → pool → dense(4); the pools are MaxPooling2D or AdaPool2d. */
export function buildModel(pool: PoolKind, seed = 1): tfl.Sequential {
  const poolLayer = () => (pool === 'ada' ? adaPool2d({ poolSize: 2 }) : tfl.layers.maxPooling2d({ poolSize: 2 }));
  const init = (s: number) => tfl.initializers.heNormal({ seed: seed * 10 + s });
  const model = tfl.sequential();
  model.add(tfl.layers.conv2d({ inputShape: [SIZE, SIZE, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }));
  model.add(poolLayer());
  model.add(tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2) }));
  model.add(poolLayer());
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: CLASSES.length, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed * 10 + 3 }) }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

export interface TrainResult {
  pool: PoolKind;
  /** Training loss per epoch. */
  losses: number[];
  /** Test accuracy after training. */
  accuracy: number;
  /** β of each AdaPool2d layer before and after training (ada only). */
  betaBefore: number[][];
  betaAfter: number[][];
  seconds: number;
}

const betas = (model: tfl.Sequential): number[][] =>
  model.layers.filter((l): l is TfPoolLayer => l.getClassName() === 'AdaPool2d').map((l) => Array.from(l.getWeights()[0].dataSync()));

/** Trains one model; `shuffle: false` (with the seeded data and initialisers) makes a run deterministic. */
export async function train({ pool = 'ada' as PoolKind, samples = 256, testSamples = 128, epochs = 8, batchSize = 32, shuffle = true, log = (_: string) => {} } = {}): Promise<TrainResult> {
  const start = performance.now();
  const train = shapesDataset(samples, 1);
  const test = shapesDataset(testSamples, 2);
  const model = buildModel(pool);
  const betaBefore = betas(model);
  const h = await model.fit(train.xs, train.ys, {
    epochs,
    batchSize,
    shuffle,
    verbose: 0,
    callbacks: { onEpochEnd: async (e, logs) => log(`  ${pool} epoch ${e + 1}/${epochs}: loss ${logs!.loss.toFixed(4)}, accuracy ${(logs!.acc ?? logs!.accuracy).toFixed(3)}`) },
  });
  const accuracy = tf.tidy(() => {
    const pred = tf.argMax(model.predict(test.xs) as tf.Tensor, -1);
    return tf.mean(tf.cast(tf.equal(pred, tf.argMax(test.ys, -1)), 'float32')).dataSync()[0];
  });
  const result = { pool, losses: h.history.loss as number[], accuracy, betaBefore, betaAfter: betas(model), seconds: (performance.now() - start) / 1000 };
  tf.dispose([train.xs, train.ys, test.xs, test.ys]);
  model.optimizer.dispose();
  model.dispose();
  return result;
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const fmt = (v: number[]) => `[${v.map((b) => b.toFixed(3)).join(', ')}]`;
  const total = performance.now();
  for (const pool of ['max', 'ada'] as const) {
    console.log(`${pool === 'max' ? 'MaxPooling2D' : 'AdaPool2d'}:`);
    const r = await train({ pool, log: console.log });
    console.log(`  loss ${r.losses[0].toFixed(4)} → ${r.losses[r.losses.length - 1].toFixed(4)}, test accuracy ${r.accuracy.toFixed(3)}, ${r.seconds.toFixed(1)} s`);
    r.betaAfter.forEach((b, i) => console.log(`  β of AdaPool2d #${i + 1}: ${fmt(r.betaBefore[i])} → ${fmt(b)}`));
  }
  console.log(`total ${((performance.now() - total) / 1000).toFixed(1)} s`);
}

if (typeof process !== 'undefined' && process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
