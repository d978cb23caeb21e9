// Cloudflare Workers: npm install @adapool/core @adapool/wasm; wrangler bundles with the `workerd`
// export condition, whose entry imports adapool.wasm as a WebAssembly.Module (workerd compiles no
// Wasm from bytes), so createWasmBackend() needs no options here either.
import { registerBackend, setBackend, softPool2d, tensor } from '@adapool/core';
import { createWasmBackend } from '@adapool/wasm';

export default {
  async fetch() {
    registerBackend(await createWasmBackend());
    setBackend('wasm');
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 1, 4, 4]);
    const y = softPool2d(x, { kernelSize: 2 });
    return new Response(`adapool ${y.backend} ${JSON.stringify(Array.from(await y.read(), (v) => Math.round(v * 1e4) / 1e4))}`);
  },
};
