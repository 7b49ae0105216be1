/**
 * Levenberg–Marquardt for nonlinear least squares, min ½‖f(x)‖², after MINPACK's `lmder` (Moré 1978):
 * a trust-region method on the QR factors of the analytic Jacobian, with Moré's parameter scaling (each
 * parameter measured in units of its Jacobian column norm, so b1 ≈ 1e3 and b2 ≈ 1e-4 are treated alike)
 * and MINPACK's three convergence tests. Double precision throughout, Float64Array storage.
 */
import { lmParameter } from './lmpar.ts';
import { applyQt, norm2, qrFactor } from './qr.ts';
import { SOLVER_FTOL, SOLVER_XTOL } from '../../util/tolerances.ts';

/** A least-squares problem: m residuals in n unknowns, with an analytic Jacobian. */
export interface LeastSquaresProblem {
  /** Number of residuals. */
  m: number;
  /** Number of unknowns. */
  n: number;
  /** Writes the residuals f(x) (length m) into `out`. */
  residuals(x: Float64Array, out: Float64Array): void;
  /** Writes the Jacobian ∂fᵢ/∂x_j column-major into `jac` (jac[i + j·m]). */
  jacobian(x: Float64Array, jac: Float64Array): void;
}

/** Options for `levenbergMarquardt`. */
export interface LevenbergMarquardtOptions {
  /** Stop when both the actual and predicted relative reductions of ‖f‖² are at most this. Defaults to 1e-15. */
  ftol?: number;
  /** Stop when the trust radius is at most this times the scaled ‖x‖. Defaults to 1e-15. */
  xtol?: number;
  /** Stop when the cosine between f and every column of J is at most this. Defaults to 0 (off). */
  gtol?: number;
  /** Most residual evaluations before giving up. Defaults to 2000·(n + 1). */
  maxEvaluations?: number;
  /** Initial trust radius as a multiple of the scaled ‖x₀‖. Defaults to 100 (MINPACK's `factor`). */
  factor?: number;
  /**
   * Fixed positive scale per unknown (MINPACK mode 2). Defaults to Moré's adaptive scaling: the running
   * maximum of each Jacobian column norm (mode 1).
   */
  scale?: ArrayLike<number>;
}

/** Why `levenbergMarquardt` stopped, MINPACK's `info` codes 1–8 plus 0 for bad input. */
export const STOP_REASONS: Record<number, string> = {
  0: 'the model is not finite at the start',
  1: 'relative reduction of the sum of squares below ftol',
  2: 'relative change of the parameters below xtol',
  3: 'relative reduction of the sum of squares below ftol and change of the parameters below xtol',
  4: 'residuals orthogonal to the Jacobian columns (gradient below gtol)',
  5: 'evaluation limit reached',
  6: 'no further reduction of the sum of squares is possible at machine precision',
  7: 'no further improvement of the parameters is possible at machine precision',
  8: 'residuals orthogonal to the Jacobian columns at machine precision',
};

/** The outcome of `levenbergMarquardt`. */
export interface LevenbergMarquardtResult {
  /** The best point found. */
  x: Float64Array;
  /** Residuals at x. */
  residuals: Float64Array;
  /** ‖f(x)‖². */
  ssr: number;
  /** MINPACK's stop code (see `STOP_REASONS`). */
  info: number;
  /** Largest cosine between f and a Jacobian column at the last Jacobian: 0 at an exact stationary point. */
  gradientCosine: number;
  iterations: number;
  evaluations: number;
  jacobianEvaluations: number;
}

const EPS = Number.EPSILON;

const allFinite = (v: Float64Array): boolean => {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
};

/**
 * Minimises ‖f(x)‖² from x0. Never throws on a hard problem: the result's `info` says why it stopped.
 * Cost per iteration: one Jacobian, one QR (O(m·n²)) and a few residual evaluations.
 * @example levenbergMarquardt(problem, Float64Array.of(500, 1e-4)).info // => 2 (parameters converged)
 */
export function levenbergMarquardt(
  problem: LeastSquaresProblem,
  x0: ArrayLike<number>,
  options: LevenbergMarquardtOptions = {},
): LevenbergMarquardtResult {
  const { m, n } = problem;
  const { ftol = SOLVER_FTOL, xtol = SOLVER_XTOL, gtol = 0, maxEvaluations = 2000 * (n + 1), factor = 100, scale } = options;
  const x = Float64Array.from(x0);
  const fvec = new Float64Array(m);
  const fjac = new Float64Array(m * n);
  const diag = new Float64Array(n);
  const qtf = new Float64Array(n);
  const step = new Float64Array(n);
  const trial = new Float64Array(n);
  const scaled = new Float64Array(n);
  const ftrial = new Float64Array(m);
  const wa4 = new Float64Array(m);
  const sdiag = new Float64Array(n);
  const result = (info: number, gradientCosine: number, iterations: number, evaluations: number, jacs: number) => ({
    x,
    residuals: fvec,
    ssr: norm2(fvec) ** 2,
    info,
    gradientCosine,
    iterations,
    evaluations,
    jacobianEvaluations: jacs,
  });

  problem.residuals(x, fvec);
  let evaluations = 1;
  if (!allFinite(fvec)) return result(0, NaN, 0, evaluations, 0);
  let fnorm = norm2(fvec);
  let par = 0;
  let iter = 1;
  let jacs = 0;
  let delta = 0;
  let xnorm = 0;
  let gnorm = NaN;
  if (scale) for (let j = 0; j < n; j++) diag[j] = scale[j];

  for (;;) {
    problem.jacobian(x, fjac);
    jacs++;
    if (!allFinite(fjac)) return result(0, gnorm, iter, evaluations, jacs);
    const { pivot, rdiag, colNorms } = qrFactor(fjac, m, n);
    if (iter === 1) {
      if (!scale) for (let j = 0; j < n; j++) diag[j] = colNorms[j] === 0 ? 1 : colNorms[j];
      for (let j = 0; j < n; j++) scaled[j] = diag[j] * x[j];
      xnorm = norm2(scaled);
      delta = factor * xnorm;
      if (delta === 0) delta = factor;
    }
    wa4.set(fvec);
    applyQt(fjac, m, n, wa4);
    for (let j = 0; j < n; j++) {
      fjac[j + j * m] = rdiag[j];
      qtf[j] = wa4[j];
    }
    // Scaled gradient: the cosine of the angle between f and each column of J.
    gnorm = 0;
    if (fnorm !== 0) {
      for (let j = 0; j < n; j++) {
        const l = pivot[j];
        if (colNorms[l] === 0) continue;
        let sum = 0;
        for (let i = 0; i <= j; i++) sum += fjac[i + j * m] * (qtf[i] / fnorm);
        gnorm = Math.max(gnorm, Math.abs(sum / colNorms[l]));
      }
    }
    if (gnorm <= gtol) return result(4, gnorm, iter, evaluations, jacs);
    if (!scale) for (let j = 0; j < n; j++) diag[j] = Math.max(diag[j], colNorms[j]);

    for (;;) {
      par = lmParameter(n, fjac, m, pivot, diag, qtf, delta, par, step, sdiag);
      for (let j = 0; j < n; j++) {
        step[j] = -step[j];
        trial[j] = x[j] + step[j];
        scaled[j] = diag[j] * step[j];
      }
      const pnorm = norm2(scaled);
      if (iter === 1) delta = Math.min(delta, pnorm);
      problem.residuals(trial, ftrial);
      evaluations++;
      // A step into a region where the model overflows or is undefined counts as a failed step.
      const fnorm1 = allFinite(ftrial) ? norm2(ftrial) : Infinity;
      const actred = 0.1 * fnorm1 < fnorm ? 1 - (fnorm1 / fnorm) ** 2 : -1;
      // Predicted reduction from the linear model: ‖J·p‖² / ‖f‖² + 2λ‖Dp‖² / ‖f‖².
      scaled.fill(0);
      for (let j = 0; j < n; j++) {
        const t = step[pivot[j]];
        for (let i = 0; i <= j; i++) scaled[i] += fjac[i + j * m] * t;
      }
      const temp1 = norm2(scaled) / fnorm;
      const temp2 = (Math.sqrt(par) * pnorm) / fnorm;
      const prered = temp1 * temp1 + (temp2 * temp2) / 0.5;
      const dirder = -(temp1 * temp1 + temp2 * temp2);
      const ratio = prered !== 0 ? actred / prered : 0;
      if (ratio <= 0.25) {
        let t = actred >= 0 ? 0.5 : (0.5 * dirder) / (dirder + 0.5 * actred);
        if (0.1 * fnorm1 >= fnorm || t < 0.1) t = 0.1;
        delta = t * Math.min(delta, pnorm / 0.1);
        par /= t;
      } else if (par === 0 || ratio >= 0.75) {
        delta = pnorm / 0.5;
        par *= 0.5;
      }
      if (ratio >= 1e-4) {
        x.set(trial);
        fvec.set(ftrial);
        for (let j = 0; j < n; j++) scaled[j] = diag[j] * x[j];
        xnorm = norm2(scaled);
        fnorm = fnorm1;
        iter++;
      }
      let info = 0;
      if (Math.abs(actred) <= ftol && prered <= ftol && 0.5 * ratio <= 1) info = 1;
      if (delta <= xtol * xnorm) info = info === 1 ? 3 : 2;
      if (info !== 0) return result(info, gnorm, iter, evaluations, jacs);
      if (evaluations >= maxEvaluations) info = 5;
      else if (Math.abs(actred) <= EPS && prered <= EPS && 0.5 * ratio <= 1) info = 6;
      else if (delta <= EPS * xnorm) info = 7;
      else if (gnorm <= EPS) info = 8;
      if (info !== 0) return result(info, gnorm, iter, evaluations, jacs);
      if (ratio >= 1e-4) break;
    }
  }
}
