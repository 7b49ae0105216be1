/**
 * The fit stage's result types: one fit type for every law (`LawFit`), whether it was solved exactly
 * (`entropy-exp`, `entropy-linear`) or by the nonlinear engine, and one type for a derived quantity with
 * its uncertainty (`Estimate`: the ceiling, a prediction).
 */

/** A quantity derived from fitted parameters, with its delta-method (or bootstrap) uncertainty. */
export interface Estimate {
  value: number;
  stderr: number;
  /** Two-sided interval at `confidence` (Student t with the fit's degrees of freedom). */
  ci: [number, number];
  confidence: number;
}
/** A fitted law: parameters, their uncertainty, goodness of fit and how the solver stopped. */
export interface LawFit {
  /** The law's name and formula. */
  law: string;
  formula: string;
  /** Parameter names, in the order of `values` and `covariance`. */
  paramNames: readonly string[];
  /** The parameter vector. */
  values: number[];
  params: Record<string, number>;
  stderr: Record<string, number>;
  /** Student-t confidence intervals at `confidence` with `dof` degrees of freedom. */
  ci: Record<string, [number, number]>;
  /** Covariance of the parameters (scaled by the reduced chi-square unless `absoluteSigma`). */
  covariance: number[][];
  confidence: number;
  /** Number of points and residual degrees of freedom n − k. */
  n: number;
  dof: number;
  /** Weighted residual sum of squares Σ((yᵢ − fᵢ)/σᵢ)² (plain SSR without weights). */
  ssr: number;
  /** ssr / dof. */
  chiSquareReduced: number;
  /** Residual standard error √(ssr / dof). */
  sigma: number;
  /** Weighted coefficient of determination and unweighted root-mean-square residual. */
  r2: number;
  rmse: number;
  /** Whether the solver met a convergence test; a false here means the parameters are not a result. */
  converged: boolean;
  /** Why the solver stopped (or `exact linear least squares`). */
  reason: string;
  iterations: number;
  evaluations: number;
  /** How many starting points were tried; the reported fit is the converged one with least ssr. */
  startsTried: number;
  /** Parameters that ended on a bound (their standard errors are then not meaningful). */
  atBound: string[];
  /** Problems worth telling the user about (rank deficiency, defaulted starts, …). */
  warnings: string[];
  /** Present for robust (Huber) fits. */
  robust?: RobustInfo;
}

/** Details of a robust fit. */
export interface RobustInfo {
  /** Huber threshold c in units of y/σ: residuals beyond it are down-weighted. */
  scale: number;
  /** Final IRLS weights in (0, 1]. */
  weights: Float64Array;
  /** IRLS iterations used. */
  iterations: number;
}
