import type { EntropyLawFit } from '../fit/types.ts';

/** One held-out point of an early-fit forecast. */
export interface ForecastPoint {
  step: number;
  entropy: number;
  predicted: number;
  actual: number;
}

/**
 * The paper's protocol: fit on the first `fraction` of a run's points, predict R for the rest from their
 * observed entropy (see `forecastFromEarlyFit`).
 */
export interface EarlyForecast {
  fraction: number;
  /** Points used for the fit (the first `fitPoints` by step). */
  fitPoints: number;
  /** All points of the run. */
  points: number;
  fit: EntropyLawFit;
  /** The held-out points with their predictions. */
  heldOut: ForecastPoint[];
  /** RMSE of the predictions over the held-out points; null when none are held out. */
  rmse: number | null;
  /** The last point's prediction; null when none are held out. */
  final: { step: number; predicted: number; actual: number } | null;
}
