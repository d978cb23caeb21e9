// The hash of a package's build inputs (src/, assembly/ where present, tsconfig.json and the
// build scripts), written into dist/ by the build and checked by the prepack guard.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const STAMP = 'dist/.build-inputs';

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? files(p) : [p];
    });
}

/** Hex SHA-256 over the paths and contents of the build inputs of the package in `dir`. */
export function buildInputsHash(dir = '.') {
  const h = createHash('sha256');
  const inputs = ['src', 'assembly', 'scripts'].flatMap((d) => files(join(dir, d)));
  for (const f of [...inputs, join(dir, 'tsconfig.json')]) {
    if (!existsSync(f)) continue;
    h.update(f.slice(dir.length)).update('\0').update(readFileSync(f)).update('\0');
  }
  return h.digest('hex');
}
