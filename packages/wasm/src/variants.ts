/**
 * The Wasm backend's run variants: the one list that the host's choice (backend.ts `variant`),
 * the generated kernels (scripts/gen-runs.mjs expands assembly/runs.ts.in once per cell of
 * RUN_KERNELS), the kernels' dispatch (`runCell`), the per-variant tests (test/geometry.test.ts,
 * one case per entry of VARIANTS, asserted through the debug hit counters) and kbench derive from.
 * Pure data: no imports, so the build scripts load it as it is.
 */

/** How a region's taps come as the kernels' tap entries along the last axis (backend.ts tapKind). */
export type Taps = 'pairs' | 'triples' | 'mixed';
/** What a RUN_KERNELS row takes: one form of taps, or any. */
export type TapsTaken = Taps | 'any';

/**
 * The generated dense runs: full lane groups of neighbouring outputs along the last axis,
 * channels-first, no mask, at most WIDE_TAPS taps a region. Each row is a kernel per method.
 *   taps: pairs (every tap half of a pair at off, off + 1 of stride-2 lanes), triples (a pair,
 *         then a single tap at +2), mixed (pairs and single taps in any order, or no pairs), or
 *         any: the taps are loaded as rows (their form tested per group) and the region math
 *         runs on them; the first row that fits a group entry takes it;
 *   laneStride: the lanes' input stride the kernel needs (mixed gradients add pairs of floats);
 *   overwrites: where the windows tile the input the kernel stores every tap's dx instead of
 *         adding it (a row's tail group keeps the taps of the lanes it overlaps: dense.ts putDx),
 *         so a call of only such runs needs no zeroed dx.
 * `example`: 2D options whose windows take this row, and the (channels-first) shapes the variant
 * tests and kbench run it at (scripts/variant-cases.mjs).
 */
export const RUN_KERNELS = [
  { name: 'pairsForward', job: 'forward', taps: 'pairs', methods: ['avg', 'max', 'em'], example: { opts: { kernelSize: 2 }, test: [1, 2, 8, 16], bench: [1, 64, 112, 112] } },
  { name: 'triplesForward', job: 'forward', taps: 'triples', methods: ['avg', 'max', 'em'], example: { opts: { kernelSize: 3, stride: 2 }, test: [1, 2, 9, 17], bench: [1, 64, 113, 113] } },
  { name: 'mixedForward', job: 'forward', taps: 'mixed', methods: ['avg', 'max'], example: { opts: { kernelSize: 5, stride: 2 }, test: [1, 2, 9, 19], bench: [1, 64, 115, 115] } },
  { name: 'rowsForward', job: 'forward', taps: 'any', methods: ['em', 'edscw', 'ada'], example: { opts: { kernelSize: 5, stride: 2 }, test: [1, 2, 9, 19], bench: [1, 64, 115, 115] } },
  { name: 'pairsGrad', job: 'backward', taps: 'pairs', methods: ['avg', 'max', 'em'], overwrites: true, example: { opts: { kernelSize: 2 }, test: [1, 2, 8, 16], bench: [1, 64, 112, 112] } },
  { name: 'triplesGrad', job: 'backward', taps: 'triples', methods: ['avg', 'max', 'em'], example: { opts: { kernelSize: 3, stride: 2 }, test: [1, 2, 9, 17], bench: [1, 64, 113, 113] } },
  { name: 'mixedGrad', job: 'backward', taps: 'mixed', methods: ['avg', 'max'], laneStride: 2, example: { opts: { kernelSize: 5, stride: 2 }, test: [1, 2, 9, 19], bench: [1, 64, 115, 115] } },
] as const;

/**
 * The hand-written variants (assembly/pool.ts, region.ts, streamed.ts): the per-region walk with
 * lanes across outputs, nothing (every region empty), the walk with lanes across channels (plans
 * without group entries), and regions of more than BIG_TAPS taps, streamed whatever the variant.
 */
export const HAND_VARIANTS = ['region', 'empty', 'channels', 'streamed'] as const;

type Row = (typeof RUN_KERNELS)[number];
export type RunCell = { [R in Row as R['name']]: `${R['name']}.${R['methods'][number]}` }[Row['name']];
export type Variant = (typeof HAND_VARIANTS)[number] | RunCell;

/** Every variant, hand-written first, then each generated cell as `name.method`; a variant's code is its index. */
export const VARIANTS: readonly Variant[] = [
  ...HAND_VARIANTS,
  ...RUN_KERNELS.flatMap((k) => k.methods.map((m) => `${k.name}.${m}` as RunCell)),
];
