/**
 * Moving data into and between backends, with as few copies as each pair allows:
 * caller data → backend (`write`: one copy straight into its memory), and backend → backend
 * (`view` of CPU-visible memory → `write`: one copy; otherwise a read then `upload`).
 */
import type { Backend, DType, TensorData, TypedArray } from './backend.js';
import { AdaPoolError } from './errors.js';

/** Throws `DTYPE` unless `backend` can hold `dtype`. */
export function checkHolds(op: string, backend: Backend, dtype: DType): void {
  if (backend.dtypes && !backend.dtypes.includes(dtype)) {
    throw new AdaPoolError('DTYPE', op, `${op}: dtype must be one backend '${backend.name}' can hold (${backend.dtypes.join(', ')}), got '${dtype}'`);
  }
}

const sameType = (data: TensorData, dtype: DType) => (dtype === 'int32' ? data instanceof Int32Array : data instanceof Float32Array);

/**
 * A new handle on `backend` holding a copy of `data` (already validated) as `dtype`; `owned`: `data`
 * is a typed array of `dtype` that nothing else holds, which `upload` may take as it is.
 */
export function writeData(op: string, backend: Backend, data: TensorData, dtype: DType, owned = false): unknown {
  checkHolds(op, backend, dtype);
  if (backend.write) return backend.write(data, dtype, op);
  if (owned && sameType(data, dtype)) return backend.upload(data as TypedArray, op);
  return backend.upload(dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data), op);
}

/**
 * A copy of `handle` (on `from`) on another backend `to`, synchronously; `undefined` when `from`
 * cannot be read synchronously (GPU memory).
 */
export function moveSync(op: string, from: Backend, handle: unknown, to: Backend, dtype: DType): unknown {
  if (from !== to && from.view) return writeData(op, to, from.view(handle), dtype);
  checkHolds(op, to, dtype);
  if (!from.readSync) return undefined;
  return to.upload(from.readSync(handle), op);
}

/** A copy of `handle` (on `from`) on `to`, from any backend. */
export async function move(op: string, from: Backend, handle: unknown, to: Backend, dtype: DType): Promise<unknown> {
  const h = moveSync(op, from, handle, to, dtype);
  if (h !== undefined) return h;
  return to.upload(await from.read(handle), op);
}
