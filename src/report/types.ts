import type { RunInfo } from '../ingest/types.ts';
import type { AcrossResult } from '../predict/across.ts';
import type { RunAnalysis } from '../predict/analyze.ts';
import type { CeilingConvergence } from '../predict/ceiling-convergence.ts';
import type { RunForecast } from '../predict/forecast.ts';
import type { ForecastPath } from '../predict/forecast-path.ts';

/**
 * One run as the report shows it: what was read, what was fitted, and why a fit is missing — exactly
 * what `analyzeDataset` returns per run (which always knows how the run was read) — plus what the report
 * draws when it is given: how the ceiling estimate moved as the run grew, and a forecast in time.
 */
export type ReportRun = RunAnalysis & {
  info: RunInfo;
  /** `ceilingConvergence` of the run: drawn as the ceiling against the share of the run used. */
  convergence?: CeilingConvergence | null;
  /** `forecastRun` from the last point: the forecast, the ceiling and the steps to it (the live page). */
  forecast?: RunForecast | null;
  /** `forecastPath` from the last point, drawn with its interval. */
  forecastPath?: ForecastPath | null;
  /** Why there is no forecast, when one was asked for. */
  forecastError?: string;
};

/** Everything `renderReport` draws. Run ids, paths, keys and warnings come from logs and are escaped. */
export interface ReportInput {
  /** Page title. Default: "Entropy–performance law report". */
  title?: string;
  runs: ReportRun[];
  warnings: string[];
  /** Reload the page every this many seconds (for a report that is rewritten while a run trains). Default: never. */
  refreshSeconds?: number;
  /** `acrossRuns` of the runs: the pooled F-tests and the scaling of a and b with model size. Default: none drawn. */
  across?: AcrossResult;
  /** When the page was written (shown on a page that refreshes itself). Default: not shown. */
  updated?: string;
}
