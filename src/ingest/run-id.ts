import { basename } from 'node:path';

/**
 * The extensions a log file's name ends in, which are not part of the run's name. Anything else after the
 * last dot is: run names carry hyper-parameters (`run-lr0.567`, `qwen-7b.v2`).
 */
export const LOG_EXTENSIONS: readonly string[] = ['.log', '.txt', '.text', '.out', '.err', '.stdout', '.stderr', '.jsonl', '.json', '.ndjson', '.csv', '.tsv', '.wandb'];

/**
 * The run id a path gives: the file's (or folder's) name, without its extension only when that is one of
 * `LOG_EXTENSIONS` (any case). Trailing slashes are ignored; a name that is only an extension is kept whole.
 * Every reader names runs from paths with this one rule.
 *
 * @example
 * runIdFromPath('logs/qwen-0.567.log') // => 'qwen-0.567'
 * runIdFromPath('logs/run-lr0.567') // => 'run-lr0.567'
 * runIdFromPath('mlruns/0/4f1c/') // => '4f1c'
 */
export function runIdFromPath(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const name = basename(trimmed) || trimmed || path;
  const dot = name.lastIndexOf('.');
  return dot > 0 && LOG_EXTENSIONS.includes(name.slice(dot).toLowerCase()) ? name.slice(0, dot) : name;
}
