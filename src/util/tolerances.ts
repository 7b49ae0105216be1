/** Numerical tolerances in one place (simple-statistics' `epsilon.js`). */

/**
 * Relative spread below which a predictor is treated as constant: if (max − min) of exp(H) is under this
 * fraction of its mean, the slope a is not identifiable and the fit is refused instead of returning NaN.
 */
export const MIN_RELATIVE_SPREAD = 1e-9;

/**
 * Two parameters whose estimates are correlated closer to ±1 than this are not separately determined by
 * the data: only a combination of them is, and their values are not a result. The entropy law's a and b
 * are always strongly correlated (1 − |r| ≈ 1e-3 to 6e-2 on the real verl GSM8K logs and the sample runs),
 * far from this; a three-parameter law on a narrow entropy range reaches 1 − |r| < 1e-7.
 */
export const MAX_PARAMETER_CORRELATION = 1 - 1e-6;

/**
 * Per-token policy entropy in nats lies in [0, ln V]: at most ln(256000) ≈ 12.5 for the largest vocabularies.
 * Above `ENTROPY_MAX` a value cannot be a per-token entropy (it is a sum over a sequence's tokens, as verl
 * logs with `loss_agg_mode: seq-mean-token-sum`, or another quantity): the law is not fitted. RL runs on
 * reasoning models start near 0.3–2 nats and fall, so above `ENTROPY_TYPICAL_MAX` a warning asks to check.
 */
export const ENTROPY_MAX = 20;
export const ENTROPY_TYPICAL_MAX = 5;

/**
 * Levenberg–Marquardt stopping tolerances (MINPACK's ftol and xtol): relative reduction of the sum of
 * squares and relative change of the parameters. Tight on purpose: with ftol = 1e-10 the sum-of-squares
 * test stops NIST's ENSO and MGH09 at 4–5 correct digits.
 */
export const SOLVER_FTOL = 1e-15;
export const SOLVER_XTOL = 1e-15;

/** Relative size of a QR pivot below which the Jacobian counts as rank deficient (parameters not identifiable). */
export const RANK_TOLERANCE = 1e-13;

/** IRLS rounds of a robust fit stop when no parameter moves by more than this, relative. */
export const ROBUST_TOLERANCE = 1e-12;

/** A parameter within this (relative) of a bound sits on it, and its standard error is not meaningful. */
export const AT_BOUND_TOLERANCE = 1e-10;

/** A 2×2 normal-equation determinant below this (relative to its diagonal) makes a linear start singular. */
export const SINGULAR_DETERMINANT = 1e-12;
