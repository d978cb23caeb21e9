// Browsers through a bundler (esbuild, Vite, webpack, …): npm install @adapool/core @adapool/wasm
// and bundle this file as usual; nothing else to configure (the Wasm build is inlined).
import { registerBackend, setBackend, softPool2d, tensor } from '@adapool/core';
import { createWasmBackend } from '@adapool/wasm';

registerBackend(await createWasmBackend());
setBackend('wasm');
const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 1, 4, 4]);
const y = softPool2d(x, { kernelSize: 2 });
document.body.textContent = `adapool ${y.backend} ${JSON.stringify(Array.from(await y.read(), (v) => Math.round(v * 1e4) / 1e4))}`;
