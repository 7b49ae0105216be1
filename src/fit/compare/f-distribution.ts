/** Fisher's F distribution through the regularised incomplete beta function. */
import { incompleteBeta } from '../student-t.ts';

/**
 * P(F > f) for F with (d1, d2) degrees of freedom: the p-value of an F-test.
 * @example fSurvival(3.5, 2, 20) // => 0.0497…
 */
export function fSurvival(f: number, d1: number, d2: number): number {
  if (!(f > 0)) return 1;
  if (!Number.isFinite(f)) return 0;
  // P(F > f) = I_{d2/(d2 + d1 f)}(d2/2, d1/2).
  return incompleteBeta(d2 / (d2 + d1 * f), d2 / 2, d1 / 2);
}
