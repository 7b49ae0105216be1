/**
 * MLflow's SQL tracking store as a SQLite file: `mlflow.db`, the default store since MLflow 3.7, and the
 * `mlruns.db` verl's MLflow backend writes. Tables (mlflow/mlflow `mlflow/store/tracking/dbmodels/models.py`):
 * `metrics(key, value, timestamp, step, is_nan, run_uuid)` with one row per logged value, `latest_metrics`
 * (one row per key and run), `runs(run_uuid, name, lifecycle_stage, experiment_id, …)`, `experiments`,
 * `params(key, value, run_uuid)` and `tags(key, value, run_uuid)`. MLflow stores NaN as value 0 with
 * `is_nan` set and ±inf as ±1.7976931348623157e308 (`sqlalchemy_store.py`, `_get_metric_value_details`);
 * both are dropped and counted here. verl writes `@` in keys as `_at_` (`mean_at_16`), which the key choice reads.
 */
import { inputError } from '../util/errors.ts';
import type { Warnings } from '../util/warnings.ts';
import { IssueCounter } from './issues.ts';
import { io, type FormatReader } from './reader.ts';
import { guardSqlite, hasTables, isSqliteHead, openSqlite, rowNumber, sqliteMessage, sqliteTables, tablesOf, type SqliteDatabase, type SqliteRow } from './sqlite.ts';
import { StepWriter, type KeyFilter } from './step-writer.ts';
import type { RawRun } from './types.ts';

/** What MLflow writes for ±inf: the largest double. */
const STORED_INFINITY = 1.7976931348623157e308;
/** Above this many keys a run's rows are read whole and filtered here, not through an `IN (...)` list. */
const MAX_KEY_LIST = 500;

/** The tables and columns that make a SQLite file an MLflow store. */
const SCHEMA = { metrics: ['key', 'value', 'timestamp', 'step', 'is_nan', 'run_uuid'], runs: ['run_uuid'] };

/** Options of `readMlflowDatabase`. */
export interface MlflowDatabaseOptions {
  /** Run id, used when the database holds one run. Default: the run's name. */
  id?: string;
  /** Keeps only the keys it has (see `KeyFilter`): only those are read from the database. Default: every key. */
  keep?: KeyFilter;
  /** Collects warnings. Default: none. */
  warnings?: Warnings;
}

interface RunRow {
  uuid: string;
  name: string;
  deleted: boolean;
}

/** The runs of the store, oldest first, with their names (`runs.name`, else the `mlflow.runName` tag). */
function runsOf(db: SqliteDatabase, tables: Map<string, Set<string>>): RunRow[] {
  const columns = tables.get('runs')!;
  const name = columns.has('name') ? 'name' : 'NULL';
  const stage = columns.has('lifecycle_stage') ? 'lifecycle_stage' : "'active'";
  const order = columns.has('start_time') ? 'start_time, run_uuid' : 'run_uuid';
  const rows = db.all(`SELECT run_uuid, ${name} AS name, ${stage} AS stage FROM runs ORDER BY ${order}`) as SqliteRow[];
  const tagNames = new Map<string, string>();
  if (tables.has('tags')) {
    for (const t of db.all("SELECT run_uuid, value FROM tags WHERE key = 'mlflow.runName'") as SqliteRow[]) tagNames.set(String(t.run_uuid), String(t.value ?? ''));
  }
  return rows.map((r) => {
    const uuid = String(r.run_uuid);
    return { uuid, name: (typeof r.name === 'string' && r.name) || tagNames.get(uuid) || uuid, deleted: r.stage === 'deleted' };
  });
}

/** The metric keys of a run: from `latest_metrics` (one row per key), else from `metrics` itself. */
function keysOf(db: SqliteDatabase, tables: Map<string, Set<string>>, uuid: string): string[] {
  const latest = tables.has('latest_metrics') ? (db.all('SELECT key FROM latest_metrics WHERE run_uuid = ?', [uuid]) as SqliteRow[]) : [];
  const rows = latest.length > 0 ? latest : (db.all('SELECT DISTINCT key FROM metrics WHERE run_uuid = ?', [uuid]) as SqliteRow[]);
  return rows.map((r) => String(r.key));
}

/** A run's params as flat keys (verl logs its whole config as params, dotted). */
function paramsOf(db: SqliteDatabase, tables: Map<string, Set<string>>, uuid: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!tables.has('params')) return out;
  for (const p of db.all('SELECT key, value FROM params WHERE run_uuid = ?', [uuid]) as SqliteRow[]) out.set(String(p.key), String(p.value ?? ''));
  return out;
}

/**
 * Reads one run's metrics, in step order (a value logged twice at a step, as a resumed run does, keeps
 * the later one). Only the kept keys are asked for, so a large store costs the pages of those keys.
 */
function readRun(db: SqliteDatabase, path: string, run: RunRow, keys: string[], options: MlflowDatabaseOptions): StepWriter {
  const { keep, warnings } = options;
  const writer = new StepWriter(path, keep);
  const wanted = keep ? keys.filter((k) => keep.has(k)) : keys;
  const nonFinite = new IssueCounter(path, `NaN or infinite values of run ${run.uuid} (row numbers in step order)`);
  if (wanted.length === 0) return writer;
  // `+run_uuid` keeps SQLite from using the run index: the primary key's index, which starts with `key`,
  // covers every column and so reads only the wanted keys' pages.
  const list = wanted.length <= MAX_KEY_LIST;
  const sql =
    'SELECT key, value, step, is_nan FROM metrics WHERE +run_uuid = ?' +
    (list ? ` AND key IN (${wanted.map(() => '?').join(', ')})` : '') +
    ' ORDER BY step, timestamp, key';
  const statement = db.prepare(sql);
  let n = 0;
  let current: number | undefined;
  try {
    for (const row of statement.iterate(list ? [run.uuid, ...wanted] : [run.uuid]) as Iterable<SqliteRow>) {
      n++;
      const key = String(row.key);
      const step = rowNumber(row.step);
      const value = rowNumber(row.value);
      if (step === undefined || value === undefined) continue;
      if (step !== current) {
        writer.record(step, n);
        current = step;
      }
      if (row.is_nan || Math.abs(value) === STORED_INFINITY) nonFinite.add(n, key);
      else writer.set(key, value);
    }
  } catch (error) {
    // A damaged page: what was read before it is kept.
    warnings?.warn(`${path}: reading run ${run.uuid} stopped after ${n} rows (${sqliteMessage(error)}); the rows before were kept`);
  } finally {
    statement.finalize();
  }
  nonFinite.report(warnings, 'dropped');
  return writer;
}

/**
 * Reads an MLflow SQLite store into one run per live run (deleted runs are skipped with a warning). Runs
 * that share a name get their run id appended. A run's params become its `config`. Throws an `InputError`
 * naming the file when it is not an MLflow store or SQLite cannot read it.
 *
 * @example
 * readMlflowDatabase('mlflow.db').map((r) => r.id) // => ['grpo-qwen', 'ppo-qwen']
 */
export function readMlflowDatabase(path: string, options: MlflowDatabaseOptions = {}): RawRun[] {
  const db = openSqlite(path);
  try {
    return guardSqlite(path, 'the MLflow store', () => readRuns(db, path, options));
  } finally {
    db.close();
  }
}

/** The body of `readMlflowDatabase`, on an open database. */
function readRuns(db: SqliteDatabase, path: string, options: MlflowDatabaseOptions): RawRun[] {
  const tables = tablesOf(db);
  if (!hasTables(tables, SCHEMA)) inputError('not an MLflow tracking database (no metrics and runs tables)', { file: path });
  const runs = runsOf(db, tables);
  const live = runs.filter((r) => !r.deleted);
  if (live.length < runs.length) options.warnings?.warn(`${path}: ${runs.length - live.length} deleted MLflow runs skipped`);
  const counts = new Map<string, number>();
  for (const r of live) counts.set(r.name, (counts.get(r.name) ?? 0) + 1);
  const out: RawRun[] = [];
  for (const r of live) {
    const writer = readRun(db, path, r, keysOf(db, tables, r.uuid), options);
    writer.report(options.warnings);
    const id = live.length === 1 && options.id !== undefined ? options.id : counts.get(r.name)! > 1 ? `${r.name} (${r.uuid})` : r.name;
    const run = writer.run(id, path, 'mlflow-sqlite', options.keep ? new Set(keysOf(db, tables, r.uuid)) : undefined);
    const params = paramsOf(db, tables, r.uuid);
    if (params.size > 0) run.config = params;
    out.push(run);
  }
  return out;
}

/** The MLflow SQLite reader: a SQLite file with MLflow's `metrics` and `runs` tables. */
export const mlflowSqliteReader: FormatReader = {
  format: 'mlflow-sqlite',
  label: 'an MLflow SQLite store',
  sniff: ({ path, isDirectory, head }) => !isDirectory && isSqliteHead(head) && hasTables(sqliteTables(path), SCHEMA),
  load: async (path, options) => {
    const { keep } = options as { keep?: KeyFilter };
    return io(path, async () => readMlflowDatabase(path, { id: options.id, keep, warnings: options.warnings }));
  },
};
