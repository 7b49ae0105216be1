import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseWandbExport, parseWandbHistory, splitExportColumn, wandbExportReader, wandbHistoryReader } from '../../src/ingest/wandb.ts';
import { InputError } from '../../src/util/errors.ts';
import { Warnings } from '../../src/util/warnings.ts';
import { expectedFormats, FORMAT_FIXTURES, stepsObject } from './formats-text.helpers.ts';

const enc = (s: string) => new TextEncoder().encode(s);

// The layout of a chart's "Export CSV" (every field quoted, __MIN/__MAX per run, empty cells where a run has
// no point), with two runs, one of whose names contains " - ".
const EXPORT = [
  '"Step","qwen-grpo - lr 1e-6 - val/acc","qwen-grpo - lr 1e-6 - val/acc__MIN","qwen-grpo - lr 1e-6 - val/acc__MAX","ppo-baseline - val/acc","ppo-baseline - val/acc__MIN","ppo-baseline - val/acc__MAX"',
  '"0","0.31","0.31","0.31","0.28","0.28","0.28"',
  '"10","0.4","0.39","0.41","",""," "',
  '"20","","","","0.35","0.35","0.35"',
  '"30","0.52","0.5","0.53","NaN","",""',
  '"40","oops","","","0.41","",""',
  '',
].join('\r\n');

describe('W&B chart export', () => {
  test('two runs in one file, __MIN/__MAX ignored, empty cells are missing points', () => {
    const warnings = new Warnings();
    const runs = parseWandbExport(EXPORT, { source: 'wandb_export.csv', warnings });
    assert.deepEqual(runs.map((r) => r.id), ['qwen-grpo - lr 1e-6', 'ppo-baseline']);
    assert.deepEqual(stepsObject(runs[0]), { '0': { 'val/acc': 0.31 }, '10': { 'val/acc': 0.4 }, '30': { 'val/acc': 0.52 } });
    assert.deepEqual(stepsObject(runs[1]), { '0': { 'val/acc': 0.28 }, '20': { 'val/acc': 0.35 }, '40': { 'val/acc': 0.41 } });
    assert.deepEqual(warnings.list(), [
      'wandb_export.csv: 1 non-numeric cells skipped; first at line 6 (val/acc: oops)',
      'wandb_export.csv: 1 non-finite values dropped; first at line 5 (val/acc)',
    ]);
    assert.equal(runs[0].format, 'wandb-export');
  });

  test('the id option names a single-run export only', () => {
    const one = '"Step","r - acc"\n"1","0.5"\n';
    assert.equal(parseWandbExport(one, { id: 'mine' })[0].id, 'mine');
    assert.deepEqual(parseWandbExport(EXPORT, { id: 'mine' }).map((r) => r.id), ['qwen-grpo - lr 1e-6', 'ppo-baseline']);
  });

  test('a chart with a custom x axis: the first column is the step whatever its name', () => {
    const text = '"train/global_step","r - train/entropy_loss"\n"8","0.61"\n"16","0.58"\n';
    assert.equal(wandbExportReader.sniff({ path: 'e.csv', isDirectory: false, head: enc(text) }), true);
    assert.deepEqual(stepsObject(parseWandbExport(text)[0]), { '8': { 'train/entropy_loss': 0.61 }, '16': { 'train/entropy_loss': 0.58 } });
  });

  test('splitExportColumn splits at the last " - "', () => {
    assert.deepEqual(splitExportColumn('a - b - c'), { run: 'a - b', metric: 'c' });
    assert.equal(splitExportColumn('a - c__MIN'), undefined);
    assert.equal(splitExportColumn('Step'), undefined);
  });

  test('sniff and errors', () => {
    assert.equal(wandbExportReader.sniff({ path: 'e.csv', isDirectory: false, head: enc(EXPORT) }), true);
    assert.equal(wandbExportReader.sniff({ path: 'e.csv', isDirectory: false, head: enc('step,entropy,acc\n1,2,3\n') }), false);
    assert.throws(() => parseWandbExport('step,entropy\n1,2\n', { source: 'e.csv' }), (e: unknown) => e instanceof InputError && e.message.startsWith('e.csv:1: '));
  });
});

describe('W&B history', () => {
  const e = expectedFormats['wandb-history'];
  for (const name of ['history.csv', 'history.jsonl']) {
    test(`${name}: _step is the step, _-keys are not metrics, gaps are missing`, async () => {
      const path = join(FORMAT_FIXTURES, 'wandb', name);
      const warnings = new Warnings();
      const [run] = await wandbHistoryReader.load(path, { warnings });
      assert.deepEqual(stepsObject(run), e.steps);
      assert.equal(run.id, 'history');
      assert.equal(wandbHistoryReader.sniff({ path, isDirectory: false, head: readFileSync(path) }), true);
      assert.equal(wandbExportReader.sniff({ path, isDirectory: false, head: readFileSync(path) }), false);
      // pandas leaves NaN cells empty (no warning); json.dumps writes bare NaN, read as a missing value.
      assert.equal(warnings.size, name.endsWith('.csv') ? 0 : 1);
    });
  }

  test('media objects are not metrics; lines without _step are counted', () => {
    const warnings = new Warnings();
    const text = '{"_step": 1, "img": {"_type": "image-file", "size": 3}, "a": {"b": 2}}\n{"a": 1}\nnot json\n';
    const [run] = parseWandbHistory(text, { source: 'h.jsonl', warnings });
    assert.deepEqual(stepsObject(run), { '1': { 'a/b': 2 } });
    assert.match(warnings.list()[0], /^h\.jsonl: 2 unreadable lines skipped; first at line 2 \(no numeric "_step"\)$/);
  });

  test('a CSV without _step is an InputError', () => {
    assert.throws(() => parseWandbHistory('a,b\n1,2\n', { source: 'h.csv' }), (e: unknown) => e instanceof InputError && /_step/.test(e.message));
  });
});
