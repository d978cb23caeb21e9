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

/** An op's own option (beyond geometry, layout, `backend` and `returnMask`): its type, default and check. */
export type OptionSpec =
  | { readonly kind: 'boolean'; readonly default: boolean; readonly doc: string }
  | {
      readonly kind: 'number';
      readonly default: number;
      readonly doc: string;
      /** Whether a number is allowed; `must` says so in messages (`idwEps must be …`). */
      readonly valid: (v: number) => boolean;
      readonly must: string;
    };

/**
 * What one op file declares: everything every list of methods derives from (core's named exports
 * and rank aliases, the layers' classes and tfjs factories, testkit's cases, the backends' method
 * codes, the playground's menu, the benches).
 */
export interface PoolOpDef {
  /** Canonical op name (`emPool`, …); the exports are `name`, `name1d/2d/3d`, `nameGrad`, `name1d/2d/3dGrad`. */
  readonly name: string;
  readonly method: PoolMethod;
  /** Other names of the same op, exported the same way (`softPool`). */
  readonly aliases: readonly string[];
  /** Its OPERATORS.md section (`4.3`) and a one-line formula (docs, playground). */
  readonly section: string;
  readonly formula: string;
  /** Layers: the class stem (`SoftPool` → `SoftPool1d/2d/3d`) and the op stem they call and the tfjs factories carry (`softPool`). */
  readonly layer: { readonly cls: string; readonly op: string };
  /** Takes β (adaPool): `(x, beta, opts)` and a `dbeta` gradient. */
  readonly beta: boolean;
  /** Returns `indices` beside the mask (maxPool). */
  readonly indices: boolean;
  /** Options beyond the common geometry/layout/backend/returnMask ones. */
  readonly options: Readonly<Record<string, OptionSpec>>;
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
