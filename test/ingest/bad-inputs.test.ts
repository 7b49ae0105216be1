// The bad-input corpus: logs of every format broken the ways real ones are (empty, binary, cut mid-record
// and mid-number, other encodings, NaN/Inf, steps written twice or out of order, huge lines, hostile names),
// each through the CLI as a user runs it. Every case asserts the exit code, that each message is one line
// naming the file, that there is no stack trace, and which points were kept.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../cli/run-cli.ts';
import { fixture } from '../helpers.ts';
import { parseCsvTable } from './imports.ts';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'entropy-law-bad-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A point as the tidy output has it: [step, entropy, metric]. */
type Point = [number, number, number];

interface Case {
  name: string;
  /** Writes the input under `root` and returns its path (a file or folder). */
  make: (root: string) => string;
  /** Extra CLI flags. */
  flags?: string[];
  /** Exit code of `ingest`. */
  code: 0 | 1;
  /** What stderr must say (besides naming the file). */
  says: RegExp;
  /** The points kept (code 0): all of them, or how many. */
  points?: Point[] | number;
  /** Or (code 0): some points, each one the intact log's at that step (the intact log, a fixture path). */
  intact?: string;
  /** The name the messages give the file, when it is not the path itself (hostile names). */
  named?: (path: string) => string;
}

/** Writes `content` to `root/name`, creating folders. */
function put(root: string, name: string, content: string | Buffer): string {
  const path = join(root, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

const verl = (s: number, h: number, r: number) => `(TaskRunner pid=1) step:${s} - actor/entropy:${h} - val-core/openai/gsm8k/acc/mean@1:${r}`;
const good = [verl(1, 0.5, 0.1), verl(2, 0.4, 0.2), verl(3, 0.3, 0.3)];
const goodPoints: Point[] = [[1, 0.5, 0.1], [2, 0.4, 0.2], [3, 0.3, 0.3]];
const vj = (s: number, h: number | string, r: number | string) => `{"step": ${s}, "data": {"actor/entropy": ${h}, "val-core/openai/gsm8k/acc/mean@1": ${r}}}`;
const csvHead = 'step,actor/entropy,eval_accuracy';
/** What the CLI prints for a control character, so a name with one can still be looked for. */
// eslint-disable-next-line no-control-regex -- the CLI's own rule for control characters, to find a hostile name
const printed = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?');

const CASES: Case[] = [
  // verl console
  { name: 'verl console: empty file', make: (d) => put(d, 'empty.log', ''), code: 1, says: /: empty file$/ },
  { name: 'verl console: only blank lines', make: (d) => put(d, 'blank.log', '\n\n \r\n'), code: 1, says: /unrecognised log format/ },
  { name: 'binary data', make: (d) => put(d, 'random.log', Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919 + 13) % 256))), code: 1, says: /@0: binary data, not a recognised log format/ },
  { name: 'verl console: cut mid-number at the end', make: (d) => put(d, 'cut-number.log', [...good, verl(4, 0.2, 0.4).replace(/0\.4$/, '0.')].join('\n')), code: 0, says: /:4: the last line ends without a newline and may be cut short: its last pair 'val-core\/openai\/gsm8k\/acc\/mean@1:0\.' dropped/, points: goodPoints },
  { name: 'verl console: cut mid-key at the end', make: (d) => put(d, 'cut-key.log', [...good, '(TaskRunner pid=1) step:4 - actor/entropy:0.2 - val-core/openai/gs'].join('\n')), code: 0, says: /its last pair 'val-core\/openai\/gs' dropped/, points: goodPoints },
  { name: 'verl console: cut mid-record in the middle (a crash, then a restart)', make: (d) => put(d, 'crash.log', [good[0], '(TaskRunner pid=1) step:2 - actor/entropy:0.4 - val-core/openai/gsm8k/acc/mean@1:0.2(TaskRunner pid=1) step:2', good[2], ''].join('\n')), code: 0, says: /1 malformed metric lines read in part or skipped; first at line 2/, points: [goodPoints[0], goodPoints[2]] },
  { name: 'verl console: nan and inf values', make: (d) => put(d, 'nan.log', [good[0], verl(2, NaN, 0.2).replace('NaN', 'nan'), verl(3, 0.3, Infinity).replace('Infinity', 'inf'), ''].join('\n')), code: 0, says: /2 non-finite values \(nan\/inf\) dropped; first at line 2 \(actor\/entropy\)/, points: [goodPoints[0]] },
  { name: 'verl console: a resumed run writes steps again', make: (d) => put(d, 'resumed.log', [...good, verl(2, 0.45, 0.25), ''].join('\n')), code: 0, says: /1 steps written more than once \(a resumed run\?\): the later values kept; first at line 4 \(step 2\)/, points: [[1, 0.5, 0.1], [2, 0.45, 0.25], [3, 0.3, 0.3]] },
  { name: 'verl console: steps out of order', make: (d) => put(d, 'order.log', [good[2], good[0], good[1], ''].join('\n')), code: 0, says: /2 steps out of order \(sorted by step\); first at line 2 \(step 1 after step 3\)/, points: goodPoints },
  { name: 'verl console: a line over 64 MiB is skipped, the others read', make: (d) => put(d, 'huge.log', Buffer.concat([Buffer.from(good[0] + '\n(TaskRunner pid=1) sample: '), Buffer.alloc(65 * 1024 * 1024, 'x'), Buffer.from('\n' + good.slice(1).join('\n') + '\n')])), code: 0, says: /1 lines longer than 67108864 bytes skipped; first at line 2/, points: goodPoints },
  { name: 'verl console: UTF-16 LE with a byte-order mark', make: (d) => put(d, 'utf16.log', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(good.join('\r\n') + '\r\n', 'utf16le')])), code: 0, says: /^$/, points: goodPoints },
  { name: 'verl console: UTF-16 without a byte-order mark is not guessed at', make: (d) => put(d, 'utf16-nobom.log', Buffer.from(good.join('\n') + '\n', 'utf16le')), code: 1, says: /@0: binary data, not a recognised log format/ },
  { name: 'verl console: Latin-1 bytes and NULs in a line', make: (d) => put(d, 'latin1.log', Buffer.concat([Buffer.from(good[0] + '\n'), Buffer.from('(TaskRunner pid=1) r\xe9sum\xe9 \x00\x00 text\n', 'latin1'), Buffer.from(good.slice(1).join('\n') + '\n')])), code: 0, says: /^$/, points: goodPoints },
  { name: 'verl console: ANSI escapes and carriage returns of a progress bar', make: (d) => put(d, 'ansi.log', good.map((l) => `\x1b[2m\x1b[36m${l}\x1b[0m\r 50%|#####     |\r`).join('\n') + '\n'), code: 0, says: /^$/, points: goodPoints },
  { name: 'verl console: values that are not numbers', make: (d) => put(d, 'words.log', [good[0], '(TaskRunner pid=1) step:2 - actor/entropy:<script>alert(1)</script> - val-core/openai/gsm8k/acc/mean@1:0.2', good[2], ''].join('\n')), code: 0, says: /1 malformed metric lines read in part or skipped; first at line 2 \(bad value in 'actor\/entropy:<script>/, points: [goodPoints[0], goodPoints[2]] },
  // verl JSONL
  { name: 'verl JSONL: cut mid-object at the end', make: (d) => put(d, 'cut.jsonl', [vj(1, 0.5, 0.1), vj(2, 0.4, 0.2), '{"step": 3, "data": {"actor/entropy": 0.3, "val-core/openai/gsm8k/acc/mean@1": 0.'].join('\n')), code: 0, says: /1 unreadable lines skipped; first at line 3/, points: goodPoints.slice(0, 2) },
  { name: 'verl JSONL: NaN, Infinity and 1e999', make: (d) => put(d, 'nan.jsonl', [vj(1, 0.5, 0.1), vj(2, 'NaN', 0.2), vj(3, 0.3, '1e999'), vj(4, '-Infinity', 0.4), ''].join('\n')), code: 0, says: /3 null or non-finite values dropped; first at line 2 \(actor\/entropy\)/, points: [goodPoints[0]] },
  { name: 'verl JSONL: a step that is a string', make: (d) => put(d, 'string-step.jsonl', [vj(1, 0.5, 0.1), '{"step": "2", "data": {"actor/entropy": 0.4, "val-core/openai/gsm8k/acc/mean@1": 0.2}}', vj(3, 0.3, 0.3), ''].join('\n')), code: 0, says: /1 unreadable lines skipped; first at line 2 \(no numeric "step"\)/, points: [goodPoints[0], goodPoints[2]] },
  { name: 'verl JSONL: nested 100,000 deep', make: (d) => put(d, 'deep.jsonl', [vj(1, 0.5, 0.1), `{"step": 2, "data": ${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`, vj(3, 0.3, 0.3), ''].join('\n')), code: 0, says: /deep\.jsonl/, points: [goodPoints[0], goodPoints[2]] },
  { name: 'JSONL: no step key', make: (d) => put(d, 'nostep.jsonl', '{"entropy": 0.5, "acc": 0.1}\n{"entropy": 0.4, "acc": 0.2}\n'), code: 1, says: /: no step column \(tried step, _step/ },
  { name: 'JSONL: duplicate keys in an object, the last one kept', make: (d) => put(d, 'dupkeys.jsonl', '{"step": 1, "actor/entropy": 9, "actor/entropy": 0.5, "eval_accuracy": 0.1}\n{"step": 2, "actor/entropy": 0.4, "eval_accuracy": 0.2}\n'), code: 0, says: /^$/, points: goodPoints.slice(0, 2) },
  // CSV
  { name: 'CSV: a header and no rows', make: (d) => put(d, 'header.csv', `${csvHead}\n`), code: 1, says: /no run with points in .*header\.csv|header\.csv: run 'header' has no step/ },
  { name: 'CSV: cut mid-row at the end', make: (d) => put(d, 'cut.csv', `${csvHead}\n1,0.5,0.1\n2,0.4,0.2\n3,0.3,0.`), code: 0, says: /:4: the last line ends without a newline and may be cut short: its last cell '0\.' dropped/, points: goodPoints.slice(0, 2) },
  { name: 'CSV: rows with more fields than the header', make: (d) => put(d, 'wide.csv', `${csvHead}\n1,0.5,0.1\n2,0.4,0.2,9\n3,0.3,0.3\n`), code: 0, says: /1 rows with more fields than the header skipped; first at line 3/, points: [goodPoints[0], goodPoints[2]] },
  { name: 'CSV: an unterminated quote', make: (d) => put(d, 'quote.csv', `${csvHead},note\n1,0.5,0.1,"ok"\n2,0.4,0.2,"open\n3,0.3,0.3,x\n`), code: 0, says: /1 rows with a stray quote skipped; first at line 3/, points: [goodPoints[0], goodPoints[2]] },
  { name: 'CSV: NaN and inf cells', make: (d) => put(d, 'nan.csv', `${csvHead}\n1,0.5,0.1\n2,NaN,0.2\n3,0.3,inf\n`), code: 0, says: /2 non-finite values dropped; first at line 3/, points: [goodPoints[0]] },
  { name: 'CSV: the same step twice', make: (d) => put(d, 'dup.csv', `${csvHead}\n1,0.5,0.1\n2,0.4,0.2\n2,0.45,0.25\n`), code: 0, says: /1 steps written more than once/, points: [[1, 0.5, 0.1], [2, 0.45, 0.25]] },
  { name: 'CSV: semicolons and decimal commas are not numbers', make: (d) => put(d, 'comma.csv', 'step;actor/entropy;eval_accuracy\n1;0,5;0,1\n2;0,4;0,2\n'), code: 1, says: /comma\.csv/ },
  { name: 'CSV: hostile run names (HTML, ANSI escapes, a newline) in a run column', make: (d) => put(d, 'names.csv', `run,${csvHead}\n"<img src=x onerror=alert(1)>",1,0.5,0.1\n"\x1b[31mred\x1b[0m",1,0.4,0.2\n"two\nlines",1,0.3,0.3\n`), code: 0, says: /^$/, points: 3 },
  { name: 'CSV: a file name with a newline and an escape in it', make: (d) => put(d, 'bad\nname\x1b[31m.csv', ''), code: 1, says: /: empty file$/, named: printed },
  // TensorBoard (event files written by tensorboardX, test/fixtures/tensorboard/make_fixtures.py)
  { name: 'TensorBoard: last record cut short', make: (d) => copyTo(d, 'tb-cut', 'tensorboard/truncated'), flags: ['--metric', 'val-core/openai/gsm8k/acc/mean_1'], code: 0, says: /last record cut short \(\d+ bytes\) ignored/, points: 10 },
  { name: 'TensorBoard: a record with a bad checksum', make: (d) => copyTo(d, 'tb-crc', 'tensorboard/corrupt-data'), flags: ['--metric', 'val-core/openai/gsm8k/acc/mean_1'], code: 0, says: /1 records with a bad data checksum skipped; first at byte offset \d+/, points: 9 },
  { name: 'TensorBoard: an event file of random bytes', make: (d) => put(d, 'tb-junk/events.out.tfevents.1.x', Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 131 + 7) % 256))), code: 1, says: /tb-junk\/events\.out\.tfevents\.1\.x@0: not a TensorBoard event file \(no record with a valid checksum\)$/ },
  { name: 'TensorBoard: an empty event file', make: (d) => put(d, 'tb-empty/events.out.tfevents.1.x', ''), code: 1, says: /events\.out\.tfevents\.1\.x.*(empty file|no run with points)/ },
  // TRL
  { name: 'TRL: trainer_state.json cut short', make: (d) => put(d, 'trl-cut/trainer_state.json', readFileSync(fixture('formats/trl/grpo-run/checkpoint-30/trainer_state.json'), 'utf8').slice(0, 900)), code: 1, says: /trainer_state\.json:\d+: not a trainer_state\.json/ },
  { name: 'TRL: log_history that is not a list', make: (d) => put(d, 'trl-bad/trainer_state.json', '{"log_history": {"step": 1}}\n'), code: 1, says: /no "log_history" list/ },
  { name: 'TRL: NaN and Infinity in entries', make: (d) => put(d, 'trl-nan/trainer_state.json', '{"log_history": [{"step": 1, "entropy": 0.5, "eval_accuracy": 0.1}, {"step": 2, "entropy": NaN, "eval_accuracy": 0.2}, {"step": 3, "entropy": 0.3, "eval_accuracy": Infinity}]}\n'), code: 0, says: /2 null or non-finite values dropped; first is log_history\[1\]\.entropy/, points: [[1, 0.5, 0.1]] },
  // OpenRLHF
  { name: 'OpenRLHF: a status dict cut short', make: (d) => put(d, 'openrlhf.log', "✨ Global step 1: {'entropy_loss': 0.5, 'eval_math_pass1': 0.1}\n✨ Global step 2: {'entropy_loss': 0.4, 'eval_math_pass1': 0.2}\n✨ Global step 3: {'entropy_loss': 0.3, 'eval_ma"), code: 0, says: /1 unreadable step lines skipped; first at line 3/, points: [[1, 0.5, 0.1], [2, 0.4, 0.2]] },
  { name: 'OpenRLHF: a dict nested past the parser\'s depth', make: (d) => put(d, 'openrlhf-deep.log', `✨ Global step 1: {'entropy_loss': 0.5, 'eval_math_pass1': 0.1}\n✨ Global step 2: ${"{'a': ".repeat(5000)}1${'}'.repeat(5000)}\n`), code: 0, says: /1 unreadable step lines skipped; first at line 2/, points: [[1, 0.5, 0.1]] },
  // W&B
  { name: 'W&B history: rows without a numeric _step', make: (d) => put(d, 'history.jsonl', '{"_step": 0, "_runtime": 1, "train/entropy": 0.5, "eval/acc": 0.1}\n{"_step": "x", "_runtime": 2, "train/entropy": 0.4, "eval/acc": 0.2}\n{"_step": 2, "_runtime": 3, "train/entropy": 0.3, "eval/acc": 0.3}\n'), code: 0, says: /1 unreadable lines skipped; first at line 2 \(no numeric "_step"\)/, points: [[0, 0.5, 0.1], [2, 0.3, 0.3]] },
  { name: 'W&B export: a cell that is not a number', make: (d) => put(d, 'export.csv', '"Step","run - train/entropy","run - eval/acc"\n"1","0.5","0.1"\n"2","oops","0.2"\n"3","0.3","0.3"\n'), code: 0, says: /1 non-numeric cells skipped; first at line 3/, points: [[1, 0.5, 0.1], [3, 0.3, 0.3]] },
  { name: 'W&B run file cut short (wandb 0.30.0)', make: (d) => copyFile(d, 'run-cut.wandb', 'wandb-run/truncated.wandb'), code: 0, says: /run-cut\.wandb@\d+: the file ends inside a record/, intact: 'wandb-run/grpo-qwen.wandb' },
  { name: 'W&B run file with a byte flipped', make: (d) => copyFile(d, 'run-flip.wandb', 'wandb-run/corrupt.wandb'), code: 0, says: /1 corrupt chunks skipped \(with the records they were in\); first at byte offset \d+ \(checksum mismatch\)/, intact: 'wandb-run/grpo-qwen.wandb' },
  // ROLL, prime-rl
  { name: 'ROLL console: a metrics_tag line cut short', make: (d) => put(d, 'roll/train.log', readFileSync(fixture('formats/roll/train.log')).subarray(0, 3000)), code: 0, says: /1 unreadable metrics_tag lines skipped; first at line \d+/, intact: 'formats/roll/train.log' },
  { name: "prime-rl: the trainer's file alone has no R", make: (d) => copyFile(d, 'trainer/metrics.jsonl', 'formats/prime-rl/trainer/metrics.jsonl'), code: 1, says: /metrics\.jsonl: no metric for R/ },
  // MLflow
  { name: 'MLflow SQLite store cut short', make: (d) => put(d, 'mlflow.db', readFileSync(fixture('sqlite/mlflow.db')).subarray(0, 40_000)), code: 1, says: /mlflow\.db@0: binary data, not a recognised log format/ },
  { name: 'Trackio database without its -wal file (the last steps are in it)', make: (d) => copyFile(d, 'trackio.db', 'sqlite/trackio.db'), code: 0, says: /trackio\.db: .*non-finite values/, intact: 'sqlite' },
  { name: 'MLflow: garbage lines in a metric file, and one cut at its end', make: (d) => mlflow(d), flags: ['--entropy', 'actor/entropy', '--metric', 'acc'], code: 0, says: /1 unreadable lines skipped; first at line 2/, points: [[1, 0.5, 0.1], [2, 0.4, 0.2]] },
  { name: 'MLflow: a store without a metrics folder', make: (d) => put(d, 'mlruns-empty/0/meta.yaml', 'name: Default\n').replace(/\/0\/meta\.yaml$/, ''), code: 1, says: /mlruns-empty: directory holds no log files/ },
];

/** Copies a fixture file to `root/name`. */
function copyFile(root: string, name: string, from: string): string {
  return put(root, name, readFileSync(fixture(from)));
}

/** Copies a fixture folder under `root`. */
function copyTo(root: string, name: string, from: string): string {
  const to = join(root, name);
  mkdirSync(to, { recursive: true });
  const source = fixture(from);
  for (const file of ['events.out.tfevents.1700000001.fixture']) copyFileSync(join(source, file), join(to, file));
  return to;
}

/** An MLflow file store (the layout of mlflow/store/tracking/file_store.py) with a broken and a cut metric file. */
function mlflow(root: string): string {
  const run = join(root, 'mlruns', '0', 'r1');
  put(run, 'meta.yaml', 'run_id: r1\nlifecycle_stage: active\n');
  put(run, 'metrics/actor/entropy', '1700000000000 0.5 1\nnot a metric line\n1700000001000 0.4 2\n');
  put(run, 'metrics/acc', '1700000000000 0.1 1\n1700000001000 0.2 2\n1700000002000 0.3 3');
  return join(root, 'mlruns');
}

/** The points of a tidy CSV, as [step, entropy, metric], sorted. */
function tidyPoints(path: string): Point[] {
  const runs = parseCsvTable(readFileSync(path, 'utf8'), { source: path });
  return runs.flatMap((r) => [...r.steps].map(([step, m]): Point => [step, m.get('entropy')!, m.get('metric')!])).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/** The points of a tidy CSV by run and step. */
function tidyByRunStep(path: string): Map<string, Point> {
  const runs = parseCsvTable(readFileSync(path, 'utf8'), { source: path });
  return new Map(runs.flatMap((r) => [...r.steps].map(([step, m]): [string, Point] => [`${r.id} step ${step}`, [step, m.get('entropy')!, m.get('metric')!]])));
}

describe('bad inputs through the CLI', () => {
  it('has at least 30 cases, across every format', () => {
    assert.ok(CASES.length >= 30, `${CASES.length} cases`);
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const root = mkdtempSync(join(dir, 'case-'));
      const path = c.make(root);
      const out = join(root, 'tidy.csv');
      const r = await runCli(['ingest', path, '--json', '--out', out, ...(c.flags ?? [])]);
      const lines = r.stderr === '' ? [] : r.stderr.split('\n');
      assert.equal(r.code, c.code, r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at |internal error/, 'no stack trace');
      const name = (c.named ?? ((p: string) => p))(path);
      if (c.code === 1) {
        assert.equal(lines.filter((l) => l.startsWith('entropy-law: ')).length, 1, r.stderr);
        assert.ok(lines.find((l) => l.startsWith('entropy-law: '))!.includes(name), `the error names ${name}: ${r.stderr}`);
      } else {
        // Every warning is one line; those about the bad part name the file it is in.
        assert.ok(lines.every((l) => l.startsWith('warning: ')), r.stderr);
        if (c.says.source !== '^$') assert.ok(lines.some((l) => l.includes(name)), `a warning names ${name}: ${r.stderr}`);
        JSON.parse(r.stdout);
        const kept = tidyPoints(out);
        if (c.intact !== undefined) {
          const whole = join(root, 'intact.csv');
          const source = c.intact === 'sqlite' ? fixture('sqlite/trackio.db') : fixture(c.intact);
          assert.equal((await runCli(['ingest', source, '--json', '--out', whole, ...(c.flags ?? [])])).code, 0);
          const all = tidyByRunStep(whole);
          const some = tidyByRunStep(out);
          assert.ok(some.size > 0 && some.size <= all.size, `${some.size} of ${all.size} points kept`);
          for (const [at, p] of some) assert.deepEqual(p, all.get(at), `${at} as in the intact log`);
        } else if (typeof c.points === 'number') assert.equal(kept.length, c.points);
        else assert.deepEqual(kept, c.points);
      }
      if (c.says.source === '^$') assert.deepEqual(lines.filter((l) => !/run '.*': \d+ validation steps/.test(l)), [], 'nothing to warn about');
      else assert.ok(lines.some((l) => c.says.test(l)), `stderr says ${c.says}: ${r.stderr}`);
      // The fit the CLI runs on the same input fails or succeeds cleanly, never with a stack trace.
      const fit = await runCli(['fit', path, '--json', ...(c.flags ?? [])]);
      assert.ok(fit.code === 0 || fit.code === 1, `fit exit ${fit.code}: ${fit.stderr}`);
      assert.doesNotMatch(fit.stderr, /\n\s+at |internal error/);
      if (fit.code === 0) JSON.parse(fit.stdout);
    });
  }
});
