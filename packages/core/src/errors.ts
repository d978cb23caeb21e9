/** Error codes of OPERATORS.md / API.md. */
export type AdaPoolErrorCode =
  | 'SHAPE'
  | 'OPTION'
  | 'DTYPE'
  | 'BACKEND'
  | 'DISPOSED'
  | 'UNSUPPORTED'
  | 'DEVICE';

/** Every rejected input throws this, with a message in one format: `op: what must hold, got what`. */
export class AdaPoolError extends Error {
  readonly code: AdaPoolErrorCode;
  /** The op (or API function) that rejected the input. */
  readonly op: string;
  constructor(code: AdaPoolErrorCode, op: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AdaPoolError';
    this.code = code;
    this.op = op;
  }
}

/** Throws `AdaPoolError(code, "op: must, got got")`; `cause` (an error a user object threw) is attached. */
export function fail(code: AdaPoolErrorCode, op: string, must: string, got: unknown, cause?: unknown): never {
  throw new AdaPoolError(code, op, `${op}: ${must}, got ${describe(got)}`, cause === undefined ? undefined : { cause });
}

/** The most characters `describe` echoes of a value (then `… (N elements)` or `…`). */
export const ECHO_MAX = 200;
const ECHO_ITEMS = 16;

/**
 * A short, readable rendering of a value for error messages: at most ~ECHO_MAX characters,
 * never recursing without bound (cyclic arrays), and never throwing (revoked Proxies, getters).
 */
export function describe(v: unknown): string {
  let text: string;
  try {
    text = render(v, 0);
  } catch {
    text = 'an unreadable object';
  }
  return text.length > ECHO_MAX + 40 ? `${text.slice(0, ECHO_MAX)}…` : text;
}

function render(v: unknown, depth: number): string {
  if (v instanceof Raw) return v.text;
  if (typeof v === 'string') return JSON.stringify(v.length > ECHO_MAX ? `${v.slice(0, ECHO_MAX)}…` : v);
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v === null || v === undefined || typeof v === 'boolean') return String(v);
  if (typeof v === 'symbol') return v.toString();
  if (typeof v === 'function') return 'a function';
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<number>).length ?? v.byteLength})`;
  if (Array.isArray(v)) {
    if (depth > 2) return 'an array';
    const n = v.length;
    const items: string[] = [];
    let chars = 0;
    for (let i = 0; i < n && i < ECHO_ITEMS && chars < ECHO_MAX; i++) {
      items.push(render(v[i], depth + 1));
      chars += items[i].length + 1;
    }
    return items.length < n ? `[${items.join(',')},… (${n} elements)]` : `[${items.join(',')}]`;
  }
  const ctor = (v as object).constructor?.name;
  if (ctor && ctor !== 'Object') return `a ${ctor}`;
  if (depth > 0) return 'an object';
  try {
    return JSON.stringify(v) ?? 'an object';
  } catch {
    return 'an object';
  }
}

/** A literal description (not JSON-quoted) for use inside "got …". */
export class Raw {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}
