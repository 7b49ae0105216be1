/**
 * ROLL's console log (alibaba/ROLL): with the stdout tracker, each `tracker.log(values, step)` is one logged
 * line `metrics_tag: {"step": N, "metrics": {...}}` (`roll/utils/tracking.py`, `StdoutTracker.log`, JSON by
 * `json.dumps`, so NaN is written bare), behind the logger's own prefix (time, level, file). Entropy is
 * `critic/entropy/mean`, validation accuracy `val_correct/all/mean` (per tag `val_correct/<tag>/mean`).
 */
import { IssueCounter } from './issues.ts';
import { flattenNumbers, parseJsonObjectLine } from './json-line.ts';
import { parseLines, readLineFile, type LineParser } from './line-stream.ts';
import { headText, io, type FormatReader, type TextParserOptions } from './reader.ts';
import { runIdFromPath } from './run-id.ts';
import { StepWriter, type KeyFilter } from './step-writer.ts';
import type { RawRun } from './types.ts';

/** The marker before the JSON of a metrics line. */
const MARKER = 'metrics_tag: ';

/** Options of `rollConsoleParser`. */
export type RollConsoleOptions = TextParserOptions;

/**
 * The line parser of a ROLL console log, for streams (`readLineFile`) and texts (`parseLines`). Lines
 * without the marker are skipped; a metrics line whose JSON is cut short or has no numeric `step` is counted
 * in one warning; null (NaN) values are dropped and counted; a step logged again keeps the later values.
 *
 * @example
 * parseLines('INFO metrics_tag: {"step": 3, "metrics": {"critic/entropy/mean": 0.5}}', rollConsoleParser()).steps.get(3) // => Map { 'critic/entropy/mean' => 0.5 }
 */
export function rollConsoleParser(options: RollConsoleOptions = {}): LineParser<RawRun> {
  const { source = '<text>', id = source, keep, warnings } = options;
  const writer = new StepWriter(source, keep);
  const bad = new IssueCounter(source, 'unreadable metrics_tag lines');
  const missing = new IssueCounter(source, 'null or non-finite values');
  const metrics = new Map<string, number>();
  return {
    needle: MARKER,
    line(text, n) {
      const at = text.indexOf(MARKER);
      if (at < 0) return;
      const parsed = parseJsonObjectLine(text.slice(at + MARKER.length).trim());
      const step = parsed.ok ? parsed.value.step : undefined;
      const values = parsed.ok ? parsed.value.metrics : undefined;
      if (!parsed.ok || typeof step !== 'number' || !Number.isFinite(step) || values === null || typeof values !== 'object' || Array.isArray(values)) {
        bad.add(n, parsed.ok ? 'no numeric "step" and "metrics" object' : parsed.reason);
        return;
      }
      metrics.clear();
      const { missing: nulls } = flattenNumbers(values as Record<string, unknown>, metrics);
      writer.record(step, n);
      for (const [key, value] of metrics) writer.set(key, value);
      for (const key of nulls) missing.add(n, key);
    },
    finish() {
      bad.report(warnings, 'skipped');
      missing.report(warnings, 'dropped');
      writer.report(warnings);
      return writer.run(id, source, 'roll-console');
    },
  };
}

/**
 * Reads a ROLL console log text into a run (see `rollConsoleParser`).
 *
 * @example
 * parseRollConsole('metrics_tag: {"step": 1, "metrics": {"val_correct/all/mean": 0.25}}').steps.get(1) // => Map { 'val_correct/all/mean' => 0.25 }
 */
export function parseRollConsole(text: string, options: RollConsoleOptions = {}): RawRun {
  return parseLines(text, rollConsoleParser(options));
}

/** The ROLL console reader: a text with a `metrics_tag: {"step": …` line in its head. */
export const rollConsoleReader: FormatReader = {
  format: 'roll-console',
  label: 'a ROLL console log',
  sniff: ({ isDirectory, head }) => !isDirectory && /metrics_tag: \{"step": /.test(headText(head)),
  load: async (path, options) => {
    const { keep, onBytes } = options as { keep?: KeyFilter; onBytes?: (bytes: number) => void };
    const parser = rollConsoleParser({ id: options.id ?? runIdFromPath(path), source: path, keep, warnings: options.warnings });
    return [await io(path, () => readLineFile(path, parser, { onBytes, warnings: options.warnings }))];
  },
};
