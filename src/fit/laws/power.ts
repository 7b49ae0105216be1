/**
 * A saturating power law in training progress: R = b − a·C^(−c), C = steps, tokens or compute (> 0).
 * As C grows R approaches the ceiling b; c is the decay exponent. Khatri et al. (2025) report that a power
 * law fitted early over-predicts the ceiling, which is why it sits next to the sigmoid in `compareLaws`.
 */
import { gridStarts } from './linear-start.ts';
import type { Law } from './types.ts';

const EXPONENT_GRID = [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3];

/**
 * R = b − a·C^(−c), parameters [a, b, c], variable C (> 0).
 * @example powerLaw.ceiling!([0.5, 0.8, 0.5]) // => 0.8
 */
export const powerLaw: Law = {
  name: 'power',
  formula: 'R = b − a·C^(−c)',
  params: ['a', 'b', 'c'],
  variables: ['C'],
  evaluate(p, [x], out) {
    for (let i = 0; i < out.length; i++) out[i] = p[1] - p[0] * Math.pow(x[i], -p[2]);
  },
  jacobian(p, [x], jac) {
    const n = jac.length / 3;
    for (let i = 0; i < n; i++) {
      const g = Math.pow(x[i], -p[2]);
      jac[i] = -g;
      jac[n + i] = 1;
      jac[2 * n + i] = p[0] * Math.log(x[i]) * g;
    }
  },
  starts(data) {
    return gridStarts(data, EXPONENT_GRID, (x, c) => Math.pow(x, -c), (a, b, c) => [a, b, c]);
  },
  ceiling: (p) => p[1],
  ceilingGradient: () => [0, 1, 0],
};
