#!/usr/bin/env node
// Writes the dense run kernels (runs.ts) from assembly/runs.ts.in and src/variants.ts, in the
// spirit of XNNPACK's xngen: the template is AssemblyScript in which
//   - a line whose first non-blank character is `$` is JavaScript, run at generation time
//     (`$ if (METHOD === 'avg') {`, `$ }`, `$ for (const c of CELLS) {`);
//   - any other line is output, with `${expression}` replaced by its value.
// The template sees CELLS: one entry per generated cell of RUN_KERNELS, in VARIANTS order, with
// NAME ('pairsForward.em'), FN (its function name), ID (its variant code), JOB, TAPS, METHOD,
// M (the method's constant in ./methods), OVERWRITES (the row's `overwrites`) and DOC.
// Used by scripts/build-wasm.mjs; run by hand (`node scripts/gen-runs.mjs [out.ts]`) to read the output.
import { transform } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));

/** src/variants.ts's exports (pure data, no imports: stripped of its types and imported). */
export async function loadVariants() {
  const { code } = await transform(readFileSync(here('src/variants.ts'), 'utf8'), { loader: 'ts', format: 'esm' });
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

/** `pairsForward.em` → `PAIRS_FORWARD_EM` (the constant ./methods gives the variant code). */
export const constantName = (name) => name.replace(/[A-Z]/g, (c) => `_${c}`).replace(/\./g, '_').toUpperCase();

/** The template compiled to a function of its variables, returning the expanded text. */
export function compileTemplate(template, file = 'template') {
  const body = ['const out = [];'];
  template.split('\n').forEach((line, i) => {
    const code = /^\s*\$(?!\{)(.*)$/.exec(line);
    if (code) body.push(code[1]);
    else body.push(`out.push(\`${line.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\`); // ${file}:${i + 1}`);
  });
  body.push("return out.join('\\n');");
  return (vars) => new Function(...Object.keys(vars), body.join('\n'))(...Object.values(vars));
}

/** The generated cells of RUN_KERNELS, in VARIANTS order. */
export function cellsOf({ RUN_KERNELS, VARIANTS }) {
  const jobWord = { forward: 'Forward', backward: 'Grad' };
  return RUN_KERNELS.flatMap((k) =>
    k.methods.map((m) => {
      const NAME = `${k.name}.${m}`;
      const ID = VARIANTS.indexOf(NAME);
      if (ID < 0) throw new Error(`gen-runs: ${NAME} is not in VARIANTS`);
      if (k.overwrites && k.taps !== 'pairs') throw new Error(`gen-runs: ${k.name}: only runs on pairs can overwrite (runs.ts.in)`);
      if (!k.name.endsWith(jobWord[k.job])) throw new Error(`gen-runs: ${k.name} (job ${k.job}) must end in ${jobWord[k.job]}`);
      return {
        NAME, ID, JOB: k.job, TAPS: k.taps, METHOD: m, M: m.toUpperCase(), OVERWRITES: !!k.overwrites,
        FN: `${k.name}${m[0].toUpperCase()}${m.slice(1)}`,
        DOC: `taps in ${k.taps}, ${k.job === 'forward' ? 'forward' : 'input gradient'}, ${m}`,
      };
    }),
  );
}

/** The text of runs.ts. */
export async function generateRuns() {
  const variants = await loadVariants();
  const expand = compileTemplate(readFileSync(here('assembly/runs.ts.in'), 'utf8'), 'runs.ts.in');
  // blank lines the directives leave behind, collapsed
  return `${expand({ CELLS: cellsOf(variants) }).replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = await generateRuns();
  if (process.argv[2]) writeFileSync(process.argv[2], text);
  else process.stdout.write(text);
}
