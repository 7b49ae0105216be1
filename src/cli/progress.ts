/**
 * A one-line progress bar on a terminal for `ingest`'s progress callback. Drawn only on a TTY and only for
 * work worth watching (large or many files), redrawn at most every `intervalMs`, and erased when done, so
 * output that is piped or parsed (`--json`) never sees it.
 */
import type { IngestProgress } from '../index.ts';

/** Where the bar is drawn: a writable stream that may be a terminal (`process.stderr`). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** Options of `progressBar`. */
export interface ProgressBarOptions {
  /** Draw only when the inputs hold at least this many bytes… Default: 64 MiB. */
  minBytes?: number;
  /** …or at least this many files. Default: 20. */
  minFiles?: number;
  /** Least time between two redraws, in ms. Default: 100. */
  intervalMs?: number;
  /** The clock, in ms. Default: `Date.now`. */
  now?: () => number;
}

/** Bytes as a short human size. */
function size(bytes: number): string {
  if (bytes >= 1 << 30) return `${(bytes / (1 << 30)).toFixed(2)} GB`;
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MB`;
  return `${Math.round(bytes / 1024)} kB`;
}

/**
 * The text of the bar for a progress report, `width` characters at most.
 *
 * @example
 * formatProgress({ files: 1, totalFiles: 4, bytes: 512 << 20, totalBytes: 1 << 30, done: false }, 60)
 * // => 'reading [########       ]  50% 512.0 MB / 1.00 GB, 1/4 files'
 */
export function formatProgress(p: IngestProgress, width = 80): string {
  const fraction = p.totalBytes > 0 ? Math.min(1, p.bytes / p.totalBytes) : p.totalFiles > 0 ? p.files / p.totalFiles : 1;
  const tail = ` ${String(Math.floor(fraction * 100)).padStart(3)}% ${size(p.bytes)} / ${size(p.totalBytes)}, ${p.files}/${p.totalFiles} files`;
  const barWidth = Math.max(0, Math.min(40, width - tail.length - 'reading []'.length));
  const filled = Math.round(fraction * barWidth);
  const bar = barWidth > 0 ? `[${'#'.repeat(filled)}${' '.repeat(barWidth - filled)}]` : '';
  return `reading ${bar}${tail}`.slice(0, width);
}

/**
 * A progress callback for `ingest` that draws a bar on `stream`, or `undefined` when `stream` is not a
 * terminal (piped, redirected): callers pass it straight to `IngestOptions.onProgress`.
 *
 * @example
 * await ingest(paths, { onProgress: progressBar(process.stderr) })
 */
export function progressBar(stream: ProgressStream, options: ProgressBarOptions = {}): ((p: IngestProgress) => void) | undefined {
  const { minBytes = 64 << 20, minFiles = 20, intervalMs = 100, now = Date.now } = options;
  if (!stream.isTTY) return undefined;
  let last = -Infinity;
  let drawn = false;
  return (p) => {
    if (p.done) {
      // Erase the bar so what is printed next starts on a clean line.
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
      return;
    }
    if (p.totalBytes < minBytes && p.totalFiles < minFiles) return;
    const t = now();
    if (t - last < intervalMs) return;
    last = t;
    drawn = true;
    stream.write(`\r${formatProgress(p, Math.max(20, (stream.columns ?? 80) - 1))}\x1b[K`);
  };
}
