/** Plain JSONL tables: one flat (or nested) object per line, the step taken from a key. */
import { inputError } from '../util/errors.ts';
import { IssueCounter } from './issues.ts';
import { parseJsonObjectLine } from './json-line.ts';
import { parseLines, type LineParser } from './line-stream.ts';
import { chooseStepColumn, DEFAULT_STEP_KEYS, RUN_COLUMN, RunGroups, type TableOptions } from './table.ts';
import type { RawRun } from './types.ts';

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
): void {
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
    } else if (typeof v === 'object' && !Array.isArray(v)) collect(v as Record<string, unknown>, key, out, missing, wanted, wants);
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
  // The step key is chosen from the keys of the whole file (the first of DEFAULT_STEP_KEYS anywhere in it).
  // Rather than hold every row until the end, each row goes to one set of runs per step key seen so far (in
  // practice one); the end keeps the chosen one. A step key first seen at a later row was absent from
  // the rows before it, which count as rows without a usable step for it.
  const byStepKey = new Map<string, Candidate>();
  let rows = 0;
  let firstRow = 0;
  return {
    line(text, n) {
      if (text.trim() === '') return;
      const parsed = parseJsonObjectLine(text);
      if (!parsed.ok) return bad.add(n, parsed.reason);
      const metrics = new Map<string, number>();
      collect(parsed.value, '', metrics, (key) => missing.add(n, key), wanted, keep && ((key) => stepKeys.has(key) || keep.has(key)));
      const value = parsed.value[RUN_COLUMN];
      const run = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
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
