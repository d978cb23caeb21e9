/**
 * The backend registry. Nothing registers itself on import: the reference backend `js` is created
 * on first use and is always present; other backends are registered by the caller
 * (`registerBackend(await createWasmBackend())`).
 */
import type { Backend } from './backend.js';
import { POOL_METHODS, type PoolMethod } from './ops/index.js';
import { AdaPoolError, fail } from './errors.js';
import { readGuarded } from './read.js';
import { jsBackend } from './backends/js.js';

const registered = new Map<string, Backend>();
let current = 'auto';
let js: Backend | undefined;

/** @internal The reference backend (created on first use). */
export function jsBackendInstance(): Backend {
  if (!js) {
    js = jsBackend(); // each op adds its reference kernels on first call (backends/js.ts)
    registered.set('js', js);
  }
  return js;
}

/** Registers (or replaces, e.g. after a lost GPU device) a backend under `backend.name`. */
export function registerBackend(backend: Backend): void {
  const op = 'registerBackend';
  if (!backend || typeof backend !== 'object') fail('BACKEND', op, 'backend must be a Backend object', backend);
  readGuarded('BACKEND', op, 'backend', () => {
    const name = backend.name;
    if (typeof name !== 'string' || !/^[A-Za-z][\w-]*$/.test(name)) fail('BACKEND', op, 'backend.name must be an identifier', name);
    if (name === 'auto') fail('BACKEND', op, "backend.name must not be the reserved name 'auto'", name);
    if (name === 'js') fail('BACKEND', op, "the reference backend 'js' is built in and cannot be replaced", name);
    for (const fn of ['upload', 'read', 'dispose'] as const) {
      if (typeof backend[fn] !== 'function') fail('BACKEND', op, `backend.${fn} must be a function`, backend[fn]);
    }
    if (!backend.kernels || typeof backend.kernels !== 'object') fail('BACKEND', op, 'backend.kernels must be an object', backend.kernels);
    jsBackendInstance();
    registered.set(name, backend);
  });
}

/** Removes a registered backend (not `js`). Tensors it holds stay valid objects but their data goes with the backend. */
export function removeBackend(name: string): boolean {
  if (typeof name !== 'string') fail('BACKEND', 'removeBackend', 'name must be a backend name string', name);
  if (name === 'js') fail('BACKEND', 'removeBackend', "the reference backend 'js' cannot be removed", name);
  if (current === name) current = 'auto';
  return registered.delete(name);
}

/** Names of the registered backends (`js` always among them). */
export function listBackends(): string[] {
  jsBackendInstance();
  return [...registered.keys()];
}

/** Selects the default backend: a registered name or `'auto'`. */
export function setBackend(name: string): void {
  assertBackendName('setBackend', name);
  current = name;
}

/** The default backend's name (`'auto'` unless set). */
export function getBackend(): string {
  return current;
}

/** @internal Throws `BACKEND` unless `name` is `'auto'` or registered. */
export function assertBackendName(op: string, name: unknown): asserts name is string {
  if (name === 'auto') return;
  jsBackendInstance();
  if (typeof name !== 'string' || !registered.has(name)) {
    fail('BACKEND', op, `backend must be 'auto' or a registered backend (${[...registered.keys()].join(', ')})`, name);
  }
}

/**
 * The pooling methods a registered backend implements (its forward and gradient kernels); `js`
 * has every one (each op brings its reference kernels). The parity suite prints a skip for the rest.
 */
export function backendMethods(name: string): PoolMethod[] {
  const b = backendByName('backendMethods', name);
  if (b === jsBackendInstance()) return [...POOL_METHODS];
  return POOL_METHODS.filter((m) => b.kernels[`${m}Pool`] !== undefined && b.kernels[`${m}PoolGrad`] !== undefined);
}

/** @internal A registered backend by name. */
export function backendByName(op: string, name: string): Backend {
  jsBackendInstance();
  const b = registered.get(name);
  if (!b) throw new AdaPoolError('BACKEND', op, `${op}: backend must be registered, got ${JSON.stringify(name)}`);
  return b;
}

/**
 * @internal Where `tensor()` puts a tensor when no backend is named: the active backend, or under
 * `'auto'` the backend `'auto'` would run a large op on (the highest-priority registered backend
 * with an `auto` ranking and a finite `minWork`; `js` when there is none).
 */
export function placementBackend(): Backend {
  if (current !== 'auto') return backendByName('tensor', current);
  return autoCandidates().find((b) => Number.isFinite(b.auto!.minWork ?? 0)) ?? jsBackendInstance();
}

/** @internal The backend `name` names for data (`'auto'` or none: where `tensor()` places it). */
export function dataBackend(op: string, name: string | undefined): Backend {
  return name === undefined || name === 'auto' ? placementBackend() : backendByName(op, name);
}

/**
 * @internal Registered backends in `'auto'` order (highest priority first); a backend that says it
 * is unusable (a lost GPU device, a destroyed backend) is not one.
 */
export function autoCandidates(): Backend[] {
  jsBackendInstance();
  return [...registered.values()]
    .filter((b) => b.auto !== undefined && !b.unusable?.())
    .sort((a, b) => (b.auto!.priority ?? 0) - (a.auto!.priority ?? 0));
}
