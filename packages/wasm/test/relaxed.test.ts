/**
 * The relaxed-SIMD build (dist/adapool-relaxed.wasm: the SIMD kernels with fused multiply-adds in
 * the exp polynomials): how an app tells whether the engine runs it (`relaxedSimd`, a 26-byte
 * probe), the clear error where it does not, and the whole parity suite, the random-case fuzzer's
 * seeded slice (normal and extreme) and the exp polynomials' accuracy where it does: in Node with --experimental-wasm-relaxed-simd (Node 20 has relaxed SIMD
 * behind that flag; Node ≥ 22 without it) and in Deno (on by default).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { itWhenAvailable } from '@adapool/testkit/vitest';
import { bundleBuilt, missingRuntime, parseRuntimeResult, runInRuntime, type RuntimeResult } from '@adapool/testkit/runtimes';
import { AdaPoolError } from '@adapool/core';
import { createWasmBackend, relaxedSimd } from '../dist/index.js';

/** Cases per fuzz set (the other builds' bounded slice: 150). */
const FUZZ = 150;
const relaxedBytes = readFileSync(new URL('../dist/adapool-relaxed.wasm', import.meta.url));
const testBytes = readFileSync(new URL('../wasm-build/test-relaxed.wasm', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'adapool-wasm-relaxed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the full parity suite on the relaxed build, and the exp polynomials of its test build against Math.exp. */
const MAIN = `import * as core from '@adapool/core';
import { createWasmBackend, relaxedSimd } from '@adapool/wasm';
import { runParitySubset, runFuzz, FUZZ_SEED, RESULT_MARKER, parityCases } from '@adapool/testkit';
const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
if (!relaxedSimd()) throw new Error('the engine does not validate the relaxed-SIMD probe');
const b = await createWasmBackend({ module: bytes('${relaxedBytes.toString('base64')}') });
if (!b.simd || !b.relaxed) throw new Error('expected the relaxed-SIMD build');
core.registerBackend(b);
const r = await runParitySubset('wasm');
// the random-valid-case fuzzer's seeded slice, both sets, as the other builds run it
const fuzz = [await runFuzz('wasm', 'normal', FUZZ_SEED, ${FUZZ}), await runFuzz('wasm', 'extreme', FUZZ_SEED, ${FUZZ})];
console.log('relaxed fuzz: ' + fuzz.map((f) => f.set + ' ' + f.agreeing + '/' + f.tried).join(', '));
// exp polynomials, fused: worst relative error on a dense sample of their domains
const t = await createWasmBackend({ module: bytes('${testBytes.toString('base64')}') });
const ex = t.exports;
const worst = (fn, lo, hi, n) => {
  const p = (ex.heapBase() + 15) & ~15;
  if (ex.memory.buffer.byteLength < p + 4 * n) ex.memory.grow(Math.ceil((p + 4 * n - ex.memory.buffer.byteLength) / 65536));
  const xs = new Float32Array(ex.memory.buffer, p, n);
  for (let i = 0; i < n; i++) xs[i] = lo + ((hi - lo) * i) / (n - 1);
  const ref = Float64Array.from(xs, Math.exp);
  ex[fn](p, n);
  const got = new Float32Array(ex.memory.buffer, p, n);
  let w = 0;
  for (let i = 0; i < n; i++) if (ref[i] >= 2 ** -126) w = Math.max(w, Math.abs(got[i] - ref[i]) / ref[i]);
  return w;
};
const expNeg = worst('expNegInPlace', -87.3, 0, 400001);
const expUnit = worst('expUnit32InPlace', -1, 0, 400001);
const extra = fuzz.flatMap((f) => f.failures.map((x) => f.set + ' ' + x.id + ': ' + x.failures.join('; ')));
for (const f of fuzz) if (f.agreeing !== f.tried && !extra.length) extra.push(f.set + ': ' + f.agreeing + '/' + f.tried);
if (!(expNeg <= 3.5e-7)) extra.push('expNeg relative error ' + expNeg);
if (!(expUnit <= 3e-7)) extra.push('expUnit relative error ' + expUnit);
console.log('relaxed exp: expNeg ' + expNeg.toExponential(2) + ', expUnit ' + expUnit.toExponential(2));
console.log(RESULT_MARKER + JSON.stringify({ passed: r.passed, failed: r.failed + extra.length, failures: [...r.failures, ...extra], total: parityCases.length }));
`;

function expectAllPassed(res: RuntimeResult): void {
  expect(res.failures).toEqual([]);
  expect(res.failed).toBe(0);
  expect(res.passed).toBe(res.total);
}

describe('the relaxed-SIMD build', () => {
  it('relaxedSimd() answers as the engine validates the build itself', () => {
    expect(relaxedSimd()).toBe(WebAssembly.validate(relaxedBytes));
    expect(relaxedSimd(() => false)).toBe(false);
  });

  it.runIf(!WebAssembly.validate(relaxedBytes))('where the engine lacks relaxed SIMD, passing the build rejects with BACKEND, and the default build runs', async () => {
    const err = await createWasmBackend({ module: relaxedBytes }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdaPoolError);
    expect((err as AdaPoolError).code).toBe('BACKEND');
    const b = await createWasmBackend();
    expect([b.simd, b.relaxed]).toEqual([true, false]);
  });

  it('in Node with --experimental-wasm-relaxed-simd: the full parity suite, the fuzzer\'s slice, and the fused exp polynomials within their bounds', async () => {
    const file = await bundleBuilt(MAIN, join(dir, 'relaxed-node.mjs'));
    const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', file], { encoding: 'utf8', timeout: 240_000 });
    console.log([...r.stdout.matchAll(/relaxed (exp|fuzz):.*/g)].map((m) => m[0]).join('\n'));
    expectAllPassed(parseRuntimeResult(r.stdout + r.stderr));
  }, 300_000);

  itWhenAvailable('in Deno (relaxed SIMD on by default): the full parity suite and the fuzzer\'s slice', missingRuntime('deno'), async () => {
    const r = runInRuntime('deno', await bundleBuilt(MAIN, join(dir, 'relaxed-deno.mjs')), 240_000);
    expectAllPassed(parseRuntimeResult(r.stdout + r.stderr));
  }, 300_000);
});
