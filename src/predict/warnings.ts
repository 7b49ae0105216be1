/** Why a forecast may not deserve trust. Every forecast and backtest carries its list. */
export type PredictWarningCode =
  | 'format-learning'
  | 'entropy-rising'
  | 'low-entropy-range'
  | 'no-entropy-slope'
  | 'late-regime-change'
  | 'ceiling-out-of-reach'
  | 'few-points';

/** A warning attached to a forecast: a stable code for programs and a sentence for people. */
export interface PredictWarning {
  code: PredictWarningCode;
  message: string;
}

/** Formats a number for a warning message: 3 significant digits, no exponent for ordinary values. */
export function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : Number(x.toPrecision(3)).toString();
}
