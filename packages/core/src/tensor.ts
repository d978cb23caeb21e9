import type { Backend, DType, TensorData, TypedArray } from './backend.js';
import { readTensorData } from './data.js';
import { readOptions } from './read.js';
import { AdaPoolError, Raw, fail } from './errors.js';
import { assertBackendName, dataBackend } from './registry.js';
import { move, writeData } from './transfer.js';

export type { DType, TensorData } from './backend.js';
export { checkShape } from './data.js';

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

  /**
   * A fresh copy of the data. Works on every backend. With `{ into }` (a Float32Array for
   * float32, an Int32Array for int32, of `size` elements) the data is copied into that array
   * instead, and the promise resolves to it: a loop that reads results of one shape into the same
   * array allocates nothing (a fresh array of a few MB costs the page faults of fresh memory,
   * often more than the copy).
   */
  read(options?: ReadOptions): Promise<TypedArray> {
    try {
      const { backend: b, handle: h } = slot(this, 'Tensor.read');
      const into = readTarget('Tensor.read', this, options);
      if (!into) return Promise.resolve(b.read(h));
      // one copy from CPU-visible memory, else the backend's own, else through a fresh copy
      if (b.view) return Promise.resolve(fill(into, b.view(h)));
      if (b.readInto) return Promise.resolve(b.readInto(h, into)).then(() => into);
      return Promise.resolve(b.read(h)).then((d) => fill(into, d));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * A fresh copy of the data (or, with `{ into }`, the data copied into that array, as `read`),
   * synchronously; only for backends that hold data in CPU-visible memory.
   */
  readSync(options?: ReadOptions): TypedArray {
    const op = 'Tensor.readSync';
    const { backend: b, handle: h } = slot(this, op);
    if (!b.readSync) fail('UNSUPPORTED', op, 'the tensor must live on a backend with synchronous reads (use read())', new Raw(`a tensor on '${b.name}'`));
    const into = readTarget(op, this, options);
    return into ? fill(into, b.view ? b.view(h) : b.readSync(h)) : b.readSync(h);
  }

  /**
   * A copy of this tensor on backend `name` (a registered name, or `'auto'` for where `tensor()`
   * would put it); this tensor stays valid. Works for every pair of backends.
   */
  async to(name: string): Promise<Tensor> {
    const op = 'Tensor.to';
    const s = slot(this, op);
    assertBackendName(op, name);
    const target = dataBackend(op, name);
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

/** `read` / `readSync` options: `into`, an array of the tensor's dtype and size to copy into. */
export interface ReadOptions {
  into?: Float32Array | Int32Array;
}

// %TypedArray%.prototype's own getters and set: what an array is, whatever its instance defines
const TYPED = Object.getPrototypeOf(Int8Array.prototype) as object;
const typedGet = (key: PropertyKey) => Object.getOwnPropertyDescriptor(TYPED, key)!.get!;
const typedName = typedGet(Symbol.toStringTag);
const typedLength = typedGet('length');
const typedBytes = typedGet('byteLength');
const typedSet = (TYPED as { set: (this: TypedArray, src: TypedArray) => void }).set;
/** `src` copied into `into` (by %TypedArray%'s set, whatever `into` defines), and `into`. */
const fill = (into: TypedArray, src: TypedArray): TypedArray => (typedSet.call(into, src), into);

/** The `into` array of `read`/`readSync` options, checked (undefined without one). */
function readTarget(op: string, t: Tensor, options: unknown): TypedArray | undefined {
  if (options === undefined) return undefined;
  const into = readOptions(op, options, ['into']).into as TypedArray | undefined;
  if (into === undefined) return undefined;
  const want = t.dtype === 'int32' ? 'Int32Array' : 'Float32Array';
  // the array's own type (any realm), not instanceof or a property it could redefine
  if (typedName.call(into) !== want) fail('DTYPE', op, `options.into must be ${t.dtype === 'int32' ? 'an' : 'a'} ${want} (the tensor is ${t.dtype})`, into);
  const n = typedLength.call(into) as number;
  if (n !== t.size) fail('SHAPE', op, `options.into must have the tensor's ${t.size} elements (shape [${t.shape}])`, new Raw(`${n} elements${n === 0 && typedBytes.call(into) === 0 && t.size ? ' (a detached buffer?)' : ''}`));
  return into;
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

export interface TensorOptions {
  dtype?: DType;
  /** A registered backend name, or `'auto'`; default: the active backend (`setBackend`). */
  backend?: string;
}

/** `tensor()`'s third argument read once into plain data. */
function tensorOptions(op: string, arg: unknown): { dtype?: DType; backend?: string } {
  if (arg === undefined || typeof arg === 'string') return { dtype: arg as DType | undefined };
  if (arg === null || typeof arg !== 'object') fail('DTYPE', op, "dtype must be 'float32' or 'int32' (or options { dtype?, backend? })", arg);
  const { dtype, backend } = readOptions(op, arg, ['dtype', 'backend']);
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
  const { dims, dtype: dt, values, owned } = readTensorData(op, data, shape, dtype);
  const backend = dataBackend(op, name);
  return new Tensor(backend, writeData(op, backend, values, dt, owned), dims, dt);
}
