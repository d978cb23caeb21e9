/** The full shared parity suite on the scalar build (engines without Wasm SIMD), from the built package (dist/). */
import { defineParitySuite } from '@adapool/testkit/vitest';
import { useBuild } from './builds.js';

defineParitySuite({ backend: 'wasm', setup: useBuild(false) });
