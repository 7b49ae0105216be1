/**
 * Student's t distribution: CDF and quantile, for confidence intervals of fitted parameters.
 * simple-statistics ships only a normal quantile and a fixed t table, so these follow the textbook route:
 * the t CDF through the regularised incomplete beta function (continued fraction, modified Lentz), and the
 * quantile by safeguarded Newton steps on that CDF. Accurate to ~1e-12 relative for dof ≥ 1.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7, n = 9). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let s = LANCZOS[0];
  for (let i = 1; i < 9; i++) s += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** Continued fraction for the incomplete beta function (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return h;
}

/** Regularised incomplete beta function I_x(a, b), x in [0, 1]. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  // The continued fraction converges fast only for x < (a+1)/(a+b+2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

/**
 * P(T ≤ t) for Student's t with `dof` degrees of freedom.
 * @example studentTCdf(2.0, 10) // => 0.9633059826146...
 */
export function studentTCdf(t: number, dof: number): number {
  if (!(dof > 0)) throw new RangeError(`invalid degrees of freedom: ${dof} (expected > 0)`);
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  const tail = 0.5 * incompleteBeta(dof / (dof + t * t), dof / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** Density of Student's t. */
function studentTPdf(t: number, dof: number): number {
  const ln =
    logGamma((dof + 1) / 2) - logGamma(dof / 2) - 0.5 * Math.log(dof * Math.PI) - ((dof + 1) / 2) * Math.log1p((t * t) / dof);
  return Math.exp(ln);
}

/**
 * The p-quantile of Student's t with `dof` degrees of freedom (scipy.stats.t.ppf).
 * Throws a RangeError for p outside (0, 1) or dof ≤ 0.
 * @example studentTQuantile(0.975, 10) // => 2.2281388519649...
 */
export function studentTQuantile(p: number, dof: number): number {
  // Fits over many runs ask for the same few quantiles again and again; each costs ~100 beta evaluations.
  // Keyed by number, not by a `${p}:${dof}` string: formatting floats would cost more than the lookup saves.
  let byDof = quantileCache.get(p);
  if (!byDof) quantileCache.set(p, (byDof = new Map()));
  let q = byDof.get(dof);
  if (q === undefined) {
    q = _studentTQuantile(p, dof);
    if (byDof.size > 10_000) byDof.clear();
    byDof.set(dof, q);
  }
  return q;
}

const quantileCache = new Map<number, Map<number, number>>();

function _studentTQuantile(p: number, dof: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`invalid probability: ${p} (expected a number in (0, 1))`);
  if (!(dof > 0)) throw new RangeError(`invalid degrees of freedom: ${dof} (expected > 0)`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -_studentTQuantile(1 - p, dof);
  // Bracket [0, hi] with CDF(hi) ≥ p, then Newton steps kept inside the bracket (bisection when they leave).
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, dof) < p) {
    lo = hi;
    hi *= 2;
  }
  let t = (lo + hi) / 2;
  for (let i = 0; i < 200; i++) {
    const f = studentTCdf(t, dof) - p;
    if (f > 0) hi = t;
    else lo = t;
    let next = t - f / studentTPdf(t, dof);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-15 * Math.max(1, Math.abs(t))) return next;
    t = next;
  }
  return t;
}
