import type { Warnings } from '../util/warnings.ts';

/** The formats the readers understand. Detected from content; see `detectFormat`. */
export type LogFormat =
  | 'verl-console'
  | 'verl-jsonl'
  | 'csv'
  | 'jsonl'
  | 'tensorboard'
  | 'trl-state'
  | 'openrlhf-console'
  | 'wandb-export'
  | 'wandb-history'
  | 'mlflow';

/** Every metric a log recorded at one step, by its raw key (e.g. `actor/entropy`). */
export type StepMetrics = Map<string, number>;

/**
 * A run as a reader returns it: all numeric metrics per step, before any key is chosen.
 * Readers keep only finite numbers; a step logged on several lines (verl prints validation and training
 * metrics of one step separately) is merged, a later value of the same key replacing an earlier one.
 */
export interface RawRun {
  /** Run id: from the file name (without extension) unless the user gave one. */
  id: string;
  /** The path the run was read from. */
  source: string;
  format: LogFormat;
  /** step → metrics, in the order steps first appeared. */
  steps: Map<number, StepMetrics>;
}

/** Which kind of metric was chosen as R, best first (see `chooseMetric`). */
export type MetricKind = 'validation' | 'legacy-validation' | 'train-reward' | 'user';

/** The keys chosen for a run: what "entropy" and "R" mean in it. */
export interface KeyChoice {
  entropyKey: string;
  /** A display name for R: the key itself, or `mean(<keys>)` when several data sources are averaged. */
  metric: string;
  /** The raw keys averaged into R (one unless several validation data sources were found). */
  metricKeys: string[];
  metricKind: MetricKind;
}

/** One run in the tidy output: its identity, where it came from, and which keys were used. */
export interface RunInfo extends KeyChoice {
  id: string;
  source: string;
  format: LogFormat;
  /** Number of (step, entropy, R) points: the steps where both were present. */
  points: number;
}

/** A run's points as typed arrays, sorted by step: what the fitting code consumes. */
export interface RunSeries {
  run: string;
  step: Float64Array;
  entropy: Float64Array;
  metric: Float64Array;
}

/** Column options shared by the readers and the CLI (`--step`, `--entropy`, `--metric`). */
export interface IngestOptions {
  /** Column/key holding the step, for plain CSV/JSONL. Default: the first of `step`, `_step`, `global_step`, `training/global_step`, `train/global_step`. */
  step?: string;
  /** Key holding the policy entropy. Default: `actor/entropy`, then `actor/entropy_loss`, then `entropy`. */
  entropy?: string;
  /** Key holding R. Default: the metric-choice rule (validation accuracy first; see README). */
  metric?: string;
  /** Run ids, in the order of the inputs they name (only where each input is one run). */
  runIds?: string[];
  /** Collects warnings; the caller prints them. */
  warnings?: Warnings;
}

/** What `ingest` returns: the tidy table of points and the table of runs, plus the same as plain arrays. */
export interface Dataset {
  /** One entry per run that has at least one point, in input order. */
  runs: RunInfo[];
  /** The points of each run, parallel to `runs`. */
  series: RunSeries[];
  /** Arquero table with columns run, step, entropy, metric: one row per (run, step). */
  points: import('arquero').ColumnTable;
  /** Arquero table with columns id, source, format, entropyKey, metric, metricKind, points. */
  runTable: import('arquero').ColumnTable;
}
