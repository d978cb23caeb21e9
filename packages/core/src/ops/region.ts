/**
 * The region-level contract between the op files (which hold the reference math) and the
 * reference engine (which walks regions in N-d, in float64). Inside one region
 * (OPERATORS.md section 3) an op sees only the values of its valid taps.
 */
import type { PoolMethod, PoolPlan } from '../plan.js';

export interface Region {
  /** |R|, the number of valid taps (≥ 1 when an op sees it; empty regions are handled by the engine). */
  r: number;
  /** Values x_i of the valid taps, in row-major tap order (length ≥ r). */
  x: Float64Array;
  /** countIncludePad divisor P(o). */
  padded: number;
  /** Raw (unclamped) β at this output; adaPool only. */
  beta: number;
  /** Set by maxPool's forward: the winning tap (index into x). */
  argmax: number;
}

export interface RegionMath {
  /** Writes the weights w[0..r) and returns y. */
  forward(reg: Region, w: Float64Array, plan: PoolPlan): number;
  /** Writes d[k] = ∂y/∂x_k for k < r and returns ∂y/∂β (0 for ops without β). */
  backward(reg: Region, d: Float64Array, plan: PoolPlan): number;
}

/** What one op file declares. */
export interface PoolOpDef {
  /** Canonical op name (`emPool`, …). */
  readonly name: string;
  readonly method: PoolMethod;
  /** Options beyond the common geometry/layout/backend ones. */
  readonly options: readonly string[];
  /** Reference math (float64). */
  readonly region: RegionMath;
}

/** Region mean m = (1/|R|) Σ x_j. */
export function regionMean(reg: Region): number {
  let s = 0;
  for (let j = 0; j < reg.r; j++) s += reg.x[j];
  return s / reg.r;
}

/** Scratch buffers reused across regions (the reference engine is single-threaded). */
const scratch: Float64Array[] = [];
export function scratchBuffer(slot: number, length: number): Float64Array {
  let b = scratch[slot];
  if (!b || b.length < length) scratch[slot] = b = new Float64Array(Math.max(length, 2 * (b?.length ?? 0), 64));
  return b;
}
