/**
 * Are a law's parameters shared across runs? Cui et al. report a and b to be "algorithm-irrelevant" on one
 * model: GRPO, RLOO, PRIME and REINFORCE++ fall on one curve. This is the classical extra-sum-of-squares
 * F-test of one pooled fit (k parameters for all runs) against separate fits (k per run).
 */
import { InputError } from '../../util/errors.ts';
import type { Law, LawData } from '../laws/types.ts';
import { fitLaw, type FitLawOptions } from '../nonlinear/fit-law.ts';
import type { LawFit } from '../types.ts';
import { fSurvival } from './f-distribution.ts';
import { jointLaw, perRunName } from './joint-law.ts';

/** Options for `pooledVsSeparate`. */
export interface PooledOptions extends FitLawOptions {
  /**
   * Parameters the restricted model shares across runs; the others are fitted per run. Defaults to all
   * of the law's parameters (one curve for every run).
   */
  shared?: readonly string[];
}

/** The outcome of `pooledVsSeparate`. */
export interface PooledTest {
  /** The restricted fit: one law for all runs, or the joint law with per-run copies of unshared parameters. */
  pooled: LawFit;
  shared: readonly string[];
  separate: LawFit[];
  /** Residual sums of squares and degrees of freedom of both models. */
  ssrPooled: number;
  ssrSeparate: number;
  dofPooled: number;
  dofSeparate: number;
  /** F statistic and its p-value; a small p says the runs do not share the parameters. */
  f: number;
  pValue: number;
}

/**
 * Fits the law to each run and to all runs pooled, and tests whether the pooled (shared-parameter) model
 * fits significantly worse: F = ((SSR_pooled − SSR_sep)/(dof_pooled − dof_sep)) / (SSR_sep/dof_sep).
 * With `shared` a subset, the restricted model shares only those (e.g. is a common while b differs?).
 * Weighted fits (σ in each run) give the weighted version. Throws an `InputError` for fewer than 2 runs,
 * too few points in total, or a fit that does not converge.
 * @example pooledVsSeparate(entropyExp, [grpo, rloo, prime]).pValue // => 0.41 (one curve is consistent)
 */
export function pooledVsSeparate(law: Law, runs: readonly LawData[], options: PooledOptions = {}): PooledTest {
  const { shared = law.params, ...fitOptions } = options;
  if (runs.length < 2) throw new InputError(`pooledVsSeparate needs at least 2 runs (got ${runs.length})`);
  const k = law.params.length;
  const separate = runs.map((run, r) => {
    const fit = fitLaw(law, run, { ...fitOptions, sigma: run.sigma });
    if (!fit.converged) throw new InputError(`pooledVsSeparate: the fit to run ${r + 1} did not converge (${fit.reason})`);
    return fit;
  });
  const concat = (pick: (run: LawData) => ArrayLike<number> | undefined) => {
    const parts = runs.map(pick);
    if (parts.some((p) => p === undefined)) return undefined;
    return Float64Array.from(parts.flatMap((p) => Array.from(p!)));
  };
  const pooledData: LawData = {
    columns: law.variables.map((_, v) => concat((run) => run.columns[v])!),
    y: concat((run) => run.y)!,
    sigma: concat((run) => run.sigma),
  };
  const everything = law.params.every((p) => shared.includes(p));
  let pooled: LawFit;
  if (everything) {
    pooled = fitLaw(law, pooledData, { ...fitOptions, sigma: pooledData.sigma });
  } else {
    // Start shared parameters at the mean of the separate fits, the others at each run's own value.
    const joint = jointLaw(law, runs.map((run) => run.y.length), shared);
    const start: Record<string, number> = {};
    for (const p of law.params) {
      if (shared.includes(p)) start[p] = separate.reduce((s, f) => s + f.params[p], 0) / separate.length;
      else separate.forEach((f, r) => (start[perRunName(p, r)] = f.params[p]));
    }
    pooled = fitLaw(joint, pooledData, { ...fitOptions, sigma: pooledData.sigma, start });
  }
  if (!pooled.converged) throw new InputError(`pooledVsSeparate: the pooled fit did not converge (${pooled.reason})`);
  const ssrSeparate = separate.reduce((s, f) => s + f.ssr, 0);
  const dofSeparate = pooledData.y.length - runs.length * k;
  const dofPooled = pooledData.y.length - pooled.paramNames.length;
  const f = (pooled.ssr - ssrSeparate) / (dofPooled - dofSeparate) / (ssrSeparate / dofSeparate);
  // Rounding can make the pooled SSR a hair smaller than the sum of separate ones; that is F = 0.
  const fStat = Math.max(0, f);
  return { pooled, shared: everything ? law.params : shared, separate, ssrPooled: pooled.ssr, ssrSeparate, dofPooled, dofSeparate, f: fStat, pValue: fSurvival(fStat, dofPooled - dofSeparate, dofSeparate) };
}
