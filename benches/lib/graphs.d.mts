export declare const OPSET: number;
/** ONNX model bytes of the anchor composition (forward) or its vector-Jacobian product (backward). */
export declare function poolModel(
  op: 'softPool' | 'maxPool' | 'avgPool' | 'lpPool',
  dir: 'forward' | 'backward',
  shape: number[],
  kernel: number | number[],
  stride?: number | number[],
): Uint8Array;
/** ONNX model bytes of y = Exp(x). */
export declare function expModel(shape: number[]): Uint8Array;
