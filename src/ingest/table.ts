/** What the plain-table readers (CSV, JSONL) share: options, the step column, runs split by a `run` column. */
import { inputError } from '../util/errors.ts';
import type { Warnings } from '../util/warnings.ts';
import { StepWriter, type KeyFilter } from './step-writer.ts';
import type { RawRun } from './types.ts';

/** Step columns tried in order when `step` is not given (verl, W&B history, transformers, OpenRLHF). */
export const DEFAULT_STEP_KEYS = ['step', '_step', 'global_step', 'training/global_step', 'train/global_step'];

/**
 * A column that names the run. A table with it holds several runs (the tidy output of `ingest` does), one
 * `RawRun` per distinct value; without it the whole file is one run.
 */
export const RUN_COLUMN = 'run';

/** Options of the plain-table readers. */
export interface TableOptions {
  /** Run id for a table without a `run` column. Default: `source`. */
  id?: string;
  /** The path the text came from, named in errors and warnings. Default: `'<text>'`. */
  source?: string;
  /** The step column. Default: the first of `DEFAULT_STEP_KEYS` present. */
  step?: string;
  /** Keeps only the metric columns it has (see `KeyFilter`); the step and run columns are always read. Default: all. */
  keep?: KeyFilter;
  /** Collects one warning per kind of problem. Default: none. */
  warnings?: Warnings;
}

/**
 * Picks the step column: the given one, else the first default present.
 * Throws an `InputError` naming the file and listing the columns when there is none.
 *
 * @example
 * chooseStepColumn(['_step', 'loss'], undefined, 'h.csv') // => '_step'
 */
export function chooseStepColumn(columns: Iterable<string>, step: string | undefined, source: string): string {
  const present = new Set(columns);
  const list = () => [...present].slice(0, 20).join(', ') + (present.size > 20 ? ', …' : '');
  if (step !== undefined) {
    if (!present.has(step)) inputError(`no step column '${step}' (columns: ${list()})`, { file: source });
    return step;
  }
  const found = DEFAULT_STEP_KEYS.find((k) => present.has(k));
  if (found === undefined) {
    inputError(`no step column (tried ${DEFAULT_STEP_KEYS.join(', ')}; use --step; columns: ${list()})`, { file: source });
  }
  return found;
}

/**
 * Groups rows into runs by the run column, keeping first-appearance order; each run's steps go through a
 * `StepWriter`, so rewritten and out-of-order steps are counted per run.
 */
export class RunGroups {
  private readonly writers = new Map<string, StepWriter>();
  constructor(
    private readonly defaultId: string,
    private readonly source: string,
    private readonly format: RawRun['format'],
    private readonly keep?: KeyFilter,
  ) {}

  /** The writer of a run (the default run when `runId` is absent or empty). */
  writer(runId: string | undefined): StepWriter {
    const id = runId === undefined || runId === '' ? this.defaultId : runId;
    let writer = this.writers.get(id);
    if (!writer) this.writers.set(id, (writer = new StepWriter(this.source, this.keep)));
    return writer;
  }

  /** The runs, after reporting their step warnings; `allKeys` lists `keys` when a filter dropped some. */
  finish(warnings: Warnings | undefined, keys: Iterable<string>): RawRun[] {
    const all = this.keep ? new Set(keys) : undefined;
    return [...this.writers].map(([id, writer]) => {
      writer.report(warnings);
      return writer.run(id, this.source, this.format, all);
    });
  }

  /** The runs so far, as copies (`StepWriter.snapshot`), after reporting their step warnings so far. */
  snapshot(warnings: Warnings | undefined, keys: Iterable<string>): RawRun[] {
    const all = this.keep ? new Set(keys) : undefined;
    return [...this.writers].map(([id, writer]) => {
      writer.report(warnings);
      return writer.snapshot(id, this.source, this.format, all);
    });
  }
}
