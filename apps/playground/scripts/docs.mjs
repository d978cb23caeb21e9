// Builds the docs site into dist/web/docs/ (beside the playground, relative links only, so the
// folder works from any static host, a sub-path or a file server):
//   index, getting started per runtime (site/getting-started.md), the API reference generated
//   from the built packages' .d.ts files with the TypeScript compiler API, numerics
//   (docs/operators.md §5–8 and site/numerics.md), benchmarks with SVG bar charts drawn here from
//   docs/bench/latest.json, what each method keeps (docs/detail.md), and one page per op
//   (docs/operators.md §4.x) with a link that opens the playground on it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Marked } from 'marked';
import ts from 'typescript';
import { poolOpDefs } from '@adapool/core';

const app = new URL('..', import.meta.url).pathname;
const repo = new URL('../../..', import.meta.url).pathname;
const out = `${app}dist/web/docs/`;
const read = (p) => readFileSync(p, 'utf8');

/** The ops with a page each, from core's op descriptors (the playground and layers name emPool softPool), then adaUnpool. */
const QUERY = { avg: 'kernel=3&stride=2&padding=1', max: 'kernel=3&stride=2&padding=1', ada: 'kernel=3&beta=0.5' };
export const OPS = [
  ...Object.values(poolOpDefs).map((d) => ({
    name: d.layer.op,
    section: d.section,
    query: `op=${d.layer.op}&${QUERY[d.method] ?? 'kernel=3'}&backend=wasm`,
    ...(d.layer.op !== d.name ? { alias: d.name } : {}),
    formula: d.formula,
  })),
  { name: 'adaUnpool', section: '4.7', query: 'op=adaUnpool&mask=adaPool&kernel=2&backend=wasm', formula: 'U_p = Σ_{(o,κ) → p} v_o W_{o,κ}' },
];

const PAGES = [
  ['index.html', 'Overview'],
  ['getting-started.html', 'Getting started'],
  ['api.html', 'API reference'],
  ['ops.html', 'The ops'],
  ['numerics.html', 'Numerics'],
  ['padding.html', 'Padding (PyTorch, ONNX, TF.js)'],
  ['benchmarks.html', 'Benchmarks'],
  ['detail.html', 'What each method keeps'],
];

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const slug = (s) => s.toLowerCase().replace(/<[^>]+>/g, '').replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '');

/** Markdown → HTML: headings get ids; TeX between $$ … $$ is shown as a block, $…$ as code. */
function markdown(text) {
  const md = new Marked({ gfm: true });
  md.use({
    renderer: {
      heading({ tokens, depth }) {
        const html = this.parser.parseInline(tokens);
        return `<h${depth} id="${slug(html)}">${html}</h${depth}>\n`;
      },
    },
  });
  const tex = text.replace(/\$\$([\s\S]+?)\$\$/g, (_, m) => `\n<pre class="math">${esc(m.trim())}</pre>\n`);
  return md.parse(tex.replace(/(^|[^$\w])\$([^$\n]+?)\$/g, (_, a, m) => `${a}<code>${esc(m)}</code>`));
}

/** The part of docs/operators.md from heading `from` (e.g. '## 5.') up to the next heading of that level or higher not in `keep`. */
function section(doc, start, stop) {
  const lines = doc.split('\n');
  const a = lines.findIndex((l) => l.startsWith(start));
  if (a < 0) throw new Error(`docs: no "${start}" in docs/operators.md`);
  const b = lines.findIndex((l, i) => i > a && stop(l));
  return lines.slice(a, b < 0 ? undefined : b).join('\n');
}

function page(file, title, body, depth = 0) {
  const up = '../'.repeat(depth);
  const nav = PAGES.map(([f, t]) => `<a href="${up}${f}"${f === file ? ' aria-current="page"' : ''}>${esc(t)}</a>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · adapool docs</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${up}docs.css">
</head>
<body>
<header><a class="home" href="${up}index.html">adapool</a> <nav>${nav}
<a class="play" href="${up}../index.html">Playground →</a></nav></header>
<main>
${body}
</main>
<footer>Generated from the repository by <code>apps/playground/scripts/docs.mjs</code>. <a href="${up}../index.html">Open the playground</a>.</footer>
</body>
</html>
`;
}

function write(file, title, body, depth = 0) {
  writeFileSync(out + file, page(file, title, body, depth));
}

// ---- API reference, from the built declaration files ----

const PACKAGES = ['core', 'wasm', 'webgpu', 'layers'];

function apiReference() {
  const parts = [];
  const files = PACKAGES.map((p) => `${repo}packages/${p}/dist/index.d.ts`);
  const program = ts.createProgram(files, { noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const printer = ts.createPrinter({ removeComments: true });
  const toc = [];
  for (const [k, pkg] of PACKAGES.entries()) {
    const source = program.getSourceFile(files[k]);
    const mod = source && checker.getSymbolAtLocation(source);
    if (!mod) throw new Error(`docs: cannot read ${files[k]} (build the packages first)`);
    const exports = checker.getExportsOfModule(mod).sort((a, b) => a.name.localeCompare(b.name));
    const entries = [];
    for (const sym of exports) {
      const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
      const decls = target.declarations ?? [];
      if (!decls.length) continue;
      const doc = ts.displayPartsToString(target.getDocumentationComment(checker));
      const text = decls
        .map((d) => {
          const node = ts.isVariableDeclaration(d) ? d.parent.parent : d;
          return printer.printNode(ts.EmitHint.Unspecified, node, d.getSourceFile());
        })
        .join('\n');
      const id = `${pkg}-${sym.name}`;
      entries.push(`<section class="api" id="${id}"><h3><a href="#${id}">${esc(sym.name)}</a></h3>${doc ? `<p>${esc(doc)}</p>` : ''}<pre><code>${esc(text.replace(/^export declare |^export /gm, ''))}</code></pre></section>`);
      toc.push([pkg, sym.name, id]);
    }
    parts.push(`<h2 id="${pkg}">@adapool/${pkg}</h2>\n<p>${entries.length} exports, from <code>packages/${pkg}/dist/index.d.ts</code>.</p>\n${entries.join('\n')}`);
  }
  const index = PACKAGES.map((pkg) => `<p><b><a href="#${pkg}">@adapool/${pkg}</a></b>: ${toc.filter(([p]) => p === pkg).map(([, n, id]) => `<a href="#${id}">${esc(n)}</a>`).join(', ')}</p>`).join('\n');
  return `<h1>API reference</h1>\n<p>Generated at build time from the packages' declaration files with the TypeScript compiler API: every export, its signature and its doc comment. The contract in prose: <a href="getting-started.html">getting started</a>, and the package READMEs.</p>\n${index}\n${parts.join('\n')}`;
}

// ---- benchmarks, SVG bar charts from docs/bench/latest.json ----

const COLOURS = ['#2f5fd0', '#6b8ee8', '#9fb6f0', '#c9d6f6', '#d0792f', '#8a4fb3', '#3a9a5b', '#b3261e'];

function barChart(rows, backends) {
  // rows: [{ label, values: { backend: ms } }]; one bar per backend per row, log-free, scaled per chart
  const max = Math.max(...rows.flatMap((r) => Object.values(r.values)));
  const [labelW, barW, bar, gap] = [190, 420, 11, 10];
  const height = rows.reduce((h, r) => h + Object.keys(r.values).length * bar + gap, 24);
  let y = 20;
  const g = [];
  for (const r of rows) {
    g.push(`<text x="0" y="${y + 9}" class="row">${esc(r.label)}</text>`);
    for (const b of backends) {
      if (!(b in r.values)) continue;
      const v = r.values[b];
      const w = Math.max(1, (v / max) * barW);
      g.push(`<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${bar - 2}" fill="${COLOURS[backends.indexOf(b) % COLOURS.length]}"><title>${esc(`${r.label}, ${b}: ${v.toFixed(3)} ms`)}</title></rect>`);
      g.push(`<text x="${labelW + w + 4}" y="${y + 8}" class="v">${v < 1 ? v.toFixed(3) : v.toFixed(2)}</text>`);
      y += bar;
    }
    y += gap;
  }
  const key = backends.map((b, k) => `<rect x="${labelW + k * 110}" y="2" width="10" height="10" fill="${COLOURS[k % COLOURS.length]}"/><text x="${labelW + k * 110 + 14}" y="11" class="v">${esc(b)}</text>`).join('');
  return `<svg class="chart" viewBox="0 0 ${labelW + barW + 60} ${height}" width="${labelW + barW + 60}" role="img" aria-label="median ms per backend">${key}${g.join('')}</svg>`;
}

function benchmarks() {
  const b = JSON.parse(read(`${repo}docs/bench/latest.json`));
  const backends = [...new Set(b.results.map((r) => r.backend))];
  const charts = b.cases.map((c) => {
    const rows = [];
    for (const r of b.results.filter((r) => r.case === c.name && Number.isFinite(r.median))) {
      const label = `${r.op} ${r.dir}`;
      let row = rows.find((x) => x.label === label);
      if (!row) rows.push((row = { label, values: {} }));
      row.values[r.backend] = r.median;
    }
    return `<h2 id="${slug(c.name)}">${esc(c.name)}</h2>\n<p>input [${c.shape.join(', ')}] → [${c.outShape.join(', ')}]; median ms (lower is better); hover a bar for its value.</p>\n${barChart(rows, backends)}`;
  });
  const info = Object.entries(b.info).flatMap(([rt, i]) => Object.entries(i.backends).map(([name, x]) => `<tr><td>${esc(rt)}</td><td>${esc(name)}</td><td>${esc(x.info)}</td><td>${esc(x.timed)}</td></tr>`));
  const targets = (b.targets ?? []).map((t) => `<tr><td>${esc(t.what)}</td><td>${t.ratio.toFixed(2)}</td><td>${esc(t.goal)}</td><td class="${t.status === 'PASS' ? 'ok' : 'off'}">${esc(t.status)}</td></tr>`);
  return `<h1>Benchmarks</h1>
<p>The latest run checked in (<code>docs/bench/latest.json</code>, ${esc(b.mode)} mode, ${esc(b.date)}), on ${esc(b.machine)}; drawn at build time. How to run them and how to read them: <code>benches/README.md</code> and <code>docs/benchmarks.md</code> in the repository. The machine is shared and noisy: compare ratios within one run.</p>
<table><tr><th>runtime</th><th>name</th><th>what</th><th>timed</th></tr>${info.join('')}</table>
<h2 id="targets">Targets</h2>
<table><tr><th>target</th><th>ratio</th><th>goal</th><th></th></tr>${targets.join('')}</table>
${charts.join('\n')}`;
}

// ---- pages ----

mkdirSync(out, { recursive: true });
writeFileSync(`${out}docs.css`, read(`${app}site/docs.css`));
const operators = read(`${repo}docs/operators.md`);
const playground = (q) => `../index.html?${q}`;

write(
  'index.html',
  'Overview',
  markdown(read(`${app}site/index.md`)) +
    `<ul class="pages">${PAGES.slice(1).map(([f, t]) => `<li><a href="${f}">${esc(t)}</a></li>`).join('')}</ul>`,
);
write('getting-started.html', 'Getting started', markdown(read(`${app}site/getting-started.md`)));
write('api.html', 'API reference', apiReference());
write(
  'numerics.html',
  'Numerics',
  markdown(read(`${app}site/numerics.md`)) +
    markdown(['## 5.', '## 6.', '## 7.', '## 8.'].map((h) => section(operators, h, (l) => /^## \d/.test(l))).join('\n\n').replace(/^## /gm, '### ')),
);
write('benchmarks.html', 'Benchmarks', benchmarks());
write('detail.html', 'What each method keeps', markdown(read(`${repo}docs/detail.md`)));
write('padding.html', 'Padding (PyTorch, ONNX, TF.js)', markdown(read(`${repo}docs/padding.md`)));
write(
  'ops.html',
  'The ops',
  `<h1>The ops</h1>\n<p>One page per op: its definition from the operator specification (<code>docs/operators.md</code> §4) and a link that opens the playground on it. Common form and geometry: <a href="numerics.html">numerics</a>.</p>\n<table><tr><th>op</th><th>spec</th><th>try it</th></tr>${OPS.map(
    (o) => `<tr><td><a href="op-${o.name}.html">${o.name}</a>${o.alias ? ` (${o.alias})` : ''}</td><td>§${o.section}</td><td><a class="try" href="${playground(o.query)}">playground: ${esc(o.query.replace(/&/g, ' '))}</a></td></tr>`,
  ).join('')}</table>`,
);
for (const o of OPS) {
  const body = section(operators, `### ${o.section} `, (l) => /^##+ \d/.test(l));
  write(
    `op-${o.name}.html`,
    o.name,
    `<h1>${o.name}</h1>\n<pre class="math formula">${esc(o.formula)}</pre>\n<p><a class="try" href="${playground(o.query)}">Open the playground on ${o.name}</a> · <a href="ops.html">all ops</a> · <a href="api.html#core-${o.name}">API</a> · <a href="detail.html">what it keeps</a></p>\n${markdown(body)}`,
  );
}
console.log(`docs: ${PAGES.length + OPS.length} pages in ${out}`);
