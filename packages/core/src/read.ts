/**
 * Reading what a caller passed, exactly once, into plain data. User objects can run code on
 * every read (getters, Proxies, revoked Proxies): everything here reads each property once, in
 * one place, and turns anything such code throws into an `AdaPoolError` (the thrown error as
 * `cause`), so validation and backends only ever see a snapshot that cannot change.
 */
import { AdaPoolError, Raw, fail, type AdaPoolErrorCode } from './errors.js';

/** Runs `read` (which touches a user object); a foreign throw becomes `AdaPoolError(code)` saying what could not be read. */
export function readGuarded<T>(code: AdaPoolErrorCode, op: string, what: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof AdaPoolError) throw e;
    fail(code, op, `${what} must be readable`, new Raw(`an object that threw ${errorText(e)} when read`), e);
  }
}

function errorText(e: unknown): string {
  try {
    const s = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return s.length > 80 ? `${s.slice(0, 80)}…` : s;
  } catch {
    return 'an unprintable value';
  }
}

/** Whether `o` is a plain object: prototype `Object.prototype` (of any realm) or null. */
function isPlainObject(o: object): boolean {
  const proto = Object.getPrototypeOf(o);
  if (proto === null || proto === Object.prototype) return true;
  // another realm's Object.prototype (vm contexts, iframes): itself prototype-less, constructor named Object
  return Object.getPrototypeOf(proto) === null && typeof proto.constructor === 'function' && proto.constructor.name === 'Object';
}

/**
 * An options object read once into a null-prototype snapshot: undefined/null give `{}`; anything
 * but a plain object (arrays, functions, Map, Date, RegExp, class instances, Proxies of those) is
 * rejected; only own enumerable string keys count, each must be in `allowed` (typos are errors,
 * not ignored), and each value is read exactly once. Array values are copied once too (their
 * elements read once), so nothing the caller's objects do later can change the plan.
 */
export function readOptions(op: string, opts: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (opts === undefined || opts === null) return Object.create(null);
  if (typeof opts !== 'object') fail('OPTION', op, 'options must be an object (a plain { … } or Object.create(null))', opts);
  return readGuarded('OPTION', op, 'options', () => {
    if (!isPlainObject(opts)) fail('OPTION', op, 'options must be an object (a plain { … } or Object.create(null))', opts);
    const out: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(opts)) {
      if (!allowed.includes(key)) {
        const near = allowed.find((a) => a.toLowerCase() === key.toLowerCase());
        const hint = near ? ` (did you mean ${JSON.stringify(near)}?)` : '';
        fail('OPTION', op, `options must be among ${allowed.join(', ')}`, new Raw(`unknown option ${JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…` : key)}${hint}`));
      }
      const v = readGuarded('OPTION', op, `options.${key}`, () => (opts as Record<string, unknown>)[key]);
      out[key] = snapshotValue(op, `options.${key}`, v);
    }
    return out;
  });
}

/** Arrays longer than this are not copied: they are kept as a description (every option array is short). */
const COPY_MAX = 1024;

/**
 * A value as read once: arrays copied (elements read once), and arrays inside them (padding's
 * `[begin, end]` pairs) likewise, one level deep; everything else as is.
 */
function snapshotValue(op: string, what: string, v: unknown, depth = 0): unknown {
  if (typeof v !== 'object' || v === null) return v;
  return readGuarded('OPTION', op, what, () => {
    if (!Array.isArray(v)) return v;
    const n = v.length;
    if (n > COPY_MAX) return new Raw(`an array of ${n} elements`);
    const a = readArray(v, n);
    return depth > 0 ? a : a.map((e, i) => snapshotValue(op, `${what}[${i}]`, e, depth + 1));
  });
}

/** The first `n` elements of an array-like, each read exactly once. */
export function readArray(a: ArrayLike<unknown>, n: number): unknown[] {
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = a[i];
  return out;
}
