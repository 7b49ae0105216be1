/**
 * The entropy law with a free rate: R = −a·exp(c·H) + b. With c = 1 it is Cui et al.'s law; a fitted c far
 * from 1 says the exponential shape itself is off for this run. Ceiling at H = 0: b − a.
 */
import { gridStarts } from './linear-start.ts';
import type { Law } from './types.ts';

/** Rates tried for the start: (a, b) is solved exactly for each, the best few seed the fit. */
const RATE_GRID = [-4, -2, -1, -0.5, -0.25, 0.25, 0.5, 1, 2, 4, 8];

/**
 * R = −a·exp(c·H) + b, parameters [a, b, c], variable H.
 * @example entropyExp3.ceiling!([0.2, 0.9, 1.5]) // => 0.7
 */
export const entropyExp3: Law = {
  name: 'entropy-exp3',
  formula: 'R = −a·exp(c·H) + b',
  params: ['a', 'b', 'c'],
  variables: ['H'],
  evaluate(p, [h], out) {
    for (let i = 0; i < out.length; i++) out[i] = p[1] - p[0] * Math.exp(p[2] * h[i]);
  },
  jacobian(p, [h], jac) {
    const n = jac.length / 3;
    for (let i = 0; i < n; i++) {
      const e = Math.exp(p[2] * h[i]);
      jac[i] = -e;
      jac[n + i] = 1;
      jac[2 * n + i] = -p[0] * h[i] * e;
    }
  },
  starts(data) {
    return gridStarts(data, RATE_GRID, (h, c) => Math.exp(c * h), (a, b, c) => [a, b, c]);
  },
  ceiling: (p) => p[1] - p[0],
  ceilingGradient: () => [-1, 1, 0],
};
