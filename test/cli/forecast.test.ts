import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from './run-cli.ts';
import { REAL_LOGS, waitFor } from '../helpers.ts';

const LOGS = REAL_LOGS;
const GEMMA = `${LOGS}gemma-2-2b-it-ppo-bsz512_4-prompt1024-resp-512-0.640.log`;


describe('entropy-law forecast', () => {
  it('prints the documented JSON per run', async () => {
    const { code, stdout } = await runCli(['forecast', LOGS, '--steps', '200', '--json']);
    assert.equal(code, 0);
    const { runs } = JSON.parse(stdout);
    assert.equal(runs.length, 3);
    for (const r of runs) {
      assert.deepEqual(Object.keys(r).sort(), ['at', 'ceiling', 'headroom', 'interval90', 'predicted', 'run', 'steps_to_ceiling', 'warnings']);
      assert.equal(r.at, 429 + 200 - (r.run.startsWith('gemma') ? 330 : 0));
      assert.ok(r.interval90[0] < r.predicted && r.predicted < r.interval90[1]);
      assert.ok(r.ceiling.ci95[0] < r.ceiling.value && r.ceiling.value < r.ceiling.ci95[1]);
    }
    // The Qwen runs start with format learning; the forecast must say so.
    assert.ok(runs.filter((r: any) => r.run.startsWith('Qwen')).every((r: any) => r.warnings.some((w: { message: string }) => /format-learning/.test(w.message))));
  });

  it('refuses --at together with --steps, and bad numbers', async () => {
    assert.equal((await runCli(['forecast', GEMMA, '--at', '500', '--steps', '10'])).code, 2);
    assert.equal((await runCli(['forecast', GEMMA, '--epsilon', '-1'])).code, 2);
    assert.equal((await runCli(['forecast', GEMMA, '--burn-in', 'some'])).code, 2);
  });
});

describe('entropy-law backtest', () => {
  it('scores every cut and the paper protocol', async () => {
    const { code, stdout } = await runCli(['backtest', GEMMA, '--fractions', '0.3,0.6', '--mode', 'entropy', '--json']);
    assert.equal(code, 0);
    const b = JSON.parse(stdout);
    assert.equal(b.runs[0].backtest.length, 2);
    assert.deepEqual(b.runs[0].backtest.map((x: any) => x.fraction), [0.3, 0.6]);
    assert.deepEqual(Object.keys(b.runs[0].backtest[0]).sort(), ['coverage90', 'final_error', 'fit_points', 'fraction', 'rmse']);
    // gemma has 10 points: the paper's 15% cut fits on 3 of them.
    assert.equal(b.runs[0].paper15.fit_points, 3);
  });
});

describe('entropy-law watch', () => {
  it('follows a log written line by line, half lines included, and stops on abort', async () => {
    const lines = readFileSync(GEMMA, 'latin1').split('\n');
    const file = join(mkdtempSync(join(tmpdir(), 'entropy-law-watch-cli-')), 'live.log');
    writeFileSync(file, '');
    const stop = new AbortController();
    const outputs: string[] = [];
    const run = runCli(['watch', file, '--json', '--poll-ms', '20', '--burn-in', 'none'], { signal: stop.signal, out: outputs });
    const seen = (points: number) => outputs.some((l) => JSON.parse(l).points === points);
    let complete = 0;
    for (const line of lines) {
      // Write each line in two halves: the watcher must never read the first half as data. Each validation
      // line is one point: with half of the next one written, wait until the watcher has reported every
      // complete one, so that it polls while the half line is there.
      const cut = Math.floor(line.length / 2);
      appendFileSync(file, line.slice(0, cut), 'latin1');
      const validation = /val\/test_score/.test(line);
      if (validation && complete > 0) await waitFor(() => seen(complete), `the update with ${complete} points`);
      appendFileSync(file, `${line.slice(cut)}\n`, 'latin1');
      if (validation) complete++;
    }
    await waitFor(() => seen(10), 'the update with all 10 points');
    stop.abort();
    const { code } = await run;
    assert.equal(code, 0);
    const updates = outputs.map((l) => JSON.parse(l));
    // Updates only when a point is added (no repeats), never a point from half a line, the last with all 10.
    const points = updates.map((u) => u.points);
    assert.ok(points.every((p, i) => i === 0 || p > points[i - 1]), `points ${points}`);
    assert.equal(points.at(-1), 10);
    assert.ok(updates.at(-1).forecast.predicted > 0.5);
  });
});
