import type { Warnings } from '../util/warnings.ts';
import { IssueCounter } from './issues.ts';
import { flattenNumbers, parseJsonObjectLine } from './json-line.ts';
import { parseLines, type LineParser } from './line-stream.ts';
import { StepWriter, type KeyFilter } from './step-writer.ts';
import type { RawRun } from './types.ts';

/** One line of verl's file logger, parsed: the step and its metrics, or why the line was not usable. */
export type VerlJsonlLine =
  | { ok: true; step: number; metrics: Map<string, number>; missing: string[] }
  | { ok: false; reason: string };

/**
 * Parses one line of verl's file logger: `{"step": 12, "data": {"actor/entropy": 0.52, ...}}`.
 * `null` values (how NaN is written) are listed in `missing`; nested dicts are flattened with `/`.
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
  const { missing } = flattenNumbers(data as Record<string, unknown>, metrics);
  return { ok: true, step, metrics, missing };
}

/** Options of `parseVerlJsonl` and `verlJsonlParser`. */
export interface VerlJsonlOptions {
  /** Run id. Default: `source`. */
  id?: string;
  /** The path the text came from, named in warnings. Default: `'<text>'`. */
  source?: string;
  /** Keeps only the keys it has (see `KeyFilter`). Default: every key. */
  keep?: KeyFilter;
  /** Collects one warning per kind of problem. Default: none. */
  warnings?: Warnings;
}

/** The line parser behind `parseVerlJsonl`, for streams (`readLineFile`). */
export function verlJsonlParser(options: VerlJsonlOptions = {}): LineParser<RawRun> {
  const { source = '<text>', id = source, keep, warnings } = options;
  const writer = new StepWriter(source, keep);
  const bad = new IssueCounter(source, 'unreadable lines');
  const missing = new IssueCounter(source, 'null or non-finite values');
  return {
    line(text, n) {
      if (text.trim() === '') return;
      const parsed = parseVerlJsonlLine(text);
      if (!parsed.ok) return bad.add(n, parsed.reason);
      // A step with only nulls still exists in the log; recording it keeps step counts matching the file.
      writer.record(parsed.step, n);
      for (const [key, value] of parsed.metrics) writer.set(key, value);
      for (const key of parsed.missing) missing.add(n, key);
    },
    finish() {
      bad.report(warnings, 'skipped');
      missing.report(warnings, 'dropped');
      writer.report(warnings);
      return writer.run(id, source, 'verl-jsonl');
    },
  };
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
