import { AdaPoolError } from '@adapool/core';
import { expect } from 'vitest';

/** Runs `fn`, expects an AdaPoolError with `code` (and `op`, message `op: … got …`), returns it. */
export function expectCode(fn: () => unknown, code: string, op?: string): AdaPoolError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(AdaPoolError);
  const e = err as AdaPoolError;
  expect(e.code, e.message).toBe(code);
  expect(e.message).toContain('got ');
  if (op) {
    expect(e.op).toBe(op);
    expect(e.message.startsWith(`${op}: `), e.message).toBe(true);
  }
  return e;
}
