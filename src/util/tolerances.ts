/** Numerical tolerances in one place (simple-statistics' `epsilon.js`). */

/**
 * Relative spread below which a predictor is treated as constant: if (max − min) of exp(H) is under this
 * fraction of its mean, the slope a is not identifiable and the fit is refused instead of returning NaN.
 */
export const MIN_RELATIVE_SPREAD = 1e-9;
