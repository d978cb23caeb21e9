// One case per run variant (src/variants.ts VARIANTS), for the variant tests (test/geometry.test.ts)
// and `VARIANTS=1 node scripts/kbench.mjs`: the hand-written variants' cases from variants.json,
// and for each generated cell (`pairsForward.em`, …) its RUN_KERNELS row's example, run through
// the method's public 2D op (its gradient for a backward row).
import { poolOpDefs } from '@adapool/core';
import { readFileSync } from 'node:fs';

/** Core's public 2D op of a method (its canonical name: `emPool2d`, …). */
const op2d = (method) => `${poolOpDefs[method].name}2d`;
/** The method of a public op name (`emPool2dGrad` → `em`). */
const methodOf = (op) => Object.values(poolOpDefs).find((d) => op.startsWith(d.name)).method;

/** [{ variant, op, opts, test, bench }], one per entry of VARIANTS, in its order. */
export function variantCases({ RUN_KERNELS, VARIANTS }) {
  const hand = JSON.parse(readFileSync(new URL('./variants.json', import.meta.url), 'utf8'));
  const cells = RUN_KERNELS.flatMap((k) =>
    k.methods.map((m) => ({
      variant: `${k.name}.${m}`,
      op: `${op2d(m)}${k.job === 'backward' ? 'Grad' : ''}`,
      opts: k.example.opts,
      test: k.example.test,
      bench: k.example.bench,
    })),
  );
  const all = [...hand, ...cells];
  return VARIANTS.map((v) => {
    const c = all.find((c) => c.variant === v);
    if (!c) throw new Error(`variant-cases: no case for ${v} (scripts/variants.json or src/variants.ts RUN_KERNELS)`);
    return c;
  });
}

/**
 * Case c's op on tensor x through `ap` (@adapool/core), as a function that runs it and returns the
 * result tensors. A gradient gets dy of the forward's output shape (`dyOf(shape, size)`), computed
 * here, once, before: the function runs the gradient alone. adaPool gets a β per channel.
 */
export function caseRunner(ap, c, x, dyOf) {
  const method = methodOf(c.op);
  const b = method === 'ada' ? [ap.tensor(Float32Array.from({ length: x.shape[1] }, (_, i) => 0.2 + (0.6 * i) / x.shape[1]), [x.shape[1], 1, 1])] : [];
  if (!c.op.endsWith('Grad')) {
    return () => {
      const out = ap[c.op](x, ...b, c.opts);
      return [out.output ?? out];
    };
  }
  const y = ap[c.op.slice(0, -4)](x, ...b, c.opts);
  const dy = dyOf(y.shape, y.size);
  y.dispose();
  return () => {
    const g = ap[c.op](x, ...b, dy, c.opts);
    return g.dx ? [g.dx, g.dbeta].filter(Boolean) : [g];
  };
}
