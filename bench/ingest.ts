/**
 * Benchmark: read generated logs with `ingest` and with the Python tools people use, on the same file, and
 * print throughput ratios and our peak memory:
 * - a verl console log (default 1 GiB) against a straightforward regex-per-line Python parser (target ≥ 3×),
 *   and our peak RSS on it (target ≤ 300 MB);
 * - a flat JSONL history (default 1 GiB) against `polars.read_ndjson` (target: within 2×), and our peak RSS;
 * - a TensorBoard event file against tensorboard's `EventAccumulator` (target ≥ 5×). EventAccumulator reads
 *   a few MB/s, so it reads a smaller file (default 64 MiB) to keep the benchmark to minutes; its throughput
 *   does not depend on the size, so the two are compared in MB/s. We read that file too (the points must
 *   agree) and a large one (default 512 MiB), whose throughput and peak RSS are the ones printed.
 * Each reader runs in its own process (its start-up not timed; peak RSS from `process.resourceUsage()`),
 * ENTROPY_LAW_BENCH_REPEAT times (default 3), and the fastest run of each is compared: on a shared machine
 * one run can take half again as long as the next.
 * - a W&B run file, an MLflow SQLite store and a Trackio database (default 512 MiB each): no maintained
 *   reader of these exists to compare with (wandb 0.30's Python package moved its reader into its Go core),
 *   so each is compared against the limit, reading the same file's bytes (bench/read-bytes.ts): our MB/s
 *   as a fraction of that, and our peak RSS. The SQLite reader asks only for the candidate keys' pages,
 *   so it can beat reading every byte.
 * Files are generated into os.tmpdir(), one at a time, and deleted after use. Sizes in MiB can be set with
 * ENTROPY_LAW_BENCH_CONSOLE_MB, ENTROPY_LAW_BENCH_JSONL_MB, ENTROPY_LAW_BENCH_TB_MB (ours),
 * ENTROPY_LAW_BENCH_TB_REF_MB (EventAccumulator's), ENTROPY_LAW_BENCH_WANDB_MB and ENTROPY_LAW_BENCH_SQLITE_MB;
 * ENTROPY_LAW_BENCH_INGEST=wandb,mlflow,trackio (any of console, jsonl, tensorboard, wandb, mlflow, trackio)
 * runs only some.
 * Needs python3 with polars and tensorboard (`pip install polars tensorboard`); the SQLite files are
 * written by python3's own sqlite3 (bench/make_sqlite_logs.py).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeEventFile, writeJsonl, writeVerlConsoleLog, writeWandbRun } from './ingest-logs.ts';

const HERE = new URL('.', import.meta.url).pathname;
const MiB = 1 << 20;

/** What one reader reports. */
interface Timing {
  seconds: number;
  cpuSeconds: number;
  points: number;
  maxRssMB?: number;
  [version: string]: unknown;
}

const sizeMB = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const REPEAT = Math.max(1, Number(process.env.ENTROPY_LAW_BENCH_REPEAT ?? 3));

/** The fastest of REPEAT runs of a command that prints a Timing as its last line (peak RSS: the largest). */
function fastest(command: string, args: string[]): Timing {
  let best: Timing | undefined;
  let maxRssMB = 0;
  for (let i = 0; i < REPEAT; i++) {
    const out = execFileSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
    const timing = JSON.parse(out.trim().split('\n').at(-1)!) as Timing;
    maxRssMB = Math.max(maxRssMB, timing.maxRssMB ?? 0);
    if (!best || timing.seconds < best.seconds) best = timing;
  }
  return { ...best!, ...(best!.maxRssMB === undefined ? {} : { maxRssMB }) };
}

/** Runs our ingest on `path` in a child process. */
const ours = (path: string): Timing => fastest(process.execPath, ['--import', 'tsx', join(HERE, 'ingest-child.ts'), path]);

/** Runs a Python reference reader (bench/ingest_py.py) on `path`. */
const python = (mode: string, path: string): Timing => fastest('python3', [join(HERE, 'ingest_py.py'), mode, path]);

/** One comparison: generate, time both, delete; a line of results. */
function compare(
  dir: string,
  what: string,
  file: string,
  mb: number,
  write: (path: string, bytes: number) => number,
  mode: string,
  reference: string,
  target: string,
): string {
  const path = join(dir, file);
  try {
    write(path, mb * MiB);
    const bytes = statSync(path).size;
    const us = ours(path);
    const them = python(mode, path);
    const rate = (t: Timing) => `${(bytes / 1e6 / t.seconds).toFixed(1)} MB/s`;
    const agree = us.points === them.points ? 'same points' : `POINTS DIFFER: ${us.points} vs ${them.points}`;
    const version = Object.entries(them).find(([k]) => !['seconds', 'cpuSeconds', 'points'].includes(k));
    // Wall time is the target; CPU time is printed too, since on a shared machine wall time swings.
    return (
      `ingest ${what} (${(bytes / MiB).toFixed(0)} MiB): ours ${us.seconds.toFixed(2)} s (${rate(us)}, CPU ${us.cpuSeconds.toFixed(2)} s), ` +
      `${reference}${version ? ` ${version[1]}` : ''} ${them.seconds.toFixed(2)} s (${rate(them)}, CPU ${them.cpuSeconds.toFixed(2)} s): ` +
      `${(them.seconds / us.seconds).toFixed(2)}× by wall time, ${(them.cpuSeconds / us.cpuSeconds).toFixed(2)}× by CPU time (target ${target}); ` +
      `our peak RSS ${us.maxRssMB?.toFixed(0)} MB; ${agree}`
    );
  } finally {
    rmSync(path, { force: true });
  }
}

/**
 * The TensorBoard comparison: the reference on a small file, we on the same file (for the points) and on a
 * large one (throughput, peak RSS). Ratios are of throughput, since the files differ in size.
 */
function compareTensorBoard(dir: string, mb: number, referenceMB: number): string {
  const small = join(dir, 'small', 'events.out.tfevents.1700000000.bench');
  const large = join(dir, 'large', 'events.out.tfevents.1700000000.bench');
  try {
    mkdirSync(join(dir, 'small'));
    writeEventFile(small, referenceMB * MiB);
    const smallBytes = statSync(small).size;
    const them = python('tensorboard', small);
    const usSmall = ours(small);
    rmSync(small, { force: true });
    mkdirSync(join(dir, 'large'));
    writeEventFile(large, mb * MiB);
    const bytes = statSync(large).size;
    const us = ours(large);
    const version = Object.entries(them).find(([k]) => !['seconds', 'cpuSeconds', 'points'].includes(k));
    const rate = (b: number, s: number) => b / 1e6 / s;
    const ourRate = rate(bytes, us.seconds);
    const theirRate = rate(smallBytes, them.seconds);
    const ourCpuRate = rate(bytes, us.cpuSeconds);
    const theirCpuRate = rate(smallBytes, them.cpuSeconds);
    const agree = usSmall.points === them.points ? 'same points' : `POINTS DIFFER: ${usSmall.points} vs ${them.points}`;
    return (
      `ingest TensorBoard event file: ours on ${(bytes / MiB).toFixed(0)} MiB ${us.seconds.toFixed(2)} s (${ourRate.toFixed(1)} MB/s, CPU ${us.cpuSeconds.toFixed(2)} s), ` +
      `tensorboard EventAccumulator${version ? ` ${version[1]}` : ''} on ${(smallBytes / MiB).toFixed(0)} MiB (its MB/s do not depend on the size) ` +
      `${them.seconds.toFixed(2)} s (${theirRate.toFixed(1)} MB/s, CPU ${them.cpuSeconds.toFixed(2)} s): ` +
      `${(ourRate / theirRate).toFixed(2)}× by MB/s of wall time, ${(ourCpuRate / theirCpuRate).toFixed(2)}× by MB/s of CPU time (target ≥ 5×); ` +
      `our peak RSS ${us.maxRssMB?.toFixed(0)} MB on ${(bytes / MiB).toFixed(0)} MiB; ` +
      `on the ${(smallBytes / MiB).toFixed(0)} MiB file ours ${usSmall.seconds.toFixed(2)} s, ${agree}`
    );
  } finally {
    rmSync(join(dir, 'small'), { recursive: true, force: true });
    rmSync(join(dir, 'large'), { recursive: true, force: true });
  }
}

/**
 * One reader against the limit: generate the file, time our ingest of it and a plain read of its bytes
 * (both in their own processes, the fastest of REPEAT), delete it. `write` returns the points the file holds.
 */
function compareToBytes(dir: string, what: string, file: string, mb: number, write: (path: string, bytes: number) => number): string {
  const path = join(dir, file);
  try {
    const expected = write(path, mb * MiB);
    const bytes = statSync(path).size;
    const us = ours(path);
    const raw = fastest(process.execPath, ['--import', 'tsx', join(HERE, 'read-bytes.ts'), path]);
    const rate = (t: Timing) => bytes / 1e6 / t.seconds;
    const agree = us.points === expected ? `${us.points} points, as written` : `POINTS DIFFER: ${us.points} vs ${expected} written`;
    return (
      `ingest ${what} (${(bytes / MiB).toFixed(0)} MiB): ours ${us.seconds.toFixed(2)} s (${rate(us).toFixed(1)} MB/s, CPU ${us.cpuSeconds.toFixed(2)} s), ` +
      `reading its bytes ${raw.seconds.toFixed(2)} s (${rate(raw).toFixed(0)} MB/s): ours at ${(rate(us) / rate(raw)).toFixed(3)} of the byte rate; ` +
      `our peak RSS ${us.maxRssMB?.toFixed(0)} MB (reading the bytes: ${raw.maxRssMB?.toFixed(0)} MB); ${agree}`
    );
  } finally {
    rmSync(path, { force: true });
  }
}

/** Writes a SQLite store with bench/make_sqlite_logs.py; returns the points it holds. */
function writeSqlite(kind: 'mlflow' | 'trackio'): (path: string, bytes: number) => number {
  return (path, bytes) => {
    const out = execFileSync('python3', [join(HERE, 'make_sqlite_logs.py'), kind, path, String(Math.ceil(bytes / MiB))], { encoding: 'utf8' });
    return (JSON.parse(out.trim().split('\n').at(-1)!) as { points: number }).points;
  };
}

export async function benchIngest(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'entropy-law-bench-ingest-'));
  const only = process.env.ENTROPY_LAW_BENCH_INGEST?.split(',');
  const run = (name: string, bench: () => string) => (!only || only.includes(name) ? [bench()] : []);
  try {
    return [
      ...run('console', () => compare(dir, 'verl console log', 'train.log', sizeMB('ENTROPY_LAW_BENCH_CONSOLE_MB', 1024), writeVerlConsoleLog, 'console', 'Python regex-per-line parser', '≥ 3×; peak RSS ≤ 300 MB on 1 GB')),
      ...run('jsonl', () => compare(dir, 'JSONL history', 'history.jsonl', sizeMB('ENTROPY_LAW_BENCH_JSONL_MB', 1024), writeJsonl, 'polars', 'polars.read_ndjson', '≥ 0.5×, i.e. within 2×; peak RSS ≤ 300 MB on 1 GB')),
      ...run('tensorboard', () => compareTensorBoard(dir, sizeMB('ENTROPY_LAW_BENCH_TB_MB', 512), sizeMB('ENTROPY_LAW_BENCH_TB_REF_MB', 64))),
      ...run('wandb', () => compareToBytes(dir, 'W&B run file', 'run-bench01.wandb', sizeMB('ENTROPY_LAW_BENCH_WANDB_MB', 512), (path, bytes) => Math.floor(writeWandbRun(path, bytes) / 10))),
      ...run('mlflow', () => compareToBytes(dir, 'MLflow SQLite store', 'mlflow.db', sizeMB('ENTROPY_LAW_BENCH_SQLITE_MB', 512), writeSqlite('mlflow'))),
      ...run('trackio', () => compareToBytes(dir, 'Trackio SQLite database', 'trackio.db', sizeMB('ENTROPY_LAW_BENCH_SQLITE_MB', 512), writeSqlite('trackio'))),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run directly: `node --import tsx bench/ingest.ts`.
if (import.meta.url === `file://${process.argv[1]}`) for (const line of await benchIngest()) console.log(line);
