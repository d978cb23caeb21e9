// Builds the playground: the browser app (src/main.ts bundled with the built @adapool packages,
// plus index.html and style.css) into dist/web/, and the console demo into dist/demo.js.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const app = new URL('..', import.meta.url).pathname;
rmSync(`${app}dist`, { recursive: true, force: true });
mkdirSync(`${app}dist/web`, { recursive: true });
// tsconfig.json here has no `paths`: packages resolve through node_modules to their built dist/, as for any user.
await build({
  entryPoints: [`${app}src/main.ts`],
  outfile: `${app}dist/web/app.js`,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  sourcemap: true,
  minify: false,
  logLevel: 'warning',
});
for (const f of ['index.html', 'style.css']) copyFileSync(`${app}src/${f}`, `${app}dist/web/${f}`);
// the docs site, beside the page: dist/web/docs/
await import('./docs.mjs');
await build({
  entryPoints: [`${app}src/demo.ts`],
  outfile: `${app}dist/demo.js`,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
