/**
 * The one N-d geometry rule (OPERATORS.md section 2). Every output size, window and tap position
 * in adapool is computed here, for strided and adaptive geometry alike; backends consume the
 * per-axis tables it produces instead of re-deriving them.
 */

/** One spatial axis of a strided pooling (OPERATORS.md 2.1). */
export interface StridedAxis {
  readonly kind: 'strided';
  /** Input length L. */
  readonly L: number;
  /** Output length O. */
  readonly O: number;
  /** Taps per window K (= kernel size k). */
  readonly K: number;
  readonly kernel: number;
  readonly stride: number;
  /** Padding before the input, p_b (OPERATORS.md 2.1). */
  readonly padBegin: number;
  /** Padding after the input, p_e. */
  readonly padEnd: number;
  readonly dilation: number;
  readonly ceilMode: boolean;
}

/** One spatial axis of an adaptive pooling (OPERATORS.md 2.2). */
export interface AdaptiveAxis {
  readonly kind: 'adaptive';
  readonly L: number;
  readonly O: number;
  /** K = max_o (end(o) − start(o)). */
  readonly K: number;
}

export type AxisGeometry = StridedAxis | AdaptiveAxis;

/** Padding of one axis: `p` (both sides) or a `[p_b, p_e]` pair. */
export type AxisPadding = number | readonly [number, number];

/** `[p_b, p_e]` of an axis padding. */
export const padPair = (p: AxisPadding): [number, number] => (typeof p === 'number' ? [p, p] : [p[0], p[1]]);

/** `span = L + p_b + p_e − d(k−1) − 1`; negative when the window does not fit the padded input. */
export function stridedSpan(L: number, k: number, p: AxisPadding, d: number): number {
  const [pb, pe] = padPair(p);
  return L + pb + pe - d * (k - 1) - 1;
}

/** Output length of a strided axis (floor or ceil mode with the PyTorch correction); −1 if the window does not fit. */
export function stridedOutputLength(L: number, k: number, s: number, p: AxisPadding, d: number, ceilMode: boolean): number {
  const span = stridedSpan(L, k, p, d);
  if (span < 0) return -1;
  if (!ceilMode) return Math.floor(span / s) + 1;
  let O = Math.ceil(span / s) + 1;
  if ((O - 1) * s >= L + padPair(p)[0]) O -= 1; // drop a last window that would start in the end padding
  return O;
}

/**
 * `'same'` padding of an axis (TF.js / ONNX SAME_UPPER): `O = ⌈L/s⌉`, total
 * `t = max(0, (O−1)s + d(k−1) + 1 − L)`, `p_b = ⌊t/2⌋`, the rest at the end.
 */
export function samePadding(L: number, k: number, s: number, d: number): [number, number] {
  const t = Math.max(0, (Math.ceil(L / s) - 1) * s + d * (k - 1) + 1 - L);
  return [Math.floor(t / 2), t - Math.floor(t / 2)];
}

export function stridedAxis(L: number, k: number, s: number, p: AxisPadding, d: number, ceilMode: boolean): StridedAxis {
  const [padBegin, padEnd] = padPair(p);
  return { kind: 'strided', L, O: stridedOutputLength(L, k, s, p, d, ceilMode), K: k, kernel: k, stride: s, padBegin, padEnd, dilation: d, ceilMode };
}

export const adaptiveStart = (o: number, L: number, O: number): number => Math.floor((o * L) / O);
export const adaptiveEnd = (o: number, L: number, O: number): number => Math.ceil(((o + 1) * L) / O);

const gcd = (a: number, b: number): number => {
  while (b) [a, b] = [b, a % b];
  return a;
};

/**
 * K in closed form (no loop over O, so a huge outputSize costs nothing to plan): with
 * oL = aO + b, region o spans ⌈(b + L)/O⌉ taps, and b = oL mod O takes every multiple of
 * g = gcd(L, O) below O, so K = ⌈(O − g + L)/O⌉ (L ≥ 1).
 */
export function adaptiveAxis(L: number, O: number): AdaptiveAxis {
  const K = L < 1 ? 0 : Math.ceil((O - gcd(L, O) + L) / O);
  return { kind: 'adaptive', L, O, K };
}

/** Tap position π(o, κ) on one axis, or −1 when the tap is invalid (outside the input). */
export function tapPosition(a: AxisGeometry, o: number, kappa: number): number {
  if (a.kind === 'strided') {
    const pos = o * a.stride - a.padBegin + kappa * a.dilation;
    return pos >= 0 && pos < a.L ? pos : -1;
  }
  const start = adaptiveStart(o, a.L, a.O);
  return kappa < adaptiveEnd(o, a.L, a.O) - start ? start + kappa : -1;
}

/** Table `taps[o·K + κ] = π(o, κ)` or −1, for one axis. */
export function axisTaps(a: AxisGeometry): Int32Array {
  const t = new Int32Array(a.O * a.K);
  for (let o = 0; o < a.O; o++) for (let k = 0; k < a.K; k++) t[o * a.K + k] = tapPosition(a, o, k);
  return t;
}

/**
 * Per output index, the number of taps inside the *padded* input (`−p_b ≤ π < L + p_e`): the
 * `countIncludePad` divisor factor of OPERATORS.md 4.1. Equals the valid-tap count for adaptive axes.
 */
export function axisPaddedCounts(a: AxisGeometry): Int32Array {
  const c = new Int32Array(a.O);
  for (let o = 0; o < a.O; o++) {
    let n = 0;
    for (let k = 0; k < a.K; k++) {
      if (a.kind === 'strided') {
        const pos = o * a.stride - a.padBegin + k * a.dilation;
        if (pos >= -a.padBegin && pos < a.L + a.padEnd) n++;
      } else if (tapPosition(a, o, k) >= 0) n++;
    }
    c[o] = n;
  }
  return c;
}

/**
 * For the gather-style backward (OPERATORS.md 6): the windows containing input position `p` on
 * one axis, as pairs (o, κ) with π(o, κ) = p. Returned flat: `[o0, κ0, o1, κ1, …]`.
 */
export function windowsContaining(a: AxisGeometry, p: number): number[] {
  const out: number[] = [];
  if (a.kind === 'strided') {
    for (let k = 0; k < a.K; k++) {
      const num = p + a.padBegin - k * a.dilation;
      if (num < 0 || num % a.stride !== 0) continue;
      const o = num / a.stride;
      if (o < a.O) out.push(o, k);
    }
  } else {
    for (let o = 0; o < a.O; o++) {
      const s = adaptiveStart(o, a.L, a.O);
      if (s <= p && p < adaptiveEnd(o, a.L, a.O)) out.push(o, p - s);
    }
  }
  return out;
}

/** The default adaUnpool input length of a strided axis: `(O−1)s − p_b − p_e + d(k−1) + 1` (OPERATORS.md 4.7). */
export function defaultUnpoolLength(O: number, k: number, s: number, p: AxisPadding, d: number): number {
  const [pb, pe] = padPair(p);
  return (O - 1) * s - pb - pe + d * (k - 1) + 1;
}

/** Element strides of a `[N, C, *S]` tensor stored channels-first or channels-last. */
export interface LayoutStrides {
  readonly n: number;
  readonly c: number;
  /** One per spatial dim (of `S`). */
  readonly s: readonly number[];
}

export function layoutStrides(C: number, spatial: readonly number[], channelsLast: boolean): LayoutStrides {
  const s = new Array<number>(spatial.length);
  let acc = channelsLast ? C : 1;
  for (let i = spatial.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= spatial[i];
  }
  const plane = spatial.reduce((p, d) => p * d, 1);
  return channelsLast ? { n: plane * C, c: 1, s } : { n: plane * C, c: plane, s };
}

/** The shape `[N, C, *S]` as laid out in memory (`[N, *S, C]` for channels-last). */
export function layoutShape<T = number>(N: T, C: T, spatial: readonly T[], channelsLast: boolean): T[] {
  return channelsLast ? [N, ...spatial, C] : [N, C, ...spatial];
}
