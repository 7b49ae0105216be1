// A resumed run writes steps again. Every reader stores its steps through one StepWriter, so the warning is
// the same in every format: the count, the file and where the first rewrite is, and the later values kept.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixture } from '../helpers.ts';
import { expectedFormats, stepsObject } from './formats-text.helpers.ts';
import { ingest, loadLog, Warnings } from './imports.ts';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'entropy-law-resumed-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function put(path: string, text: string): string {
  const full = join(dir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

/** The warning every reader gives for a resumed run. */
const resumed = (file: string, count: number, where: string, step: number) =>
  `${file}: ${count} steps written more than once (a resumed run?): the later values kept; first at ${where} (step ${step})`;

describe('a resumed run is warned about the same way in every format', () => {
  it('TensorBoard: the second event file of a restarted run (tensorboardX writers)', async () => {
    const warnings = new Warnings();
    const [run] = await loadLog(fixture('tensorboard/restart'), { warnings });
    assert.deepEqual(warnings.list(), [resumed(fixture('tensorboard/restart/events.out.tfevents.1700000302.fixture'), 2, 'byte offset 40', 5)]);
    // The later file's values win (expected.json holds what the writers were given).
    assert.equal(run.steps.get(5)?.get('actor/entropy'), Math.fround(0.5 - 5 / 40));
  });

  it('OpenRLHF: a run resumed from its checkpoint, appending to its log (Python logging)', async () => {
    const warnings = new Warnings();
    const path = fixture('formats-cases/openrlhf-resumed.log');
    const [run] = await loadLog(path, { warnings });
    const e = expectedFormats['openrlhf-resumed'] as unknown as { steps: Record<string, Record<string, number>>; rewritten: number; firstRewriteLine: number; firstRewriteStep: number };
    assert.deepEqual(stepsObject(run), e.steps);
    assert.deepEqual(warnings.list(), [resumed(path, e.rewritten, `line ${e.firstRewriteLine}`, e.firstRewriteStep)]);
  });

  it('MLflow: a run that logs steps again after a restart, ordered by the timestamps MLflow keeps', async () => {
    // The file store's layout and line format (mlflow/store/tracking/file_store.py): `<ms> <value> <step>\n`.
    const run = 'mlruns/0/abc';
    put(`${run}/meta.yaml`, 'run_id: abc\nlifecycle_stage: active\n');
    put(`${run}/tags/mlflow.runName`, 'grpo');
    const entropy = [0, 1, 2, 3, 4].map((s) => `${1_700_000_000_000 + s * 1000} ${0.6 - s / 100} ${s}`);
    const again = [3, 4, 5].map((s) => `${1_700_000_100_000 + s * 1000} ${0.5 - s / 100} ${s}`);
    const file = put(`${run}/metrics/actor/entropy`, [...entropy, ...again, ''].join('\n'));
    const acc = [0, 2, 4].map((s) => `${1_700_000_000_000 + s * 1000} ${s / 10} ${s}`);
    put(`${run}/metrics/val-core/gsm8k/acc/mean_at_1`, [...acc, ''].join('\n'));
    const warnings = new Warnings();
    const data = await ingest([join(dir, 'mlruns')], { warnings });
    assert.deepEqual(warnings.list(), [resumed(file, 2, 'line 6', 3)]);
    assert.deepEqual([...data.series[0].step], [0, 2, 4]);
    assert.deepEqual([...data.series[0].entropy], [0.6, 0.58, 0.46]);
  });

  it('a verl console log and a plain CSV, read line by line, say the same', async () => {
    const line = (s: number, h: number) => `step:${s} - actor/entropy:${h} - val-core/a/acc/mean@1:${s / 10}`;
    const log = put('resumed.log', [line(1, 0.5), line(2, 0.4), line(3, 0.3), 'resuming', line(2, 0.45), line(3, 0.35), ''].join('\n'));
    const csv = put('resumed-table.csv', ['step,actor/entropy,eval_accuracy', '1,0.5,0.1', '2,0.4,0.2', '2,0.45,0.25', ''].join('\n'));
    const warnings = new Warnings();
    await ingest([log, csv], { warnings });
    assert.deepEqual(warnings.list(), [resumed(log, 2, 'line 5', 2), resumed(csv, 1, 'line 4', 2)]);
  });

  it('a value written again with the same number is no rewrite (TRL repeats epoch in the eval entry of a step)', async () => {
    const warnings = new Warnings();
    await loadLog(fixture('formats-cases/trl-eval-steps'), { warnings });
    assert.deepEqual(warnings.list(), []);
  });
});
