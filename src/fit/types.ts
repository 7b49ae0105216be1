/** A fitted parameter pair with its uncertainty, as every law reports it. */
export interface ParamStats {
  value: number;
  stderr: number;
  /** Two-sided confidence interval at the requested level (Student t with `dof` degrees of freedom). */
  ci: [number, number];
}

/** Result of fitting R = −a·exp(H) + b to one run (see `fitEntropyLaw`). */
export interface EntropyLawFit {
  law: 'entropy-exp';
  params: { a: number; b: number };
  stderr: { a: number; b: number };
  /** Covariance of (a, b): [[var a, cov], [cov, var b]]. */
  covariance: [[number, number], [number, number]];
  /** Confidence intervals of a and b at `confidence`. */
  ci: { a: [number, number]; b: [number, number] };
  confidence: number;
  /** Number of points and residual degrees of freedom (n − 2). */
  n: number;
  dof: number;
  /** Coefficient of determination and root-mean-square residual (unweighted, in units of R). */
  r2: number;
  rmse: number;
  /** Residual standard error s = sqrt(weighted SSR / dof), the scale of the covariance. */
  sigma: number;
}

/** The ceiling b − a, the law's R at H = 0, with its delta-method uncertainty. */
export interface Ceiling {
  value: number;
  stderr: number;
  ci: [number, number];
  confidence: number;
}
