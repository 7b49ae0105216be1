/**
 * Where the line readers put what they parse: step → key → value, with the two ways a log's steps go wrong
 * counted as they happen. A resumed run writes steps again (verl's file logger reopens its file, a console
 * log is appended to); the later write wins. A log merged from several files can have steps out of order;
 * the points are sorted later (`toSeries`). Each gives one warning per file, not one per line.
 */
import type { Warnings } from '../util/warnings.ts';
import { isCandidateKey } from './choose-keys.ts';
import { IssueCounter } from './issues.ts';
import { StepTable } from './step-table.ts';
import type { RawRun, StepMetrics } from './types.ts';

/** Above this many distinct keys the filter stops remembering its answers (a log with a new key per line). */
const MAX_CACHED_KEYS = 100_000;

/**
 * A copy of a string that shares no memory with the text it was cut from. A key sliced out of a line is a
 * view into the whole decoded chunk (1 MiB); kept in a step's map, it would keep that chunk alive, and a
 * large log would stay in memory chunk by chunk.
 */
export function detachString(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

/**
 * Which keys a reader keeps: those the default key choice could pick (`isCandidateKey`) and the user's own.
 * Remembers every key it was asked about, so messages can still list what the log had.
 *
 * @example
 * const keep = new KeyFilter(['my/acc']); [keep.has('actor/entropy'), keep.has('my/acc'), keep.has('perf/mfu')] // => [true, true, false]
 */
export class KeyFilter {
  private readonly answers = new Map<string, boolean>();
  private readonly extra: Set<string>;

  /** @param extra keys kept whatever they are (the user's `--entropy`, `--metric`, `--step`) */
  constructor(extra: Iterable<string | undefined> = []) {
    this.extra = new Set([...extra].filter((k): k is string => k !== undefined));
  }

  has(key: string): boolean {
    let answer = this.answers.get(key);
    if (answer === undefined) {
      answer = this.extra.has(key) || isCandidateKey(key);
      if (this.answers.size < MAX_CACHED_KEYS) this.answers.set(detachString(key), answer);
    }
    return answer;
  }

  /** Every key asked about (up to the cache limit). */
  seen(): Set<string> {
    return new Set(this.answers.keys());
  }
}

/** Options of `StepWriter`. */
export interface StepWriterOptions {
  /** Keeps only the keys it has; default: every key. */
  keep?: KeyFilter;
  /** How a record's location reads in warnings; default `line N` (an event file says `byte offset N`). */
  where?: (at: number) => string;
}

/**
 * Collects a run's steps from records (a line, a row, an event, a log entry), counting steps written again
 * and steps that come after a larger one. Every reader stores its steps through one of these, so a resumed
 * run is reported the same way whatever the format. Use: `record(step, at)` once per record, then
 * `set(key, value)` for its values. A value replaced by the same number is not a rewrite (TRL repeats
 * `epoch` in the evaluation entry of a step). The steps are kept in a `StepTable` (compact) while the log's
 * keys are regular, as maps otherwise.
 *
 * @example
 * const w = new StepWriter('a.log'); w.record(2, 1); w.set('h', 0.5); w.record(1, 2); w.set('h', 0.6);
 * w.run('a', 'a.log', 'verl-console').steps // => Map { 2 => Map { 'h' => 0.5 }, 1 => Map { 'h' => 0.6 } }, and one out-of-order warning on report()
 */
export class StepWriter {
  private table: StepTable | undefined = new StepTable();
  /** The steps as maps, once the table gave up (`StepTable.set` said 'irregular'). */
  private map: RawRun['steps'] | undefined;
  private row = -1;
  private current: StepMetrics | undefined;
  private currentStep = 0;
  private currentLine = 0;
  private revisit = false;
  private maxStep = -Infinity;
  private readonly rewritten = new Set<number>();
  /** Key as read → the key stored (a detached copy), or `''` for a key the filter drops; one lookup per value. */
  private readonly names = new Map<string, string>();
  private readonly rewrites: IssueCounter;
  private readonly outOfOrder: IssueCounter;
  private readonly keep: KeyFilter | undefined;

  /**
   * @param source the file, named in warnings (see `from` for a run read from several files)
   * @param options `{ keep, where }` (see `StepWriterOptions`), or a key filter alone, as the line readers pass it
   */
  constructor(source: string, options: StepWriterOptions | KeyFilter = {}) {
    const { keep, where } = options instanceof KeyFilter ? { keep: options, where: undefined } : options;
    this.keep = keep;
    this.rewrites = new IssueCounter(source, 'steps written more than once', where);
    this.outOfOrder = new IssueCounter(source, 'steps out of order', where);
  }

  /** The records from here on come from `source` (a run read from several files, as a restarted TensorBoard run). */
  from(source: string): void {
    this.rewrites.source = source;
    this.outOfOrder.source = source;
  }

  /**
   * Starts a record of `step`, read at 1-based `line` (or another location); the step exists from now on
   * even with no value. `revisit` marks a record known to come back to steps (OpenRLHF's replayed batches, a
   * second stream of the same run such as TensorBoard's `add_scalars` folders): its values replace the
   * step's, and it is counted neither as a rewrite nor as out of order.
   */
  record(step: number, line: number, revisit = false): void {
    let fresh: boolean;
    if (this.table) {
      this.row = this.table.find(step);
      fresh = this.row < 0;
      if (fresh) this.row = this.table.add(step);
    } else {
      this.current = this.map!.get(step);
      fresh = !this.current;
      if (fresh) this.map!.set(step, (this.current = new Map()));
    }
    if (fresh && step < this.maxStep && !revisit) this.outOfOrder.add(line, `step ${step} after step ${this.maxStep}`);
    if (step > this.maxStep && !revisit) this.maxStep = step;
    this.currentStep = step;
    this.currentLine = line;
    this.revisit = revisit;
  }

  /** Sets a value of the current record; a key the step already has is replaced (the later write wins). */
  set(key: string, value: number): void {
    let name = this.names.get(key);
    if (name === undefined) {
      name = this.keep && !this.keep.has(key) ? '' : detachString(key);
      if (this.names.size < MAX_CACHED_KEYS) this.names.set(name || detachString(key), name);
    }
    if (name === '') return;
    let replaced: boolean;
    if (this.table) {
      if (this.row < 0) return;
      const outcome = this.table.set(this.row, name, value);
      if (outcome === 'irregular') {
        // From here on, maps: the table's rows become maps and the current record goes on in its step's map.
        this.map = this.table.toMap();
        this.table = undefined;
        this.current = this.map.get(this.currentStep);
        return this.set(key, value);
      }
      replaced = outcome === 'replaced' && !Object.is(this.table.replacedValue, value);
    } else {
      const metrics = this.current;
      if (!metrics) return;
      const before = metrics.get(name);
      metrics.set(name, value);
      replaced = before !== undefined && !Object.is(before, value);
    }
    // A key the step had already, with another value. Two lines of one step with other keys (verl prints
    // validation and training apart) are not a rewrite.
    if (replaced && !this.revisit && !this.rewritten.has(this.currentStep)) {
      this.rewritten.add(this.currentStep);
      this.rewrites.add(this.currentLine, `step ${this.currentStep}`);
    }
  }

  /** Emits the warnings (none when the steps were clean); may be called again as the run goes on. */
  report(warnings: Warnings | undefined): void {
    this.rewrites.report(warnings, '(a resumed run?): the later values kept');
    this.outOfOrder.report(warnings, '(sorted by step)');
  }

  /** The run: its steps (as a table while they are regular), and every key seen when a filter dropped some. */
  run(id: string, source: string, format: RawRun['format'], allKeys?: Set<string>): RawRun {
    const run = this.table ? tableRun(id, source, format, this.table) : { id, source, format, steps: this.map! };
    if (allKeys) run.allKeys = allKeys;
    else if (this.keep) run.allKeys = this.keep.seen();
    return run;
  }

  /** The run so far, as `run` gives it, but a copy: the writer goes on without changing it. */
  snapshot(id: string, source: string, format: RawRun['format'], allKeys?: Set<string>): RawRun {
    const steps = this.map && new Map([...this.map].map(([step, metrics]) => [step, new Map(metrics)]));
    const run = this.table ? tableRun(id, source, format, this.table.clone()) : { id, source, format, steps: steps! };
    if (allKeys) run.allKeys = new Set(allKeys);
    else if (this.keep) run.allKeys = this.keep.seen();
    return run;
  }
}

/**
 * A run whose steps are a `StepTable`. `steps` is made from the table the first time it is read, and from
 * then on it is the run's steps (the table is dropped): `runKeys` and `toSeries` read the table directly, so
 * a large log never has its maps made.
 */
export function tableRun(id: string, source: string, format: RawRun['format'], table: StepTable): RawRun {
  const run = { id, source, format } as RawRun;
  // Not enumerable: the table is another form of `steps`, not more data (a copy or comparison of runs sees the maps).
  Object.defineProperty(run, 'table', { value: table, configurable: true, writable: true, enumerable: false });
  /** Makes `steps` a plain property holding these maps, and drops the table. */
  const settle = (steps: RawRun['steps']): RawRun['steps'] => {
    Object.defineProperty(run, 'steps', { value: steps, writable: true, enumerable: true, configurable: true });
    delete run.table;
    return steps;
  };
  Object.defineProperty(run, 'steps', { configurable: true, enumerable: true, get: () => settle(table.toMap()), set: settle });
  return run;
}
