/**
 * `tensor()`'s input: the shape, the dtype and the data, each read exactly once and checked,
 * into a fresh Float32Array / Int32Array that nothing else holds.
 *
 * Accepted data: Float32Array and Int32Array (copied), any other numeric typed array
 * (Float64Array, Uint8Array, Int16Array, Uint8ClampedArray, Float16Array, …: converted, its
 * values checked like an array's), and arrays or array-likes of numbers. Rejected: BigInt64Array
 * and BigUint64Array (their elements are BigInts, which do not convert to float32 exactly),
 * DataView and anything else, with `DTYPE`.
 */
import { Raw, fail } from './errors.js';
import { readArray, readGuarded } from './read.js';
import type { DType } from './backend.js';
import { shapeSize } from './tensor.js';

const DATA_MUST = 'data must be a Float32Array, Int32Array, another numeric typed array or an array of numbers';

/** Checks a shape (read once): every dim a finite, non-negative integer. */
export function checkShape(op: string, shape: unknown, what = 'shape'): number[] {
  const must = `${what} must be an array of non-negative integers`;
  const dims = readGuarded('SHAPE', op, what, () => {
    if (!Array.isArray(shape)) fail('SHAPE', op, must, shape);
    const n = shape.length;
    if (n > 64) fail('SHAPE', op, `${what} must have at most 64 dims`, new Raw(`${n} dims`));
    return readArray(shape, n);
  });
  for (const d of dims) if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) fail('SHAPE', op, must, dims);
  return dims.map((d) => (d as number) + 0); // normalises -0
}

/**
 * The data of `tensor(data, shape, dtype)` read once and checked: its dims, dtype and values. A
 * Float32Array / Int32Array of the dtype comes back as is (`owned: false`: the caller copies it
 * once, straight into backend memory); anything else is read once into a fresh typed array
 * (`owned: true`: nothing else holds it).
 */
export function readTensorData(op: string, data: unknown, shape: unknown, dtype: unknown): { dims: number[]; dtype: DType; values: Float32Array | Int32Array; owned: boolean } {
  const dims = checkShape(op, shape);
  if (dtype !== undefined && dtype !== 'float32' && dtype !== 'int32') fail('DTYPE', op, "dtype must be 'float32' or 'int32'", dtype);
  if (data === null || typeof data !== 'object') fail('DTYPE', op, DATA_MUST, data);
  return readGuarded('DTYPE', op, 'data', () => {
    const typed = ArrayBuffer.isView(data);
    if (data instanceof BigInt64Array || data instanceof BigUint64Array) fail('DTYPE', op, `${DATA_MUST} (BigInt arrays are not converted)`, data);
    if (typed && data instanceof DataView) fail('DTYPE', op, DATA_MUST, data);
    const length = (data as ArrayLike<unknown>).length;
    if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) fail('DTYPE', op, DATA_MUST, data);
    const dt: DType = (dtype as DType | undefined) ?? (data instanceof Int32Array ? 'int32' : 'float32');
    const size = shapeSize(dims);
    if (length !== size) fail('SHAPE', op, `data length must equal the product of shape [${dims.join(',')}] = ${size}`, length);
    if (data instanceof Float32Array && dt === 'float32') return { dims, dtype: dt, values: data, owned: false };
    if (data instanceof Int32Array && dt === 'int32') return { dims, dtype: dt, values: data, owned: false };
    const values = dt === 'float32' ? new Float32Array(size) : new Int32Array(size);
    const src = data as ArrayLike<unknown>;
    for (let i = 0; i < size; i++) {
      const v = src[i]; // read once
      if (typeof v !== 'number') fail('DTYPE', op, 'data must hold numbers', new Raw(`${v === null ? 'null' : typeof v} at index ${i}`));
      if (dt === 'int32' && (!Number.isInteger(v) || v < -2147483648 || v > 2147483647)) {
        fail('DTYPE', op, 'int32 data must hold 32-bit integers', new Raw(`${v} at index ${i}`));
      }
      values[i] = v;
    }
    return { dims, dtype: dt, values, owned: true };
  });
}
