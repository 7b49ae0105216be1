/**
 * The entropy–performance law of Cui et al. (2025): R = −a·exp(H) + b. Linear in (a, b) after X = exp(H),
 * so it is solved exactly by `fitEntropyLaw` (weighted OLS) instead of iterating; the ceiling is b − a.
 */
import { ENTROPY_EXP_FORMULA, ENTROPY_EXP_PARAMS, fitEntropyLaw } from '../entropy-law.ts';
import type { Law, LawData } from './types.ts';

/** The exact weighted least-squares solution [a, b]. */
function solve(data: LawData): number[] {
  const { a, b } = fitEntropyLaw(data.columns[0], data.y, { sigma: data.sigma }).params;
  return [a, b];
}

/**
 * R = −a·exp(H) + b, parameters [a, b], variable H (policy entropy).
 * @example entropyExp.ceiling!([0.2, 0.9]) // => 0.7
 */
export const entropyExp: Law = {
  name: 'entropy-exp',
  formula: ENTROPY_EXP_FORMULA,
  params: ENTROPY_EXP_PARAMS,
  variables: ['H'],
  evaluate(p, [h], out) {
    for (let i = 0; i < out.length; i++) out[i] = p[1] - p[0] * Math.exp(h[i]);
  },
  jacobian(_p, [h], jac) {
    const n = jac.length / 2;
    for (let i = 0; i < n; i++) {
      jac[i] = -Math.exp(h[i]);
      jac[n + i] = 1;
    }
  },
  starts: (data) => [solve(data)],
  solve,
  fitExact: (data, confidence) => fitEntropyLaw(data.columns[0], data.y, { sigma: data.sigma, confidence }),
  ceiling: (p) => p[1] - p[0],
  ceilingGradient: () => [-1, 1],
};
