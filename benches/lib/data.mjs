// What every bench harness shares, in Node, Deno, Bun and the browser page alike (no Node
// imports here): the deterministic inputs, the check against a reference, the layouts, and the
// interleaved timing loop.

/** β per channel, channels-first form [C,1,…,1] (OPERATORS.md 4.6), values spread over (0,1). */
export function betaData(shape) {
  const C = shape[1];
  return { data: Float32Array.from({ length: C }, (_, c) => 0.2 + (0.6 * c) / Math.max(1, C - 1)), shape: [C, ...new Array(shape.length - 2).fill(1)] };
}

/** Channels-first <-> channels-last copies (any rank >= 3; `shape` channels-first). */
function moveChannels(a, shape, toLast) {
  const [N, C] = shape;
  const S = a.length / (N * C);
  const out = new Float32Array(a.length);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      for (let s = 0; s < S; s++) {
        const first = (n * C + c) * S + s;
        const last = (n * S + s) * C + c;
        if (toLast) out[last] = a[first];
        else out[first] = a[last];
      }
    }
  }
  return out;
}
export const toChannelsLast = (a, shape) => moveChannels(a, shape, true);
export const toChannelsFirst = (a, shape) => moveChannels(a, shape, false);
export const lastLayout = (shape) => [shape[0], ...shape.slice(2), shape[1]];

/** mulberry32: a small deterministic generator. */
export function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Deterministic inputs drawn like the parity suite's: |x| in [0.3, 2.5] with a random sign, every
 * window kept away from the kinks of OPERATORS.md §6 (|m| ≥ 0.05, |x − m| ≥ 0.02, the max beats
 * the runner-up by ≥ 0.02), so the §6 tolerance applies to the checks; dy in (-1, 1); β per channel.
 */
export function caseData(c) {
  const rnd = rng(0x5eed + c.shape.reduce((a, b) => a * 31 + b, c.kernel));
  const draw = () => (rnd() < 0.5 ? -1 : 1) * (0.3 + 2.2 * rnd());
  const x = Float32Array.from({ length: c.shape.reduce((a, b) => a * b, 1) }, draw);
  const dy = Float32Array.from({ length: c.outShape.reduce((a, b) => a * b, 1) }, () => rnd() * 2 - 1);
  // Window taps and starts within one (n, c) plane, for any rank.
  const sp = c.shape.slice(2);
  const out = c.outShape.slice(2);
  const pstr = sp.map((_, i) => sp.slice(i + 1).reduce((a, b) => a * b, 1));
  const offsets = (dims, scale) => {
    let list = [0];
    dims.forEach((d, a) => {
      list = list.flatMap((o) => Array.from({ length: d }, (_, i) => o + i * scale * pstr[a]));
    });
    return Int32Array.from(list);
  };
  const taps = offsets(new Array(sp.length).fill(c.kernel), 1);
  const starts = offsets(out, c.stride);
  const plane = sp.reduce((a, b) => a * b, 1);
  const planes = c.shape[0] * c.shape[1];
  for (let pass = 0; ; pass++) {
    if (pass === 1000) throw new Error(`bench: could not draw kink-free data for ${c.name}`);
    let fixes = 0;
    for (let p = 0; p < planes; p++) {
      for (const s of starts) {
        const base = p * plane + s;
        let m = 0;
        for (const t of taps) m += x[base + t];
        m /= taps.length;
        let fix = Math.abs(m) < 0.05 ? base + taps[0] : -1;
        let best = -Infinity;
        let second = -Infinity;
        let arg = -1;
        for (const t of taps) {
          const v = x[base + t];
          if (fix < 0 && Math.abs(v - m) < 0.02) fix = base + t;
          if (v > best) [second, best, arg] = [best, v, base + t];
          else if (v > second) second = v;
        }
        if (fix < 0 && taps.length > 1 && best - second < 0.02) fix = arg;
        if (fix >= 0) {
          x[fix] = draw();
          fixes++;
        }
      }
    }
    if (!fixes) break;
  }
  return { x, dy, beta: betaData(c.shape) };
}

/** |Δ| against the reference and the OPERATORS.md §6 tolerance (forward 1e-5 + 1e-4|ref|, gradients 1e-4 + 1e-3|ref|). */
export function compare(got, ref, dir) {
  const [atol, rtol] = dir === 'forward' ? [1e-5, 1e-4] : [1e-4, 1e-3];
  if (!got || got.length !== ref.length) return { ok: false, maxAbs: NaN, maxRel: NaN, bad: ref.length, total: ref.length, why: `length ${got?.length} vs ${ref.length}` };
  let maxAbs = 0;
  let maxRel = 0;
  let bad = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(got[i] - ref[i]);
    if (!(d <= atol + rtol * Math.abs(ref[i]))) bad++;
    if (!(d <= maxAbs)) maxAbs = d;
    const r = d / Math.max(Math.abs(ref[i]), 1e-2);
    if (!(r <= maxRel)) maxRel = r;
  }
  return { ok: bad === 0, maxAbs, maxRel, bad, total: ref.length };
}

export const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Times every backend on one (shape, op, direction) together: warmup, then rounds in which each
 * backend runs a block of `ceil(reps / 3)` calls, until each has `reps` samples (or the budget
 * is spent after `minReps`). Interleaving blocks spreads the shared machine's noise over all
 * backends alike, so ratios from one run are fair; a block keeps each backend's data warm.
 */
export async function measureTogether(entries, collect = () => {}) {
  for (const e of entries) for (let i = 0; i < e.cfg.warmup; i++) await e.prep.run();
  const start = performance.now();
  const wants = (e) => e.samples.length < e.cfg.reps && (e.samples.length < e.cfg.minReps || performance.now() - start < e.cfg.budgetMs);
  while (entries.some(wants)) {
    for (const e of entries) {
      if (!wants(e)) continue;
      collect();
      const block = Math.ceil(e.cfg.reps / 3);
      for (let i = 0; i < block && e.samples.length < e.cfg.reps; i++) {
        const t0 = performance.now();
        await e.prep.run();
        e.samples.push(performance.now() - t0);
      }
    }
  }
}

