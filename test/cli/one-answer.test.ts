// One run, one set of flags, one answer: every command that fits reports the same ceiling and the same
// warnings for each real log, and every law of --law works in every command that fits.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from './run-cli.ts';
import { REAL_LOGS, waitFor } from '../helpers.ts';

const LOGS = readdirSync(REAL_LOGS)
  .filter((f) => f.endsWith('.log'))
  .map((f) => join(REAL_LOGS, f));

/** The ceiling and warnings of each run, as one command's JSON states them. */
type Answer = Map<string, { ceiling: number; ci95: [number, number]; warnings: string[] }>;

const answer = (records: any[], ceilingOf: (r: any) => any = (r) => r.ceiling, warningsOf: (r: any) => any[] = (r) => r.warnings): Answer =>
  new Map(records.map((r) => [r.run, { ceiling: ceilingOf(r).value, ci95: ceilingOf(r).ci95, warnings: warningsOf(r).map((w: any) => `${w.code}: ${w.message}`) }]));

async function json(argv: string[]): Promise<any> {
  const r = await runCli(argv);
  assert.equal(r.code, 0, `${argv.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** What `watch --json` says of a log once it has read all of it. */
async function watched(log: string, flags: string[]): Promise<Answer> {
  const live = join(mkdtempSync(join(tmpdir(), 'entropy-law-one-answer-')), log.split('/').at(-1)!);
  copyFileSync(log, live);
  const points = (await json(['ingest', log, '--json'])).runs[0].points;
  const stop = new AbortController();
  const out: string[] = [];
  const run = runCli(['watch', live, '--json', '--poll-ms', '20', ...flags], { signal: stop.signal, out });
  await waitFor(() => out.some((l) => JSON.parse(l).points === points), `watch to read all ${points} points of ${log}`);
  stop.abort();
  assert.equal((await run).code, 0);
  const last = JSON.parse(out.at(-1)!);
  return answer([last.fit]);
}

/** Every command's answer for the real logs with these flags. */
async function answers(flags: string[]): Promise<Record<string, Answer>> {
  const fit = answer((await json(['fit', ...LOGS, '--json', ...flags])).runs);
  const predict = answer((await json(['predict', ...LOGS, '--json', ...flags])).runs);
  const forecast = answer(
    (await json(['forecast', ...LOGS, '--json', ...flags])).runs,
    (r) => r.ceiling,
    // A forecast adds what only a forecast knows (the entropy curve's own checks); the run's warnings come first.
    (r) => r.warnings.filter((w: any) => !['ceiling-out-of-reach', 'few-points'].includes(w.code) && !(w.code === 'entropy-rising' && /curve/.test(w.message))),
  );
  const dir = mkdtempSync(join(tmpdir(), 'entropy-law-one-answer-'));
  assert.equal((await runCli(['report', ...LOGS, '--out', join(dir, 'r.html'), ...flags])).code, 0);
  const html = readFileSync(join(dir, 'r.html'), 'utf8');
  const records = JSON.parse(/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1]).runs;
  const report = answer(records);
  const watch = new Map<string, Answer extends Map<string, infer V> ? V : never>();
  for (const log of LOGS) for (const [k, v] of await watched(log, flags)) watch.set(k, v);
  return { fit, predict, forecast, report, watch };
}

describe('one answer per run', () => {
  for (const flags of [[], ['--burn-in', 'none'], ['--law', 'entropy-linear', '--min-step', '20']]) {
    it(`fit, predict, forecast, report and watch agree on the real logs${flags.length ? ` with ${flags.join(' ')}` : ''}`, { timeout: 120_000 }, async () => {
      const all = await answers(flags);
      const reference = all.fit;
      assert.equal(reference.size, 3);
      for (const [command, got] of Object.entries(all)) {
        for (const [run, expected] of reference) {
          const mine = got.get(run);
          assert.ok(mine, `${command} has no ${run}`);
          assert.equal(mine.ceiling, expected.ceiling, `${command}: ceiling of ${run}`);
          assert.deepEqual(mine.ci95, expected.ci95, `${command}: ceiling interval of ${run}`);
          assert.deepEqual(mine.warnings, expected.warnings, `${command}: warnings of ${run}`);
        }
      }
      if (flags.length === 0) {
        // The default excludes the Qwen runs' format learning, and every command says so.
        const qwen = [...reference].filter(([run]) => run.startsWith('Qwen'));
        assert.equal(qwen.length, 2);
        for (const [, a] of qwen) assert.ok(a.warnings.some((w) => w.startsWith('format-learning')));
      }
    });
  }

  it('every built-in law works in every command that fits', { timeout: 120_000 }, async () => {
    const gemma = LOGS.find((l) => l.includes('gemma'))!;
    const qwen = LOGS.find((l) => l.includes('0.538'))!;
    for (const law of ['entropy-exp', 'entropy-linear', 'entropy-exp3', 'power', 'scalerl-sigmoid']) {
      const fit = await json(['fit', qwen, '--law', law, '--json']);
      assert.equal(fit.runs[0].law, law, `fit --law ${law}`);
      assert.ok(Number.isFinite(fit.runs[0].params[Object.keys(fit.runs[0].params)[0]]), `fit --law ${law}: ${JSON.stringify(fit.runs[0])}`);
      const predict = await json(['predict', qwen, '--law', law, '--fraction', '0.5', '--json']);
      assert.ok(predict.runs[0].forecast.held_out.length > 0, `predict --law ${law}: ${JSON.stringify(predict.runs[0].forecast)}`);
      const forecast = await json(['forecast', qwen, '--law', law, '--steps', '100', '--json']);
      assert.ok(Number.isFinite(forecast.runs[0].predicted), `forecast --law ${law}: ${JSON.stringify(forecast.runs[0])}`);
      const backtest = await json(['backtest', qwen, '--law', law, '--fractions', '0.5', '--json']);
      assert.equal(backtest.law, law);
      assert.ok(backtest.runs[0].backtest[0].rmse !== null, `backtest --law ${law}: ${JSON.stringify(backtest.runs[0].backtest[0])}`);
      const across = await json(['across', qwen, gemma, '--law', law, '--group-by', 'none', '--json']);
      assert.equal(across.pooled.length, 1, `across --law ${law}`);
      const dir = mkdtempSync(join(tmpdir(), 'entropy-law-laws-'));
      assert.equal((await runCli(['report', qwen, '--law', law, '--out', join(dir, 'r.html')])).code, 0, `report --law ${law}`);
    }
  });

  it('backtest --law a,b scores both laws on the same cuts', async () => {
    const got = await json(['backtest', ...LOGS, '--law', 'entropy-exp,entropy-linear', '--fractions', '0.3,0.6', '--json']);
    assert.deepEqual(got.laws.map((b: any) => b.law), ['entropy-exp', 'entropy-linear']);
    const cuts = (b: any) => b.runs.map((r: any) => r.backtest.map((x: any) => x.fit_points));
    assert.deepEqual(cuts(got.laws[0]), cuts(got.laws[1]));
    assert.notDeepEqual(got.laws[0].summary.by_fraction, got.laws[1].summary.by_fraction);
  });
});
