/**
 * The scatter of single readings of a series about its smooth course, by the second-difference estimator
 * of Gasser, Sargent & Sengupta (1986, "Residual variance and residual pattern in nonlinear regression",
 * Biometrika 73): each inner point is compared with the straight line through its two neighbours,
 * ẽᵢ = aᵢ·yᵢ₋₁ + bᵢ·yᵢ₊₁ − yᵢ with aᵢ = (tᵢ₊₁ − tᵢ)/(tᵢ₊₁ − tᵢ₋₁), bᵢ = 1 − aᵢ, and
 * σ̂² = mean of cᵢ²·ẽᵢ² with cᵢ² = 1/(aᵢ² + bᵢ² + 1), which makes each term unbiased for σ² when the
 * readings are independent with variance σ² about a course that is locally linear. Unlike the scatter of
 * first differences, a smooth trend (R still climbing, entropy still falling) barely enters it. O(n).
 *
 * Degenerate cases: 0 for fewer than 3 points; a point whose neighbours do not bracket it strictly in t
 * (a repeated step) is skipped rather than refused, so a prediction never fails on it, and 0 is returned
 * when no point is left.
 * @example secondDifferenceScatter([1, 2, 3, 4, 5], [0, 1, 0, 1, 0]) // => sqrt(2/3) = 0.816...
 */
export function secondDifferenceScatter(t: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = Math.min(t.length, y.length);
  let sum = 0;
  let terms = 0;
  for (let i = 1; i < n - 1; i++) {
    if (!(t[i] > t[i - 1] && t[i + 1] > t[i])) continue;
    const a = (t[i + 1] - t[i]) / (t[i + 1] - t[i - 1]);
    const b = 1 - a;
    const e = a * y[i - 1] + b * y[i + 1] - y[i];
    sum += (e * e) / (a * a + b * b + 1);
    terms++;
  }
  return terms ? Math.sqrt(sum / terms) : 0;
}

/**
 * The reading noise of R that the law cannot explain: the step-to-step scatter of R
 * (`secondDifferenceScatter` over steps) less the scatter of the law's own values at the same points
 * (`fitted`), in variance; 0 when that is negative or with fewer than 3 points. For the paper's law the
 * second term is a²·(scatter of exp(H))²: the part of R's wiggles that the wiggles of entropy explain.
 *
 * Why: it is the least a prediction of a new reading from observed entropy can be off by, and it is
 * estimated without the law's residuals, so it still holds when a handful of points happen to lie much
 * closer to the fitted law than readings scatter (on a verl GSM8K log, 5 points after burn-in gave a
 * residual scale of 0.002 while readings of R scatter by 0.008). Where R follows each wiggle of entropy
 * (as in `syntheticRun`), the subtraction removes exactly that part; where the wiggles are independent
 * (the real verl logs: a·scatter of exp(H) ≈ 0.001–0.004 against 0.008 for R) it slightly understates
 * the noise, which keeps a floor built on it from widening intervals that are honest already.
 * @example readingNoise(model.used, evaluateFit(law, fit, [model.used.entropy])) // => 0.008...
 */
export function readingNoise(used: { step: ArrayLike<number>; metric: ArrayLike<number> }, fitted: ArrayLike<number>): number {
  const sr = secondDifferenceScatter(used.step, used.metric);
  const sf = secondDifferenceScatter(used.step, fitted);
  return Math.sqrt(Math.max(0, sr * sr - sf * sf));
}
