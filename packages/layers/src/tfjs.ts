/**
 * @adapool/layers/tfjs: TensorFlow.js layers and functional ops computed by the @adapool/core ops,
 * with exact gradients through `tf.customGrad` (input and β), bound to the tfjs npm packages
 * (`@tensorflow/tfjs-core` and `-layers`). For a tfjs loaded elsewhere (`<script>` tf.min.js, a
 * CDN), `withTfjs(window.tf)` gives the same exports bound to that one; `@adapool/layers/with-tfjs`
 * has `withTfjs` alone, importing no tfjs.
 *
 * Every tfjs tensor is read with `dataSync`, the core op runs on core's backend (whatever
 * `setBackend` chose; results must be readable synchronously, else the op is recomputed on `js`
 * with a one-time warning), and the result is wrapped back into a tfjs tensor. Gradients are
 * first order (the gradient function itself is not differentiable).
 *
 * Names: `adaPool2d(config)` makes a layer (API.md); `adaPool2d(x, beta, config)` and
 * `softPool2d(x, config)`, whose first argument is a tf.Tensor, are the functional ops. The same
 * functional ops are under `ops` (`ops.softPool2d(x, config)`), always functional.
 */
import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { withTfjs, type TfPoolLayer as PoolLayerType, type TfUnpoolLayer as UnpoolLayerType } from './tfjs-bind.js';

const bound = /* @__PURE__ */ withTfjs({ ...tfc, ...tfl });

export const {
  TfPoolLayer, TfUnpoolLayer, registerLayers, ops,
  AdaPool1d, AdaPool2d, AdaPool3d, SoftPool1d, SoftPool2d, SoftPool3d, EDSCWPool1d, EDSCWPool2d, EDSCWPool3d, IDWPool1d, IDWPool2d, IDWPool3d, MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d, AdaUnpool1d, AdaUnpool2d, AdaUnpool3d, EmPool1d, EmPool2d, EmPool3d,
  adaPool1d, adaPool2d, adaPool3d, softPool1d, softPool2d, softPool3d, emPool1d, emPool2d, emPool3d, edscwPool1d, edscwPool2d, edscwPool3d, idwPool1d, idwPool2d, idwPool3d, maxPool1d, maxPool2d, maxPool3d, avgPool1d, avgPool2d, avgPool3d, adaUnpool1d, adaUnpool2d, adaUnpool3d,
} = bound;

export type AdaPool1d = PoolLayerType;
export type AdaPool2d = PoolLayerType;
export type AdaPool3d = PoolLayerType;
export type SoftPool1d = PoolLayerType;
export type SoftPool2d = PoolLayerType;
export type SoftPool3d = PoolLayerType;
export type EDSCWPool1d = PoolLayerType;
export type EDSCWPool2d = PoolLayerType;
export type EDSCWPool3d = PoolLayerType;
export type IDWPool1d = PoolLayerType;
export type IDWPool2d = PoolLayerType;
export type IDWPool3d = PoolLayerType;
export type MaxPool1d = PoolLayerType;
export type MaxPool2d = PoolLayerType;
export type MaxPool3d = PoolLayerType;
export type AvgPool1d = PoolLayerType;
export type AvgPool2d = PoolLayerType;
export type AvgPool3d = PoolLayerType;
export type AdaUnpool1d = UnpoolLayerType;
export type AdaUnpool2d = UnpoolLayerType;
export type AdaUnpool3d = UnpoolLayerType;
export type EmPool1d = PoolLayerType;
export type EmPool2d = PoolLayerType;
export type EmPool3d = PoolLayerType;
export type TfPoolLayer = PoolLayerType;
export type TfUnpoolLayer = UnpoolLayerType;
export { withTfjs } from './tfjs-bind.js';
export type * from './tfjs-bind.js';
export { METHODS, RANKS, type BetaForm, type MethodKey, type Rank } from './methods.js';
export { AdaPoolError } from '@adapool/core';
