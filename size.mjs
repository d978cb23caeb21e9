import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
const src = `import { registerBackend, setBackend, softPool2d, tensor } from '@adapool/core';
import { createWasmBackend } from '${process.argv[2] ?? '@adapool/wasm/slim'}';
registerBackend(await createWasmBackend({ module: '/adapool.wasm' })); setBackend('wasm'); console.log(softPool2d(tensor([1,2,3,4],[1,1,2,2])));`;
const r = await build({ stdin: { contents: src, resolveDir: process.cwd(), loader: 'js' }, bundle: true, minify: true, format: 'esm', write: false, platform: 'browser', loader: { '.wasm': 'binary', '.gz': 'binary' } });
const js = r.outputFiles[0].contents;
console.log('min', js.length, 'gz', gzipSync(js, { level: 9 }).length);
