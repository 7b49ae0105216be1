import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { inputError } from '../util/errors.ts';
import type { FormatReader } from './reader.ts';
import { CONFIG_FILES } from './meta/config.ts';
import { claimDirectory } from './registry.ts';

/** One thing to read: a file, or a directory a reader takes whole (a TensorBoard run, an MLflow store, …). */
export interface InputEntry {
  path: string;
  /** The reader of a directory taken whole; absent for a file (its reader is found from its content). */
  reader?: FormatReader;
}

/** What one input names, and whether it was named directly (a file, a run directory) or found (a walk, a glob). */
export interface ExpandedInput {
  input: string;
  /** The files and whole-run directories, in a stable (sorted) order. */
  entries: InputEntry[];
  /** The paths of `entries`. */
  files: string[];
  /** True when the input is one file or run directory: an unreadable or unrecognised one is then an error, not a skip. */
  named: boolean;
}

/**
 * Files that sit beside logs in a run folder and are never logs themselves, skipped without a warning in a
 * walk (named directly, they are still read or refused): the config files metadata is read from
 * (`CONFIG_FILES`), any YAML file (no trainer logs to YAML; a folder of runs keeps its sweep file or Hydra
 * overrides there), SQLite's sidecar files (a store's `-wal` is read with the store), and checkpoints and
 * weights.
 */
const COMPANIONS = new Set(CONFIG_FILES.filter((f) => !f.includes('/')));
const COMPANION_SUFFIX = /(-wal|-shm|-journal|\.safetensors|\.pt|\.pth|\.ckpt|\.ya?ml)$/i;

/** Whether a walk leaves this file out quietly (see `COMPANIONS`). */
export function isCompanionFile(name: string): boolean {
  return COMPANIONS.has(name) || COMPANION_SUFFIX.test(name);
}

/**
 * Entries under a directory, recursively, sorted: a directory some reader takes whole (`claimDirectory`) is
 * one entry and not walked further; dotfiles and dot-directories are skipped (`.git`, `.DS_Store`, `.trash`),
 * and so are the files that sit beside logs without being logs (`isCompanionFile`).
 */
async function walk(dir: string): Promise<InputEntry[]> {
  const reader = await claimDirectory(dir);
  if (reader) return [{ path: dir, reader }];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    return inputError(`cannot read directory (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: dir }, error);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const found: InputEntry[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.') || (entry.isFile() && isCompanionFile(entry.name))) continue;
    const path = join(dir, entry.name);
    // Symbolic links to files are followed; links to directories are not, so a cycle cannot loop.
    if (entry.isFile() || (entry.isSymbolicLink() && (await stat(path).catch(() => undefined))?.isFile())) found.push({ path });
    else if (entry.isDirectory()) found.push(...(await walk(path)));
  }
  return found;
}

/** An expanded input from its entries. */
function expanded(input: string, entries: InputEntry[], named: boolean): ExpandedInput {
  return { input, entries, files: entries.map((e) => e.path), named };
}

/**
 * Expands one input: a file, a directory (a run directory some reader takes whole, else every file inside,
 * recursively, except dotfiles, with run directories below it taken whole) or a glob pattern (`tinyglobby`;
 * files only, dotfiles excluded). A path that exists is taken literally even if it has glob characters.
 * Throws an `InputError` for a path that does not exist, an empty directory or a pattern that matches nothing.
 *
 * @example
 * await expandInput('logs/*.log') // => { input: 'logs/*.log', files: ['logs/a.log', 'logs/b.log'], named: false, … }
 */
export async function expandInput(input: string): Promise<ExpandedInput> {
  const info = await stat(input).catch(() => undefined);
  if (info?.isDirectory()) {
    const entries = await walk(input);
    if (entries.length === 0) inputError('directory holds no log files (config, YAML, checkpoint and dot files are not read as logs)', { file: input });
    return expanded(input, entries, entries.length === 1 && entries[0].path === input);
  }
  if (info) return expanded(input, [{ path: input }], true);
  if (!isDynamicPattern(input)) inputError('no such file or directory', { file: input });
  const files = await glob(input, { onlyFiles: true, dot: false, absolute: isAbsolute(input), expandDirectories: false });
  if (files.length === 0) inputError('no files match this pattern', { file: input });
  return expanded(input, files.sort().map((path) => ({ path })), false);
}
