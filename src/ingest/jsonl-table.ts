/** Plain JSONL tables: one flat (or nested) object per line, the step taken from a key. */
import { inputError } from '../util/errors.ts';
import { IssueCounter } from './issues.ts';
import { JsonTooDeep, MAX_JSON_DEPTH, parseJsonObjectLine } from './json-line.ts';
import { ScannedLines, typeOf, ValueType } from './json-scan.ts';
import { parseLines, type LineParser } from './line-stream.ts';
import { chooseStepColumn, DEFAULT_STEP_KEYS, RUN_COLUMN, RunGroups, type TableOptions } from './table.ts';
import type { RawRun } from './types.ts';

/** How many leading lines must be JSON objects for plain JSONL (a console log may open with one JSON dump). */
const JSONL_PROBE_LINES = 5;

/**
 * True if a file head is plain JSONL: its first few non-blank lines (`JSONL_PROBE_LINES`) are JSON objects.
 * The head's last line may be cut short by the head's end, so it is not probed.
 *
 * @example
 * sniffJsonl(['{"a": 1}', '{"a": 2}', '{"a": 3']) // => true
 */
export function sniffJsonl(lines: readonly string[]): boolean {
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0 || !lines[first].trimStart().startsWith('{') || !parseJsonObjectLine(lines[first]).ok) return false;
  const probe = lines.slice(first + 1, lines.length - 1).filter((l) => l.trim() !== '').slice(0, JSONL_PROBE_LINES - 1);
  return probe.every((l) => parseJsonObjectLine(l).ok);
}

/** The runs of a file as they would be with one step key, and the rows that key was missing from. */
interface Candidate {
  groups: RunGroups;
  noStep: IssueCounter;
}

/**
 * Collects the numeric leaves of a parsed line under `/`-joined keys, as `flattenNumbers` does, but keeps
 * only the keys `wants` accepts, and reports null and non-finite values (`1e999` parses as Infinity) as
 * missing, kept or not. `wanted` remembers, per key, whether it is kept; every numeric key is in it. Written out rather
 * than built on `flattenNumbers` because it runs once per line of files of millions of lines: no key/value
 * arrays, no map of keys to throw away, one lookup per value.
 */
function collect(
  object: Record<string, unknown>,
  prefix: string,
  out: Map<string, number>,
  missing: (key: string) => void,
  wanted: Map<string, boolean>,
  wants: ((key: string) => boolean) | undefined,
  depth = 0,
): void {
  if (depth >= MAX_JSON_DEPTH) throw new JsonTooDeep();
  for (const k in object) {
    const v = object[k];
    const key = prefix === '' ? k : `${prefix}/${k}`;
    if (typeof v === 'number' || typeof v === 'boolean' || v === null) {
      let keep = wanted.get(key);
      if (keep === undefined) {
        keep = !wants || wants(key);
        // A key seen only with null values is not a column of numbers (it stays out of the step choice).
        if (v !== null) wanted.set(key, keep);
      }
      // Missing values are counted whether kept or not, so the warnings do not depend on the filter.
      if (v === null || (typeof v === 'number' && !Number.isFinite(v))) missing(key);
      else if (keep) out.set(key, typeof v === 'boolean' ? (v ? 1 : 0) : v);
    } else if (typeof v === 'object' && !Array.isArray(v)) collect(v as Record<string, unknown>, key, out, missing, wanted, wants, depth + 1);
  }
}

/** The line parser behind `parseJsonlTable`, for streams (`readLineFile`). */
export function jsonlTableParser(options: TableOptions = {}): LineParser<RawRun[]> {
  const { source = '<text>', id = source, keep, warnings } = options;
  const bad = new IssueCounter(source, 'unreadable lines');
  const missing = new IssueCounter(source, 'null or non-finite values');
  /** Every numeric key seen, and whether it is kept. */
  const wanted = new Map<string, boolean>();
  // Step keys are never filtered out: which one is the step is only known at the end.
  const stepOrder = options.step === undefined ? DEFAULT_STEP_KEYS : [options.step];
  const stepKeys = new Set(stepOrder);
  const wants = keep && ((key: string) => stepKeys.has(key) || keep.has(key));
  // The step key is chosen from the keys of the whole file (the first of DEFAULT_STEP_KEYS anywhere in it).
  // Rather than hold every row until the end, each row goes to one set of runs per step key seen so far (in
  // practice one); the end keeps the chosen one. A step key first seen at a later row was absent from
  // the rows before it, which count as rows without a usable step for it.
  const byStepKey = new Map<string, Candidate>();
  let rows = 0;
  let firstRow = 0;
  /** One map for every row: its values are copied out before the next row. */
  const metrics = new Map<string, number>();

  /** Files the values of one row (in `metrics`) under its step, for each step key still in the running. */
  const addRow = (run: string | undefined, n: number): void => {
    if (rows++ === 0) firstRow = n;
    for (const key of stepKeys) {
      if (!byStepKey.has(key) && metrics.has(key)) {
        const candidate: Candidate = { groups: new RunGroups(id, source, 'jsonl', keep), noStep: new IssueCounter(source, 'lines without a usable step') };
        if (rows > 1) candidate.noStep.addMany(rows - 1, firstRow);
        byStepKey.set(key, candidate);
      }
      // A key after the first one present can no longer be chosen: its runs are dropped, not kept in memory.
      if (byStepKey.has(key)) {
        for (const other of byStepKey.keys()) if (stepOrder.indexOf(other) > stepOrder.indexOf(key)) byStepKey.delete(other);
        break;
      }
    }
    for (const [stepKey, { groups, noStep }] of byStepKey) {
      const step = metrics.get(stepKey);
      if (step === undefined) {
        noStep.add(n);
        continue;
      }
      const writer = groups.writer(stepKey === RUN_COLUMN ? undefined : run);
      writer.record(step, n);
      for (const [key, v] of metrics) {
        if (key === stepKey || (key === RUN_COLUMN && run !== undefined) || (keep && !keep.has(key))) continue;
        writer.set(key, v);
      }
    }
  };

  const line = (text: string, n: number): void => {
    if (text.trim() === '') return;
    const parsed = parseJsonObjectLine(text);
    if (!parsed.ok) return bad.add(n, parsed.reason);
    metrics.clear();
    try {
      collect(parsed.value, '', metrics, (key) => missing.add(n, key), wanted, wants);
    } catch (error) {
      if (error instanceof JsonTooDeep) return bad.add(n, error.message);
      throw error;
    }
    const value = parsed.value[RUN_COLUMN];
    addRow(typeof value === 'string' || typeof value === 'number' ? String(value) : undefined, n);
  };

  let scanned: ScannedRows | undefined;
  return {
    line,
    lines(bytes, firstLine) {
      scanned ??= new ScannedRows(wanted, wants, metrics, missing, addRow, line);
      return scanned.read(bytes, firstLine);
    },
    peek(into) {
      if (rows === 0) return [];
      const { groups, noStep } = byStepKey.get(chooseStepColumn(wanted.keys(), options.step, source))!;
      bad.report(into, 'skipped');
      noStep.report(into, 'skipped');
      missing.report(into, 'dropped');
      return groups.snapshot(into, wanted.keys());
    },
    finish() {
      if (rows === 0) inputError('no JSON object lines', { file: source });
      const stepKey = chooseStepColumn(wanted.keys(), options.step, source);
      const { groups, noStep } = byStepKey.get(stepKey)!;
      bad.report(warnings, 'skipped');
      noStep.report(warnings, 'skipped');
      missing.report(warnings, 'dropped');
      return groups.finish(warnings, wanted.keys());
    },
  };
}

/**
 * The bytes path of `jsonlTableParser`: lines read by the WebAssembly scanner give the same row, value for
 * value and warning for warning, as `collect` gives from `JSON.parse`; the other lines go to `line`. Per key
 * id the scanner gives, what `collect` would decide is decided once.
 */
class ScannedRows extends ScannedLines {
  /** The id of the `run` key, once the scanner has seen it. */
  private runId = -1;
  private keysSearched = 0;

  constructor(
    private readonly wanted: Map<string, boolean>,
    private readonly wants: ((key: string) => boolean) | undefined,
    private readonly metrics: Map<string, number>,
    private readonly missing: IssueCounter,
    private readonly addRow: (run: string | undefined, n: number) => void,
    line: (text: string, n: number) => void,
  ) {
    super(line);
  }

  object(bytes: Buffer, out: Int32Array, at: number, count: number, n: number): boolean {
    const { scanner, metrics } = this;
    // Per key id: 0 not yet decided, else `KEPT` or `DROPPED`, and `COUNTED` once the key is in `wanted` (a key
    // with only nulls so far is not), as bits.
    const state = this.keyState();
    for (; this.runId < 0 && this.keysSearched < scanner.keyCount; this.keysSearched++) {
      if (scanner.key(this.keysSearched) === RUN_COLUMN) this.runId = this.keysSearched;
    }
    let run: string | undefined;
    // First, with no effect yet: a run name that is not plain ASCII leaves the line to the `JSON.parse` path.
    for (let r = at, k = 0; k < count; k++, r += 4) {
      const type = typeOf(out[r + 1]);
      if (out[r] === this.runId && (type === ValueType.String || type === ValueType.EscapedString)) {
        for (let i = out[r + 2]; i < out[r + 3]; i++) if (bytes[i] > 0x7e) return false;
        const text = bytes.toString('latin1', out[r + 2], out[r + 3]);
        run = type === ValueType.String ? text.slice(1, -1) : (JSON.parse(text) as string);
      }
    }
    metrics.clear();
    for (let r = at, k = 0; k < count; k++, r += 4) {
      // Nested keys are flattened like the others (the depth does not matter here).
      const type = typeOf(out[r + 1]);
      if (type >= ValueType.String) continue;
      const id = out[r];
      let s = state[id];
      if (s === 0) s = state[id] = this.decide(id);
      if (type === ValueType.Null) {
        this.missing.add(n, scanner.key(id));
        continue;
      }
      // A key with a value is a column of numbers (as in `collect`, where a null does not count).
      if ((s & COUNTED) === 0) {
        if (!this.wanted.has(scanner.key(id))) this.wanted.set(scanner.key(id), (s & KEPT) !== 0);
        s = state[id] |= COUNTED;
        // From now on only its nulls and infinities matter, and those the scanner always gives.
        if ((s & DROPPED) !== 0 && id !== this.runId) scanner.mute(id);
      }
      const keep = (s & KEPT) !== 0;
      let v: number;
      if (type === ValueType.True) v = 1;
      else if (type === ValueType.False) v = 0;
      else if (keep || type === ValueType.BigNumber || id === this.runId) v = Number(bytes.toString('latin1', out[r + 2], out[r + 3]));
      else continue;
      if (id === this.runId && type >= ValueType.Number) run = String(v);
      if (!Number.isFinite(v)) this.missing.add(n, scanner.key(id));
      else if (keep) metrics.set(scanner.key(id), v);
    }
    this.addRow(run, n);
    return true;
  }

  /** Whether key `id` is kept, as `collect` decides it. */
  private decide(id: number): number {
    const key = this.scanner.key(id);
    return (this.wanted.get(key) ?? (!this.wants || this.wants(key))) ? KEPT : DROPPED;
  }

}

const KEPT = 1;
const DROPPED = 2;
const COUNTED = 4;

/**
 * Reads plain JSONL (one flat object per line; nested objects flattened with `/`) into runs, with the step
 * taken from a key as in `parseCsvTable`. Unreadable lines and lines without a usable step are counted and
 * skipped; `null`/`NaN` values are counted and dropped; a step written again keeps the later values. A string
 * `run` key splits the file into runs. Throws an `InputError` when no line is an object or there is no step key.
 * For files, `readLineFile(path, jsonlTableParser(...))` streams instead.
 *
 * @example
 * parseJsonlTable('{"_step": 3, "train": {"entropy": 0.4}}\n', { source: 'h.jsonl' })[0].steps.get(3)
 * // => Map { 'train/entropy' => 0.4 }
 */
export function parseJsonlTable(text: string, options: TableOptions = {}): RawRun[] {
  return parseLines(text, jsonlTableParser(options));
}
