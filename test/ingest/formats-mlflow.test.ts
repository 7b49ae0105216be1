import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadMlflow, mlflowReader, parseMlflowMetricLine } from '../../src/ingest/mlflow.ts';
import { InputError } from '../../src/util/errors.ts';
import { Warnings } from '../../src/util/warnings.ts';
import { stepsObject } from './formats-text.helpers.ts';

/** Writes files under `root` from a {relative path: content} map. */
async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

// The file store's layout (mlflow/store/tracking/file_store.py): values as Python prints floats.
const TREE = {
  'mlruns/0/meta.yaml': 'artifact_location: file:///x/mlruns/0\nexperiment_id: "0"\nlifecycle_stage: active\nname: Default\n',
  'mlruns/0/aaa111/meta.yaml': 'run_id: aaa111\nlifecycle_stage: active\n',
  'mlruns/0/aaa111/tags/mlflow.runName': 'grpo-qwen',
  'mlruns/0/aaa111/params/lr': '1e-06',
  'mlruns/0/aaa111/metrics/actor/entropy': '1700000000000 0.52 1\n1700000001000 0.5 2\n1700000002000 nan 3\n1700000003000 0.47 3\n',
  'mlruns/0/aaa111/metrics/val-core/openai/gsm8k/acc/mean_at_1': '1700000000000 0.3 0\n1700000005000 0.41 2\n',
  'mlruns/0/aaa111/metrics/actor/lr': '1700000000000 1e-06\nbroken line here too\n',
  'mlruns/0/bbb222/meta.yaml': 'run_id: bbb222\nlifecycle_stage: active\n',
  'mlruns/0/fff666/meta.yaml': "run_id: fff666\nrun_name: 'from-meta'\nlifecycle_stage: active\n",
  'mlruns/0/fff666/metrics/entropy': '1700000000000 0.7 2\n',
  'mlruns/0/bbb222/metrics/entropy': '1700000000000 0.9 10\n',
  'mlruns/1/meta.yaml': 'name: other\n',
  'mlruns/1/ccc333/meta.yaml': 'run_id: ccc333\nlifecycle_stage: deleted\n',
  'mlruns/1/ccc333/metrics/entropy': '1700000000000 0.1 1\n',
  'mlruns/1/ddd444/meta.yaml': 'run_id: ddd444\nlifecycle_stage: active\n',
  'mlruns/1/ddd444/tags/mlflow.runName': 'grpo-qwen\n',
  'mlruns/1/ddd444/metrics/entropy': '1700000000000 0.8 4\n',
  'mlruns/.trash/eee555/metrics/entropy': '1700000000000 0.1 1\n',
  'mlruns/models/m1/meta.yaml': 'name: m1\n',
};

describe('MLflow file store', () => {
  let root = '';
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'mlflow-'));
    await writeTree(root, TREE);
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('a run folder: nested keys joined with /, legacy lines at step 0, nan and bad lines counted', async () => {
    const warnings = new Warnings();
    const runs = await loadMlflow(join(root, 'mlruns/0/aaa111'), { warnings });
    assert.equal(runs.length, 1);
    assert.equal(runs[0].id, 'grpo-qwen');
    assert.equal(runs[0].format, 'mlflow');
    assert.deepEqual(stepsObject(runs[0]), {
      '0': { 'actor/lr': 1e-6, 'val-core/openai/gsm8k/acc/mean_at_1': 0.3 },
      '1': { 'actor/entropy': 0.52 },
      '2': { 'actor/entropy': 0.5, 'val-core/openai/gsm8k/acc/mean_at_1': 0.41 },
      '3': { 'actor/entropy': 0.47 },
    });
    const metrics = join(root, 'mlruns/0/aaa111/metrics');
    assert.deepEqual(warnings.list().sort(), [
      `${metrics}/actor/entropy: 1 non-finite values dropped; first at line 3`,
      `${metrics}/actor/lr: 1 unreadable lines skipped; first at line 2 (expected 2 or 3 fields, found 4)`,
    ]);
  });

  test('mlruns/: every live run, deleted and trashed runs skipped, shared names made unique', async () => {
    const warnings = new Warnings();
    const runs = await loadMlflow(join(root, 'mlruns'), { warnings });
    assert.deepEqual(runs.map((r) => r.id), ['grpo-qwen (aaa111)', 'bbb222', 'from-meta', 'grpo-qwen (ddd444)']);
    assert.deepEqual(stepsObject(runs[3]), { '4': { entropy: 0.8 } });
    assert.ok(warnings.list().includes(`${join(root, 'mlruns')}: 1 deleted MLflow runs skipped`));
  });

  test('an experiment folder; the id option applies to a single run only', async () => {
    assert.deepEqual((await loadMlflow(join(root, 'mlruns/0'))).map((r) => r.id), ['grpo-qwen', 'bbb222', 'from-meta']);
    assert.equal((await loadMlflow(join(root, 'mlruns/0/bbb222'), { id: 'x' }))[0].id, 'x');
  });

  test('sniff and errors', async () => {
    const dir = (p: string) => ({ path: join(root, p), isDirectory: true, head: new Uint8Array(0) });
    assert.equal(await mlflowReader.sniff(dir('mlruns')), true);
    assert.equal(await mlflowReader.sniff(dir('mlruns/0')), true);
    assert.equal(await mlflowReader.sniff(dir('mlruns/models')), false);
    await assert.rejects(loadMlflow(join(root, 'mlruns/models')), (e: unknown) => e instanceof InputError && /no MLflow run folders/.test(e.message));
    await assert.rejects(loadMlflow(join(root, 'nope')), InputError);
  });

  test('metric lines', () => {
    assert.deepEqual(parseMlflowMetricLine('1700000000000 1e-06 7'), { ok: true, step: 7, value: 1e-6 });
    assert.deepEqual(parseMlflowMetricLine('1700000000000 -0.5'), { ok: true, step: 0, value: -0.5 });
    assert.equal(parseMlflowMetricLine('x 0.5 1').ok, false);
    assert.equal(parseMlflowMetricLine('1 0.5 nan').ok, false);
  });
});
