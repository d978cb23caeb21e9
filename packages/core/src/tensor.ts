import type { Backend, TypedArray } from './backend.js';
import { readTensorData } from './data.js';
import { AdaPoolError, Raw, fail } from './errors.js';
import { jsBackendInstance } from './registry.js';

export { checkShape } from './data.js';

export type DType = 'float32' | 'int32';

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

export type TensorData = Float32Array | Int32Array | ArrayLike<number>;

/**
 * Creates a tensor on the reference (`js`) backend from a copy of `data`.
 * `dtype` defaults to the typed array's type (`float32` for plain arrays).
 */
export function tensor(data: TensorData, shape: readonly number[], dtype?: DType): Tensor {
  const { dims, dtype: dt, values } = readTensorData('tensor', data, shape, dtype);
  const js = jsBackendInstance();
  return new Tensor(js, js.upload(values), dims, dt);
}
