/**
 * `@adapool/wasm/slim`: the entry that inlines no build. Its bundle carries no base64 Wasm; the
 * build comes from the caller as the served file's URL (fetched over a local HTTP server, compiled
 * while streaming when served as application/wasm, from bytes otherwise), a Response, a module or
 * bytes; without a module it says how to pass one.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ap from '@adapool/core';
import { createWasmBackend } from '../dist/slim.js';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const simdFile = readFileSync(`${dist}adapool.wasm`);
let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/adapool.wasm') res.writeHead(200, { 'content-type': 'application/wasm' }).end(simdFile);
    else if (req.url === '/octet.wasm') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(simdFile);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function softPoolOn(b: Awaited<ReturnType<typeof createWasmBackend>>): Promise<number[]> {
  ap.registerBackend(b);
  try {
    const x = ap.tensor([1, 2, 3, 4], [1, 1, 4], { backend: 'wasm' });
    return Array.from(await ap.softPool1d(x, { kernelSize: 2 }).read());
  } finally {
    ap.removeBackend('wasm');
  }
}
const expected = Array.from(ap.softPool1d(ap.tensor([1, 2, 3, 4], [1, 1, 4], { backend: 'js' }), { kernelSize: 2 }).readSync());

describe('@adapool/wasm/slim', () => {
  it('inlines no build (the default entry inlines both, gzipped)', () => {
    const slim = readFileSync(`${dist}slim.js`, 'utf8');
    const imported = [...slim.matchAll(/from "\.\/(chunk-[\w-]+\.js)"/g)].map((m) => readFileSync(`${dist}${m[1]}`, 'utf8'));
    // base64 of the Wasm magic number, and of the gzip header the default entry inlines both builds in
    for (const code of [slim, ...imported]) for (const magic of ['AGFzbQ', 'H4sI']) expect(code).not.toContain(magic);
    expect(readFileSync(`${dist}index.js`, 'utf8')).toContain('H4sI');
  });

  it.each([
    ['a URL string (application/wasm: compileStreaming)', () => `${base}/adapool.wasm`],
    ['a URL object served as octet-stream (the bytes path)', () => new URL(`${base}/octet.wasm`)],
    ['a Response promise', () => fetch(`${base}/adapool.wasm`)],
    ['a WebAssembly.Module', () => new WebAssembly.Module(simdFile)],
    ['the bytes', () => new Uint8Array(simdFile)],
  ])('runs from %s', async (_title, module) => {
    expect(await softPoolOn(await createWasmBackend({ module: module() }))).toEqual(expected);
  });

  it('says how to pass the build when none is given, and what went wrong with a bad URL', async () => {
    await expect(createWasmBackend(undefined as never)).rejects.toThrow(/^createWasmBackend: module must be given with @adapool\/wasm\/slim .*got none/);
    await expect(createWasmBackend({ module: `${base}/missing.wasm` })).rejects.toMatchObject({ code: 'BACKEND', message: expect.stringMatching(/got HTTP 404 for/) });
    await expect(createWasmBackend({ module: new URL('../dist/adapool.wasm', import.meta.url) })).rejects.toMatchObject({ code: 'BACKEND', message: expect.stringMatching(/file: URL .* which fetch cannot read here/) });
  });
});
