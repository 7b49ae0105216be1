import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { inputError } from '../util/errors.ts';

/** The files one input names, and whether they were named directly (a file) or found (directory, glob). */
export interface ExpandedInput {
  input: string;
  files: string[];
  /** True when the input is one file: an unreadable or unrecognised file is then an error, not a skip. */
  named: boolean;
}

/** Files under a directory, recursively, sorted; dotfiles and dot-directories are skipped (`.git`, `.DS_Store`). */
async function walk(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    return inputError(`cannot read directory (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: dir }, error);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    // Symbolic links to files are followed; links to directories are not, so a cycle cannot loop.
    if (entry.isFile() || (entry.isSymbolicLink() && (await stat(path).catch(() => undefined))?.isFile())) files.push(path);
    else if (entry.isDirectory()) files.push(...(await walk(path)));
  }
  return files;
}

/**
 * Expands one input: a file, a directory (every file inside, recursively, except dotfiles) or a glob pattern
 * (`tinyglobby`; dotfiles excluded). A path that exists is taken literally even if it has glob characters.
 * Throws an `InputError` for a path that does not exist or a pattern that matches nothing.
 *
 * @example
 * await expandInput('logs/*.log') // => { input: 'logs/*.log', files: ['logs/a.log', 'logs/b.log'], named: false }
 */
export async function expandInput(input: string): Promise<ExpandedInput> {
  const info = await stat(input).catch(() => undefined);
  if (info?.isDirectory()) {
    const files = await walk(input);
    if (files.length === 0) inputError('directory holds no files', { file: input });
    return { input, files, named: false };
  }
  if (info) return { input, files: [input], named: true };
  if (!isDynamicPattern(input)) inputError('no such file or directory', { file: input });
  const files = await glob(input, { onlyFiles: true, dot: false, absolute: isAbsolute(input), expandDirectories: false });
  if (files.length === 0) inputError('no files match this pattern', { file: input });
  return { input, files: files.sort(), named: false };
}
