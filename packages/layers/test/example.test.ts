/**
 * A short run of examples/train-adapool.ts (the full run is `npm run example -w @adapool/layers`):
 * a small CNN whose MaxPooling2D layers are replaced by AdaPool2d trains; loss falls, β moves.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { CLASSES, shapesDataset, train } from '../examples/train-adapool.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

it('the generated dataset is deterministic and balanced', () => {
  const a = shapesDataset(16, 3);
  const b = shapesDataset(16, 3);
  expect(a.xs.shape).toEqual([16, 16, 16, 1]);
  expect(Array.from(a.xs.dataSync())).toEqual(Array.from(b.xs.dataSync()));
  expect(Array.from(tf.sum(a.ys, 0).dataSync())).toEqual(CLASSES.map(() => 4));
  tf.dispose([a.xs, a.ys, b.xs, b.ys]);
});

it('a CNN with AdaPool2d in place of MaxPooling2D trains: loss falls and β moves', async () => {
  const before = tf.memory().numTensors;
  const r = await train({ pool: 'ada', samples: 128, testSamples: 32, epochs: 4, shuffle: false });
  expect(r.losses).toHaveLength(4);
  expect(r.losses[3]).toBeLessThan(0.8 * r.losses[0]);
  expect(r.betaBefore).toHaveLength(2);
  for (const [i, b] of r.betaAfter.entries()) {
    expect(r.betaBefore[i].every((v) => v === 0.5)).toBe(true);
    expect(Math.max(...b.map((v, j) => Math.abs(v - r.betaBefore[i][j])))).toBeGreaterThan(0.01);
  }
  expect(tf.memory().numTensors).toBe(before); // the example frees what it made
}, 60_000);
