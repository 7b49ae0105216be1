import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REAL_LOGS } from '../helpers.ts';
import { buildTables, formatTidy, ingest, InputError, KNOWN_FORMATS, LOG_EXTENSIONS, runIdFromPath, UsageError, Warnings, writeTidy } from './imports.ts';

const LOGS = REAL_LOGS;
let dir = '';

const CONSOLE = [
  'INFO: booting',
  '\x1b[36m(TaskRunner pid=1)\x1b[0m step:0 - val-core/openai/gsm8k/acc/mean@1:np.float64(0.2)',
  '\x1b[36m(TaskRunner pid=1)\x1b[0m step:1 - actor/entropy:np.float64(0.6) - critic/score/mean:0.1',
  '\x1b[36m(TaskRunner pid=1)\x1b[0m step:2 - actor/entropy:0.5 - val-core/openai/gsm8k/acc/mean@1:0.3',
  '\x1b[36m(TaskRunner pid=1)\x1b[0m step:4 - actor/entropy:0.4 - val-core/openai/gsm8k/acc/mean@1:0.35',
  '',
].join('\n');

/** The coverage note of CONSOLE: its first validation (step 0) comes before any entropy, as verl logs it. */

/** Writes a file under the temp dir, creating folders. */
function put(path: string, text: string): string {
  const full = join(dir, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, text);
  return full;
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'entropy-law-ingest-'));
  put('logs/a.log', CONSOLE);
  put('logs/sub/b.txt', '{"step": 2, "data": {"actor/entropy": 0.45, "val-core/x/acc/mean@4": 0.5}}\n{"step": 3, "data": {"actor/entropy": 0.42, "val-core/x/acc/mean@4": 0.55}}\n');
  put('logs/.hidden.log', CONSOLE);
  put('logs/README.md', '# notes\nnothing to see here\n');
  put('tables/run.log', 'global_step,policy_entropy,eval_acc\n0,0.7,0.1\n10,0.6,0.2\n20,0.5,0.3\n');
  put('tables/hist.jsonl', '{"it": 1, "ent": 0.3, "score": {"acc": 0.4}}\n{"it": 2, "ent": 0.2, "score": {"acc": 0.45}}\n');
  put('bad/empty.log', '');
  put('bad/prose.log', 'this is not a log\n');
  // R (val/test_score/a) is only logged at a step without entropy.
  put('bad/nopoints.log', 'step:1 - actor/entropy:0.5 - critic/score/mean:0.1\nstep:2 - val/test_score/a:0.2\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('runIdFromPath', () => {
  it('drops a letter-led extension only', () => {
    assert.equal(runIdFromPath('/x/Qwen2.5-0.5B-resp512-0.567.log'), 'Qwen2.5-0.5B-resp512-0.567');
    assert.equal(runIdFromPath('run-lr0.567'), 'run-lr0.567');
    assert.equal(runIdFromPath('h.jsonl'), 'h');
    assert.equal(runIdFromPath('.log'), '.log');
  });

  it('drops only a known log extension, for files and folders, and every reader names runs with it', async () => {
    assert.equal(runIdFromPath('logs/run-lr0.567.log'), 'run-lr0.567');
    assert.equal(runIdFromPath('logs/run-lr0.567'), 'run-lr0.567');
    assert.equal(runIdFromPath('qwen-7b.v2.JSONL'), 'qwen-7b.v2');
    assert.equal(runIdFromPath('history.ndjson'), 'history');
    assert.equal(runIdFromPath('run.tsv'), 'run');
    assert.equal(runIdFromPath('train.out'), 'train');
    assert.equal(runIdFromPath('archive.tar'), 'archive.tar');
    assert.equal(runIdFromPath('mlruns/0/4f1c/'), '4f1c');
    assert.equal(runIdFromPath('tb/exp.lr1e-6'), 'exp.lr1e-6');
    for (const ext of LOG_EXTENSIONS) assert.equal(runIdFromPath(`a/run-0.5${ext}`), 'run-0.5', ext);
    // The same rule whatever reads the file: a verl log, a CSV, an OpenRLHF log, W&B history.
    const files = {
      'ids/run-lr0.567': CONSOLE,
      'ids/csv-lr0.5.csv': 'step,actor/entropy,eval_accuracy\n1,0.5,0.1\n',
      'ids/openrlhf-lr0.25': "✨ Global step 1: {'entropy_loss': 0.5, 'eval_math_pass1': 0.1}\n",
      'ids/wandb-lr0.125.jsonl': '{"_step": 1, "_runtime": 2, "train/entropy": 0.5, "eval/acc": 0.1}\n',
    };
    for (const [path, text] of Object.entries(files)) put(path, text);
    const data = await ingest(Object.keys(files).map((p) => join(dir, p)), { metric: undefined });
    assert.deepEqual(data.runs.map((r) => [r.id, r.format]), [
      ['run-lr0.567', 'verl-console'],
      ['csv-lr0.5', 'csv'],
      ['openrlhf-lr0.25', 'openrlhf-console'],
      ['wandb-lr0.125', 'wandb-history'],
    ]);
  });
});

describe('ingest', () => {
  it('walks a directory recursively, skipping dotfiles and unrecognised files with a warning', async () => {
    const warnings = new Warnings();
    const data = await ingest([join(dir, 'logs')], { warnings });
    assert.deepEqual(data.runs.map((r) => [r.id, r.format, r.entropyKey, r.metric, r.metricKind, r.points]), [
      ['a', 'verl-console', 'actor/entropy', 'val-core/openai/gsm8k/acc/mean@1', 'validation', 2],
      ['b', 'verl-jsonl', 'actor/entropy', 'val-core/x/acc/mean@4', 'validation', 2],
    ]);
    assert.deepEqual([...data.series[0].step], [2, 4]);
    assert.deepEqual([...data.series[0].metric], [0.3, 0.35]);
    assert.deepEqual(warnings.list(), [
      `skipped ${join(dir, 'logs/README.md')}: unrecognised log format (expected ${KNOWN_FORMATS})`,
    ]);
    assert.deepEqual(data.runTable.objects()[1], {
      id: 'b',
      source: join(dir, 'logs/sub/b.txt'),
      format: 'verl-jsonl',
      entropyKey: 'actor/entropy',
      metric: 'val-core/x/acc/mean@4',
      metricKind: 'validation',
      points: 2,
      model: null,
      size: null,
      algorithm: null,
      dataset: null,
    });
  });

  it('expands glob patterns and gives repeated ids a -2 suffix with a warning', async () => {
    const warnings = new Warnings();
    const data = await ingest([join(dir, 'logs/*.log'), join(dir, 'logs/**/a.*')], { warnings });
    assert.deepEqual(data.runs.map((r) => r.id), ['a', 'a-2']);
    assert.deepEqual(warnings.list(), [
      `run id 'a' is used more than once; the run from ${join(dir, 'logs/a.log')} is 'a-2'`,
    ]);
    await assert.rejects(ingest([join(dir, 'logs/*.csv')]), (e: unknown) => e instanceof InputError && e.message.endsWith('logs/*.csv: no files match this pattern'));
  });

  it('reads CSV and JSONL tables with --step, --entropy and --metric', async () => {
    const csv = await ingest([join(dir, 'tables/run.log')], { entropy: 'policy_entropy', metric: 'eval_acc' });
    assert.deepEqual(csv.runs[0], {
      id: 'run',
      source: join(dir, 'tables/run.log'),
      format: 'csv',
      entropyKey: 'policy_entropy',
      metric: 'eval_acc',
      metricKeys: ['eval_acc'],
      metricKind: 'user',
      points: 3,
      coverage: { metric: 3, entropy: 3, points: 3 },
      notes: [],
    });
    assert.deepEqual([...csv.series[0].entropy], [0.7, 0.6, 0.5]);
    const jsonl = await ingest([join(dir, 'tables/hist.jsonl')], { step: 'it', entropy: 'ent', metric: 'score/acc', runIds: ['mine'] });
    assert.equal(jsonl.runs[0].id, 'mine');
    assert.deepEqual([...jsonl.series[0].step], [1, 2]);
    assert.deepEqual([...jsonl.series[0].metric], [0.4, 0.45]);
    await assert.rejects(ingest([join(dir, 'tables/hist.jsonl')]), /hist\.jsonl: no step column \(tried .*columns: it, ent, score\/acc\)/);
    await assert.rejects(ingest([join(dir, 'tables/run.log')], { entropy: 'entropy' }), /run\.log: entropy key 'entropy' not found/);
  });

  it('reads a log with invalid UTF-8 and NUL bytes', async () => {
    const bytes = Buffer.concat([
      Buffer.from('\xff\xfe\x00 garbage \xc3\x28\n', 'latin1'),
      Buffer.from(CONSOLE),
      Buffer.from('\n(main_task pid=1) sample \xe2\x28\xa1 text\x00\n', 'latin1'),
    ]);
    writeFileSync(join(dir, 'binary.log'), bytes);
    const warnings = new Warnings();
    const data = await ingest([join(dir, 'binary.log')], { warnings });
    assert.equal(data.runs[0].points, 2);
    assert.deepEqual(warnings.list(), []);
  });

  it('names the file for missing, empty and unrecognised named inputs', async () => {
    const cases: Array<[string, string]> = [
      ['bad/missing.log', 'no such file or directory'],
      ['bad/empty.log', 'empty file'],
      ['bad/prose.log', `unrecognised log format (expected ${KNOWN_FORMATS})`],
    ];
    for (const [path, message] of cases) {
      await assert.rejects(ingest([join(dir, path)]), (e: unknown) => e instanceof InputError && e.message === `${join(dir, path)}: ${message}`);
    }
  });

  it('leaves out a run without points with a warning, and fails when no run is left', async () => {
    const warnings = new Warnings();
    const data = await ingest([join(dir, 'bad/nopoints.log'), join(dir, 'logs/a.log')], { warnings });
    assert.deepEqual(data.runs.map((r) => r.id), ['a']);
    assert.equal(
      warnings.list()[0],
      `${join(dir, 'bad/nopoints.log')}: run 'nopoints' has no step with both actor/entropy and val/test_score/a; left out`,
    );
    await assert.rejects(ingest([join(dir, 'bad/nopoints.log')]), /^InputError: no run with points in /);
  });

  it('checks runIds against the inputs', async () => {
    await assert.rejects(ingest([join(dir, 'logs/a.log')], { runIds: ['x', 'y'] }), UsageError);
    await assert.rejects(ingest([join(dir, 'logs')], { runIds: ['x'] }), /names .*logs, which holds 2 runs/);
  });
});

describe('writeTidy', () => {
  it('round-trips the real logs through tidy CSV and JSONL', async () => {
    const original = await ingest([LOGS]);
    for (const ext of ['csv', 'jsonl']) {
      const path = join(dir, `tidy.${ext}`);
      await writeTidy(original, path);
      const back = await ingest([path]);
      assert.deepEqual(back.runs.map((r) => [r.id, r.points, r.metric, r.metricKind, r.format]), original.runs.map((r) => [r.id, r.points, 'metric', 'user', ext]));
      assert.deepEqual(back.series, original.series);
      assert.deepEqual(back.points.objects(), original.points.objects());
    }
    const csvText = readFileSync(join(dir, 'tidy.csv'), 'utf8');
    assert.equal(csvText.split('\n')[0], 'run,step,entropy,metric');
    assert.equal(csvText.split('\n')[1], 'Qwen2.5-0.5B-bsz256_2-prompt1024-resp512-0.567,9,0.539,0.013');
  });

  it('writes Dataset.points, the Arquero table, with every digit: awkward doubles and names round-trip', async () => {
    const values = [5e-324, 0.1 + 0.2, 1 / 3, -1e-300, 123456789.12345679, 2 ** -1074 * 3, 0.539, 1e21];
    const names = ['a,b', 'quote"d', 'line\nbreak', '<b>html</b>', '\x1b[31mred\x1b[0m'];
    const series = names.map((run, r) => ({
      run,
      step: Float64Array.from(values, (_, i) => i * 10 + r),
      entropy: Float64Array.from(values, (v, i) => v * (i % 2 ? -1 : 1)),
      metric: Float64Array.from(values, (v) => v / 7),
    }));
    const runs = names.map((id) => ({ id, source: 'x', format: 'csv' as const, entropyKey: 'h', metric: 'r', metricKeys: ['r'], metricKind: 'user' as const, points: values.length }));
    const dataset = { runs, series, ...buildTables(runs, series) };
    for (const ext of ['csv', 'jsonl']) {
      const path = join(dir, `exact.${ext}`);
      await writeTidy(dataset, path);
      const back = await ingest([path]);
      assert.deepEqual(back.runs.map((r) => r.id), names, ext);
      assert.deepEqual(back.series, series, ext);
    }
    // What is written is the table, so a filtered table writes its rows only.
    const some = dataset.points.filter((d: { step: number }) => d.step < 20);
    assert.equal(formatTidy({ points: some }, 'jsonl').trim().split('\n').length, some.numRows());
    assert.equal(formatTidy({ points: some.filter(() => false) }, 'jsonl'), '');
  });

  it('quotes run ids that need it and rejects other extensions', async () => {
    const data = await ingest([join(dir, 'logs/a.log')], { runIds: ['run, "one"'] });
    assert.equal(formatTidy(data, 'csv'), 'run,step,entropy,metric\n"run, ""one""",2,0.5,0.3\n"run, ""one""",4,0.4,0.35\n');
    writeFileSync(join(dir, 'q.csv'), formatTidy(data, 'csv'));
    const back = await ingest([join(dir, 'q.csv')]);
    assert.equal(back.runs[0].id, 'run, "one"');
    await assert.rejects(writeTidy(data, join(dir, 'tidy.parquet')), (e: unknown) => e instanceof UsageError && /expected a \.csv or \.jsonl/.test(e.message));
    await assert.rejects(writeTidy(data, join(dir, 'no/such/dir/t.csv')), (e: unknown) => e instanceof InputError && /cannot write \(ENOENT\)/.test(e.message));
  });
});
