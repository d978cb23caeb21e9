/** The random-valid-case fuzzer (testkit fuzz.ts) on the scalar build, from the built package (dist/). */
import { defineFuzzSuite } from '@adapool/testkit/vitest';
import { useBuild } from './builds.js';

defineFuzzSuite({ backend: 'wasm', label: 'wasm (scalar build)', setup: useBuild(false) });
