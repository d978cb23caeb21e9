import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources; packages/*/test/dist-*.test.ts import the built files.
    alias: [
      { find: /^@adapool\/core$/, replacement: src('./packages/core/src/index.ts') },
      { find: /^@adapool\/testkit$/, replacement: src('./packages/testkit/src/index.ts') },
      { find: /^@adapool\/testkit\/vitest$/, replacement: src('./packages/testkit/src/vitest.ts') },
      { find: /^@adapool\/testkit\/chromium$/, replacement: src('./packages/testkit/src/chromium.ts') },
      { find: /^@adapool\/testkit\/runtimes$/, replacement: src('./packages/testkit/src/runtimes.ts') },
      { find: /^@adapool\/layers$/, replacement: src('./packages/layers/src/index.ts') },
      { find: /^@adapool\/layers\/tfjs$/, replacement: src('./packages/layers/src/tfjs.ts') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
