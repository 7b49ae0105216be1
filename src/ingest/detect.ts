/**
 * Format detection: which reader of the registry (`READERS`) takes a file or directory. Detection is by
 * content (and, for folders and files whose name the trainer fixes, by names), never by extension.
 */
import { open, stat } from 'node:fs/promises';
import { inputError } from '../util/errors.ts';
import { io, type FormatReader } from './reader.ts';
import { claimDirectory, KNOWN_FORMATS, sniffFile } from './registry.ts';
import type { LogFormat } from './types.ts';

/**
 * How much of a file detection reads. Large enough that the first metric line of a verl console log is in
 * it after the start-up output (model configs, sample generations), which runs to tens of KB.
 */
export const DETECT_HEAD_BYTES = 1 << 20;

/** The first bytes of a file (at most `DETECT_HEAD_BYTES`; `size`, when known, keeps a small file's buffer small). */
export async function readHead(path: string, size = DETECT_HEAD_BYTES): Promise<Uint8Array> {
  const handle = await io(path, () => open(path, 'r'));
  try {
    const buffer = new Uint8Array(Math.max(1, Math.min(size, DETECT_HEAD_BYTES)));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** True if a head looks like binary data: NUL or other control bytes in a good share of its start. */
function looksBinary(head: Uint8Array): boolean {
  const n = Math.min(head.length, 4096);
  let control = 0;
  for (let i = 0; i < n; i++) if (head[i] < 9 || (head[i] > 13 && head[i] < 32)) control++;
  return control > n * 0.1;
}

/** The reader of a file's head, or an `InputError` naming the file: empty, binary, or no reader takes it. */
async function fileReader(path: string, head: Uint8Array): Promise<FormatReader> {
  if (head.length === 0) return inputError('empty file', { file: path });
  const reader = await sniffFile(path, head);
  if (reader) return reader;
  const binary = looksBinary(head);
  const what = binary ? 'binary data, not a recognised log format' : 'unrecognised log format';
  return inputError(`${what} (expected ${KNOWN_FORMATS})`, { file: path, offset: binary ? 0 : undefined });
}

/**
 * The reader of a path: for a directory, the reader that takes it whole (`claimDirectory`); for a file, the
 * one its first `DETECT_HEAD_BYTES` say (`sniffFile`). Throws an `InputError` naming the path when it cannot
 * be read, is empty, or no reader takes it.
 *
 * @example
 * (await readerFor('logs/qwen.log')).format // => 'verl-console'
 */
export async function readerFor(path: string): Promise<FormatReader> {
  const info = await io(path, () => stat(path));
  if (info.isDirectory()) {
    return (await claimDirectory(path)) ?? inputError(`not a run directory (expected ${KNOWN_FORMATS})`, { file: path });
  }
  // A file still growing may be longer than its size said: the head is read up to the size, or one byte more.
  return fileReader(path, await readHead(path, info.size + 1));
}

/**
 * The format of a log, by the registry of readers (every format they read): from `head`, the start of a
 * file (its first `DETECT_HEAD_BYTES` as bytes or text), or, without it, from the path itself (a file's head
 * is read; a directory is a TensorBoard run, an MLflow store or a TRL output folder). Throws an `InputError`
 * naming `path` when no reader takes it.
 *
 * @example
 * await detectFormat('step,entropy,acc\n1,0.5,0.2\n', 'run.log') // => 'csv'
 * await detectFormat(undefined, 'mlruns') // => 'mlflow'
 */
export async function detectFormat(head: string | Uint8Array | undefined, path: string): Promise<LogFormat> {
  if (head === undefined) return (await readerFor(path)).format;
  const bytes = typeof head === 'string' ? new TextEncoder().encode(head) : head;
  return (await fileReader(path, bytes)).format;
}

/**
 * The format of a file's head, or `undefined` when no reader takes it (`detectFormat` without the error).
 *
 * @example
 * await sniffFormat('{"step": 3, "data": {"actor/entropy": 0.5}}\n') // => 'verl-jsonl'
 */
export async function sniffFormat(head: string | Uint8Array, path = ''): Promise<LogFormat | undefined> {
  const bytes = typeof head === 'string' ? new TextEncoder().encode(head) : head;
  return (await sniffFile(path, bytes))?.format;
}
