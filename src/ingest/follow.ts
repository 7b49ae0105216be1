/**
 * Following a log while it grows: the ingest readers, fed as the trainer writes. A text log read line by line
 * (verl console or JSONL, JSONL, CSV, OpenRLHF) is fed to its reader's line parser a complete line at a time,
 * and the run so far is taken from the parser's `peek`; any other log (a TensorBoard event file or run folder,
 * a TRL trainer_state.json, an MLflow store, a W&B export) is read again whole when it changes. Either way
 * the runs, their warnings and their errors are those `ingest` gives for the same bytes.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, inputError, usageError } from '../util/errors.ts';
import { Warnings } from '../util/warnings.ts';
import { DETECT_HEAD_BYTES } from './detect.ts';
import { LineSplitter } from './line-splitter.ts';
import { MAX_LINE_BYTES, type LineParser } from './line-stream.ts';
import { io, type FormatReader } from './reader.ts';
import { claimDirectory, KNOWN_FORMATS, READERS, readerOf, sniffFile } from './registry.ts';
import { runIdFromPath } from './run-id.ts';
import type { KeyFilter } from './step-writer.ts';
import type { LogFormat, RawRun } from './types.ts';

/** Options of `follow`. */
export interface FollowOptions {
  /** Run id, where the log holds one run. Default: from the path (`runIdFromPath`). */
  id?: string;
  /** The format of a file read line by line; default: detected from its first complete lines. */
  format?: LogFormat;
  /** The step column of plain CSV/JSONL. Default: the first of `DEFAULT_STEP_KEYS`. */
  step?: string;
  /** Keeps only the keys it has (see `KeyFilter`). Default: every key. */
  keep?: KeyFilter;
}

/** A log being followed. */
export interface Follower {
  /**
   * Reads what the log gained since the last call: the runs so far (empty while it holds no record yet), or
   * null when nothing changed. A file that was truncated or rewritten (it shrank, its start changed, or it is
   * another file now) is read again from its start. Never reads a line the writer has not ended. Throws an
   * `InputError` naming the file when the log cannot be read as its format (a CSV header without a step
   * column, past the first `DETECT_HEAD_BYTES`), a `UsageError` when the `format` given is not one read line
   * by line.
   */
  read(): Promise<RawRun[] | null>;
  /** The warnings of the runs of the last `read` that gave runs (each read counts afresh, not on top). */
  readonly warnings: string[];
  /**
   * What the follower waits for while `read` has no runs, in words (`the file to be created`, `a complete
   * line`, or why the log cannot be read yet); undefined once runs came.
   */
  readonly waiting: string | undefined;
  /** The format, once known. */
  readonly format: LogFormat | undefined;
}

/** How many first bytes of a file are remembered to tell a rewritten file from a grown one. */
const FINGERPRINT_BYTES = 64;
/** The most bytes read from a file in one go. */
const READ_BYTES = 1 << 20;

/** What a file looks like now, to tell a change. */
interface FileState {
  ino: number;
  size: number;
  mtimeMs: number;
}

/** The state of a followed text file: how far it was read, and the parser its lines go to. */
class FileFollow {
  offset = 0;
  ino = -1;
  fingerprint: Buffer = Buffer.alloc(0);
  /** The reader, once the format is known; `lines` when it reads line by line. */
  reader: FormatReader | undefined;
  parser: LineParser<RawRun | RawRun[]> | undefined;
  splitter: LineSplitter | undefined;
  /** The bytes read while the format may still change (the first `DETECT_HEAD_BYTES`), to be read again. */
  head: Buffer[] | undefined = [];
  headBytes = 0;
  /** For a log read whole: what it was when last read. */
  seen = '';
}

/** The files under a directory with their sizes and times, as one string that changes when any of them does. */
async function signature(dir: string): Promise<{ files: number; text: string }> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const parts: string[] = [];
  for (const e of entries) {
    if (!e.isFile() || e.name.startsWith('.')) continue;
    const path = join(e.parentPath, e.name);
    const s = await stat(path).catch(() => undefined);
    if (s) parts.push(`${path}:${s.size}:${s.mtimeMs}`);
  }
  return { files: parts.length, text: parts.sort().join('|') };
}

/**
 * Follows a growing log: a file (its format detected from its first complete lines as `ingest` detects it,
 * or given) or a run folder (TensorBoard, MLflow, a TRL output folder). Each `read` gives the run so far; see
 * `Follower`. While the file is short, a format its reader then rejects (a first line `INFO starting, please
 * wait` looks like a CSV header) is not final: the lines are sniffed again as more come, until
 * `DETECT_HEAD_BYTES` have been read. Cost per read: the new bytes for a log read line by line; the whole log
 * for one read whole.
 *
 * @example
 * const f = follow('train.log'); const runs = await f.read(); // => [{ id: 'train', format: 'verl-console', … }] or null
 */
export function follow(path: string, options: FollowOptions = {}): Follower {
  const { id = runIdFromPath(path), format, step, keep } = options;
  /** A format given that is not read line by line: the first `read` says so. */
  const unfollowable = format !== undefined && !readerOf(format)?.lineParser;
  let file = new FileFollow();
  let warnings: string[] = [];
  let waiting: string | undefined = 'the file to be created';
  let dirSeen = '';
  let dirReader: FormatReader | undefined;

  /** Reads a log whole with its reader; an error while it is written is a reason to wait, not to stop. */
  const readWhole = async (reader: FormatReader): Promise<RawRun[] | null> => {
    const collected = new Warnings();
    try {
      const runs = await reader.load(path, { id, step, keep, warnings: collected } as Parameters<FormatReader['load']>[1]);
      warnings = collected.list();
      waiting = undefined;
      return runs;
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      waiting = `a readable log (${error.message})`;
      return null;
    }
  };

  const readDirectory = async (): Promise<RawRun[] | null> => {
    const now = await signature(path);
    if (now.text === dirSeen) return null;
    dirSeen = now.text;
    const reader = (dirReader = await claimDirectory(path));
    if (!reader) {
      if (now.files === 0) {
        waiting = 'a log in this folder';
        return null;
      }
      return inputError(`not a run folder (expected ${KNOWN_FORMATS}); follow one of its ${now.files} files instead`, { file: path });
    }
    return readWhole(reader);
  };

  /**
   * The reader of a file's first bytes: text formats are sniffed on its complete lines only (a line still
   * being written could make a CSV header look short), a binary or whole-file format on all of them.
   */
  const sniffHead = async (all: Buffer): Promise<FormatReader | undefined> => {
    const end = all.lastIndexOf(10) + 1;
    const lines = end > 0 ? await sniffFile(path, all.subarray(0, Math.min(end, DETECT_HEAD_BYTES))) : undefined;
    if (lines || end === all.length) return lines;
    const whole = await sniffFile(path, all.subarray(0, DETECT_HEAD_BYTES));
    return whole && !whole.lineParser ? whole : undefined;
  };

  /** A reader's rejection that may be a wrong guess of the format: the file is short and the format not given. */
  const mayBeWrongGuess = (error: unknown): boolean => error instanceof InputError && format === undefined && file.headBytes <= DETECT_HEAD_BYTES;

  /**
   * Forgets the guessed format and sniffs the file's first bytes again at once (with the lines that refuted
   * the guess, they may say another format); a second refusal waits for more lines.
   */
  const unguess = async (error: InputError): Promise<void> => {
    const forget = (why: InputError) => {
      waiting = `more lines (${why.message})`;
      file.reader = undefined;
      file.parser = undefined;
      file.splitter = undefined;
    };
    forget(error);
    try {
      await take(Buffer.alloc(0));
      file.parser?.peek?.(undefined);
    } catch (again) {
      if (!mayBeWrongGuess(again)) throw again;
      forget(again as InputError);
    }
  };

  /** Feeds bytes to the line parser, or, while the format is not known, keeps them and sniffs them. */
  const take = async (bytes: Buffer): Promise<void> => {
    if (file.head) {
      file.head.push(bytes);
      file.headBytes += bytes.length;
      if (file.headBytes > DETECT_HEAD_BYTES && file.reader) file.head = undefined;
    }
    if (!file.reader) {
      const all = Buffer.concat(file.head ?? [bytes]);
      const sniffed = format !== undefined ? readerOf(format) : await sniffHead(all);
      if (!sniffed) {
        waiting = all.includes(10) ? `a recognisable log (expected ${KNOWN_FORMATS})` : 'a complete line';
        if (file.headBytes > DETECT_HEAD_BYTES) inputError(`unrecognised log format (expected ${KNOWN_FORMATS})`, { file: path });
        return;
      }
      file.reader = sniffed;
      if (!sniffed.lineParser) return;
      file.parser = sniffed.lineParser({ id, source: path, step, keep });
      file.splitter = new LineSplitter(file.parser, path, MAX_LINE_BYTES, true);
      file.splitter.push(all);
      return;
    }
    file.splitter?.push(bytes);
  };

  /** The runs so far of a file read line by line. */
  const peek = (): RawRun[] => {
    const collected = new Warnings();
    file.splitter!.report(collected);
    const result = file.parser!.peek!(collected);
    const runs = Array.isArray(result) ? result : [result];
    warnings = collected.list();
    waiting = runs.length === 0 ? 'a first record' : undefined;
    return runs;
  };

  const readFile = async (now: FileState): Promise<RawRun[] | null> => {
    const handle = await io(path, () => open(path, 'r'));
    try {
      // A rewritten file: another file under the name, shorter than what was read, or with another start.
      let rewritten = now.ino !== file.ino && file.ino !== -1;
      if (!rewritten && now.size < file.offset) rewritten = true;
      if (!rewritten && file.fingerprint.length > 0) {
        const start = Buffer.alloc(file.fingerprint.length);
        const { bytesRead } = await handle.read(start, 0, start.length, 0);
        rewritten = bytesRead < start.length || !start.equals(file.fingerprint);
      }
      if (rewritten) file = new FileFollow();
      file.ino = now.ino;
      const key = `${now.ino}:${now.size}:${now.mtimeMs}`;
      if (file.reader && !file.reader.lineParser) {
        if (key === file.seen && !rewritten) return null;
        file.seen = key;
        return readWhole(file.reader);
      }
      if (now.size === file.offset && !rewritten) return null;
      const buffer = Buffer.allocUnsafe(Math.min(READ_BYTES, Math.max(now.size - file.offset, 1)));
      for (let at = file.offset; at < now.size; ) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, now.size - at), at);
        if (bytesRead === 0) break;
        const bytes = Buffer.from(buffer.subarray(0, bytesRead));
        if (file.fingerprint.length < FINGERPRINT_BYTES && at === file.fingerprint.length) {
          file.fingerprint = Buffer.concat([file.fingerprint, bytes.subarray(0, FINGERPRINT_BYTES - file.fingerprint.length)]);
        }
        at += bytesRead;
        file.offset = at;
        try {
          await take(bytes);
        } catch (error) {
          // While the file is short, a format its reader rejects may be a wrong guess: wait for more lines.
          if (!mayBeWrongGuess(error)) throw error;
          await unguess(error as InputError);
        }
      }
      if (!file.reader) return rewritten ? [] : null;
      if (!file.reader.lineParser) {
        file.seen = key;
        return readWhole(file.reader);
      }
      try {
        return peek();
      } catch (error) {
        if (!mayBeWrongGuess(error)) throw error;
        await unguess(error as InputError);
        return file.parser ? peek() : null;
      }
    } finally {
      await handle.close();
    }
  };

  return {
    async read() {
      if (unfollowable) {
        const lineFormats = READERS.filter((r) => r.lineParser).map((r) => r.format);
        usageError(`cannot follow ${format} logs line by line (expected one of ${lineFormats.join(', ')}; other logs are followed with their format detected)`);
      }
      const now = await stat(path).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        return io(path, () => Promise.reject(error));
      });
      if (!now) {
        waiting = 'the file to be created';
        const had = file.offset > 0 || dirSeen !== '';
        file = new FileFollow();
        dirSeen = '';
        dirReader = undefined;
        return had ? [] : null;
      }
      if (now.isDirectory()) return readDirectory();
      return readFile({ ino: now.ino, size: now.size, mtimeMs: now.mtimeMs });
    },
    get warnings() {
      return warnings;
    },
    get waiting() {
      return waiting;
    },
    get format() {
      return (dirReader ?? file.reader)?.format;
    },
  };
}
