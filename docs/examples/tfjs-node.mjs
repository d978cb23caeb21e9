// TensorFlow.js: npm install @adapool/core @adapool/layers @tensorflow/tfjs. The layers are
// tf.layers.Layers with exact gradients; they run on tfjs's tensors.
import * as tf from '@tensorflow/tfjs';
import { softPool2d } from '@adapool/layers/tfjs';

const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 4, 4, 1]); // NHWC, as tfjs
const y = softPool2d(x, { poolSize: 2 });
console.log('adapool tfjs', JSON.stringify(Array.from(await y.data(), (v) => Math.round(v * 1e4) / 1e4)));
