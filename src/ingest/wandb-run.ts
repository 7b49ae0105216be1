/**
 * W&B run files (`wandb/run-<date>-<id>/run-<id>.wandb`), which wandb writes locally for every run, online
 * or offline: LevelDB-log framing (`leveldb-log.ts`) of protobuf `Record`s (`wandb-record.ts`). A history
 * record is one `wandb.log` row: items whose `nested_key` path is the metric (a logged dict gives one item
 * per leaf) and whose `value_json` is the value, plus `_step`, `_runtime`, `_timestamp`. The run record
 * names the run and holds its config. `define_metric(..., step_metric=...)` records say which key is the x
 * axis of which metrics (slime plots `eval/*` against `eval/step`); those metrics are put at that step, as
 * W&B's own charts do.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inputError } from '../util/errors.ts';
import type { Warnings } from '../util/warnings.ts';
import { frameLog, isWandbRunHead, HEADER_BYTES } from './leveldb-log.ts';
import { io, type FormatReader } from './reader.ts';
import { runIdFromPath } from './run-id.ts';
import { StepWriter, type KeyFilter } from './step-writer.ts';
import { flattenConfig } from './meta/config.ts';
import type { RawRun } from './types.ts';
import { decodeHistory, decodeWandbRecord, HistoryKeys, itemKey, stepNumber, type WandbItem, type WandbRecord } from './wandb-record.ts';

/** Options of `readWandbRun`. */
export interface WandbRunOptions {
  /** Run id. Default: the run's display name, else its W&B id, else the file name. */
  id?: string;
  /** Keeps only the keys it has (see `KeyFilter`). Default: every key. */
  keep?: KeyFilter;
  /** Collects one warning per kind of problem. Default: none. */
  warnings?: Warnings;
  /** Called with the bytes of each block read (for progress). Default: none. */
  onBytes?: (bytes: number) => void;
}

/** Counts a binary file's problems of one kind and reports them once, with the first byte offset. */
class OffsetCounter {
  count = 0;
  first = 0;
  detail = '';
  constructor(private readonly what: string) {}
  add(offset: number, detail = ''): void {
    if (this.count++ === 0) {
      this.first = offset;
      this.detail = detail;
    }
  }
  report(warnings: Warnings | undefined, file: string): void {
    if (this.count > 0) warnings?.warn(`${file}: ${this.count} ${this.what}; first at byte offset ${this.first}${this.detail ? ` (${this.detail})` : ''}`);
  }
}

/** Which history keys are plotted against which step key (`define_metric`): exact names, then globs. */
class StepMetrics {
  private readonly exact = new Map<string, string>();
  private readonly globs: Array<[RegExp, string]> = [];
  private readonly cache = new Map<string, string | undefined>();
  private readonly stepKeys = new Set<string>();

  add(metric: NonNullable<WandbRecord['metric']>): void {
    if (!metric.stepMetric) return;
    this.stepKeys.add(metric.stepMetric);
    if (metric.name) this.exact.set(metric.name, metric.stepMetric);
    else if (metric.globName) {
      const pattern = metric.globName.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*');
      this.globs.push([new RegExp(`^${pattern}$`), metric.stepMetric]);
    }
    this.cache.clear();
  }

  /** True if some metric is plotted against `key`. */
  isStepKey(key: string): boolean {
    return this.stepKeys.has(key);
  }

  /** The step key of `key`, or `undefined` for W&B's own `_step`. A step key is never its own. */
  of(key: string): string | undefined {
    if (this.cache.has(key)) return this.cache.get(key);
    let step = this.exact.get(key) ?? this.globs.find(([p]) => p.test(key))?.[1];
    if (step === key) step = undefined;
    this.cache.set(key, step);
    return step;
  }
}

/** A value as `value_json` writes it: a number, W&B's bare `NaN`/`Infinity`, or JSON (an object of leaves). */
function parseValue(json: string): unknown {
  if (json === 'NaN') return NaN;
  if (json === 'Infinity') return Infinity;
  if (json === '-Infinity') return -Infinity;
  const number = Number(json);
  if (json !== '' && Number.isFinite(number) && /^-?\d/.test(json)) return number;
  try {
    return JSON.parse(json.replace(/\bNaN\b|-?\bInfinity\b/g, 'null'));
  } catch {
    return undefined;
  }
}

/** The numeric leaves of a parsed value under `key` (bools as 0/1; media objects, with `_type`, are not metrics). */
function leaves(value: unknown, key: string, out: Array<[string, number]>): void {
  if (typeof value === 'number') out.push([key, value]);
  else if (typeof value === 'boolean') out.push([key, value ? 1 : 0]);
  else if (value !== null && typeof value === 'object' && !Array.isArray(value) && !('_type' in value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, `${key}/${k}`, out);
  }
}

/** A config record's items as flat dotted keys (each item's value is JSON; W&B's `_wandb` item is its own). */
function configOf(items: WandbItem[], into: Map<string, string>): void {
  for (const item of items) {
    const key = itemKey(item);
    if (key.startsWith('_')) continue;
    let value: unknown;
    try {
      value = JSON.parse(item.valueJson);
    } catch {
      continue;
    }
    // A config written through wandb.config has {value, desc} wrappers in config.yaml but not here.
    for (const [k, v] of flattenConfig(value, key.split('/').join('.'))) into.set(k, v);
  }
}

/**
 * Reads a W&B run file, block by block (memory: one 32 KiB block and the steps kept). Corrupt chunks cost
 * their records and records that are not `Record`s are skipped, each counted in one warning with the first
 * byte offset; a file cut short (a live or killed run) keeps every whole record before the cut, with a
 * warning. Non-finite values (`NaN`, `Infinity`) are dropped and counted. Throws an `InputError` when the file
 * does not start with the W&B header.
 *
 * @example
 * readWandbRun('wandb/run-20260101_000000-a15uhomt/run-a15uhomt.wandb').id // => 'grpo-qwen'
 */
export function readWandbRun(path: string, options: WandbRunOptions = {}): RawRun {
  const { keep, warnings, onBytes } = options;
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(HEADER_BYTES);
    readSync(fd, head, 0, HEADER_BYTES, 0);
    if (!isWandbRunHead(head)) inputError('not a W&B run file (no ":W&B" header)', { file: path, offset: 0 });
    const writer = new StepWriter(path, keep);
    const corrupt = new OffsetCounter('corrupt chunks skipped (with the records they were in)');
    const undecodable = new OffsetCounter('records that are not W&B records skipped');
    const nonFinite = new OffsetCounter('non-finite values (NaN, Infinity) dropped');
    const steps = new StepMetrics();
    const config = new Map<string, string>();
    let name: string | undefined;
    let records = 0;
    let lastBlock = 0;
    const read = (into: Buffer, position: number) => {
      const got = readSync(fd, into, 0, into.length, position);
      if (onBytes && position - lastBlock >= 1 << 20) {
        onBytes(position - lastBlock);
        lastBlock = position;
      }
      return got;
    };
    const keys = new HistoryKeys();
    const row = new RowWriter(writer, steps, nonFinite, keep);
    for (const event of frameLog(size, read)) {
      if (event.kind === 'corrupt') {
        corrupt.add(event.offset, event.reason);
        continue;
      }
      if (event.kind === 'truncated') {
        warnings?.warn(`${path}@${event.offset}: the file ends inside a record (a live or killed run?); the ${records} whole records before it were read`);
        continue;
      }
      let record: WandbRecord;
      try {
        row.start(records + 1, event.offset);
        const history = decodeHistory(event.data, keys, row.visit);
        if (history) {
          records++;
          row.finish(history.step);
          continue;
        }
        record = decodeWandbRecord(event.data);
      } catch (error) {
        undecodable.add(event.offset, (error as Error).message);
        continue;
      }
      records++;
      if (record.run) {
        name ||= record.run.displayName || record.run.runId || undefined;
        if (record.run.config) configOf(record.run.config.update, config);
      } else if (record.config) configOf(record.config.update, config);
      else if (record.metric) steps.add(record.metric);
      else if (record.history) {
        // A history record the fast path did not take (fields in another order): the same rules, from its items.
        row.start(records, event.offset);
        for (const item of record.history.item) {
          const bytes = Buffer.from(item.valueJson, 'utf8');
          row.visit(itemKey(item), bytes, 0, bytes.length);
        }
        row.finish(record.history.step ? stepNumber(record.history.step.num) : undefined);
      }
    }
    if (onBytes && size > lastBlock) onBytes(size - lastBlock);
    corrupt.report(warnings, path);
    undecodable.report(warnings, path);
    nonFinite.report(warnings, path);
    writer.report(warnings);
    const run = writer.run(options.id ?? name ?? runIdFromPath(path), path, 'wandb-run');
    if (config.size > 0) run.config = config;
    return run;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes history rows, one item at a time: each metric at `_step`, or at the value of its `define_metric`
 * step key when the row has that key. Values of keys the filter drops are not parsed, unless they place
 * other values (a step key) or may hold kept leaves (a logged dict). `n` (the record's number) is what
 * StepWriter's warnings name as the line.
 */
class RowWriter {
  private values: Array<[string, number]> = [];
  private rowStep: number | undefined;
  private n = 0;
  private offset = 0;

  constructor(
    private readonly writer: StepWriter,
    private readonly steps: StepMetrics,
    private readonly nonFinite: OffsetCounter,
    private readonly keep: KeyFilter | undefined,
  ) {}

  start(n: number, offset: number): void {
    this.values = [];
    this.rowStep = undefined;
    this.n = n;
    this.offset = offset;
  }

  readonly visit = (key: string, bytes: Buffer, from: number, to: number): void => {
    if (key === '_step') {
      const step = Number(bytes.toString('latin1', from, to));
      if (Number.isFinite(step)) this.rowStep = step;
      return;
    }
    if (key.startsWith('_')) return;
    const { keep, steps } = this;
    if (keep && !keep.has(key) && !steps.isStepKey(key) && bytes[from] !== 0x7b) {
      // N(aN), I(nfinity), -I(nfinity): counted whether kept or not, so warnings do not depend on the filter.
      if (bytes[from] === 0x4e || bytes[from] === 0x49 || (bytes[from] === 0x2d && bytes[from + 1] === 0x49)) this.nonFinite.add(this.offset, key);
      return;
    }
    leaves(parseValue(bytes.toString('utf8', from, to)), key, this.values);
  };

  /** Writes the row; `recordStep` is HistoryRecord.step, used when the row has no `_step` item. */
  finish(recordStep: number | undefined): void {
    const { steps, keep, values } = this;
    const rowStep = this.rowStep ?? recordStep;
    const axes = new Map<string, number>();
    for (const [key, value] of values) if (steps.isStepKey(key) && Number.isFinite(value)) axes.set(key, value);
    const groups = new Map<number, Array<[string, number]>>();
    for (const [key, value] of values) {
      if (!Number.isFinite(value)) {
        this.nonFinite.add(this.offset, key);
        continue;
      }
      if (keep && !keep.has(key)) continue;
      const axis = steps.of(key);
      const step = axis !== undefined && axes.has(axis) ? axes.get(axis)! : rowStep;
      if (step === undefined) continue;
      let group = groups.get(step);
      if (!group) groups.set(step, (group = []));
      group.push([key, value]);
    }
    for (const [step, group] of groups) {
      this.writer.record(step, this.n);
      for (const [key, value] of group) this.writer.set(key, value);
    }
  }
}

/** The W&B run-file reader: a file that starts with the `:W&B` header. */
export const wandbRunReader: FormatReader = {
  format: 'wandb-run',
  label: 'a W&B run file (.wandb)',
  sniff: ({ isDirectory, head }) => !isDirectory && isWandbRunHead(head),
  load: async (path, options) => {
    const { keep, onBytes } = options as { keep?: KeyFilter; onBytes?: (bytes: number) => void };
    return [await io(path, async () => readWandbRun(path, { id: options.id, keep, onBytes, warnings: options.warnings }))];
  },
};
