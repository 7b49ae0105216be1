import { inputError } from '../util/errors.ts';
import { detectDelimiter, parseCsvLine } from './csv.ts';
import { splitLines } from './issues.ts';
import { parseJsonObjectLine } from './json-line.ts';
import type { LogFormat } from './types.ts';
import { isVerlConsoleMetricLine } from './verl-console.ts';

/**
 * How much of a file `detectFormat` needs. Large enough that the first metric line of a verl console log is
 * in it after the start-up output (model configs, sample generations), which runs to tens of KB.
 */
export const DETECT_HEAD_BYTES = 1 << 20;

/** The formats `detectFormat` recognises, for its error message. */
const EXPECTED = 'expected a verl console log, verl JSONL, JSONL or CSV';

/** How many leading lines must be JSON objects for plain JSONL (a console log may open with one JSON dump). */
const JSONL_PROBE_LINES = 5;

/**
 * `verl-jsonl` if the first line is `{"step": <number>, "data": {...}}`; `jsonl` if the first few complete
 * lines are all JSON objects; otherwise `undefined`.
 */
function jsonLinesFormat(lines: string[], first: number): LogFormat | undefined {
  if (!lines[first].trimStart().startsWith('{')) return undefined;
  const parsed = parseJsonObjectLine(lines[first]);
  if (!parsed.ok) return undefined;
  const { step, data } = parsed.value;
  if (typeof step === 'number' && data !== null && typeof data === 'object' && !Array.isArray(data)) return 'verl-jsonl';
  // The head's last line may be cut short, so it is not probed.
  const probe = lines.slice(first + 1, lines.length - 1).filter((l) => l.trim() !== '').slice(0, JSONL_PROBE_LINES - 1);
  return probe.every((l) => parseJsonObjectLine(l).ok) ? 'jsonl' : undefined;
}

/** Detects the format of a text, or `undefined` (for directory scans, which skip such files). */
export function sniffFormat(head: string): LogFormat | undefined {
  const text = head.startsWith('\ufeff') ? head.slice(1) : head;
  const lines = splitLines(text);
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) return undefined;
  const json = jsonLinesFormat(lines, first);
  if (json !== undefined) return json;
  // The head may end mid-line; the last line is still worth testing since the pattern needs only its start.
  if (lines.some(isVerlConsoleMetricLine)) return 'verl-console';
  // Binary files (event files, databases) have NUL bytes early on; a CSV header never does.
  if (lines[first].includes('\0')) return undefined;
  const next = lines.slice(first + 1).find((l) => l.trim() !== '');
  const delimiter = detectDelimiter(lines[first], next);
  // A header has no empty names; this keeps prose with a comma from passing as a table.
  if (delimiter === undefined) return undefined;
  const header = parseCsvLine(lines[first], delimiter);
  return header.ok && header.fields.every((f) => f.trim() !== '') ? 'csv' : undefined;
}

/**
 * Detects a log's format from its content (never its extension): verl JSONL if the first line is a JSON
 * object with a numeric `step` and an object `data`; JSONL if the first lines are JSON objects; a verl console log if
 * any line (after ANSI codes and Ray prefixes) is `step:<N> - <key>:<value>`; CSV if the first line is a
 * header of at least two delimited columns (and the next line, if any, has as many). `head` is the start of the
 * file (`DETECT_HEAD_BYTES` is enough). Throws an `InputError` naming `path` when none fits.
 *
 * @example
 * detectFormat('step,entropy,acc\n1,0.5,0.2\n', 'run.log') // => 'csv'
 */
export function detectFormat(head: string, path: string): LogFormat {
  const format = sniffFormat(head);
  if (format === undefined) inputError(`unrecognised log format (${EXPECTED})`, { file: path });
  return format;
}
