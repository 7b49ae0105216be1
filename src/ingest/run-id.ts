import { basename } from 'node:path';

/**
 * The run id a file gives: its name without the extension. Only a letter-led extension counts, so a name
 * ending in a number (`run-lr0.567`) keeps it.
 *
 * @example
 * runIdFromPath('logs/qwen-0.567.log') // => 'qwen-0.567'
 */
export function runIdFromPath(path: string): string {
  const name = basename(path);
  const ext = /\.[A-Za-z][A-Za-z0-9]{0,7}$/.exec(name);
  return ext && ext.index > 0 ? name.slice(0, ext.index) : name;
}
