/**
 * A linear entropy law R = −a·H + b, the natural null model next to −a·exp(H) + b: over a narrow entropy
 * range the two are hard to tell apart, and model choice (AIC, backtests) needs both. Ceiling at H = 0: b.
 */
import { solvePair } from './linear-start.ts';
import type { Law } from './types.ts';

/**
 * R = −a·H + b, parameters [a, b], variable H.
 * @example entropyLinear.ceiling!([0.2, 0.9]) // => 0.9
 */
export const entropyLinear: Law = {
  name: 'entropy-linear',
  formula: 'R = −a·H + b',
  params: ['a', 'b'],
  variables: ['H'],
  evaluate(p, [h], out) {
    for (let i = 0; i < out.length; i++) out[i] = p[1] - p[0] * h[i];
  },
  jacobian(_p, [h], jac) {
    const n = jac.length / 2;
    for (let i = 0; i < n; i++) {
      jac[i] = -h[i];
      jac[n + i] = 1;
    }
  },
  starts({ columns: [h], y, sigma }) {
    const u = Float64Array.from(h, (v) => -v);
    const { alpha, beta, ssr } = solvePair(u, new Float64Array(y.length).fill(1), y, sigma);
    return Number.isFinite(ssr) ? [[alpha, beta]] : [[0, 0]];
  },
  ceiling: (p) => p[1],
  ceilingGradient: () => [0, 1],
};
