/** The full shared parity suite on the SIMD build, from the built package (dist/). */
import { defineParitySuite } from '@adapool/testkit/vitest';
import { useBuild } from './builds.js';

defineParitySuite({ backend: 'wasm', setup: useBuild(true) });
