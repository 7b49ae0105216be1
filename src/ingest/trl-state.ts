/**
 * TRL / transformers `trainer_state.json`: the `log_history` list the Trainer saves with each checkpoint
 * (`json.dumps(..., indent=2, sort_keys=True)`), one dict per logging or evaluation call, each with `step`.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { inputError } from '../util/errors.ts';
import type { Warnings } from '../util/warnings.ts';
import { flattenNumbers, JsonTooDeep, parseJsonObjectLine } from './json-line.ts';
import { headText, io, nameFromFolder, type FormatReader } from './reader.ts';
import { StepWriter, type KeyFilter } from './step-writer.ts';
import type { RawRun } from './types.ts';

const STATE_FILE = 'trainer_state.json';
/** Keys only the end-of-training summary entry has; that entry repeats no per-step metric. */
const SUMMARY_KEYS = ['train_runtime', 'train_samples_per_second', 'total_flos'];

/** Options of `parseTrainerState`. */
export interface TrainerStateOptions {
  /** Run id. Default: `source`. */
  id?: string;
  /** The path the text came from, named in warnings and errors. Default: `'<text>'`. */
  source?: string;
  /** Collects one warning per kind of problem. Default: none. */
  warnings?: Warnings;
  /** Keeps only the keys it has (see `KeyFilter`). Default: every key. */
  keep?: KeyFilter;
}

/** The 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Reads a `trainer_state.json` into a run: every numeric value of each `log_history` entry at its `step`
 * (evaluation entries add their `eval_*` keys to the step they ran at). Python writes non-finite floats as
 * bare `NaN`/`Infinity`/`-Infinity`, which are read (outside strings only) as missing values, dropped and
 * counted. The final summary entry (`train_runtime`, ...) is skipped; entries without a numeric `step` are
 * skipped with a warning. Throws an `InputError` naming the line when the text is not JSON, and when it has
 * no `log_history` list.
 *
 * @example
 * parseTrainerState('{"log_history": [{"step": 5, "entropy": 0.4, "reward": NaN}]}').steps.get(5) // => Map { 'entropy' => 0.4 }
 */
export function parseTrainerState(text: string, options: TrainerStateOptions = {}): RawRun {
  const { source = '<text>', id = source, warnings, keep } = options;
  const parsed = parseJsonObjectLine(text);
  if (!parsed.ok) {
    const position = /position (\d+)/.exec(parsed.reason);
    // A text cut short ends the JSON early: the place to look is its last line.
    const line = position ? lineAt(text, Number(position[1])) : /end of JSON input/.test(parsed.reason) ? lineAt(text, text.length) : undefined;
    inputError(`not a trainer_state.json (${parsed.reason})`, { file: source, line });
  }
  const history = parsed.value.log_history;
  if (!Array.isArray(history)) inputError('no "log_history" list (expected a TRL/transformers trainer_state.json)', { file: source });
  // Entries are located by their index: there are no line numbers after parsing.
  const writer = new StepWriter(source, { keep, where: (i) => `log_history[${i}]` });
  const noStep: number[] = [];
  const tooDeep: number[] = [];
  const missing: string[] = [];
  for (let i = 0; i < history.length; i++) {
    const entry: unknown = history[i];
    const record = entry !== null && typeof entry === 'object' && !Array.isArray(entry) ? (entry as Record<string, unknown>) : {};
    if (SUMMARY_KEYS.some((k) => k in record)) continue;
    const { step } = record;
    if (typeof step !== 'number' || !Number.isFinite(step)) {
      noStep.push(i);
      continue;
    }
    const metrics = new Map<string, number>();
    let nulls: string[];
    try {
      nulls = flattenNumbers(record, metrics).missing;
    } catch (error) {
      if (!(error instanceof JsonTooDeep)) throw error;
      tooDeep.push(i);
      continue;
    }
    metrics.delete('step');
    // There are no line numbers after parsing; the entry index and key locate the value instead.
    for (const key of nulls) missing.push(`log_history[${i}].${key}`);
    if (metrics.size === 0) continue;
    writer.record(step, i);
    for (const [key, value] of metrics) writer.set(key, value);
  }
  if (noStep.length > 0) {
    warnings?.warn(`${source}: ${noStep.length} log_history entries without a numeric "step" skipped; first is log_history[${noStep[0]}]`);
  }
  if (tooDeep.length > 0) {
    warnings?.warn(`${source}: ${tooDeep.length} log_history entries ${new JsonTooDeep().message} skipped; first is log_history[${tooDeep[0]}]`);
  }
  if (missing.length > 0) {
    warnings?.warn(`${source}: ${missing.length} null or non-finite values dropped; first is ${missing[0]}`);
  }
  writer.report(warnings);
  return writer.run(id, source, 'trl-state');
}

/** `trainer_state.json` in a folder, else the one of its latest `checkpoint-N` folder; `undefined` if none. */
async function stateFileIn(dir: string): Promise<string | undefined> {
  const entries = await io(dir, () => readdir(dir, { withFileTypes: true }));
  if (entries.some((e) => e.isFile() && e.name === STATE_FILE)) return join(dir, STATE_FILE);
  const checkpoints = entries
    .filter((e) => e.isDirectory() && /^checkpoint-\d+$/.test(e.name))
    .map((e) => ({ name: e.name, n: Number(e.name.slice('checkpoint-'.length)) }))
    .sort((a, b) => b.n - a.n);
  for (const { name } of checkpoints) {
    const entries = await io(join(dir, name), () => readdir(join(dir, name)));
    if (entries.includes(STATE_FILE)) return join(dir, name, STATE_FILE);
  }
  return undefined;
}

/** Options of `loadTrainerState`. */
export interface LoadTrainerStateOptions {
  /** Run id. Default: the output folder's name (`checkpoint-N` folders skipped). */
  id?: string;
  /** Collects warnings. Default: none. */
  warnings?: Warnings;
  /** Keeps only the keys it has (see `KeyFilter`). Default: every key. */
  keep?: KeyFilter;
}

/**
 * Reads a `trainer_state.json`, or a Trainer output folder: its own `trainer_state.json`, else the one in its
 * latest `checkpoint-N` (each checkpoint holds the whole history up to it).
 *
 * @example
 * (await loadTrainerState('outputs/grpo-qwen'))[0].id // => 'grpo-qwen'
 */
export async function loadTrainerState(path: string, options: LoadTrainerStateOptions = {}): Promise<RawRun[]> {
  let file = path;
  if ((await io(path, () => stat(path))).isDirectory()) {
    file = (await stateFileIn(path)) ?? inputError(`no ${STATE_FILE} in it or in a checkpoint-N folder`, { file: path });
  }
  const text = await io(file, () => readFile(file, 'utf8'));
  const id = options.id ?? nameFromFolder(file);
  return [parseTrainerState(text, { id, source: file, warnings: options.warnings, keep: options.keep })];
}

/** The TRL reader: a JSON object with `log_history` near its start (sorted keys put it there), or an output folder. */
export const trlStateReader: FormatReader = {
  format: 'trl-state',
  label: 'a TRL trainer_state.json or output folder',
  async sniff({ path, isDirectory, head }) {
    if (isDirectory) return (await stateFileIn(path).catch(() => undefined)) !== undefined;
    const text = headText(head).trimStart();
    return text.startsWith('{') && text.includes('"log_history"');
  },
  load: (path, { id, warnings, keep }) => loadTrainerState(path, { id, warnings, keep }),
};
