/** Progress of `ingest`: the totals measured up front, then bytes and files as they are read. */
import { stat } from 'node:fs/promises';
import type { InputEntry } from './inputs.ts';
import type { IngestOptions } from './types.ts';

/** The hooks `ingest` calls as it reads. */
export interface ProgressHooks {
  /** A chunk of `n` bytes was read (line formats). */
  bytes(n: number): void;
  /** A file or run directory is done (its size counts whole, for readers that do not stream). */
  fileDone(path: string): void;
  /** All is read. */
  end(): void;
}

/**
 * Sizes the work (the files' sizes; run directories count as files of size 0) and returns the hooks that
 * report it to `onProgress`.
 *
 * @example
 * const progress = await startProgress(entries, (p) => console.error(p.bytes, '/', p.totalBytes));
 */
export async function startProgress(entries: InputEntry[], onProgress: NonNullable<IngestOptions['onProgress']>): Promise<ProgressHooks> {
  const sizes = new Map<string, number>();
  for (const { path, reader } of entries) sizes.set(path, reader ? 0 : ((await stat(path).catch(() => undefined))?.size ?? 0));
  const total = { files: entries.length, bytes: [...sizes.values()].reduce((a, b) => a + b, 0) };
  const state = { files: 0, bytes: 0, done: false };
  let fileBytes = 0;
  const report = () => onProgress({ ...state, totalFiles: total.files, totalBytes: total.bytes });
  return {
    bytes(n: number) {
      fileBytes += n;
      state.bytes += n;
      report();
    },
    fileDone(path: string) {
      // Readers that do not stream report nothing while they read; their file counts whole when it is done.
      state.bytes += Math.max(0, (sizes.get(path) ?? 0) - fileBytes);
      fileBytes = 0;
      state.files++;
      report();
    },
    end() {
      state.done = true;
      report();
    },
  };
}
