/// <reference types="@webgpu/types" />
/**
 * A pool of GPU buffers keyed by (usage, size bucket). Buffers return to it on `dispose()` and are
 * reused; reuse is safe without waiting for the GPU because every later use is ordered after
 * earlier submissions on the one queue (writeBuffer, submit). Free bytes above a cap are destroyed.
 */
export const USAGE = { MAP_READ: 1, COPY_SRC: 4, COPY_DST: 8, UNIFORM: 64, STORAGE: 128, QUERY_RESOLVE: 512 } as const;
export const MAP_READ_MODE = 1;

/** Size classes: powers of two up to 1 MiB, then multiples of 1 MiB (min 16 bytes). */
export function bucketSize(bytes: number): number {
  const b = Math.max(16, bytes);
  if (b <= 1 << 20) return 2 ** Math.ceil(Math.log2(b));
  return Math.ceil(b / (1 << 20)) * (1 << 20);
}

export interface PoolStats {
  /** Buffers ever created by the pool. */
  created: number;
  /** Buffers alive now (in use or pooled). */
  live: number;
  /** Buffers waiting in the pool. */
  pooled: number;
  pooledBytes: number;
}

/** @internal */
export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  private created = 0;
  private destroyed = 0;
  private pooled = 0;
  private pooledBytes = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly maxBufferSize: number,
    private readonly maxPooledBytes = 256 << 20,
  ) {}

  acquire(usage: number, bytes: number, label: string): GPUBuffer {
    let size = bucketSize(bytes);
    if (size > this.maxBufferSize) size = Math.ceil(Math.max(bytes, 16) / 4) * 4;
    const list = this.free.get(`${usage}:${size}`);
    const reused = list?.pop();
    if (reused) {
      this.pooled--;
      this.pooledBytes -= size;
      reused.label = `adapool:${label}`;
      return reused;
    }
    this.created++;
    return this.device.createBuffer({ label: `adapool:${label}`, size, usage });
  }

  release(buffer: GPUBuffer): void {
    if (this.pooledBytes + buffer.size > this.maxPooledBytes) {
      buffer.destroy();
      this.destroyed++;
      return;
    }
    const key = `${buffer.usage}:${buffer.size}`;
    let list = this.free.get(key);
    if (!list) this.free.set(key, (list = []));
    buffer.label = 'adapool:pooled';
    list.push(buffer);
    this.pooled++;
    this.pooledBytes += buffer.size;
  }

  /** Destroys every pooled buffer. */
  clear(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.destroyed += this.pooled;
    this.free.clear();
    this.pooled = 0;
    this.pooledBytes = 0;
  }

  stats(): PoolStats {
    return { created: this.created, live: this.created - this.destroyed, pooled: this.pooled, pooledBytes: this.pooledBytes };
  }
}
