// A log whose last line has no newline may have been cut mid-record (a run killed mid-write, a copy of a
// live log): `…/acc/mean@1:0.` would read as 0 and flip the fit. Where a cut record can still parse, its last
// field is dropped, with a warning naming the file and line; where it cannot (JSON), the line fails as before.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { parseWandbHistory } from '../../src/ingest/wandb.ts';
import { ingest, parseLines, readLineStream, verlConsoleParser, Warnings } from './imports.ts';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'entropy-law-cut-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const put = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const cutWarning = (path: string, line: number, what: string) => `${path}:${line}: the last line ends without a newline and may be cut short: its last ${what} dropped`;

const console_ = (steps: number) =>
  Array.from({ length: steps }, (_, i) => `(TaskRunner pid=1) step:${i + 1} - actor/entropy:${0.6 - i / 100} - val-core/openai/gsm8k/acc/mean@1:${0.2 + i / 50}`);

describe('a last line without a newline', () => {
  it('verl console: a value cut mid-number is not a point', async () => {
    const lines = console_(5);
    const path = put('cut.log', [...lines, '(TaskRunner pid=1) step:6 - actor/entropy:0.55 - val-core/openai/gsm8k/acc/mean@1:0.'].join('\n'));
    const data = await ingest([path]);
    assert.deepEqual([...data.series[0].step], [1, 2, 3, 4, 5]);
    assert.ok(!data.series[0].metric.includes(0), 'the cut 0. is not read as 0');
    assert.ok(data.warnings.includes(cutWarning(path, 6, "pair 'val-core/openai/gsm8k/acc/mean@1:0.'")), data.warnings.join('\n'));
    // The same log, whole: step 6 is a point, and there is nothing to warn about.
    const whole = await ingest([put('whole.log', [...lines, '(TaskRunner pid=1) step:6 - actor/entropy:0.55 - val-core/openai/gsm8k/acc/mean@1:0.25', ''].join('\n'))]);
    assert.deepEqual([...whole.series[0].step], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(whole.warnings, []);
  });

  it('verl console: streamed in any chunks, from text or from a file, the same run and warning', async () => {
    const text = [...console_(3), 'step:4 - actor/entropy:0.5 - val-core/openai/gsm8k/acc/mean@1:0.3'].join('\n');
    const fromText = new Warnings();
    const expected = parseLines(text, verlConsoleParser({ source: 's', warnings: fromText }));
    assert.deepEqual(fromText.list(), [cutWarning('s', 4, "pair 'val-core/openai/gsm8k/acc/mean@1:0.3'")]);
    assert.deepEqual(expected.steps.get(4), new Map([['actor/entropy', 0.5]]));
    for (const size of [1, 7, 64, 4096]) {
      const bytes = Buffer.from(text);
      const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
      const fromStream = new Warnings();
      assert.deepEqual(await readLineStream(Readable.from(chunks), verlConsoleParser({ source: 's', warnings: fromStream })), expected);
      assert.deepEqual(fromStream.list(), fromText.list(), `chunks of ${size}`);
    }
  });

  it('verl console: a cut line with one pair leaves a bare step, which is not a step', async () => {
    const path = put('one.log', [...console_(2), 'step:3 - val-core/openai/gsm8k/acc/mean@1:0.4'].join('\n'));
    const data = await ingest([path]);
    assert.deepEqual([...data.series[0].step], [1, 2]);
    assert.deepEqual(data.warnings, [cutWarning(path, 3, "pair 'val-core/openai/gsm8k/acc/mean@1:0.4'")]);
  });

  it('CSV: a row cut mid-number loses its last cell', async () => {
    const path = put('cut.csv', 'step,actor/entropy,eval_accuracy\n1,0.5,0.1\n2,0.4,0.2\n3,0.3,0.');
    const data = await ingest([path]);
    assert.deepEqual([...data.series[0].step], [1, 2]);
    assert.ok(data.warnings.includes(cutWarning(path, 4, "cell '0.'")), data.warnings.join('\n'));
    // A quoted field spanning lines, closed in the last line: that record's last cell is the one dropped.
    const spanning = put('span.csv', 'step,actor/entropy,eval_accuracy,note\n1,0.5,0.1,"a\nb"\n2,0.4,0.2,"c\nd"');
    const back = await ingest([spanning]);
    assert.deepEqual([...back.series[0].step], [1, 2]);
    assert.deepEqual(back.warnings, [cutWarning(spanning, 5, "cell 'c\nd'")]);
  });

  it('W&B history CSV (pandas to_csv) and an MLflow metric file: the same rule', async () => {
    const warnings = new Warnings();
    const [run] = parseWandbHistory(',_step,_runtime,train/entropy,eval/acc\n0,0,1.0,0.5,0.3\n1,1,2.0,0.4,0.', { source: 'h.csv', warnings });
    assert.deepEqual(run.steps.get(1), new Map([['train/entropy', 0.4]]));
    assert.deepEqual(warnings.list(), [cutWarning('h.csv', 3, "cell '0.'")]);
    const root = join(dir, 'mlruns', '0', 'r1', 'metrics');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'actor_entropy'), '1700000000000 0.5 1\n1700000001000 0.4 2\n');
    // `… 0.45 1` may be `… 0.45 12` cut: the step itself is not trusted, so the line is skipped.
    writeFileSync(join(root, 'acc'), '1700000000000 0.3 1\n1700000001000 0.45 1');
    const data = await ingest([join(dir, 'mlruns')], { entropy: 'actor_entropy', metric: 'acc' });
    assert.deepEqual([...data.series[0].metric], [0.3]);
    assert.ok(data.warnings.includes(`${join(root, 'acc')}:2: the last line ends without a newline and may be cut short: skipped`), data.warnings.join('\n'));
  });

  it('JSONL cut mid-object fails to parse, as any bad line does; a whole object without its newline is read', async () => {
    const rows = [1, 2, 3].map((s) => JSON.stringify({ step: s, data: { 'actor/entropy': 0.5 - s / 10, 'val-core/a/acc/mean@1': s / 10 } }));
    const cut = put('cut.jsonl', [...rows, '{"step": 4, "data": {"actor/entropy": 0.1, "val-core/a/acc/mean@1": 0.'].join('\n'));
    const data = await ingest([cut]);
    assert.deepEqual([...data.series[0].step], [1, 2, 3]);
    assert.match(data.warnings.join('\n'), /cut\.jsonl: 1 unreadable lines skipped; first at line 4/);
    const whole = await ingest([put('whole.jsonl', rows.join('\n'))]);
    assert.deepEqual([...whole.series[0].step], [1, 2, 3]);
    assert.deepEqual(whole.warnings, []);
  });
});
