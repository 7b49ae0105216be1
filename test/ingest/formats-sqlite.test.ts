// The SQLite stores: an MLflow tracking database built from MLflow's own schema and a Trackio project
// database (test/fixtures/sqlite/make_fixtures.py). Each run gives exactly the finite values written, the
// files are never changed, and a cut or damaged file keeps what can be read.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { mlflowSqliteReader, readMlflowDatabase } from '../../src/ingest/mlflow-sqlite.ts';
import { readTrackioDatabase, trackioReader } from '../../src/ingest/trackio.ts';
import { ingest, InputError, KeyFilter, Warnings } from './imports.ts';
import { stepsObject } from './formats-text.helpers.ts';

const FIXTURES = new URL('../fixtures/sqlite/', import.meta.url).pathname;
const MLFLOW = join(FIXTURES, 'mlflow.db');
const TRACKIO = join(FIXTURES, 'trackio.db');
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as {
  mlflow: Record<string, Record<string, Record<string, number>>>;
  trackio: Record<string, Record<string, Record<string, number>>>;
};
const hash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const sniffInput = (path: string) => ({ path, isDirectory: false, head: readFileSync(path).subarray(0, 4096) });

describe('MLflow SQLite store', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sqlite-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('every live run, value for value; NaN (is_nan) and inf (DBL_MAX) dropped; a resumed stretch keeps the later rows', () => {
    const before = hash(MLFLOW);
    const warnings = new Warnings();
    const runs = readMlflowDatabase(MLFLOW, { warnings });
    assert.deepEqual(runs.map((r) => [r.id, r.format]), [['grpo-qwen', 'mlflow-sqlite'], ['ppo-qwen', 'mlflow-sqlite']]);
    assert.deepEqual(stepsObject(runs[0]), expected.mlflow['grpo-qwen']);
    assert.deepEqual(stepsObject(runs[1]), expected.mlflow['ppo-qwen']);
    assert.deepEqual(warnings.list(), [
      `${MLFLOW}: 1 deleted MLflow runs skipped`,
      `${MLFLOW}: 2 NaN or infinite values of run a1b2c3d4e5f60718293a4b5c6d7e8f90 (row numbers in step order) dropped; first at line 11 (actor/entropy)`,
      `${MLFLOW}: 6 steps written more than once (a resumed run?): the later values kept; first at line 49 (step 15)`,
    ]);
    assert.equal(runs[0].config?.get('actor_rollout_ref.model.path'), 'Qwen/Qwen2.5-7B-Instruct');
    assert.equal(hash(MLFLOW), before, 'the database is not changed');
  });

  test('with a key filter only the kept keys are read; every key is still known for messages', () => {
    const [run] = readMlflowDatabase(MLFLOW, { keep: new KeyFilter() });
    const keys = new Set([...run.steps.values()].flatMap((m) => [...m.keys()]));
    assert.deepEqual([...keys].sort(), ['actor/entropy', 'critic/score/mean', 'val-core/openai/gsm8k/acc/mean_at_1']);
    assert.ok(run.allKeys?.has('timing_s/gen'));
  });

  test('detected by its tables, read by ingest, with the run metadata and trainer settings its params state', async () => {
    assert.equal(mlflowSqliteReader.sniff(sniffInput(MLFLOW)), true);
    assert.equal(trackioReader.sniff(sniffInput(MLFLOW)), false);
    const data = await ingest([MLFLOW], { warnings: new Warnings() });
    const run = data.runs[0];
    assert.deepEqual([run.entropyKey, run.metric, run.metricKind, run.points], ['actor/entropy', 'val-core/openai/gsm8k/acc/mean_at_1', 'validation', 5]);
    assert.deepEqual([run.model, run.size, run.algorithm, run.dataset], ['qwen2.5', 7e9, 'grpo', 'gsm8k']);
    assert.deepEqual(run.trainer, { temperature: 0.6, lossAggMode: 'token-mean', dynamicBatch: true });
  });

  test('a database cut short keeps the rows before the damage, or is an InputError naming the file', async () => {
    const bytes = readFileSync(MLFLOW);
    for (const cut of [bytes.length - 4096, Math.floor(bytes.length / 2), 50]) {
      const path = join(dir, `cut-${cut}.db`);
      await writeFile(path, bytes.subarray(0, cut));
      const warnings = new Warnings();
      try {
        const runs = readMlflowDatabase(path, { warnings });
        for (const run of runs) {
          const whole = expected.mlflow[run.id] ?? {};
          for (const [step, values] of Object.entries(stepsObject(run))) for (const [k, v] of Object.entries(values)) assert.equal(v, whole[step]?.[k], `${k} at ${step}`);
        }
      } catch (error) {
        assert.ok(error instanceof InputError, String(error));
        assert.ok((error as Error).message.startsWith(path), (error as Error).message);
      }
    }
  });

  test('not a database: an InputError naming the file', async () => {
    const path = join(dir, 'fake.db');
    await writeFile(path, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(200, 7)]));
    assert.throws(() => readMlflowDatabase(path), (e: unknown) => e instanceof InputError && e.message.startsWith(`${path}: not a readable SQLite database`));
    assert.equal(mlflowSqliteReader.sniff(sniffInput(path)), false);
  });
});

describe('Trackio project database', () => {
  test('both runs, with the rows still in the WAL file; NaN strings dropped; nested dicts flattened; the files unchanged', () => {
    const before = [hash(TRACKIO), hash(`${TRACKIO}-wal`)];
    const warnings = new Warnings();
    const runs = readTrackioDatabase(TRACKIO, { warnings });
    assert.deepEqual(runs.map((r) => [r.id, r.format]), [['qwen-a', 'trackio'], ['qwen-b', 'trackio']]);
    assert.deepEqual(stepsObject(runs[0]), expected.trackio['qwen-a']);
    assert.deepEqual(stepsObject(runs[1]), expected.trackio['qwen-b']);
    assert.ok(Object.keys(stepsObject(runs[1])).includes('11'), 'steps 8-11 are only in the WAL');
    assert.deepEqual(warnings.list(), [`${TRACKIO}: 1 non-finite values ("NaN", "Infinity") dropped (row numbers in write order); first at line 5 (train/entropy)`]);
    assert.equal(runs[0].config?.get('model'), 'Qwen/Qwen2.5-0.5B-Instruct');
    assert.deepEqual([hash(TRACKIO), hash(`${TRACKIO}-wal`)], before);
  });

  test('detected by its table, read by ingest, with the config as run metadata', async () => {
    assert.equal(trackioReader.sniff(sniffInput(TRACKIO)), true);
    assert.equal(mlflowSqliteReader.sniff(sniffInput(TRACKIO)), false);
    const dir = await mkdtemp(join(tmpdir(), 'trackio-'));
    try {
      // Without its WAL, the database has only the checkpointed steps 0-7.
      copyFileSync(TRACKIO, join(dir, 'project.db'));
      const data = await ingest([join(dir, 'project.db')], { warnings: new Warnings() });
      assert.deepEqual(data.runs.map((r) => [r.id, r.entropyKey, r.metric, r.points]), [['qwen-a', 'train/entropy', 'eval/accuracy', 7], ['qwen-b', 'train/entropy', 'eval/accuracy', 8]]);
      assert.deepEqual([data.runs[0].model, data.runs[0].size, data.runs[0].algorithm, data.runs[0].dataset], ['qwen2.5', 5e8, 'grpo', 'gsm8k']);
      assert.deepEqual(data.runs[0].trainer, { temperature: 0.9 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
