import type { RunInfo, RunSeries } from '../ingest/types.ts';
import type { EntropyLawFit, Ceiling } from '../fit/types.ts';
import type { EarlyForecast } from '../predict/types.ts';

/** One run as the report shows it: what was read, what was fitted, and why a fit is missing. */
export interface ReportRun {
  info: RunInfo;
  series: RunSeries;
  fit: EntropyLawFit | null;
  ceiling: Ceiling | null;
  /** why there is no fit (e.g. "fitEntropyLaw requires at least 3 points (got 2)") */
  error?: string;
  forecast?: EarlyForecast | null;
}

/** Everything `renderReport` draws. Run ids, paths, keys and warnings come from logs and are escaped. */
export interface ReportInput {
  /** Page title. Default: "Entropy–performance law report". */
  title?: string;
  runs: ReportRun[];
  warnings: string[];
  /** Reload the page every this many seconds (for a report that is rewritten while a run trains). Default: never. */
  refreshSeconds?: number;
}
