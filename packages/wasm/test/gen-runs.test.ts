// The generated dense run kernels (scripts/gen-runs.mjs, assembly/runs.ts.in, src/variants.ts):
// one straight-line function per cell, dispatched by the cell's variant code, and the builds
// compile exactly what the generator writes today.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RUN_KERNELS, VARIANTS } from '../dist/index.js';
// @ts-expect-error: a plain .mjs build script
import { cellsOf, compileTemplate, constantName, generateRuns } from '../scripts/gen-runs.mjs';

describe('generated run kernels', () => {
  it('the template language: $-lines run, other lines are output with ${…} expanded', () => {
    const t = compileTemplate(['$ for (const n of NS) {', 'f${n}();', '$   if (n > 1) {', '  big();', '$   }', '$ }'].join('\n'));
    expect(t({ NS: [1, 2] })).toBe('f1();\nf2();\n  big();');
  });

  it('one function per cell of RUN_KERNELS, no method test inside it, each dispatched by its code', async () => {
    const text: string = await generateRuns();
    const cells = cellsOf({ RUN_KERNELS, VARIANTS }) as { NAME: string; FN: string; ID: number; JOB: string; M: string }[];
    expect(cells.length).toBe(RUN_KERNELS.reduce((n, k) => n + k.methods.length, 0));
    for (const c of cells) {
      const body = new RegExp(`export function ${c.FN}\\(st: Call, reps: i32\\): void \\{\\n([\\s\\S]*?)\\n\\}\\n`).exec(text);
      expect(body, c.FN).not.toBeNull();
      expect(body![1], `${c.FN} tests the method`).not.toMatch(/\bmethod\b|[=!]=\s*(AVG|MAX|EM|EDSCW|IDW|ADA)\b/);
      expect(text).toContain(`case ${c.ID}: // ${c.NAME}\n      if (job != ${c.JOB === 'forward' ? 'FORWARD' : 'BACKWARD'} || method != ${c.M}) unreachable();\n      ${c.FN}(st, reps);`);
      expect(VARIANTS[c.ID]).toBe(c.NAME);
      expect(constantName(c.NAME)).toMatch(/^[A-Z_]+$/);
    }
    expect(text).toContain('default: unreachable();');
    expect(text).not.toContain('${'); // every interpolation expanded
  });

  it('both builds compiled the runs.ts the generator writes now (and ./methods lists every variant)', async () => {
    const text: string = await generateRuns();
    for (const build of ['simd', 'scalar']) {
      expect(readFileSync(new URL(`../wasm-build/src-${build}/runs.ts`, import.meta.url), 'utf8')).toBe(text);
      const methods = readFileSync(new URL(`../wasm-build/src-${build}/methods.ts`, import.meta.url), 'utf8');
      VARIANTS.forEach((v, i) => expect(methods).toContain(`export const ${constantName(v)}: i32 = ${i};`));
    }
  });
});
