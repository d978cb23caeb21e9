/**
 * Double-f32 ("ds": hi + lo, ~44 significant bits) arithmetic in WGSL, for the few regions where
 * float32 cannot meet OPERATORS.md 6: a weighted mean of taps of both signs near ±1000 cancels,
 * and f32 rounding of the weights (≈1e-7 relative) times |x − y| ≈ 1000 exceeds 1e-5 + 1e-4|y|.
 * Error-free transformations (Knuth two-sum; two-product by fma where the device fuses it, which
 * the backend probes once, else Dekker's split) as in Dekker / QD.
 */
const f32 = Math.fround;
/** A number as a WGSL ds constant (hi, lo). */
export function dsConst(v: number): string {
  const hi = f32(v);
  const lo = f32(v - hi);
  return `vec2<f32>(${hi.toPrecision(17)}, ${lo.toPrecision(17)})`;
}

const INV_FACT = Array.from({ length: 10 }, (_, k) => {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return 1 / f;
});

export const DS_WGSL = `
fn twoSum(a: f32, b: f32) -> vec2<f32> { let s = a + b; let bb = s - a; return vec2<f32>(s, (a - (s - bb)) + (b - bb)); }
fn quickTwoSum(a: f32, b: f32) -> vec2<f32> { let s = a + b; return vec2<f32>(s, b - (s - a)); }
/** Dekker split into 12-bit halves (used where fma is not fused, e.g. SwiftShader). */
fn split(a: f32) -> vec2<f32> { let c = 4097.0 * a; let h = c - (c - a); return vec2<f32>(h, a - h); }
fn twoProd(a: f32, b: f32) -> vec2<f32> {
  let p = a * b;
  if (P.fmaFused == 1) { return vec2<f32>(p, fma(a, b, -p)); }
  let sa = split(a); let sb = split(b);
  return vec2<f32>(p, ((sa.x * sb.x - p) + sa.x * sb.y + sa.y * sb.x) + sa.y * sb.y);
}
fn dsAdd(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  let s = twoSum(a.x, b.x); let t = twoSum(a.y, b.y);
  let u = quickTwoSum(s.x, s.y + t.x);
  return quickTwoSum(u.x, u.y + t.y);
}
fn dsMul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  let p = twoProd(a.x, b.x);
  return quickTwoSum(p.x, p.y + (a.x * b.y + a.y * b.x));
}
fn dsDiv(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  let q1 = a.x / b.x;
  let r1 = dsAdd(a, -dsMul(b, vec2<f32>(q1, 0.0)));
  let q2 = r1.x / b.x;
  let r2 = dsAdd(r1, -dsMul(b, vec2<f32>(q2, 0.0)));
  return dsAdd(quickTwoSum(q1, q2), vec2<f32>(r2.x / b.x, 0.0));
}
fn dsSqrt(a: vec2<f32>) -> vec2<f32> {
  if (a.x <= 0.0) { return vec2<f32>(0.0, 0.0); }
  let s = sqrt(a.x);
  let r = dsAdd(a, -twoProd(s, s));
  return quickTwoSum(s, r.x / (2.0 * s));
}
/** Exact scaling by 2^k. */
fn dsLdexp(a: vec2<f32>, k: i32) -> vec2<f32> { return vec2<f32>(ldexp(a.x, k), ldexp(a.y, k)); }
/** exp(a) for −1.5 ≤ a ≤ 0.5: Taylor on a/16, then squared 4 times. */
fn dsExpSmall(a: vec2<f32>) -> vec2<f32> {
  let s = dsLdexp(a, -4);
  var p = ${dsConst(INV_FACT[9])};
${INV_FACT.slice(0, 9)
  .reverse()
  .map((c) => `  p = dsAdd(dsMul(p, s), ${dsConst(c)});`)
  .join('\n')}
  p = dsMul(p, p); p = dsMul(p, p); p = dsMul(p, p); p = dsMul(p, p);
  return p;
}
/** D(x, m) in ds, scaled by an exact power of two (scale-free, D(0,0) = 1). */
fn dscDs(x: f32, m: vec2<f32>) -> vec2<f32> {
  let M = max(abs(x), abs(m.x));
  if (M == 0.0) { return vec2<f32>(1.0, 0.0); }
  let k = frexp(M).exp;
  let xh = vec2<f32>(ldexp(x, -k), 0.0);
  let mh = dsLdexp(m, -k);
  let num = dsMul(vec2<f32>(2.0, 0.0), dsMul(xh, mh));
  let den = dsAdd(dsMul(xh, xh), dsMul(mh, mh));
  let D = dsDiv(num, den);
  return select(D, -D, D.x < 0.0);
}
/** 1/δ, δ = hypot(u, ε), in ds and scale-free. */
fn idwInvDeltaDs(u: vec2<f32>, eps: f32) -> vec2<f32> {
  let k = frexp(max(abs(u.x), eps)).exp;
  let uh = dsLdexp(u, -k);
  let eh = vec2<f32>(ldexp(eps, -k), 0.0);
  let d = dsSqrt(dsAdd(dsMul(uh, uh), dsMul(eh, eh)));
  return dsLdexp(dsDiv(vec2<f32>(1.0, 0.0), d), -k);
}
`;
