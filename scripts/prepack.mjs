#!/usr/bin/env node
// `prepack` of every published package (npm pack / npm publish / changeset publish): refuses to
// pack a package whose dist/ is missing or was built from other sources than the ones here, and
// copies the repository's LICENSE into the package so that every tarball carries it.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { STAMP, buildInputsHash } from './build-inputs.mjs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const fail = (why) => {
  console.error(`prepack ${pkg.name}: ${why}; run \`npx turbo run build\` at the repository root first`);
  process.exit(1);
};
if (!existsSync('dist')) fail('dist/ is missing');
if (!existsSync(STAMP)) fail(`${STAMP} is missing (dist/ was not made by the build script)`);
if (readFileSync(STAMP, 'utf8').trim() !== buildInputsHash()) fail('dist/ is stale (src/ changed since the last build)');
for (const target of Object.values(pkg.exports ?? {}).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e)))) {
  if (typeof target === 'string' && target.startsWith('./dist/') && !existsSync(target)) fail(`${target} (an export) is missing`);
}
copyFileSync(new URL('../LICENSE', import.meta.url), 'LICENSE');
