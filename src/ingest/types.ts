import type { StepTable } from './step-table.ts';
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
  | 'wandb-run'
  | 'mlflow'
  | 'mlflow-sqlite'
  | 'trackio'
  | 'roll-console'
  | 'prime-rl';

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
  /**
   * The same steps in compact form, where the reader kept them so (see `tableRun`): reading `steps` makes the
   * maps and drops this. Readers of many steps (`runKeys`, `toSeries`) use it when present.
   */
  table?: StepTable;
  /**
   * Every key the log recorded, when the reader kept only some of them in `steps` (see `isCandidateKey`);
   * error messages list these. Absent when `steps` holds every key.
   */
  allKeys?: Set<string>;
  /**
   * The settings the log states about itself, as flat dotted keys (`actor_rollout_ref.rollout.temperature`):
   * a W&B run's config, an MLflow run's params, a Trackio run's config. Run metadata and trainer settings are
   * read from it (see `resolveRunMeta`). Absent when the log holds none.
   */
  config?: Map<string, string>;
  /** Every file of a run joined from several (see `joinRuns`), `source` being the first. Absent otherwise. */
  sources?: string[];
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

/** What a run is, where known: inferred from its name and config files, or given by a manifest or flags. */
export interface RunMeta {
  /** Model family, lower case: `qwen2.5`, `llama-3.1`, `gemma-2`, `deepseek-r1-distill-qwen`, … */
  model?: string;
  /** Parameters: `7B` → 7e9, `0.5B` → 5e8. */
  size?: number;
  /** RL algorithm: `grpo`, `ppo`, `rloo`, `reinforce++`, `remax`, `prime`, `dapo`, `dr-grpo`, `gspo`, `kl-cov`, `clip-cov`, … */
  algorithm?: string;
  /** Training data set: `gsm8k`, `math`, `dapo-math-17k`, `deepscaler`, … (or as given). */
  dataset?: string;
}

/** Where each metadata field of a run came from, lowest priority first: name < config < manifest < flag. */
export type MetaOrigin = 'name' | 'config' | 'manifest' | 'flag';

/** How many steps of a run had R, how many had entropy, and how many both (its points). */
export interface Coverage {
  /** Steps with R (every metric key, where R averages several). */
  metric: number;
  /** Steps with the entropy key. */
  entropy: number;
  /** Steps with both: the points (`RunInfo.points`). */
  points: number;
}

/** One run in the tidy output: its identity, where it came from, and which keys were used. */
export interface RunInfo extends KeyChoice, RunMeta {
  id: string;
  source: string;
  format: LogFormat;
  /** Number of (step, entropy, R) points: the steps where both were present. */
  points: number;
  /**
   * How many steps had R, had entropy, had both. `ingest` and `watch` set it on every run; a step with R but
   * no entropy is not a point, and `notes` says so.
   */
  coverage?: Coverage;
  /**
   * Plain sentences about the run's points, one per way points were lost, empty when none were: `12
   * validation steps, 6 with entropy: used 6; --entropy eval_entropy would use 12`, or `44 validation steps,
   * 43 with entropy: used 43; step 435 has no actor/entropy: not a point`. `ingest` also gives each as a
   * warning (`Dataset.warnings`). Set with `coverage`.
   */
  notes?: string[];
  /** Where each known metadata field came from (absent when none is known). */
  metaFrom?: Partial<Record<keyof RunMeta, MetaOrigin>>;
  /** Every file of a run joined from several (`source` is the first). Absent for a run from one input. */
  sources?: string[];
  /** The trainer settings that change what the numbers mean, where the log states them (see `TrainerSettings`). */
  trainer?: TrainerSettings;
}

/**
 * Trainer settings that change what a run's entropy and reward numbers mean, as the log itself states them
 * (a verl console log's printed config, a W&B run's config, MLflow params, a Trackio config; see
 * `trainerSettings`). Each is absent when the log does not say. What follows from them (verl ≤ 0.4's wrong
 * entropy with dynamic batches, tempered entropy, per-sequence aggregation) is for the caller to warn about.
 */
export interface TrainerSettings {
  /** Rollout sampling temperature (verl `actor_rollout_ref.rollout.temperature`, TRL/OpenRLHF `temperature`). Not 1: the logged entropy is of the tempered distribution. */
  temperature?: number;
  /** How verl aggregates the loss and entropy over tokens (`actor.loss_agg_mode`): `token-mean`, `seq-mean-token-sum`, `seq-mean-token-mean`, `seq-mean-token-sum-norm`. */
  lossAggMode?: string;
  /** verl `actor.use_dynamic_bsz`: verl ≤ 0.4.0 logs a wrong entropy when it is set. */
  dynamicBatch?: boolean;
  /** True when the entropy key is verl's legacy `actor/entropy_loss` (verl before April 2025, so ≤ 0.4). */
  legacyEntropyKey?: boolean;
  /** The entropy bonus coefficient of the loss (verl `actor.entropy_coeff`, OpenRLHF `entropy_loss_coef`). */
  entropyCoeff?: number;
  /** PPO's clip range below and above 1 (verl `actor.clip_ratio_low`, `actor.clip_ratio_high`): a higher upper clip is DAPO's clip-higher. */
  clipRatioLow?: number;
  clipRatioHigh?: number;
  /** Clip-Cov's fraction of tokens detached and KL-Cov's fraction penalised, and KL-Cov's β (verl `actor.policy_loss.clip_cov_ratio`, `kl_cov_ratio`, `ppo_kl_coef`). */
  clipCovRatio?: number;
  klCovRatio?: number;
  klCovCoef?: number;
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
  /**
   * Run ids, in the order of the inputs they name (only where each input is one run). Inputs given the
   * same id are one run, joined (see `joinRuns`); with `join`, one id names the joined run.
   */
  runIds?: string[];
  /** The inputs are all one run, joined from several files (see `joinRuns`). Default: false. */
  join?: boolean;
  /** Collects warnings; the caller prints them. */
  warnings?: Warnings;
  /** Metadata for every run (the `--model`, `--size`, `--algorithm`, `--dataset` flags); wins over all else. Default: none. */
  meta?: RunMeta;
  /** Metadata per run, by run id (or source path, or file name): a manifest, see `readManifest`. Default: none. */
  manifest?: Map<string, RunMeta>;
  /** Infer metadata from run names and config files beside the logs. Default: true. */
  inferMeta?: boolean;
  /** Called as the inputs are read (after each chunk and each file), e.g. to draw a progress bar. Default: none. */
  onProgress?: (progress: IngestProgress) => void;
}

/** How far `ingest` is: files and bytes read so far, of the totals; `done` on the last call. */
export interface IngestProgress {
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
  done: boolean;
}

/** What `ingest` returns: the tidy table of points and the table of runs, plus the same as plain arrays. */
export interface Dataset {
  /** One entry per run that has at least one point, in input order. */
  runs: RunInfo[];
  /** The points of each run, parallel to `runs`. */
  series: RunSeries[];
  /**
   * The tidy table: an Arquero table with columns run (string), step, entropy, metric (numbers), one row per
   * (run, step), runs in input order and steps sorted. `writeTidy` writes it; `formatTidy` formats it.
   */
  points: import('arquero').ColumnTable;
  /** Arquero table with columns id, source, format, entropyKey, metric, metricKind, points, model, size, algorithm, dataset. */
  runTable: import('arquero').ColumnTable;
  /**
   * Every warning of this read, one line per kind of problem with its count (the lines skipped, values
   * dropped, that R is the training reward, points lost: each run's `notes`), in the order they arose. The
   * same lines also go to `IngestOptions.warnings` when given.
   */
  warnings: string[];
}
