import type { Backend, DType, TensorData, TypedArray } from './backend.js';
import { AdaPoolError, Raw, fail } from './errors.js';
import { assertBackendName, backendByName, placementBackend } from './registry.js';
import { move, writeData } from './transfer.js';

export type { DType, TensorData } from './backend.js';

interface Slot {
  backend: Backend;
  handle: unknown;
  disposed: boolean;
}

const slots = new WeakMap<Tensor, Slot>();

/**
 * An N-d array of float32 or int32 values held by a backend (CPU memory for `js`, Wasm memory,
 * a GPU buffer…). Immutable: ops never write to their inputs.
 */
export class Tensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;

  /** @internal Use `tensor()`; backends' results are wrapped by the op layer. */
  constructor(backend: Backend, handle: unknown, shape: readonly number[], dtype: DType) {
    this.shape = Object.freeze(shape.slice());
    this.dtype = dtype;
    this.size = shapeSize(shape);
    slots.set(this, { backend, handle, disposed: false });
  }

  /** Name of the backend that holds the data. */
  get backend(): string {
    return slot(this, 'Tensor.backend', false).backend.name;
  }

  get isDisposed(): boolean {
    return slots.get(this)?.disposed ?? true;
  }

  /** A fresh copy of the data. Works on every backend. */
  read(): Promise<TypedArray> {
    try {
      const s = slot(this, 'Tensor.read');
      return Promise.resolve(s.backend.read(s.handle));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** A fresh copy of the data, synchronously; only for backends that hold data in CPU-visible memory. */
  readSync(): TypedArray {
    const s = slot(this, 'Tensor.readSync');
    if (!s.backend.readSync) {
      fail('UNSUPPORTED', 'Tensor.readSync', 'the tensor must live on a backend with synchronous reads (use read())', new Raw(`a tensor on '${s.backend.name}'`));
    }
    return s.backend.readSync(s.handle);
  }

  /**
   * A copy of this tensor on backend `name` (a registered name, or `'auto'` for where `tensor()`
   * would put it); this tensor stays valid. Works for every pair of backends.
   */
  async to(name: string): Promise<Tensor> {
    const op = 'Tensor.to';
    const s = slot(this, op);
    assertBackendName(op, name);
    const target = name === 'auto' ? placementBackend() : backendByName(op, name);
    const handle = await move(op, s.backend, s.handle, target, this.dtype);
    return new Tensor(target, handle, this.shape, this.dtype);
  }

  /** Frees the backend memory. Any later use (including a second dispose) throws `DISPOSED`. */
  dispose(): void {
    const s = slot(this, 'Tensor.dispose');
    s.disposed = true;
    s.backend.dispose(s.handle);
    s.handle = undefined;
  }

  toString(): string {
    return `Tensor(${this.dtype}, [${this.shape.join(',')}], ${this.isDisposed ? 'disposed' : this.backend})`;
  }
}

function slot(t: Tensor, op: string, checkDisposed = true): Slot {
  const s = slots.get(t);
  if (!s) fail('DTYPE', op, 'expected a Tensor created by @adapool/core', t);
  if (checkDisposed && s.disposed) {
    throw new AdaPoolError('DISPOSED', op, `${op}: tensor must not be disposed, got a disposed tensor of shape [${t.shape.join(',')}]`);
  }
  return s;
}

/** True for a Tensor made by this copy of @adapool/core (disposed or not). */
export function isTensor(t: unknown): t is Tensor {
  return typeof t === 'object' && t !== null && slots.has(t as Tensor);
}

/** @internal The backend and handle behind a live tensor (throws DISPOSED for a disposed one). */
export function tensorSlot(t: Tensor, op: string): { backend: Backend; handle: unknown } {
  return slot(t, op);
}

export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Checks a shape: every dim a finite, non-negative integer. */
export function checkShape(op: string, shape: unknown, what = 'shape'): number[] {
  if (!Array.isArray(shape)) fail('SHAPE', op, `${what} must be an array of non-negative integers`, shape);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      fail('SHAPE', op, `${what} must be an array of non-negative integers`, shape);
    }
  }
  return shape.map((d: number) => d + 0); // normalises -0
}

export interface TensorOptions {
  dtype?: DType;
  /** A registered backend name, or `'auto'`; default: the active backend (`setBackend`). */
  backend?: string;
}

/** `tensor()`'s third argument read once into plain data. */
function tensorOptions(op: string, arg: unknown): { dtype?: DType; backend?: string } {
  if (arg === undefined || typeof arg === 'string') return { dtype: arg as DType | undefined };
  if (arg === null || typeof arg !== 'object') fail('DTYPE', op, "dtype must be 'float32' or 'int32' (or options { dtype?, backend? })", arg);
  if (Array.isArray(arg)) {
    fail('OPTION', op, "the third argument must be a dtype ('float32' or 'int32') or an options object { dtype?, backend? }", arg);
  }
  for (const key of Object.keys(arg)) {
    if (key !== 'dtype' && key !== 'backend') fail('OPTION', op, 'options must be among dtype, backend', new Raw(`unknown option ${JSON.stringify(key)}`));
  }
  const { dtype, backend } = arg as Record<string, unknown>;
  if (dtype !== undefined && typeof dtype !== 'string') fail('DTYPE', op, "dtype must be 'float32' or 'int32'", dtype);
  if (backend !== undefined) assertBackendName(op, backend);
  return { dtype: dtype as DType | undefined, backend: backend as string | undefined };
}

/**
 * Creates a tensor from a copy of `data`, written straight into the memory of the backend named by
 * `options.backend`, or else of the active backend (`setBackend`; under `'auto'`, the backend
 * `'auto'` would run a large op on). `dtype` defaults to the typed array's type (`float32` for
 * plain arrays); `tensor(data, shape, 'int32')` is short for `{ dtype: 'int32' }`.
 */
export function tensor(data: TensorData, shape: readonly number[], options?: DType | TensorOptions): Tensor {
  const op = 'tensor';
  const { dtype, backend: name } = tensorOptions(op, options);
  const dims = checkShape(op, shape);
  if (data === null || typeof data !== 'object' || typeof (data as ArrayLike<number>).length !== 'number') {
    fail('DTYPE', op, 'data must be a Float32Array, Int32Array or array of numbers', data);
  }
  if (!ArrayBuffer.isView(data)) {
    for (let i = 0; i < data.length; i++) {
      if (typeof data[i] !== 'number') fail('DTYPE', op, 'data must hold numbers', new Raw(`${typeof data[i]} at index ${i}`));
    }
  }
  const dt: DType = dtype ?? (data instanceof Int32Array ? 'int32' : 'float32');
  if (dt !== 'float32' && dt !== 'int32') fail('DTYPE', op, "dtype must be 'float32' or 'int32'", dt);
  const size = shapeSize(dims);
  if (data.length !== size) {
    fail('SHAPE', op, `data length must equal the product of shape [${dims.join(',')}] = ${size}`, data.length);
  }
  if (dt === 'int32') {
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
        fail('DTYPE', op, 'int32 data must hold 32-bit integers', new Raw(`${v} at index ${i}`));
      }
    }
  }
  const backend = name === undefined || name === 'auto' ? placementBackend() : backendByName(op, name);
  return new Tensor(backend, writeData(op, backend, data, dt), dims, dt);
}
