// Several files that are one run: W&B panel exports (one metric per file) joined by run name when they sit
// together, inputs joined by --join or by one --run-id for several, and metric names containing " - ".
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { mergeRuns } from '../../src/ingest/join.ts';
import { parseWandbExport, splitExportColumns } from '../../src/ingest/wandb.ts';
import { cli } from '../cli/run-cli.ts';
import { ingest, Warnings } from './imports.ts';

/** A W&B panel export of one metric for the given runs: {run: {step: value}}. */
function panel(metric: string, runs: Record<string, Record<number, number>>): string {
  const names = Object.keys(runs);
  const steps = [...new Set(names.flatMap((n) => Object.keys(runs[n]).map(Number)))].sort((a, b) => a - b);
  const header = ['Step', ...names.flatMap((n) => [`${n} - ${metric}`, `${n} - ${metric}__MIN`, `${n} - ${metric}__MAX`])];
  const rows = steps.map((s) => [String(s), ...names.flatMap((n) => (s in runs[n] ? [runs[n][s], runs[n][s], runs[n][s]].map(String) : ['', '', '']))]);
  return [header, ...rows].map((r) => r.map((f) => `"${f}"`).join(',')).join('\n') + '\n';
}

const entropy = { 'grpo-a': { 10: 0.9, 20: 0.8, 30: 0.7 }, 'grpo-b': { 10: 1.1, 20: 1.0 } };
const accuracy = { 'grpo-a': { 10: 0.3, 20: 0.4, 30: 0.45 }, 'grpo-b': { 10: 0.2, 20: 0.25 } };

describe('joining files that are one run', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'join-'));
    await mkdir(join(dir, 'exports'));
    await writeFile(join(dir, 'exports', 'wandb_export_2026-01-01T10_00.csv'), panel('actor/entropy', entropy));
    await writeFile(join(dir, 'exports', 'wandb_export_2026-01-01T10_01.csv'), panel('val-core/gsm8k/acc/mean@1', accuracy));
    await mkdir(join(dir, 'other'));
    await writeFile(join(dir, 'other', 'wandb_export_2026-01-02.csv'), panel('actor/entropy', { 'grpo-a': { 10: 5 } }));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('W&B panel exports in one folder are joined by run name: entropy from one file, accuracy from the other', async () => {
    const warnings = new Warnings();
    const data = await ingest([join(dir, 'exports')], { warnings });
    assert.deepEqual(data.runs.map((r) => [r.id, r.entropyKey, r.metric, r.points]), [
      ['grpo-a', 'actor/entropy', 'val-core/gsm8k/acc/mean@1', 3],
      ['grpo-b', 'actor/entropy', 'val-core/gsm8k/acc/mean@1', 2],
    ]);
    assert.deepEqual([...data.series[0].entropy], [0.9, 0.8, 0.7]);
    assert.deepEqual([...data.series[0].metric], [0.3, 0.4, 0.45]);
    assert.deepEqual(data.runs[0].sources, [join(dir, 'exports', 'wandb_export_2026-01-01T10_00.csv'), join(dir, 'exports', 'wandb_export_2026-01-01T10_01.csv')]);
    assert.deepEqual(warnings.list(), []);
  });

  test('exports in different folders are not joined', async () => {
    const warnings = new Warnings();
    await assert.rejects(ingest([join(dir, 'other')], { warnings }), /no run with points/);
  });

  test('--run-id x,x joins the two inputs; --join with one id does the same; a bare x,x of mismatched count is refused', async () => {
    const a = join(dir, 'h-entropy.csv');
    const b = join(dir, 'h-acc.csv');
    await writeFile(a, 'step,actor/entropy\n1,0.9\n2,0.8\n3,0.7\n');
    await writeFile(b, 'step,val-core/x/acc/mean@1,actor/entropy\n1,0.1,0.9\n2,0.2,0.85\n');
    const warnings = new Warnings();
    const byId = await ingest([a, b], { runIds: ['run', 'run'], warnings });
    assert.deepEqual(byId.runs.map((r) => [r.id, r.points]), [['run', 2]]);
    assert.deepEqual([...byId.series[0].entropy], [0.9, 0.85]);
    assert.deepEqual(warnings.list(), [`run 'run' joined from ${a}, ${b}: 1 values differ between the files; the later file's kept (first: actor/entropy at step 2)`]);
    const byFlag = await ingest([a, b], { join: true, runIds: ['joined'], warnings: new Warnings() });
    assert.deepEqual(byFlag.runs.map((r) => [r.id, r.points]), [['joined', 2]]);
    const ok = await cli('fit', a, b, '--run-id', 'x,x', '--json', '--no-progress');
    assert.equal(ok.code, 1, 'two points are too few to fit, but the runs were joined');
    assert.match(ok.stderr, /\bx\b/);
    const flag = await cli('fit', a, b, '--join', '--run-id', 'y', '--json');
    assert.match(flag.stderr, /\by\b/);
    const bad = await cli('fit', a, b, '--run-id', 'y');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--run-id needs one non-empty id per input path/);
  });

  test('mergeRuns keeps every source and config, and the later file wins where both have a value', () => {
    const one = { id: 'a', source: 'a.csv', format: 'csv' as const, steps: new Map([[1, new Map([['h', 1]])]]), config: new Map([['m', 'x']]) };
    const two = { id: 'b', source: 'b.csv', format: 'csv' as const, steps: new Map([[1, new Map([['h', 2], ['r', 3]])]]) };
    const merged = mergeRuns([one, two], 'ab');
    assert.deepEqual([...merged.steps.get(1)!], [['h', 2], ['r', 3]]);
    assert.deepEqual(merged.sources, ['a.csv', 'b.csv']);
    assert.equal(merged.config?.get('m'), 'x');
  });
});

describe('W&B export metric names with " - "', () => {
  test('a metric name shared by every run column stays whole', () => {
    const text = panel('eval - acc', { 'run - lr 1e-6': { 1: 0.5 }, other: { 1: 0.25 } });
    const runs = parseWandbExport(text);
    assert.deepEqual(runs.map((r) => [r.id, [...r.steps.get(1)!]]), [['run - lr 1e-6', [['eval - acc', 0.5]]], ['other', [['eval - acc', 0.25]]]]);
  });

  test('one column: split where the tail is a key the metric choice knows, else at the last " - "', () => {
    assert.deepEqual(splitExportColumns(['Step', 'grpo - lr 1e-6 - actor/entropy']).at(1), { run: 'grpo - lr 1e-6', metric: 'actor/entropy' });
    assert.deepEqual(splitExportColumns(['Step', 'grpo - val - acc']).at(1), { run: 'grpo - val', metric: 'acc' });
    assert.deepEqual(splitExportColumns(['Step', 'a - b', 'a - b__MIN']), [undefined, { run: 'a', metric: 'b' }, undefined]);
  });
});
