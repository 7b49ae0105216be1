import type { RunInfo } from '../ingest/types.ts';
import type { RunAnalysis } from '../predict/analyze.ts';

/**
 * One run as the report shows it: what was read, what was fitted, and why a fit is missing — exactly
 * what `analyzeDataset` returns per run (which always knows how the run was read).
 */
export type ReportRun = RunAnalysis & { info: RunInfo };

/** Everything `renderReport` draws. Run ids, paths, keys and warnings come from logs and are escaped. */
export interface ReportInput {
  /** Page title. Default: "Entropy–performance law report". */
  title?: string;
  runs: ReportRun[];
  warnings: string[];
  /** Reload the page every this many seconds (for a report that is rewritten while a run trains). Default: never. */
  refreshSeconds?: number;
}
