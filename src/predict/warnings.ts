/**
 * Why a fit or a forecast may not deserve trust. Every run analysis, forecast and backtest carries its
 * list: a stable code for programs and a sentence for people.
 */
export type RunWarningCode =
  /** Leading points far below the law (format learning), excluded as burn-in. */
  | 'format-learning'
  /** The early fit of `predict` could not exclude all the format-learning points the full fit excluded. */
  | 'early-burn-in'
  | 'entropy-rising'
  | 'low-entropy-range'
  | 'no-entropy-slope'
  | 'late-regime-change'
  | 'ceiling-out-of-reach'
  /** A metric bounded in [0, 1] whose fitted ceiling lies outside [0, 1]. */
  | 'ceiling-out-of-bounds'
  /** R is the training reward, not validation performance. */
  | 'train-reward'
  /** Entropy larger than a per-token entropy typically is. */
  | 'entropy-scale'
  /** A trainer setting known to change the logged entropy (see `trainerWarnings`). */
  | 'trainer-setting'
  /** Steps the log has that are not points (R without H, or H without R). */
  | 'points-dropped'
  | 'few-points'
  /** What the solver reported (defaulted starts, a parameter on a bound, …). */
  | 'fit';

/** A warning attached to a run: a stable code for programs and a sentence for people. */
export interface RunWarning {
  code: RunWarningCode;
  message: string;
}
