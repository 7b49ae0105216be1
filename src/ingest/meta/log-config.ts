/**
 * What a text log says about its own run, read from its head: verl prints its whole resolved config at
 * start-up (`pprint` of the Hydra config, a Python dict over many lines, each behind the Ray actor's
 * `(TaskRunner pid=N)` prefix, other actors' lines interleaved), the launch command is echoed with its Hydra
 * overrides (`+ python3 -m verl.trainer.main_ppo actor_rollout_ref.model.path=… data.train_files=…`), and
 * shell traces of the launch scripts set variables such as `MODEL_PATH=…`. All three become flat dotted keys
 * for `metaFromConfig` and `trainerSettings`; the printed config wins over the command line, which wins over
 * shell variables.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parsePythonLiteral, PySyntaxError, type PyValue } from '../python-literal.ts';
import { ANSI } from '../verl-console.ts';
import { flattenConfig } from './config.ts';

/** How much of a log is read for its config: verl's start-up output (config, warnings) fits well within it. */
export const LOG_HEAD_BYTES = 4 << 20;
/** A printed config longer than this many lines is not one (or not one this reader can put together). */
const MAX_CONFIG_LINES = 5000;
/** A config print this long whose literal never closes is read by its layout (see `pprintLayout`). */
const MIN_LAYOUT_LINES = 3;

/** A Ray actor prefix, `(TaskRunner pid=705604)` or `(main_task pid=1, ip=10.0.0.1)`, as the line's start. */
const RAY_PREFIX = /^\s*\(([^()]*pid=\d+[^()]*)\)\s?/;
/** A Hydra override on a command line: `key.path=value` or `+key=value`, optionally quoted as a whole. */
const OVERRIDE = /(?:^|\s)'?\+{0,2}([A-Za-z_][\w-]*(?:\.[\w-]+)+)=([^\s']+)'?/g;
/** A shell variable naming the model: `MODEL_PATH=…`, `export BASE_MODEL=…`, `+ model_path=…` (a trace). */
const MODEL_VARIABLE = /(?:^|[\s;+])(?:export\s+)?(MODEL_PATH|MODEL_NAME|BASE_MODEL|MODEL_DIR|model_path|model_name|base_model|HF_MODEL_PATH|ACTOR_MODEL_PATH)=(['"]?)([^\s'";]+)\2/;

/** Python's dict repr as plain objects, for `flattenConfig`. */
function plain(value: PyValue): unknown {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, plain(v)]));
  if (Array.isArray(value)) return value.map(plain);
  return value ?? null;
}

/** Another actor's output run into a line (Ray writes without waiting for a newline), from its prefix on. */
const INTRUDER = /\((?:[^()]*[\s,])?pid=\d+[^()]*\).*$/;

/**
 * A line without colour codes, split into its Ray prefix (`''` when none) and the text after it; text of
 * another actor run into the line is cut off.
 */
function splitPrefix(line: string): { prefix: string; text: string } {
  const clean = line.includes('\x1b') ? line.replace(ANSI, '') : line;
  const m = RAY_PREFIX.exec(clean);
  const text = m ? clean.slice(m[0].length) : clean;
  return { prefix: m ? m[1] : '', text: text.includes('pid=') ? text.replace(INTRUDER, '') : text };
}

/** `'key': ` in pprint's layout, and what follows it: `{` for a nested dict, else a scalar up to `,` or `}`. */
const PPRINT_ITEM = /'((?:[^'\\]|\\.)*)': (?:(\{)|('(?:[^'\\]|\\.)*'|[^,{}[\]]+))/g;

/**
 * The scalars of a pprint-ed dict whose text could not be parsed whole (Ray ran another actor's output into
 * its lines, and some were lost): each `'key': value` is placed by its column, since pprint puts a nested
 * dict's keys one column right of its `{`. Lost lines cost their keys only.
 */
function pprintLayout(lines: string[]): Map<string, string> {
  const out = new Map<string, string>();
  /** Open dicts: the column their keys start at, and the key path to them. */
  const stack: Array<{ column: number; path: string[] }> = [{ column: 1, path: [] }];
  for (const line of lines) {
    for (const m of line.matchAll(PPRINT_ITEM)) {
      const column = m.index;
      while (stack.length > 1 && stack[stack.length - 1].column > column) stack.pop();
      const top = stack[stack.length - 1];
      if (top.column !== column) continue; // not where a key of an open dict can be: a lost line's child
      const path = [...top.path, m[1]];
      if (m[2]) stack.push({ column: column + m[0].length, path });
      else out.set(path.join('.'), m[3].trim().replace(/^'(.*)'$/s, '$1'));
    }
  }
  return out;
}

/**
 * The first config dict a console log prints: a line whose text starts with `{'`, continued by the
 * following lines of the same Ray actor until the literal is whole. `undefined` when there is none. When
 * the literal never comes out whole, its items are placed by pprint's layout instead (see `pprintLayout`).
 *
 * @example
 * printedConfig(["(main_task pid=1) {'algorithm': {'adv_estimator': 'gae',", '(main_task pid=1)                'gamma': 1.0}}"])
 * // => Map { 'algorithm.adv_estimator' => 'gae', 'algorithm.gamma' => '1' }
 */
export function printedConfig(lines: string[]): Map<string, string> | undefined {
  for (let i = 0; i < lines.length; i++) {
    const first = splitPrefix(lines[i]);
    if (!first.text.startsWith("{'")) continue;
    let text = first.text;
    const taken = [first.text];
    for (let j = i + 1; j <= lines.length && taken.length < MAX_CONFIG_LINES; j++) {
      const end = text.trimEnd();
      if (end.endsWith('}')) {
        try {
          const { value } = parsePythonLiteral(text);
          if (value instanceof Map) return flattenConfig(plain(value));
          break;
        } catch (error) {
          if (!(error instanceof PySyntaxError)) throw error;
        }
        // pprint ends the whole dict with a line at the first key's indent closing every brace it opened.
        if (/^\s{1,2}'[^']*': .*\}\}$/.test(taken[taken.length - 1])) break;
      }
      if (j === lines.length) break;
      const next = splitPrefix(lines[j]);
      // Another actor's output between the config's lines is not part of it.
      if (next.prefix !== first.prefix) continue;
      text += '\n' + next.text;
      taken.push(next.text);
    }
    // One line that never closes is no config (a dict in a message); a long print that lost lines is.
    if (taken.length >= MIN_LAYOUT_LINES) return pprintLayout(taken);
  }
  return undefined;
}

/**
 * The Hydra overrides of the launch command lines in a log (lines that run `python`), as flat keys; later
 * commands win. List values keep their first element (`data.train_files=[a, b]` gives `a`).
 *
 * @example
 * commandLineConfig(['+ python3 -m verl.trainer.main_ppo actor_rollout_ref.model.path=google/gemma-2-2b-it data.train_files=x.parquet'])
 * // => Map { 'actor_rollout_ref.model.path' => 'google/gemma-2-2b-it', 'data.train_files' => 'x.parquet' }
 */
export function commandLineConfig(lines: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of lines) {
    if (!/\bpython3?\b|\.sh\b/.test(line)) continue;
    for (const m of splitPrefix(line).text.matchAll(OVERRIDE)) {
      let value = m[2].replace(/^\[?['"]?|['"]?[\],]*$/g, '');
      if (/^\$\{?\w+\}?$/.test(value) || value === '') continue;
      value = value.replace(/^\$\{?HOME\}?/, '~');
      out.set(m[1], value);
    }
  }
  return out;
}

/**
 * The model a log's shell lines name: the last `MODEL_PATH=…`-style assignment, as `{ MODEL_PATH: … }`.
 *
 * @example
 * shellModelConfig(['+ MODEL_PATH=deepseek-ai/deepseek-llm-7b-chat']) // => Map { 'MODEL_PATH' => 'deepseek-ai/deepseek-llm-7b-chat' }
 */
export function shellModelConfig(lines: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of lines) {
    const m = MODEL_VARIABLE.exec(splitPrefix(line).text);
    if (m && !/^\$\{?\w+\}?$/.test(m[3])) out.set('MODEL_PATH', m[3]);
  }
  return out;
}

/**
 * Everything a log's text says about its run (see the module comment), as one flat map: printed config
 * over command line over shell variables.
 *
 * @example
 * configFromLogText(text).get('actor_rollout_ref.rollout.temperature') // => '1.0'
 */
export function configFromLogText(text: string): Map<string, string> {
  const lines = text.split(/\r?\n/);
  const out = new Map<string, string>([...shellModelConfig(lines), ...commandLineConfig(lines)]);
  for (const [k, v] of printedConfig(lines) ?? []) out.set(k, v);
  return out;
}

/**
 * Reads the head of a text log (`LOG_HEAD_BYTES`) and returns what it says about its run; an empty map
 * for a file that cannot be read or says nothing.
 *
 * @example
 * readLogConfig('logs/qwen-ppo.log').get('algorithm.adv_estimator') // => 'gae'
 */
export function readLogConfig(path: string): Map<string, string> {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(LOG_HEAD_BYTES);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return configFromLogText(buffer.toString('utf8', 0, n));
  } catch {
    return new Map();
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
