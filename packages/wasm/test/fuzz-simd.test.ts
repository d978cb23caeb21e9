/** The random-valid-case fuzzer (testkit fuzz.ts) on the SIMD build, from the built package (dist/). */
import { defineFuzzSuite } from '@adapool/testkit/vitest';
import { useBuild } from './builds.js';

defineFuzzSuite({ backend: 'wasm', label: 'wasm (SIMD build)', setup: useBuild(true) });
