/**
 * The docs' shared snippet (site/getting-started.md, "Every runtime then runs the same code")
 * runs as written in Node against the built packages, and prints the shape it promises.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const app = fileURLToPath(new URL('..', import.meta.url));
const built = existsSync(join(app, '../../packages/wasm/dist/index.js'));

describe('getting started', () => {
  it.skipIf(!built)('the shared snippet runs in Node', () => {
    const md = readFileSync(join(app, 'site/getting-started.md'), 'utf8');
    const snippet = /Every runtime then runs the same code:\n\n```ts\n([\s\S]+?)```/.exec(md)?.[1];
    expect(snippet).toBeDefined();
    // in this folder, so the packages resolve through node_modules as for a user
    const file = join(app, `.getting-started-${process.pid}.mjs`);
    writeFileSync(file, snippet!);
    try {
      const out = execFileSync(process.execPath, [file], { encoding: 'utf8' });
      expect(out.trim()).toBe('[ 1, 3, 32, 32 ] 0.5');
    } finally {
      rmSync(file, { force: true });
    }
  });
});
