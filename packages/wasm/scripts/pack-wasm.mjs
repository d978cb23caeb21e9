#!/usr/bin/env node
// After build-wasm: the default entry inlines both builds as one gzip stream (the SIMD build's
// length as 4 bytes little-endian, the SIMD build, the scalar build). The stream is written by
// zopfli (a deflate encoder that searches harder: 7% smaller than zlib's level 9 on these
// builds, 24.7 KB instead of 26.7 KB); any gzip reader, DecompressionStream included, reads it.
import { gzipAsync } from '@gfx/zopfli';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const simd = readFileSync('wasm-build/simd.wasm');
const scalar = readFileSync('wasm-build/scalar.wasm');
const head = Buffer.alloc(4);
head.writeUInt32LE(simd.length);
const raw = Buffer.concat([head, simd, scalar]);
const packed = Buffer.from(await gzipAsync(raw, { numiterations: 15 }));
if (!gunzipSync(packed).equals(raw)) throw new Error('pack-wasm: the gzip stream does not unpack to the builds');
writeFileSync('wasm-build/builds.wasm.gz', packed);
console.log(`packed wasm-build/builds.wasm.gz (${simd.length} + ${scalar.length} bytes -> ${packed.length})`);
