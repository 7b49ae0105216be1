/** The flags the commands share, and how they turn into library options. */
import { Command, Option } from 'commander';
import {
  ingest,
  normalizeAlgorithm,
  parseModelSize,
  parseStart,
  readManifest,
  UsageError,
  type AnalyzeOptions,
  type Dataset,
  type IngestOptions,
  type RunMeta,
  type Warnings,
} from '../index.ts';
import { progressBar } from './progress.ts';

/** The options every command that reads logs shares. */
export interface InputFlags {
  step?: string;
  entropy?: string;
  metric?: string;
  runId?: string;
  /** `--join`: the inputs are one run. */
  join?: boolean;
  json?: boolean;
  /** `--no-progress` sets it to false. */
  progress?: boolean;
  manifest?: string;
  model?: string;
  size?: string;
  algorithm?: string;
  dataset?: string;
}

/** Adds the shared input flags to a command. */
export function withInputFlags(command: Command): Command {
  return command
    .argument('<paths...>', 'log files, run directories or glob patterns; each file is one run')
    .option('--metric <key>', 'key to use as R (default: validation accuracy, see README)')
    .option('--entropy <key>', 'key to use as H (default: actor/entropy, then actor/entropy_loss, entropy)')
    .option('--step <key>', 'step column of plain CSV/JSONL files (default: step, _step, global_step)')
    .option('--run-id <ids>', 'comma-separated run ids, one per input path (default: the file names); inputs given the same id are one run')
    .option('--join', 'the inputs are one run, its metrics split over several files (e.g. W&B panel exports, prime-rl trainer + orchestrator)')
    .option('--json', 'print machine-readable JSON instead of a table')
    .option('--manifest <file>', 'CSV or JSON mapping run → model, size, algorithm, dataset (overrides what names and configs say)')
    .option('--model <family>', 'model family of every run, e.g. qwen2.5 (overrides the manifest)')
    .option('--size <params>', 'parameters of every run’s model, e.g. 7B, 0.5B, 7e9')
    .option('--algorithm <name>', 'RL algorithm of every run, e.g. grpo, ppo, dapo')
    .option('--dataset <name>', 'training data set of every run, e.g. gsm8k')
    .option('--no-progress', 'never draw the progress bar (drawn on a terminal for large or many inputs)');
}

/** The flags that choose a run's points and the law fitted to them: the same in every command that fits. */
export interface FitFlags {
  law?: string;
  x?: string;
  start?: Record<string, number>;
  robust?: boolean;
  burnIn: 'auto' | 'none' | number;
  minStep?: number;
  maxStep?: number;
}

/**
 * Adds the fit flags to a command. `lawHelp` says what `--law` takes there (a list, in `fit` and
 * `backtest`, compares laws).
 */
export function withFitFlags(command: Command, lawHelp = 'the law to fit'): Command {
  return command
    .option(
      '--law <law>',
      `${lawHelp}: entropy-exp (default, exact), entropy-linear, entropy-exp3, power, scalerl-sigmoid, or an expression such as "b - a*exp(c*H)" over H, R, step, C`,
    )
    .option('--x <column>', 'column for a built-in law\'s variable (H for entropy laws; C = step for power and scalerl-sigmoid)')
    .option('--start <values>', 'starting values, e.g. a=0.1,b=0.5', parseStart)
    .option('--robust', 'Huber loss by iteratively reweighted least squares, for outlying validation points')
    .option('--burn-in <rule>', 'leading points to exclude: auto (format learning), none, or a count', parseBurnIn, 'auto')
    .option('--min-step <step>', 'use only points at this step or later', numberFlag('min-step'))
    .option('--max-step <step>', 'use only points at this step or earlier', numberFlag('max-step'));
}

/** The library's analysis options for a set of fit flags (and one law of a `--law` list). */
export function analyzeOptions(flags: FitFlags, law = flags.law): AnalyzeOptions {
  return {
    law,
    x: flags.x,
    start: flags.start,
    robust: flags.robust,
    burnIn: flags.burnIn,
    minStep: flags.minStep,
    maxStep: flags.maxStep,
  };
}

/** The metadata flags as `RunMeta`, or `undefined` when none is given. */
function metaFlags(flags: InputFlags): RunMeta | undefined {
  const meta: RunMeta = {};
  if (flags.model !== undefined) meta.model = flags.model;
  if (flags.size !== undefined) {
    const size = parseModelSize(flags.size);
    if (size === undefined || !(size > 0)) throw new UsageError(`invalid size: ${flags.size} (expected a parameter count such as 7B, 0.5B, 125M or 7e9)`);
    meta.size = size;
  }
  if (flags.algorithm !== undefined) meta.algorithm = normalizeAlgorithm(flags.algorithm);
  if (flags.dataset !== undefined) meta.dataset = flags.dataset;
  return Object.keys(meta).length > 0 ? meta : undefined;
}

/** A `--fraction` option in (0, 1]. */
export function fractionOption(defaultValue?: number): Option {
  const option = new Option('--fraction <f>', 'fraction of each run’s points to fit on, in (0, 1]').argParser(parseFraction);
  return defaultValue === undefined ? option : option.default(defaultValue);
}

function parseFraction(value: string): number {
  const f = Number(value);
  if (!(f > 0 && f <= 1)) throw new UsageError(`invalid fraction: ${value} (expected a number in (0, 1])`);
  return f;
}

/** Reads the inputs named on the command line into the tidy dataset. */
export async function readInputs(paths: string[], flags: InputFlags, warnings: Warnings): Promise<Dataset> {
  const options: IngestOptions = { step: flags.step, entropy: flags.entropy, metric: flags.metric, join: flags.join, warnings };
  options.meta = metaFlags(flags);
  if (flags.manifest !== undefined) options.manifest = await readManifest(flags.manifest);
  // Never with --json (a script reads stdout, and may watch stderr) and never when stderr is not a terminal.
  if (!flags.json && flags.progress !== false) options.onProgress = progressBar(process.stderr);
  if (flags.runId !== undefined) {
    const ids = flags.runId.split(',').map((s) => s.trim());
    if ((ids.length !== paths.length && !(flags.join && ids.length === 1)) || ids.some((id) => id === '')) {
      const expected = flags.join ? 'one non-empty id for the joined run, or one per input path' : 'one non-empty id per input path';
      throw new UsageError(`--run-id needs ${expected} (got ${ids.length} for ${paths.length})`);
    }
    options.runIds = ids;
  }
  return ingest(paths, options);
}

/** Parses a number flag, refusing anything that is not a finite number. */
export function numberFlag(name: string, check: (x: number) => boolean = Number.isFinite, expected = 'a number') {
  return (value: string): number => {
    const x = Number(value);
    if (value.trim() === '' || !check(x)) throw new UsageError(`invalid ${name}: ${value} (expected ${expected})`);
    return x;
  };
}

/** A parser for a flag that must be a positive integer. */
export const positiveInteger = (name: string) => numberFlag(name, (x) => Number.isInteger(x) && x > 0, 'a positive integer');

/** `--seed N`, the seed of a command's bootstrap (default 1), so that repeated runs agree exactly. */
export function seedOption(): Option {
  return new Option('--seed <n>', 'seed of the bootstrap').argParser(numberFlag('seed', Number.isInteger, 'an integer')).default(1);
}

/** Parses `--burn-in auto|none|N`. */
export function parseBurnIn(value: string): 'auto' | 'none' | number {
  if (value === 'auto' || value === 'none') return value;
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= 0)) throw new UsageError(`invalid burn-in: ${value} (expected auto, none or a count ≥ 0)`);
  return n;
}
