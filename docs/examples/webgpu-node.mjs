// WebGPU in Node: npm install @adapool/core @adapool/webgpu webgpu (Dawn). In browsers and Deno
// createWebGPUBackend() takes navigator.gpu by itself.
import { registerBackend, setBackend, softPool2d, tensor } from '@adapool/core';
import { createWebGPUBackend } from '@adapool/webgpu';
import { create } from 'webgpu';

const backend = await createWebGPUBackend({ gpu: create([]) });
registerBackend(backend);
setBackend('webgpu');
const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 1, 4, 4]);
const y = softPool2d(x, { kernelSize: 2 });
console.log('adapool', y.backend, JSON.stringify(Array.from(await y.read(), (v) => Math.round(v * 1e4) / 1e4)));
backend.destroy();
