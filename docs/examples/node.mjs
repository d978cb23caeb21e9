// Node ≥ 20, Deno 2 and Bun: npm install @adapool/core @adapool/wasm, then `node node.mjs`
// (`deno run node.mjs`, `bun node.mjs`). The Wasm build is inlined: nothing to serve or configure.
import { registerBackend, setBackend, softPool2d, tensor } from '@adapool/core';
import { createWasmBackend } from '@adapool/wasm';

registerBackend(await createWasmBackend());
setBackend('wasm');
const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 1, 4, 4]);
const y = softPool2d(x, { kernelSize: 2 });
console.log('adapool', y.backend, JSON.stringify(Array.from(await y.read(), (v) => Math.round(v * 1e4) / 1e4)));
