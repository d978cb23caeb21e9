/**
 * Release setup: every published package carries the metadata a registry page and `npm publish`
 * need, peer ranges on @adapool/core that survive core's patch and minor releases, and a
 * changesets config whose `changeset version` (run on a scratch copy of the repository) gives the
 * planned first versions without turning a minor into a major or pinning core again.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const PUBLISHED = ['core', 'wasm', 'webgpu', 'layers'] as const;
const read = (dir: string, p: string) => JSON.parse(readFileSync(join(dir, p), 'utf8'));

const plainEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };

describe('release metadata', () => {
  it.each(PUBLISHED)('@adapool/%s has repository, homepage, bugs, engines, public access, a license and a prepack guard', (p) => {
    const pkg = read(ROOT, `packages/${p}/package.json`);
    expect(pkg.license).toBe('MIT');
    expect(pkg.repository).toEqual({ type: 'git', url: expect.stringMatching(/^git\+https:\/\/.+\.git$/), directory: `packages/${p}` });
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs.url).toMatch(/^https:\/\//);
    expect(pkg.engines).toEqual({ node: '>=20' });
    expect(pkg.publishConfig).toEqual({ access: 'public' });
    expect(pkg.scripts.prepack).toBe('node ../../scripts/prepack.mjs');
    expect(pkg.private).toBeUndefined();
  });

  it.each(['wasm', 'webgpu', 'layers'])('@adapool/%s takes any 0.x core as a peer (not one pinned version)', (p) => {
    const pkg = read(ROOT, `packages/${p}/package.json`);
    expect(pkg.peerDependencies['@adapool/core']).toBe('0.x');
    expect(pkg.devDependencies['@adapool/core']).toBe('*');
  });
});

describe('changesets', () => {
  it('`changeset version` on a scratch copy gives first versions 0.1.0, keeps the peer ranges, and `status` is clean after', () => {
    const dir = mkdtempSync(join(tmpdir(), 'adapool-changeset-'));
    try {
      for (const p of ['package.json', '.changeset', 'packages', 'apps']) {
        cpSync(join(ROOT, p), join(dir, p), { recursive: true, filter: (src) => !/node_modules|[\\/]dist$|[\\/]src$|[\\/]test$|wasm-build/.test(src.slice(ROOT.length)) });
      }
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
      const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=ci@localhost', '-c', 'user.name=ci', ...args], { cwd: dir, encoding: 'utf8' });
      git('init', '-q', '-b', 'main');
      git('add', '-A');
      git('commit', '-qm', 'scratch');
      const cli = join(ROOT, 'node_modules/@changesets/cli/bin.js');
      execFileSync(process.execPath, [cli, 'version'], { cwd: dir, encoding: 'utf8', env: plainEnv });
      for (const p of PUBLISHED) {
        const pkg = read(dir, `packages/${p}/package.json`);
        expect(pkg.version, p).toBe('0.1.0');
        if (p !== 'core') expect(pkg.peerDependencies['@adapool/core'], p).toBe('0.x');
      }
      expect(read(dir, 'packages/testkit/package.json').version).toBe('0.0.0');
      expect(readFileSync(join(dir, 'packages/core/CHANGELOG.md'), 'utf8')).toMatch(/## 0\.1\.0/);
      git('add', '-A');
      git('commit', '-qm', 'version');
      // CI=true makes changesets colour its output even without a terminal: strip escapes
      const status = execFileSync(process.execPath, [cli, 'status'], { cwd: dir, encoding: 'utf8', env: plainEnv }).replace(/\u001b\[[0-9;]*m/g, '');
      expect(status).toMatch(/NO packages to be bumped/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
