/**
 * A fitted law at new points: its values, and its slope in one of its variables (how fast R moves with
 * entropy, which turns an entropy forecast's uncertainty into R's).
 */
import type { Law } from './laws/types.ts';
import type { LawFit } from './types.ts';

/**
 * The fitted law's values at new points (`columns` in `law.variables` order).
 * @example evaluateFit(entropyExp, fit, [[0, 0.5]]) // => Float64Array [b − a, b − a·e^0.5]
 */
export function evaluateFit(law: Law, fit: Pick<LawFit, 'values'>, columns: readonly ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(columns[0]?.length ?? 0);
  law.evaluate(fit.values, columns, out);
  return out;
}

/**
 * ∂f/∂x_v of the fitted law at each point, for the variable at index `variable`, by central differences
 * with a step of 1e-5·max(1, |x|): laws are smooth and this needs only a few digits (it scales a variance).
 * @example variableSlope(entropyExp, fit, [[0.3]], 0)[0] // => ≈ −a·exp(0.3)
 */
export function variableSlope(law: Law, fit: Pick<LawFit, 'values'>, columns: readonly ArrayLike<number>[], variable: number): Float64Array {
  const m = columns[0]?.length ?? 0;
  const up = columns.map((c) => Float64Array.from(c));
  const down = columns.map((c) => Float64Array.from(c));
  const step = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const x = columns[variable][i];
    step[i] = 1e-5 * Math.max(1, Math.abs(x));
    up[variable][i] = x + step[i];
    down[variable][i] = x - step[i];
  }
  const hi = evaluateFit(law, fit, up);
  const lo = evaluateFit(law, fit, down);
  for (let i = 0; i < m; i++) hi[i] = (hi[i] - lo[i]) / (2 * step[i]);
  return hi;
}
