/**
 * Trackio's project databases (`$TRACKIO_DIR`, default `~/.cache/huggingface/trackio/<project>.db`): SQLite
 * in WAL mode with a table `metrics(id, run_id, timestamp, run_name, step, metrics)` whose `metrics` is one
 * JSON object per `trackio.log` call, and `configs(run_id, run_name, config)` with each run's config as JSON
 * (gradio-app/trackio `trackio/sqlite_storage.py`, `SQLiteStorage.init_db`). Trackio writes NaN and ±inf as
 * the strings "NaN", "Infinity", "-Infinity" (`trackio/utils.py`, `serialize_values`). Databases written
 * before `run_id` was added have `run_name` alone; those are read too.
 */
import { inputError } from '../util/errors.ts';
import type { Warnings } from '../util/warnings.ts';
import { IssueCounter } from './issues.ts';
import { flattenConfig } from './meta/config.ts';
import { io, type FormatReader } from './reader.ts';
import { guardSqlite, hasTables, isSqliteHead, openSqlite, rowNumber, sqliteMessage, sqliteTables, tablesOf, type SqliteDatabase, type SqliteRow } from './sqlite.ts';
import { StepWriter, type KeyFilter } from './step-writer.ts';
import type { RawRun } from './types.ts';

const SCHEMA = { metrics: ['run_name', 'step', 'metrics'] };
const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity']);

/** Options of `readTrackioDatabase`. */
export interface TrackioOptions {
  /** Run id, used when the database holds one run. Default: the run's name. */
  id?: string;
  /** Keeps only the keys it has (see `KeyFilter`). Default: every key. */
  keep?: KeyFilter;
  /** Collects warnings. Default: none. */
  warnings?: Warnings;
}

/** Adds the numeric leaves of a logged dict under `/`-joined keys; media (objects with `_type`) are not metrics. */
function leaves(value: unknown, key: string, out: (key: string, value: number | undefined) => void): void {
  if (typeof value === 'number') out(key, value);
  else if (typeof value === 'boolean') out(key, value ? 1 : 0);
  else if (typeof value === 'string' && NON_FINITE.has(value)) out(key, undefined);
  else if (value !== null && typeof value === 'object' && !Array.isArray(value) && !('_type' in value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, key ? `${key}/${k}` : k, out);
  }
}

/**
 * Reads a Trackio project database into one run per run (by `run_id`, else `run_name`), rows in the order
 * they were written. Rows whose JSON cannot be parsed are skipped and counted; non-finite values are dropped
 * and counted. A run's config becomes its `config`. Throws an `InputError` naming the file when SQLite cannot
 * read it or it has no Trackio `metrics` table.
 *
 * @example
 * readTrackioDatabase('~/.cache/huggingface/trackio/grpo.db').map((r) => r.id) // => ['qwen-run-1']
 */
export function readTrackioDatabase(path: string, options: TrackioOptions = {}): RawRun[] {
  const db = openSqlite(path);
  try {
    return guardSqlite(path, 'the Trackio database', () => readRuns(db, path, options));
  } finally {
    db.close();
  }
}

/** The body of `readTrackioDatabase`, on an open database. */
function readRuns(db: SqliteDatabase, path: string, options: TrackioOptions): RawRun[] {
  const { keep, warnings } = options;
  const tables = tablesOf(db);
  if (!hasTables(tables, SCHEMA)) inputError('not a Trackio database (no metrics table with run_name, step, metrics)', { file: path });
  const runKey = tables.get('metrics')?.has('run_id') ? 'run_id' : 'run_name';
  const writers = new Map<string, { name: string; writer: StepWriter }>();
  const bad = new IssueCounter(path, 'metrics rows that are not a JSON object');
  const nonFinite = new IssueCounter(path, 'non-finite values ("NaN", "Infinity")');
  const statement = db.prepare(`SELECT ${runKey} AS run, run_name, step, metrics FROM metrics ORDER BY id`);
  let n = 0;
  try {
    for (const row of statement.iterate() as Iterable<SqliteRow>) {
      n++;
      const run = String(row.run);
      let entry = writers.get(run);
      if (!entry) writers.set(run, (entry = { name: String(row.run_name), writer: new StepWriter(path, keep) }));
      const step = rowNumber(row.step);
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(row.metrics));
      } catch {
        parsed = undefined;
      }
      if (step === undefined || parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        bad.add(n, step === undefined ? 'no step' : String(row.metrics).slice(0, 40));
        continue;
      }
      const { writer } = entry;
      writer.record(step, n);
      leaves(parsed, '', (key, value) => {
        if (value === undefined || !Number.isFinite(value)) nonFinite.add(n, key);
        else writer.set(key, value);
      });
    }
  } catch (error) {
    warnings?.warn(`${path}: reading stopped after ${n} rows (${sqliteMessage(error)}); the rows before were kept`);
  } finally {
    statement.finalize();
  }
  bad.report(warnings, 'skipped (row numbers in write order)');
  nonFinite.report(warnings, 'dropped (row numbers in write order)');
  const configs = new Map<string, Map<string, string>>();
  const configColumns = tables.get('configs');
  if (configColumns?.has('config')) {
    const by = configColumns.has(runKey) ? runKey : 'run_name';
    for (const c of db.all(`SELECT ${by} AS run, config FROM configs`) as SqliteRow[]) {
      try {
        configs.set(String(c.run), flattenConfig(JSON.parse(String(c.config))));
      } catch {
        warnings?.warn(`${path}: the config of run ${String(c.run)} is not JSON; not read`);
      }
    }
  }
  const names = new Map<string, number>();
  for (const { name } of writers.values()) names.set(name, (names.get(name) ?? 0) + 1);
  return [...writers].map(([run, { name, writer }]) => {
    writer.report(warnings);
    const id = writers.size === 1 && options.id !== undefined ? options.id : names.get(name)! > 1 ? `${name} (${run})` : name;
    const raw = writer.run(id, path, 'trackio');
    const config = configs.get(run);
    if (config && config.size > 0) raw.config = config;
    return raw;
  });
}

/** The Trackio reader: a SQLite file with Trackio's `metrics(run_name, step, metrics)` table. */
export const trackioReader: FormatReader = {
  format: 'trackio',
  label: 'a Trackio database',
  sniff: ({ path, isDirectory, head }) => {
    if (isDirectory || !isSqliteHead(head)) return false;
    const tables = sqliteTables(path);
    // MLflow's metrics table has no run_name; its reader is asked first anyway.
    return hasTables(tables, SCHEMA) && !tables!.get('metrics')!.has('run_uuid');
  },
  load: async (path, options) => {
    const { keep } = options as { keep?: KeyFilter };
    return io(path, async () => readTrackioDatabase(path, { id: options.id, keep, warnings: options.warnings }));
  },
};
