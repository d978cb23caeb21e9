/**
 * Geometry tables for the shaders, built only from core's one geometry rule (`axisTaps`,
 * `axisPaddedCounts`, `windowsContaining`): nothing about windows is re-derived here or in WGSL.
 * Every rank is padded to 3 axes with leading unit axes (L = O = K = 1, stride 0), so one shader
 * serves 1D, 2D and 3D: row-major orders of taps, outputs and flat indices are unchanged.
 */
import { axisPaddedCounts, axisTaps, stridedAxis, windowsContaining, type AxisGeometry, type LayoutStrides, type PoolPlan } from '@adapool/core';

export const AXES = 3;
const UNIT: AxisGeometry = stridedAxis(1, 1, 1, 0, 1, false);

/** The plan's axes with leading unit axes up to 3. */
export function paddedAxes(plan: PoolPlan): AxisGeometry[] {
  return [...new Array<AxisGeometry>(AXES - plan.n).fill(UNIT), ...plan.axes];
}

/** Per-axis values padded at the front (unit axes get `fill`). */
export function padFront(v: readonly number[], fill: number): number[] {
  return [...new Array<number>(AXES - v.length).fill(fill), ...v];
}

export interface GeometryTable {
  /** Concatenated int32 tables. */
  readonly data: Int32Array;
  /** Per-axis offsets into `data`: taps π(o,κ) (O·K, −1 invalid), valid counts (O), padded counts P (O), CSR starts (L+1), CSR pairs (o,κ). */
  readonly tapOff: number[];
  readonly cntOff: number[];
  readonly padOff: number[];
  readonly csrOff: number[];
  readonly pairOff: number[];
}

export function geometryTable(plan: PoolPlan): GeometryTable {
  const parts: Int32Array[] = [];
  let length = 0;
  const push = (a: ArrayLike<number>): number => {
    const t = Int32Array.from(a);
    parts.push(t);
    length += t.length;
    return length - t.length;
  };
  const tapOff: number[] = [];
  const cntOff: number[] = [];
  const padOff: number[] = [];
  const csrOff: number[] = [];
  const pairOff: number[] = [];
  for (const axis of paddedAxes(plan)) {
    const taps = axisTaps(axis);
    const counts = new Int32Array(axis.O);
    for (let o = 0; o < axis.O; o++) for (let k = 0; k < axis.K; k++) if (taps[o * axis.K + k] >= 0) counts[o]++;
    const starts = new Int32Array(axis.L + 1);
    const pairs: number[] = [];
    for (let p = 0; p < axis.L; p++) {
      pairs.push(...windowsContaining(axis, p));
      starts[p + 1] = pairs.length / 2;
    }
    tapOff.push(push(taps));
    cntOff.push(push(counts));
    padOff.push(push(axisPaddedCounts(axis)));
    csrOff.push(push(starts));
    pairOff.push(push(pairs.length ? pairs : [0]));
  }
  const data = new Int32Array(length);
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  return { data, tapOff, cntOff, padOff, csrOff, pairOff };
}

/** Spatial strides padded to 3 axes (unit axes: 0). */
export const spatial = (s: LayoutStrides): number[] => padFront(s.s, 0);
/** [n stride, c stride]. */
export const batchChannel = (s: LayoutStrides): number[] => [s.n, s.c];
