/** The random-valid-case fuzzer (testkit fuzz.ts) on `js`: its float32 results against the float64 reference. */
import { defineFuzzSuite } from '@adapool/testkit/vitest';

defineFuzzSuite({ backend: 'js' });
