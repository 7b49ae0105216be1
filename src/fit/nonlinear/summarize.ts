/**
 * Statistics of a fit at its solution: residual sums of squares, the curve_fit-compatible covariance
 * s²·(JᵀWJ)⁻¹ from the Jacobian, standard errors, Student-t intervals and R².
 */
import type { Law, LawData } from '../laws/types.ts';
import { studentTQuantile } from '../student-t.ts';
import { boundsMap } from './bounds.ts';
import { inverseGram } from './covariance.ts';
import type { FitLawOptions } from './fit-law.ts';
import type { LawFit } from '../types.ts';

/** How the solver ended, as `summarize` reports it. */
export interface SolverOutcome {
  converged: boolean;
  reason: string;
  iterations: number;
  evaluations: number;
  startsTried: number;
  warnings: string[];
}

/**
 * Residuals, covariance and intervals at the solution p.
 * @example summarize(law, data, [0.12, 0.92], {}, 0.95, outcome).stderr // => { a: …, b: … }
 */
export function summarize(law: Law, data: LawData, p: number[], options: FitLawOptions, confidence: number, outcome: SolverOutcome): LawFit {
  const n = data.y.length;
  const k = law.params.length;
  const { columns, y, sigma } = data;
  const values = new Float64Array(n);
  const jac = new Float64Array(n * k);
  law.evaluate(p, columns, values);
  law.jacobian(p, columns, jac);
  let ssr = 0;
  let sse = 0;
  let sw = 0;
  let ybar = 0;
  for (let i = 0; i < n; i++) {
    const w = sigma ? 1 / (sigma[i] * sigma[i]) : 1;
    const r = y[i] - values[i];
    ssr += w * r * r;
    sse += r * r;
    sw += w;
    ybar += w * y[i];
    if (sigma) for (let j = 0; j < k; j++) jac[j * n + i] /= sigma[i];
  }
  ybar /= sw;
  let syy = 0;
  for (let i = 0; i < n; i++) syy += (sigma ? 1 / (sigma[i] * sigma[i]) : 1) * (y[i] - ybar) ** 2;
  const dof = n - k;
  const chiSquareReduced = ssr / dof;
  const { matrix, fullRank } = inverseGram(jac, n, k);
  const scale = options.absoluteSigma ? 1 : chiSquareReduced;
  const covariance = matrix.map((row) => row.map((v) => (Number.isFinite(v) ? v * scale : Infinity)));
  const warnings = [...outcome.warnings];
  if (!fullRank) warnings.push(`parameters of ${law.name} are not all identifiable from these data (singular Jacobian); their errors are infinite`);
  if (!Number.isFinite(ssr)) warnings.push(`law ${law.name} is not finite at the solution`);
  const t = studentTQuantile(0.5 + confidence / 2, dof);
  const named = <T>(f: (j: number) => T) => Object.fromEntries(law.params.map((name, j) => [name, f(j)])) as Record<string, T>;
  const se = (j: number) => Math.sqrt(Math.max(0, covariance[j][j]));
  const atBound = boundsMap(
    law.params.map((q, j) => options.lower?.[q] ?? law.lower?.[j] ?? -Infinity),
    law.params.map((q, j) => options.upper?.[q] ?? law.upper?.[j] ?? Infinity),
  ).atBound(p, law.params);
  if (atBound.length) warnings.push(`${atBound.join(', ')} ended on a bound; standard errors are not meaningful there`);
  return {
    law: law.name,
    formula: law.formula,
    paramNames: law.params,
    values: p,
    params: named((j) => p[j]),
    stderr: named(se),
    ci: named((j) => [p[j] - t * se(j), p[j] + t * se(j)] as [number, number]),
    covariance,
    confidence,
    n,
    dof,
    ssr,
    chiSquareReduced,
    sigma: Math.sqrt(chiSquareReduced),
    r2: syy > 0 ? 1 - ssr / syy : ssr === 0 ? 1 : 0,
    rmse: Math.sqrt(sse / n),
    converged: outcome.converged,
    reason: outcome.reason,
    iterations: outcome.iterations,
    evaluations: outcome.evaluations,
    startsTried: outcome.startsTried,
    atBound,
    warnings,
  };
}
