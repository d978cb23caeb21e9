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
  constructor(code: AdaPoolErrorCode, op: string, message: string) {
    super(message);
    this.name = 'AdaPoolError';
    this.code = code;
    this.op = op;
  }
}

/** Throws `AdaPoolError(code, "op: must, got got")`. */
export function fail(code: AdaPoolErrorCode, op: string, must: string, got: unknown): never {
  throw new AdaPoolError(code, op, `${op}: ${must}, got ${describe(got)}`);
}

/** A short, readable rendering of a value for error messages. */
export function describe(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (v === null || v === undefined || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `[${v.map(describe).join(',')}]`;
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<number>).length})`;
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'object') {
    const ctor = (v as object).constructor?.name;
    if (ctor && ctor !== 'Object') return `a ${ctor}`;
    try {
      return JSON.stringify(v);
    } catch {
      return 'an object';
    }
  }
  return typeof v;
}

/** A literal description (not JSON-quoted) for use inside "got …". */
export class Raw {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}
