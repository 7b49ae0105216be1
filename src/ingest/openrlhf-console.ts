/**
 * OpenRLHF's console log: after each PPO step the trainer logs `✨ Global step N: {...}` with the step's
 * status dict as Python prints it (single-quoted keys, `nan`, `True`). Newer versions write
 * `✨ Global step N [replay]: {...}` for replayed batches. After an evaluation it logs
 * `✨ Evaluation completed in 0:01:23, global_step N, eval_metrics: {...}` with the `eval_<dataset>_pass1`
 * keys (prefixed `eval/` when W&B is on). The logger's own prefix (time, level, Ray actor) comes before the
 * marker and is ignored.
 */
import { inputError } from '../util/errors.ts';
import type { Warnings } from '../util/warnings.ts';
import { IssueCounter } from './issues.ts';
import { parseLines, readLineFile, type LineParser } from './line-stream.ts';
import { parsePythonLiteral, PySyntaxError, type PyValue } from './python-literal.ts';
import { headText, io, type FormatReader, type TextParserOptions } from './reader.ts';
import { runIdFromPath } from './run-id.ts';
import { StepWriter, type KeyFilter } from './step-writer.ts';
import type { RawRun } from './types.ts';

/**
 * The marker before the dict, of a training step (group 1) or an evaluation (group 2). The sparkles are
 * optional since some log viewers drop or mangle them.
 */
const STEP_LINE = /(?:Global step (\d+)(?: \[([^\]]*)\])?|Evaluation completed in [^,]*, global_step (\d+), eval_metrics): (?=\{)/;

/** One console line, parsed. */
export type OpenRlhfLine =
  | { kind: 'other' }
  | { kind: 'step'; step: number; values: Map<string, number>; nonFinite: string[]; replay?: true }
  | { kind: 'bad'; reason: string };

/** Adds the numeric leaves of a parsed dict under `/`-joined keys; bools count as 0/1 (Python bools are ints). */
function collect(value: PyValue, key: string, values: Map<string, number>, nonFinite: string[]): void {
  if (typeof value === 'number') {
    if (Number.isFinite(value)) values.set(key, value);
    else nonFinite.push(key);
  } else if (typeof value === 'boolean') values.set(key, value ? 1 : 0);
  else if (value instanceof Map) for (const [k, v] of value) collect(v, key ? `${key}/${k}` : k, values, nonFinite);
}

/**
 * Parses one line. A `Global step N: {dict}` or `Evaluation completed ..., global_step N, eval_metrics: {dict}`
 * line gives the step and the dict's numbers (strings, lists and `None` are not metrics and are left out;
 * nested dicts are joined with `/`); a line with the marker but an unreadable dict is `bad`; every other line
 * is `other`.
 *
 * @example
 * parseOpenRlhfLine("(PPOTrainer pid=9) ✨ Global step 3: {'reward': 0.5, 'kl': nan}")
 * // => { kind: 'step', step: 3, values: Map { 'reward' => 0.5 }, nonFinite: ['kl'] }
 */
export function parseOpenRlhfLine(line: string): OpenRlhfLine {
  const m = STEP_LINE.exec(line);
  if (!m) return { kind: 'other' };
  let dict: PyValue;
  try {
    dict = parsePythonLiteral(line.slice(m.index + m[0].length)).value;
  } catch (error) {
    if (error instanceof PySyntaxError) return { kind: 'bad', reason: error.message };
    throw error;
  }
  const values = new Map<string, number>();
  const nonFinite: string[] = [];
  collect(dict, '', values, nonFinite);
  const step: OpenRlhfLine = { kind: 'step', step: Number(m[1] ?? m[3]), values, nonFinite };
  if (m[2] === 'replay') step.replay = true;
  return step;
}

/** Options of `parseOpenRlhfConsole` and `openRlhfConsoleParser`. */
export type OpenRlhfOptions = TextParserOptions;

/**
 * The line parser behind `parseOpenRlhfConsole`, for streams (`readLineFile`) and followers of a live log.
 * A `[replay]` line comes back to its step on purpose, so its values replace the step's without counting as
 * a rewrite.
 *
 * @example
 * await readLineFile('train.log', openRlhfConsoleParser({ source: 'train.log' })) // => { format: 'openrlhf-console', … }
 */
export function openRlhfConsoleParser(options: OpenRlhfOptions = {}): LineParser<RawRun> {
  const { source = '<text>', id = source, keep, warnings } = options;
  const writer = new StepWriter(source, keep);
  const bad = new IssueCounter(source, 'unreadable step lines');
  const nonFinite = new IssueCounter(source, 'non-finite values');
  let found = 0;
  const report = (into: Warnings | undefined) => {
    bad.report(into, 'skipped');
    nonFinite.report(into, 'dropped');
    writer.report(into);
  };
  return {
    // Step lines hold `Global step`, evaluation lines `global_step`: both have `lobal`.
    needle: 'lobal',
    line(text, n) {
      const parsed = parseOpenRlhfLine(text);
      if (parsed.kind === 'other') return;
      found++;
      if (parsed.kind === 'bad') return bad.add(n, parsed.reason);
      writer.record(parsed.step, n, parsed.replay);
      for (const [key, value] of parsed.values) writer.set(key, value);
      for (const key of parsed.nonFinite) nonFinite.add(n, key);
    },
    peek(into) {
      report(into);
      return writer.snapshot(id, source, 'openrlhf-console');
    },
    finish() {
      if (found === 0) inputError('no OpenRLHF "✨ Global step N: {...}" lines', { file: source });
      report(warnings);
      return writer.run(id, source, 'openrlhf-console');
    },
  };
}

/**
 * Reads an OpenRLHF console log into a run. Other lines (vLLM, DeepSpeed, samples) are ignored; step lines
 * whose dict cannot be read are skipped and counted; non-finite values are dropped and counted. A step logged
 * twice keeps the later values (with the resumed-run warning, except for `[replay]` lines). Throws an
 * `InputError` when no step line is found. For files, `readLineFile(path, openRlhfConsoleParser(...))` streams instead.
 *
 * @example
 * parseOpenRlhfConsole("✨ Global step 1: {'policy_loss': 0.1, 'reward': 0.25}").steps.get(1)
 * // => Map { 'policy_loss' => 0.1, 'reward' => 0.25 }
 */
export function parseOpenRlhfConsole(text: string, options: OpenRlhfOptions = {}): RawRun {
  return parseLines(text, openRlhfConsoleParser(options));
}

/** Options of `loadOpenRlhfConsole`. */
export interface LoadOpenRlhfOptions {
  /** Run id. Default: the file name without its extension. */
  id?: string;
  /** Collects warnings. Default: none. */
  warnings?: Warnings;
  /** Keeps only the keys it has (see `KeyFilter`). Default: every key. */
  keep?: KeyFilter;
  /** Called with the bytes of each chunk read. Default: none. */
  onBytes?: (bytes: number) => void;
}

/**
 * Reads an OpenRLHF console log file (see `parseOpenRlhfConsole`) into one run, streaming it.
 *
 * @example
 * (await loadOpenRlhfConsole('logs/grpo-qwen.log'))[0].id // => 'grpo-qwen'
 */
export async function loadOpenRlhfConsole(path: string, options: LoadOpenRlhfOptions = {}): Promise<RawRun[]> {
  const { id = runIdFromPath(path), keep, warnings, onBytes } = options;
  return [await io(path, () => readLineFile(path, openRlhfConsoleParser({ id, source: path, keep, warnings }), { onBytes, warnings }))];
}

/** The OpenRLHF console reader: a text with a step or evaluation line in its head. */
export const openRlhfConsoleReader: FormatReader = {
  format: 'openrlhf-console',
  label: 'an OpenRLHF console log',
  sniff: ({ isDirectory, head }) => !isDirectory && headText(head).split('\n').some((l) => STEP_LINE.test(l)),
  load: (path, options) => loadOpenRlhfConsole(path, options),
  lineParser: (options) => openRlhfConsoleParser(options),
};
