// Inputs that once gave a silent wrong answer now give a right answer, a warning, or a one-line error,
// in the text output and in --json (where a documented number is never null).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Rng } from '../../src/util/rng.ts';
import { runCli } from './run-cli.ts';
import { fixture, waitFor } from '../helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'entropy-law-silent-'));

/** A CSV run of `n` points: H(t) decaying to a floor, R = b − a·exp(H) + noise, through `map`. */
function csv(name: string, map: (h: number, r: number, i: number) => [number, number] = (h, r) => [h, r], { n = 30, a = 0.3, b = 0.9, h0 = 0.6, floor = 0.05, metric = 'val-core/gsm8k/acc/mean@1', seed = 1 } = {}): string {
  const rng = new Rng(seed);
  const lines = [`step,actor/entropy,${metric}`];
  for (let i = 0; i < n; i++) {
    const h = floor + (h0 - floor) * Math.exp(-i / 10);
    const [H, R] = map(h, b - a * Math.exp(h) + 0.004 * rng.normal(), i);
    lines.push(`${10 * (i + 1)},${H},${R}`);
  }
  const path = join(dir, `${name}.csv`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** Every null in a JSON value, by path: a documented number must never be one. */
function nulls(value: unknown, path = ''): string[] {
  if (value === null) return [path];
  if (typeof value !== 'object') return [];
  return Object.entries(value as object).flatMap(([k, v]) => nulls(v, `${path}.${k}`));
}

async function both(argv: string[]) {
  const text = await runCli(argv);
  const json = await runCli([...argv, '--json']);
  const record = json.stdout ? JSON.parse(json.stdout).runs?.[0] : undefined;
  return { text, json, record };
}

const oneLine = (stderr: string) => stderr.trim().split('\n').filter((l) => l.startsWith('entropy-law:'));

describe('no silent wrong answers', () => {
  it('entropy logged as a per-sequence sum is refused, saying what it looks like', async () => {
    const path = csv('seq-sum', (h, r) => [h * 1000, r]);
    const { text, json, record } = await both(['fit', path]);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /no fit: the entropy reaches 600 .* sum over each sequence's tokens/);
    assert.equal(oneLine(text.stderr).length, 1);
    assert.equal(json.code, 1);
    assert.match(record.error, /per-token entropy/);
    assert.equal(record.params, undefined);
    assert.deepEqual(nulls(record).filter((p) => !p.startsWith('.meta')), []);
    const forecast = await runCli(['forecast', path, '--json']);
    assert.equal(forecast.code, 1);
    assert.doesNotMatch(forecast.stdout + forecast.stderr, /NaN/);
  });

  it('entropy scaled by 1e12 is refused as not an entropy, not as one that does not vary, and the table stays narrow', async () => {
    const path = csv('scaled', (h, r) => [h * 1e12, r]);
    const { text, record } = await both(['fit', path]);
    assert.equal(text.code, 1);
    assert.doesNotMatch(text.stdout + text.stderr, /does not vary|fitEntropyLaw/);
    assert.match(record.error, /per-token entropy/);
    const table = text.stdout.split('\n\n')[0].split('\n');
    assert.ok(table.every((l) => l.length < 80), `table lines: ${table.map((l) => l.length)}`);
  });

  it('a constant metric is an error, never R² = 1', async () => {
    const { text, record } = await both(['fit', csv('constant', (h) => [h, 0.5])]);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /R is constant \(all 30 points have R = 0\.5\)/);
    assert.doesNotMatch(text.stdout, /1\.000/);
    assert.equal(record.r2, undefined);
    assert.match(record.error, /R is constant/);
  });

  it('the training reward as R: a warning, and one more when its ceiling lies above what the metric can reach', async () => {
    const path = csv('reward', undefined, { a: 0.35, b: 1.4, h0: 1.0, floor: 0.3, metric: 'critic/score/mean' });
    const { text, record } = await both(['fit', path]);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /warning: R is the training reward \(critic\/score\/mean\)/);
    assert.match(text.stdout, /warning: the ceiling 1\.0\d* .* lies above 1/);
    assert.deepEqual(record.warnings.map((w: any) => w.code).sort(), ['ceiling-out-of-bounds', 'train-reward']);
    assert.ok(record.ceiling.value > 1);
  });

  it('rising entropy: fit says so and that the ceiling is meaningless', async () => {
    const path = csv('rising', (_h, _r, i) => [0.2 + 0.01 * i, 0.4 + 0.005 * i + 0.002 * Math.sin(i)]);
    const { text, record } = await both(['fit', path]);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /warning: entropy is rising/);
    assert.match(text.stdout, /warning: R does not rise as entropy falls \(a = -/);
    assert.ok(record.params.a < 0);
    assert.deepEqual(record.warnings.map((w: any) => w.code).sort(), ['entropy-rising', 'no-entropy-slope']);
  });

  it('a law whose parameters the data do not determine prints no parameters', async () => {
    // R falls on a straight line in H: b − a·exp(c·H) follows it as a → ∞, c → 0 with a·c fixed, so only
    // b − a and a·c are determined (README's own example did this on a real DeepSeek-7B log).
    const path = csv('narrow', (h, _r, i) => [h, 0.6 - 0.5 * h + 0.004 * Math.sin(3 * i)]);
    const { text, record } = await both(['fit', path, '--law', 'b - a*exp(c*H)', '--start', 'a=0.1,b=0.6,c=1']);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /no fit: not identifiable: /);
    assert.equal(record.params, undefined);
    assert.match(record.error, /not identifiable/);
  });

  it('a mistyped column in an expression is refused with a suggestion, not fitted as a parameter', async () => {
    const r = await runCli(['fit', csv('typo'), '--law', 'b - a*exp(c*Hx)', '--start', 'a=0.1,b=0.6,c=1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^entropy-law: Hx in "b - a\*exp\(c\*Hx\)" is not a column .* did you mean H\?/);
    // Given a start, the same name is a parameter the user meant.
    const meant = await runCli(['fit', csv('typo'), '--law', 'b - a*exp(H - Hx)', '--start', 'a=0.3,b=0.9,Hx=0', '--json']);
    assert.equal(meant.code, 1, meant.stderr);
    assert.match(JSON.parse(meant.stdout).runs[0].error, /not identifiable: /);
  });

  it('trainer settings that change what the entropy means are warned about, from the config beside the log', async () => {
    const run = join(dir, 'verl-run');
    mkdirSync(run);
    const rng = new Rng(3);
    const lines = Array.from({ length: 20 }, (_, i) => {
      const h = 0.05 + 0.5 * Math.exp(-i / 6);
      return JSON.stringify({ step: 10 * (i + 1), data: { 'actor/entropy_loss': h, 'val-core/gsm8k/acc/mean@1': 0.9 - 0.3 * Math.exp(h) + 0.004 * rng.normal() } });
    });
    writeFileSync(join(run, 'log.jsonl'), `${lines.join('\n')}\n`);
    writeFileSync(
      join(run, 'config.yaml'),
      ['actor_rollout_ref:', '  actor:', '    use_dynamic_bsz: true', '    loss_agg_mode: seq-mean-token-mean', '  rollout:', '    temperature: 0.6', ''].join('\n'),
    );
    const { text, record } = await both(['fit', join(run, 'log.jsonl')]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /warning: verl before 0\.5 .* use_dynamic_bsz=True logged a wrong entropy/);
    assert.match(text.stdout, /warning: the rollout temperature is 0\.6/);
    assert.match(text.stdout, /warning: entropy aggregated per sequence \(loss_agg_mode seq-mean-token-mean\)/);
    assert.deepEqual(record.warnings.map((w: any) => w.code), ['trainer-setting', 'trainer-setting', 'trainer-setting']);
  });

  it('report --out an existing folder writes report.html inside it', async () => {
    const out = join(dir, 'reports');
    mkdirSync(out);
    const r = await runCli(['report', csv('for-report'), '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(out, 'report.html')));
    assert.match(r.stdout, /wrote .*reports\/report\.html/);
  });

  it('report --format png --out fig.png is a usage error, not a folder named fig.png', async () => {
    const out = join(dir, 'fig.png');
    const r = await runCli(['report', csv('for-figures'), '--format', 'png', '--out', out]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--out .*fig\.png looks like a file name; --format png writes one file per chart into a folder/);
    assert.equal(existsSync(out), false);
  });

  it('steps with R but no entropy are counted and named in the run, with the key that would use them', async () => {
    const { text, record } = await both(['fit', fixture('formats-cases/trl-eval-steps')]);
    assert.equal(text.code, 0, text.stderr);
    const note = '12 validation steps, 6 with entropy: used 6; --entropy eval_entropy would use 12';
    assert.match(text.stdout, new RegExp(`^trl-eval-steps: .*\\n(  .*\\n)*  warning: ${note.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')}$`, 'm'));
    assert.deepEqual(record.warnings.filter((w: any) => w.code === 'points-dropped').map((w: any) => w.message), [note]);
    assert.equal(record.points.total, 6);
  });

  it('watch on a folder of two logs is refused, naming the way out', async () => {
    const two = join(dir, 'two-logs');
    mkdirSync(two);
    writeFileSync(join(two, 'a.csv'), 'step,actor/entropy,acc\n1,0.5,0.2\n');
    writeFileSync(join(two, 'b.csv'), 'step,actor/entropy,acc\n1,0.5,0.2\n');
    const r = await runCli(['watch', two, '--poll-ms', '20']);
    assert.equal(r.code, 1);
    assert.equal(oneLine(r.stderr).length, 1);
    assert.match(r.stderr, /follow one of its 2 files instead/);
  });

  it('watch on a log with only training reward so far says so once, and waits', async () => {
    const path = join(dir, 'no-validation-yet.csv');
    writeFileSync(path, 'step,actor/entropy,critic/score/mean\n1,0.5,0.1\n2,0.45,0.12\n');
    const stop = new AbortController();
    const err: string[] = [];
    const { main } = await import('../../src/cli/main.ts');
    let polls = 0;
    const run = main(['watch', path, '--poll-ms', '20'], () => {}, (t) => err.push(t), stop.signal);
    // Several polls with nothing new must not repeat or change the message.
    await waitFor(() => err.length > 0 && ++polls > 20, 'a waiting message and a few more polls');
    stop.abort();
    assert.equal(await run, 0);
    assert.deepEqual(err, [`waiting for a validation metric in ${path}: only the training reward (critic/score/mean) so far (--train-reward uses it)`]);
  });

  it('watch on a log that does not exist yet says what it waits for', async () => {
    const path = join(dir, 'not-yet.log');
    const stop = new AbortController();
    const err: string[] = [];
    const { main } = await import('../../src/cli/main.ts');
    const run = main(['watch', path, '--poll-ms', '20'], () => {}, (t) => err.push(t), stop.signal);
    await waitFor(() => err.length > 0, 'a waiting message');
    stop.abort();
    assert.equal(await run, 0);
    assert.deepEqual(err, [`waiting for ${path} to appear`]);
  });
});
