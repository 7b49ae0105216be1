import { studentTQuantile } from '../fit/student-t.ts';
import type { Ceiling, EntropyLawFit } from '../fit/types.ts';

/**
 * The performance ceiling of a fitted run: R at H = 0, b − a. Its standard error comes from the delta
 * method with the covariance of (a, b): Var(b − a) = Var a + Var b − 2·Cov(a, b) — a and b are strongly
 * correlated, so ignoring the covariance would overstate the uncertainty several-fold. The interval uses
 * Student's t with the fit's degrees of freedom, at the fit's confidence unless another is given.
 * @example ceilingOf(fitEntropyLaw(H, R)).value // => b − a
 */
export function ceilingOf(fit: EntropyLawFit, confidence = fit.confidence): Ceiling {
  const { a, b } = fit.params;
  const [[varA, covAB], [, varB]] = fit.covariance;
  const value = b - a;
  // Rounding can push an exactly-zero variance a hair below zero.
  const stderr = Math.sqrt(Math.max(0, varA + varB - 2 * covAB));
  const t = studentTQuantile(0.5 + confidence / 2, fit.dof);
  return { value, stderr, ci: [value - t * stderr, value + t * stderr], confidence };
}
