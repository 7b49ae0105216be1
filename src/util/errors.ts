/**
 * Errors the toolkit raises on purpose. The CLI turns each into one line on stderr and an exit code:
 * `InputError` (unusable input: a file, a line, a degenerate series) exits 1, `UsageError` (bad flags or
 * options) exits 2. Anything else is a bug and is still printed as one line, with exit 70.
 */

/** Where in an input a problem was found. */
export interface Location {
  /** The file (or directory) path as the user named it. */
  file?: string;
  /** 1-based line number, for text formats. */
  line?: number;
  /** Byte offset, for binary formats. */
  offset?: number;
}

/** Formats a location as `file:line` / `file@offset` / `file`. */
export function formatLocation(loc: Location): string {
  if (!loc.file) return '';
  if (loc.line !== undefined) return `${loc.file}:${loc.line}`;
  if (loc.offset !== undefined) return `${loc.file}@${loc.offset}`;
  return loc.file;
}

/** Unusable input: a file that cannot be read, a series that cannot be fit. Exit code 1. */
export class InputError extends Error {
  readonly location: Location;
  constructor(message: string, location: Location = {}, options?: { cause?: unknown }) {
    const where = formatLocation(location);
    super(where ? `${where}: ${message}` : message, options);
    this.name = 'InputError';
    this.location = location;
  }
}

/** Bad flags, options or arguments. Exit code 2. */
export class UsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/** Throws an `InputError`; a shorthand that keeps call sites to one line. */
export function inputError(message: string, location: Location = {}, cause?: unknown): never {
  throw new InputError(message, location, cause === undefined ? undefined : { cause });
}

/** Throws a `UsageError`. */
export function usageError(message: string): never {
  throw new UsageError(message);
}
