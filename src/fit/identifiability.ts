/**
 * Whether a fit's parameters are determined by its data at all. A solver can converge to numbers that
 * are not a result: on a narrow entropy range R = b − a·exp(c·H) is nearly linear in H, so b and a can
 * grow together without bound (b = 23216, a = 23215) while the curve barely changes. Such a fit is
 * reported as not identifiable, with the reason, instead of printing its parameters.
 */
import { MAX_PARAMETER_CORRELATION } from '../util/tolerances.ts';
import type { LawFit } from './types.ts';

/** Why the parameters are not identifiable, or null when they are. */
export function notIdentifiable(fit: Pick<LawFit, 'paramNames' | 'covariance' | 'values'>): string | null {
  const { paramNames: names, covariance: cov } = fit;
  const k = names.length;
  for (let i = 0; i < k; i++) {
    if (!(Number.isFinite(cov[i][i]) && cov[i][i] >= 0)) return `${names[i]} has no finite standard error (the data do not determine it)`;
  }
  let worst = 0;
  let pair: [number, number] = [0, 0];
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const d = Math.sqrt(cov[i][i] * cov[j][j]);
      const r = d > 0 ? Math.abs(cov[i][j] / d) : 0;
      if (r > worst) [worst, pair] = [r, [i, j]];
    }
  }
  if (worst > MAX_PARAMETER_CORRELATION) {
    const [i, j] = pair;
    return `${names[i]} and ${names[j]} are not separately determined (their estimates are correlated ${worst.toFixed(8)}): only a combination of them is, so the values (${names[i]} = ${fit.values[i].toPrecision(4)}, ${names[j]} = ${fit.values[j].toPrecision(4)}) are not a result; try a law with fewer parameters or a run with more entropy range`;
  }
  return null;
}
