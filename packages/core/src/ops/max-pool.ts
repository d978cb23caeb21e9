/**
 * maxPool (OPERATORS.md 4.2): the first valid tap attaining the max (strict `>` scan, ties go to
 * the first); a NaN wins. One-hot mask, ∂y/∂x_k = [k = i*], plus flat spatial indices.
 */
import type { PoolOpDef, Region } from './region.js';

function argmax(reg: Region): number {
  const x = reg.x;
  let best = 0;
  for (let k = 1; k < reg.r; k++) {
    if (x[best] !== x[best]) break;
    if (x[k] > x[best] || x[k] !== x[k]) best = k;
  }
  return best;
}

export const maxPoolDef: PoolOpDef = {
  name: 'maxPool',
  method: 'max',
  aliases: [],
  section: '4.2',
  formula: 'y = max_{i∈R} x_i  (first maximum; NaN wins)',
  layer: { cls: 'MaxPool', op: 'maxPool' },
  beta: false,
  indices: true,
  options: {},
  region: {
    forward(reg, w) {
      const i = (reg.argmax = argmax(reg));
      for (let k = 0; k < reg.r; k++) w[k] = k === i ? 1 : 0;
      return reg.x[i];
    },
    backward(reg, d) {
      const i = argmax(reg);
      for (let k = 0; k < reg.r; k++) d[k] = k === i ? 1 : 0;
      return 0;
    },
  },
};
