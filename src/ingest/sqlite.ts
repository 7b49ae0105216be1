/**
 * SQLite files from Node, for the trackers that keep their runs in one (MLflow's default store since 3.7,
 * verl's MLflow backend, Trackio). `node-sqlite3-wasm` is SQLite compiled to WebAssembly with a file-system
 * VFS: no native build, and it reads the pages a query needs from disk rather than loading the file (on a
 * 600 MB MLflow database: 92 MB peak RSS against sql.js's 700 MB; see README, "SQLite"). Files are opened
 * read-only and never changed, WAL-mode files included: with `locking_mode=EXCLUSIVE` SQLite keeps the WAL
 * index in memory, so the rows still in a `-wal` file (Trackio's journal mode) are read without a `-shm`.
 */
import { openSync, readSync, closeSync } from 'node:fs';
import nodeSqlite from 'node-sqlite3-wasm';
import { InputError, inputError } from '../util/errors.ts';

const { Database } = nodeSqlite;
export type SqliteDatabase = InstanceType<typeof Database>;
export type SqliteRow = Record<string, number | bigint | string | Uint8Array | null>;

/** The 16 bytes every SQLite 3 database file starts with. */
const MAGIC = 'SQLite format 3\0';

/**
 * True if a file head is a SQLite 3 database header.
 *
 * @example
 * isSqliteHead(Buffer.from('SQLite format 3\0...')) // => true
 */
export function isSqliteHead(head: Uint8Array): boolean {
  return head.length >= 16 && Buffer.from(head.buffer, head.byteOffset, 16).toString('latin1') === MAGIC;
}

/**
 * Opens a database read-only. Throws an `InputError` naming the file when SQLite cannot open or read it
 * (not a database, encrypted, a header cut short).
 *
 * @example
 * const db = openSqlite('mlflow.db'); try { tablesOf(db) } finally { db.close() }
 */
export function openSqlite(path: string): SqliteDatabase {
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(path, { readOnly: true, fileMustExist: true });
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.get('SELECT count(*) FROM sqlite_schema');
    return db;
  } catch (error) {
    db?.close();
    return inputError(`not a readable SQLite database (${sqliteMessage(error)})`, { file: path }, error);
  }
}

/**
 * Runs `read` on a database, turning SQLite's own errors (a damaged page, a missing column) into an
 * `InputError` naming the file; an `InputError` passes through.
 *
 * @example
 * guardSqlite('mlflow.db', 'the MLflow runs', () => db.all('SELECT * FROM runs'))
 */
export function guardSqlite<T>(path: string, what: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof InputError) throw error;
    return inputError(`cannot read ${what} (${sqliteMessage(error)})`, { file: path }, error);
  }
}

/** SQLite's own message of an error, on one line. */
export function sqliteMessage(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0];
}

/** The tables of a database, by name, each with its column names. */
export function tablesOf(db: SqliteDatabase): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const row of db.all("SELECT name FROM sqlite_schema WHERE type = 'table'") as SqliteRow[]) {
    const name = String(row.name);
    const columns = db.all(`SELECT name FROM pragma_table_info(?)`, [name]) as SqliteRow[];
    out.set(name, new Set(columns.map((c) => String(c.name))));
  }
  return out;
}

/**
 * The tables of a SQLite file, or `undefined` when it is not one SQLite can read (for `sniff`).
 *
 * @example
 * sqliteTables('mlflow.db')?.has('latest_metrics') // => true
 */
export function sqliteTables(path: string): Map<string, Set<string>> | undefined {
  // The header is checked first, so a large file that is not a database costs one small read.
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(16);
    readSync(fd, head, 0, 16, 0);
    if (!isSqliteHead(head)) return undefined;
  } finally {
    closeSync(fd);
  }
  let db: SqliteDatabase | undefined;
  try {
    db = openSqlite(path);
    return tablesOf(db);
  } catch {
    return undefined;
  } finally {
    db?.close();
  }
}

/** True if `tables` has every table named, each with every column listed. */
export function hasTables(tables: Map<string, Set<string>> | undefined, wanted: Record<string, string[]>): boolean {
  return !!tables && Object.entries(wanted).every(([t, columns]) => columns.every((c) => tables.get(t)?.has(c)));
}

/** A value from a row as a number (`BigInt` for integers beyond 2^53), or `undefined` when it is not numeric. */
export function rowNumber(value: SqliteRow[string]): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}
