// @adapool/layers/tfjs: the adapter's names and their types, from the op descriptors.
// Generated from core's op descriptors (packages/core/src/ops/) by scripts/generate.ts: do not edit.
// `npm run generate` rewrites it; tests/generated.test.ts fails when it is stale.

import type * as core from '@adapool/core';
import type { LayerArgs, TfAdaPoolConfig, TfAdaPoolFactory, TfAdaPoolOp, TfPoolConfig, TfPoolFactory, TfPoolLayerClass, TfPoolOp, TfPoolOptions, TfUnpoolFactory, TfUnpoolLayerClass, TfUnpoolOp } from './tfjs-bind.js';

/** avgPool's options in the adapter: the common ones and its own (OPERATORS.md 4.1). */
export interface TfAvgPoolOptions extends TfPoolOptions, Pick<core.AvgPoolOptions, 'countIncludePad'> {}
export interface TfAvgPoolConfig extends TfAvgPoolOptions, LayerArgs {}

/** idwPool's options in the adapter: the common ones and its own (OPERATORS.md 4.5). */
export interface TfIdwPoolOptions extends TfPoolOptions, Pick<core.IdwPoolOptions, 'idwEps'> {}
export interface TfIdwPoolConfig extends TfIdwPoolOptions, LayerArgs {}

/** lpPool's options in the adapter: the common ones and its own (OPERATORS.md 4.2a). */
export interface TfLpPoolOptions extends TfPoolOptions, Pick<core.LpPoolOptions, 'p'> {}
export interface TfLpPoolConfig extends TfLpPoolOptions, LayerArgs {}

/** The layer classes, by class name (a saved model names them so: `"class_name": "AdaPool2d"`). */
export interface TfjsClasses {
  readonly AvgPool1d: TfPoolLayerClass<TfAvgPoolConfig>;
  readonly AvgPool2d: TfPoolLayerClass<TfAvgPoolConfig>;
  readonly AvgPool3d: TfPoolLayerClass<TfAvgPoolConfig>;
  readonly MaxPool1d: TfPoolLayerClass<TfPoolConfig>;
  readonly MaxPool2d: TfPoolLayerClass<TfPoolConfig>;
  readonly MaxPool3d: TfPoolLayerClass<TfPoolConfig>;
  readonly SoftPool1d: TfPoolLayerClass<TfPoolConfig>;
  readonly SoftPool2d: TfPoolLayerClass<TfPoolConfig>;
  readonly SoftPool3d: TfPoolLayerClass<TfPoolConfig>;
  readonly EmPool1d: TfPoolLayerClass<TfPoolConfig>;
  readonly EmPool2d: TfPoolLayerClass<TfPoolConfig>;
  readonly EmPool3d: TfPoolLayerClass<TfPoolConfig>;
  readonly EDSCWPool1d: TfPoolLayerClass<TfPoolConfig>;
  readonly EDSCWPool2d: TfPoolLayerClass<TfPoolConfig>;
  readonly EDSCWPool3d: TfPoolLayerClass<TfPoolConfig>;
  readonly IDWPool1d: TfPoolLayerClass<TfIdwPoolConfig>;
  readonly IDWPool2d: TfPoolLayerClass<TfIdwPoolConfig>;
  readonly IDWPool3d: TfPoolLayerClass<TfIdwPoolConfig>;
  readonly AdaPool1d: TfPoolLayerClass<TfAdaPoolConfig>;
  readonly AdaPool2d: TfPoolLayerClass<TfAdaPoolConfig>;
  readonly AdaPool3d: TfPoolLayerClass<TfAdaPoolConfig>;
  readonly LpPool1d: TfPoolLayerClass<TfLpPoolConfig>;
  readonly LpPool2d: TfPoolLayerClass<TfLpPoolConfig>;
  readonly LpPool3d: TfPoolLayerClass<TfLpPoolConfig>;
  readonly AdaUnpool1d: TfUnpoolLayerClass;
  readonly AdaUnpool2d: TfUnpoolLayerClass;
  readonly AdaUnpool3d: TfUnpoolLayerClass;
}

/** Layer factory with a config (or nothing), functional op when the first argument is a tf.Tensor. */
export interface TfjsFactories {
  readonly avgPool1d: TfPoolFactory<TfAvgPoolOptions>;
  readonly avgPool2d: TfPoolFactory<TfAvgPoolOptions>;
  readonly avgPool3d: TfPoolFactory<TfAvgPoolOptions>;
  readonly maxPool1d: TfPoolFactory<TfPoolOptions>;
  readonly maxPool2d: TfPoolFactory<TfPoolOptions>;
  readonly maxPool3d: TfPoolFactory<TfPoolOptions>;
  readonly emPool1d: TfPoolFactory<TfPoolOptions>;
  readonly emPool2d: TfPoolFactory<TfPoolOptions>;
  readonly emPool3d: TfPoolFactory<TfPoolOptions>;
  readonly softPool1d: TfPoolFactory<TfPoolOptions>;
  readonly softPool2d: TfPoolFactory<TfPoolOptions>;
  readonly softPool3d: TfPoolFactory<TfPoolOptions>;
  readonly edscwPool1d: TfPoolFactory<TfPoolOptions>;
  readonly edscwPool2d: TfPoolFactory<TfPoolOptions>;
  readonly edscwPool3d: TfPoolFactory<TfPoolOptions>;
  readonly idwPool1d: TfPoolFactory<TfIdwPoolOptions>;
  readonly idwPool2d: TfPoolFactory<TfIdwPoolOptions>;
  readonly idwPool3d: TfPoolFactory<TfIdwPoolOptions>;
  readonly adaPool1d: TfAdaPoolFactory;
  readonly adaPool2d: TfAdaPoolFactory;
  readonly adaPool3d: TfAdaPoolFactory;
  readonly lpPool1d: TfPoolFactory<TfLpPoolOptions>;
  readonly lpPool2d: TfPoolFactory<TfLpPoolOptions>;
  readonly lpPool3d: TfPoolFactory<TfLpPoolOptions>;
  readonly adaUnpool1d: TfUnpoolFactory;
  readonly adaUnpool2d: TfUnpoolFactory;
  readonly adaUnpool3d: TfUnpoolFactory;
}

/** Functional ops only (`ops.softPool2d(x, options)`). */
export interface TfOps {
  readonly avgPool1d: TfPoolOp<TfAvgPoolOptions>;
  readonly avgPool2d: TfPoolOp<TfAvgPoolOptions>;
  readonly avgPool3d: TfPoolOp<TfAvgPoolOptions>;
  readonly maxPool1d: TfPoolOp<TfPoolOptions>;
  readonly maxPool2d: TfPoolOp<TfPoolOptions>;
  readonly maxPool3d: TfPoolOp<TfPoolOptions>;
  readonly emPool1d: TfPoolOp<TfPoolOptions>;
  readonly emPool2d: TfPoolOp<TfPoolOptions>;
  readonly emPool3d: TfPoolOp<TfPoolOptions>;
  readonly softPool1d: TfPoolOp<TfPoolOptions>;
  readonly softPool2d: TfPoolOp<TfPoolOptions>;
  readonly softPool3d: TfPoolOp<TfPoolOptions>;
  readonly edscwPool1d: TfPoolOp<TfPoolOptions>;
  readonly edscwPool2d: TfPoolOp<TfPoolOptions>;
  readonly edscwPool3d: TfPoolOp<TfPoolOptions>;
  readonly idwPool1d: TfPoolOp<TfIdwPoolOptions>;
  readonly idwPool2d: TfPoolOp<TfIdwPoolOptions>;
  readonly idwPool3d: TfPoolOp<TfIdwPoolOptions>;
  readonly adaPool1d: TfAdaPoolOp;
  readonly adaPool2d: TfAdaPoolOp;
  readonly adaPool3d: TfAdaPoolOp;
  readonly lpPool1d: TfPoolOp<TfLpPoolOptions>;
  readonly lpPool2d: TfPoolOp<TfLpPoolOptions>;
  readonly lpPool3d: TfPoolOp<TfLpPoolOptions>;
  readonly adaUnpool1d: TfUnpoolOp;
  readonly adaUnpool2d: TfUnpoolOp;
  readonly adaUnpool3d: TfUnpoolOp;
}

export const CLASS_NAMES = ['AvgPool1d', 'AvgPool2d', 'AvgPool3d', 'MaxPool1d', 'MaxPool2d', 'MaxPool3d', 'SoftPool1d', 'SoftPool2d', 'SoftPool3d', 'EmPool1d', 'EmPool2d', 'EmPool3d', 'EDSCWPool1d', 'EDSCWPool2d', 'EDSCWPool3d', 'IDWPool1d', 'IDWPool2d', 'IDWPool3d', 'AdaPool1d', 'AdaPool2d', 'AdaPool3d', 'LpPool1d', 'LpPool2d', 'LpPool3d', 'AdaUnpool1d', 'AdaUnpool2d', 'AdaUnpool3d'] as const;
export const FACTORY_NAMES = ['avgPool1d', 'avgPool2d', 'avgPool3d', 'maxPool1d', 'maxPool2d', 'maxPool3d', 'emPool1d', 'emPool2d', 'emPool3d', 'softPool1d', 'softPool2d', 'softPool3d', 'edscwPool1d', 'edscwPool2d', 'edscwPool3d', 'idwPool1d', 'idwPool2d', 'idwPool3d', 'adaPool1d', 'adaPool2d', 'adaPool3d', 'lpPool1d', 'lpPool2d', 'lpPool3d', 'adaUnpool1d', 'adaUnpool2d', 'adaUnpool3d'] as const;
