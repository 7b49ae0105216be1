import type { Warnings } from '../util/warnings.ts';
import { IssueCounter } from './issues.ts';
import { flattenNumbers, JsonTooDeep, parseJsonObjectLine } from './json-line.ts';
import { depthOf, ScannedLines, typeOf, ValueType } from './json-scan.ts';
import { parseLines, type LineParser } from './line-stream.ts';
import { StepWriter, type KeyFilter } from './step-writer.ts';
import type { RawRun } from './types.ts';
import type { TextParserOptions } from './reader.ts';

/** One line of verl's file logger, parsed: the step and its metrics, or why the line was not usable. */
export type VerlJsonlLine =
  | { ok: true; step: number; metrics: Map<string, number>; missing: string[] }
  | { ok: false; reason: string };

/**
 * Parses one line of verl's file logger: `{"step": 12, "data": {"actor/entropy": 0.52, ...}}`.
 * `null` values (how NaN is written) and numbers beyond a double (`1e999`) are listed in `missing`; nested
 * dicts are flattened with `/`.
 *
 * @example
 * parseVerlJsonlLine('{"step": 2, "data": {"actor/entropy": 0.5, "x": null}}')
 * // => { ok: true, step: 2, metrics: Map { 'actor/entropy' => 0.5 }, missing: ['x'] }
 */
export function parseVerlJsonlLine(line: string): VerlJsonlLine {
  const parsed = parseJsonObjectLine(line);
  if (!parsed.ok) return parsed;
  const { step, data } = parsed.value;
  if (typeof step !== 'number' || !Number.isFinite(step)) return { ok: false, reason: 'no numeric "step"' };
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { ok: false, reason: 'no object "data"' };
  const metrics = new Map<string, number>();
  try {
    const { missing } = flattenNumbers(data as Record<string, unknown>, metrics);
    return { ok: true, step, metrics, missing };
  } catch (error) {
    if (error instanceof JsonTooDeep) return { ok: false, reason: error.message };
    throw error;
  }
}

/**
 * True if a file head is verl's file-logger JSONL: its first non-blank line is `{"step": <number>, "data": {...}}`.
 *
 * @example
 * sniffVerlJsonl(['{"step": 1, "data": {"actor/entropy": 0.5}}']) // => true
 */
export function sniffVerlJsonl(lines: readonly string[]): boolean {
  const first = lines.find((l) => l.trim() !== '');
  if (first === undefined || !first.trimStart().startsWith('{')) return false;
  const parsed = parseJsonObjectLine(first);
  if (!parsed.ok) return false;
  const { step, data } = parsed.value;
  return typeof step === 'number' && data !== null && typeof data === 'object' && !Array.isArray(data);
}

/** Options of `parseVerlJsonl` and `verlJsonlParser`. */
export type VerlJsonlOptions = TextParserOptions;

/** The line parser behind `parseVerlJsonl`, for streams (`readLineFile`). */
export function verlJsonlParser(options: VerlJsonlOptions = {}): LineParser<RawRun> {
  const { source = '<text>', id = source, keep, warnings } = options;
  const writer = new StepWriter(source, keep);
  const bad = new IssueCounter(source, 'unreadable lines');
  const missing = new IssueCounter(source, 'null or non-finite values');
  const line = (text: string, n: number): void => {
    if (text.trim() === '') return;
    const parsed = parseVerlJsonlLine(text);
    if (!parsed.ok) return bad.add(n, parsed.reason);
    // A step with only nulls still exists in the log; recording it keeps step counts matching the file.
    writer.record(parsed.step, n);
    for (const [key, value] of parsed.metrics) writer.set(key, value);
    for (const key of parsed.missing) missing.add(n, key);
  };
  const report = (into: Warnings | undefined) => {
    bad.report(into, 'skipped');
    missing.report(into, 'dropped');
    writer.report(into);
  };
  let scanned: ScannedVerlLines | undefined;
  return {
    line,
    lines(bytes, firstLine) {
      scanned ??= new ScannedVerlLines(writer, keep, missing, line);
      return scanned.read(bytes, firstLine);
    },
    peek(into) {
      report(into);
      return writer.snapshot(id, source, 'verl-jsonl');
    },
    finish() {
      report(warnings);
      return writer.run(id, source, 'verl-jsonl');
    },
  };
}

/** What a key of a verl line is to the reader (per key id of the scanner). */
const STEP = 1;
const DATA = 2;
/** A key under `data/`, until it has a value (the writer's filter is asked then, as on the text path). */
const METRIC = 3;
/** A key under `data/` that the writer's filter drops. */
const DROPPED = 4;
/** A key outside `step` and `data`. */
const OTHER = 5;

/**
 * The bytes path of `verlJsonlParser`: a line the WebAssembly scanner reads gives the same step, values and
 * warnings as `parseVerlJsonlLine` gives from `JSON.parse`; any line whose `step` or `data` is not as
 * expected goes to `line`, which words its error. Values are under `data` when they follow its object
 * record at a depth above 0 (a top-level key written `data/x` is not).
 */
class ScannedVerlLines extends ScannedLines {
  /** Per key id under `data/`: the metric's name (the key without `data/`). */
  private readonly names: string[] = [];

  constructor(
    private readonly writer: StepWriter,
    private readonly keep: KeyFilter | undefined,
    private readonly missing: IssueCounter,
    line: (text: string, n: number) => void,
  ) {
    super(line);
  }

  object(bytes: Buffer, out: Int32Array, at: number, count: number, n: number): boolean {
    let step: number | undefined;
    let data = false;
    for (let r = at, k = 0; k < count; k++, r += 4) {
      if (depthOf(out[r + 1]) !== 0) continue;
      const role = this.role(out[r]);
      const type = typeOf(out[r + 1]);
      if (role === STEP) {
        if (type !== ValueType.Number && type !== ValueType.BigNumber) return false;
        step = Number(bytes.toString('latin1', out[r + 2], out[r + 3]));
        if (!Number.isFinite(step)) return false;
      } else if (role === DATA) {
        if (type !== ValueType.Object) return false;
        data = true;
      }
    }
    if (step === undefined || !data) return false;
    this.writer.record(step, n);
    let inData = false;
    for (let r = at, k = 0; k < count; k++, r += 4) {
      const id = out[r];
      const type = typeOf(out[r + 1]);
      if (depthOf(out[r + 1]) === 0) {
        inData = this.role(id) === DATA;
        continue;
      }
      if (!inData || type >= ValueType.String) continue;
      const role = this.role(id);
      const name = this.names[id];
      if (type === ValueType.Null) {
        this.missing.add(n, name);
        continue;
      }
      const value = type === ValueType.True ? 1 : type === ValueType.False ? 0 : Number(bytes.toString('latin1', out[r + 2], out[r + 3]));
      if (!Number.isFinite(value)) this.missing.add(n, name);
      else if (role === METRIC) {
        this.writer.set(name, value);
        // Dropped by the filter: from now on only its nulls and infinities matter, which the scanner always gives.
        if (this.keep && !this.keep.has(name)) {
          this.keyState()[id] = DROPPED;
          this.scanner.mute(id);
        }
      }
    }
    return true;
  }

  /** The role of key `id`, decided once; the scanner stops giving the values of keys with no use. */
  private role(id: number): number {
    const roles = this.keyState();
    let role = roles[id];
    if (role !== 0) return role;
    const key = this.scanner.key(id);
    if (key === 'step') role = STEP;
    else if (key === 'data') role = DATA;
    else if (key.startsWith('data/')) {
      this.names[id] = key.slice('data/'.length);
      role = METRIC;
    } else role = OTHER;
    if (role === OTHER) this.scanner.mute(id);
    roles[id] = role;
    return role;
  }
}

/**
 * Reads verl's file-logger JSONL (`VERL_FILE_LOGGER_PATH`) into a run. Blank lines are skipped; lines that
 * are not `{"step": N, "data": {...}}` are counted in one warning (a run killed mid-write leaves a truncated
 * last line); `null` values are dropped and counted. A step written twice (the logger reopens its file when a
 * run resumes) keeps the later values, with one warning. For files, `readLineFile(path, verlJsonlParser(...))`
 * streams instead.
 *
 * @example
 * parseVerlJsonl('{"step": 1, "data": {"actor/entropy": 0.5}}\n').steps.get(1) // => Map { 'actor/entropy' => 0.5 }
 */
export function parseVerlJsonl(text: string, options: VerlJsonlOptions = {}): RawRun {
  return parseLines(text, verlJsonlParser(options));
}
