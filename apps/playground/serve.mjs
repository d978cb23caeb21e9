#!/usr/bin/env node
// Serves the built playground and docs (dist/web) on http://127.0.0.1:$PORT (default 5173; 0 = any
// free port), or the copy in $ROOT, under the path $BASE (default /; e.g. BASE=/adapool/ as a static host's sub-path),
// cross-origin isolated (COOP/COEP). Dependency-free: node:http and a small MIME table. Build
// first (`npm run build`).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// ROOT: another copy of the built site (e.g. unpacked from the package's tarball)
const root = process.env.ROOT ? resolve(process.env.ROOT) + sep : fileURLToPath(new URL('./dist/web/', import.meta.url));
const base = `/${(process.env.BASE ?? '/').replace(/^\/+|\/+$/g, '')}/`.replace('//', '/');
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

if (!existsSync(join(root, 'index.html'))) {
  console.error(`adapool playground: ${root}index.html is missing; build first (npm run build, or npm start at the repository root)`);
  process.exit(1);
}

const server = createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  let path;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    res.writeHead(400).end('bad request');
    return;
  }
  if (!path.startsWith(base)) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${path} (the site is under ${base})`);
    return;
  }
  path = path.slice(base.length - 1);
  if (path.endsWith('/')) path += 'index.html';
  const file = normalize(join(root, path));
  const inside = file.startsWith(root.endsWith(sep) ? root : root + sep);
  if (inside && existsSync(file) && statSync(file).isDirectory()) {
    // /docs → /docs/ (relative links inside resolve against the folder)
    res.writeHead(301, { location: `${base}${path.slice(1)}/` }).end();
    return;
  }
  if (!inside || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${path}`);
    return;
  }
  res.writeHead(200, {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    'content-length': statSync(file).size,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    // cross-origin isolated: performance.now() at full precision and SharedArrayBuffer, so the wasm backend runs on threads
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
    'cross-origin-resource-policy': 'same-origin',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
});

const port = Number(process.env.PORT ?? 5173);
server.on('error', (e) => {
  console.error(`adapool playground: cannot listen on 127.0.0.1:${port}: ${e.message}${e.code === 'EADDRINUSE' ? ' (set PORT to another port)' : ''}`);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}${base}`;
  console.log(`adapool playground: ${url}  docs: ${url}docs/  (Ctrl+C to stop)`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
