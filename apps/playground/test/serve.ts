/** Starts `node serve.mjs` (with extra env: PORT=0 and e.g. ROOT, BASE) and resolves with the URL it prints. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const app = fileURLToPath(new URL('..', import.meta.url));

export function serveSite(env: Record<string, string> = {}): { url: Promise<string>; server: ChildProcess } {
  const server = spawn(process.execPath, [join(app, 'serve.mjs')], { env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (d) => {
      out += d;
      const found = /http:\/\/127\.0\.0\.1:\d+\/\S*/.exec(out);
      if (found) resolve(found[0]);
    });
    server.stderr!.on('data', (d) => (out += d));
    server.on('exit', (code) => reject(new Error(`serve.mjs exited (${code}): ${out}`)));
  });
  return { url, server };
}
