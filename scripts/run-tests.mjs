#!/usr/bin/env node
// `npm test`: builds every package (turbo, cached), runs vitest once with its JSON reporter beside
// the default one, and ends with the plain summary line CI reads: `N passed, N failed, N skipped`.
// With ADAPOOL_REQUIRE_ALL=1 (set by CI) tests that would SKIP for a missing component fail instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env: process.env }).status ?? 1;

if (run('npx', ['--no-install', 'turbo', 'run', 'build', '--output-logs=errors-only']) !== 0) {
  console.log('build failed');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
// Types of sources, tests and the demo (one strict program, tsconfig.json); a type error counts as a failure.
const typeErrors = run('npx', ['--no-install', 'tsc', '-p', 'tsconfig.json']) === 0 ? 0 : 1;
if (typeErrors) console.log('typecheck failed (npx tsc -p tsconfig.json)');
const out = '.vitest-results.json';
rmSync(out, { force: true });
const status = run('npx', ['--no-install', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)]);
let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(out)) {
  const r = JSON.parse(readFileSync(out, 'utf8'));
  passed = r.numPassedTests ?? 0;
  // failed tests, plus files that failed without a failing test (e.g. an import error)
  const brokenFiles = (r.testResults ?? []).filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'));
  failed = (r.numFailedTests ?? 0) + brokenFiles.length;
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
} else {
  failed = 1;
}
if (status !== 0 && failed === 0) failed = 1;
failed += typeErrors;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
