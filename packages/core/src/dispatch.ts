/**
 * Runs a validated plan on a backend: picks the backend (per-call option, default, or 'auto'),
 * moves inputs that live elsewhere, falls back to `js` (warning once) when a backend lacks a
 * kernel or declines a plan, and frees every temporary it made, also when the kernel throws.
 */
import type { Backend, KernelName } from './backend.js';
import { AdaPoolError } from './errors.js';
import type { PoolPlan } from './plan.js';
import { autoCandidates, backendByName, getBackend, jsBackendInstance } from './registry.js';
import { Tensor, tensorSlot, type DType } from './tensor.js';
import { moveSync } from './transfer.js';

const warned = new Set<string>();
function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  console.warn(message);
}

function unsupportedReason(b: Backend, kernel: KernelName, plan: PoolPlan): string | undefined {
  if (typeof b.kernels[kernel] !== 'function') return `has no ${kernel} kernel`;
  const s = b.supports ? b.supports(kernel, plan) : true;
  return s === true ? undefined : s;
}

/** The backend that will run `kernel` for `plan`. */
export function chooseBackend(op: string, kernel: KernelName, plan: PoolPlan, home: Backend, requested: string | undefined): Backend {
  const name = requested ?? getBackend();
  const js = jsBackendInstance();
  if (name !== 'auto') {
    const b = backendByName(op, name);
    const why = unsupportedReason(b, kernel, plan);
    if (why === undefined) return b;
    warnOnce(`${b.name}\u0000${kernel}\u0000${why}`, `adapool: ${op}: backend '${b.name}' ${why}; computing it on 'js' instead (warned once)`);
    return js;
  }
  if (home !== js && unsupportedReason(home, kernel, plan) === undefined) return home;
  const work = Math.max(plan.outputElements, plan.inputElements) * plan.windowSize;
  for (const b of autoCandidates()) {
    if (work >= (b.auto?.minWork ?? 0) && unsupportedReason(b, kernel, plan) === undefined) return b;
  }
  return js;
}

/**
 * Runs `call` on the chosen backend with handles for `inputs` (undefined entries pass through),
 * moving tensors between backends as needed and disposing the moved copies afterwards.
 */
export function execute<R>(
  op: string,
  kernel: KernelName,
  plan: PoolPlan,
  inputs: readonly (Tensor | undefined)[],
  requested: string | undefined,
  call: (backend: Backend, handles: unknown[]) => R,
): { backend: Backend; result: R } {
  const first = inputs[0]!;
  const backend = chooseBackend(op, kernel, plan, tensorSlot(first, op).backend, requested);
  // the size check comes before any input is moved in (moving allocates on the target)
  backend.checkSize?.(kernel, plan, inputs.flatMap((t) => (t && tensorSlot(t, op).backend !== backend ? [4 * t.size] : [])));
  const temps: unknown[] = [];
  try {
    const handles = inputs.map((t) => {
      if (!t) return undefined;
      const s = tensorSlot(t, op);
      if (s.backend === backend) return s.handle;
      const gone = s.backend.unusable?.();
      if (gone) throw new AdaPoolError('DEVICE', op, `${op}: inputs must live on a usable backend, got a tensor of backend '${s.backend.name}' ${gone}`);
      const h = moveSync(op, s.backend, s.handle, backend, t.dtype);
      if (h === undefined) {
        const where = s.backend.name === backend.name ? `an earlier backend also named '${s.backend.name}'` : `'${s.backend.name}'`;
        throw new AdaPoolError(
          'BACKEND',
          op,
          `${op}: inputs must be movable to backend '${backend.name}' synchronously (move them with await x.to('${backend.name}'), or run on the backend they live on), got a tensor on ${where}`,
        );
      }
      temps.push(h);
      return h;
    });
    return { backend, result: call(backend, handles) };
  } finally {
    for (const h of temps) backend.dispose(h);
  }
}

/**
 * Wraps the handles a kernel returned into Tensors. If any requested result is missing (a
 * backend bug), frees the ones that came and throws, so nothing leaks.
 */
export function wrapAll(backend: Backend, results: readonly (readonly [handle: unknown, shape: readonly number[], dtype: DType])[]): Tensor[] {
  const missing = results.find(([h]) => h === undefined || h === null);
  if (missing) {
    for (const [h] of results) if (h !== undefined && h !== null) backend.dispose(h);
    throw new AdaPoolError('BACKEND', backend.name, `${backend.name}: a kernel must return every requested result, got none for a ${missing[2]} tensor of shape [${missing[1].join(',')}]`);
  }
  return results.map(([h, shape, dtype]) => new Tensor(backend, h, shape, dtype));
}
