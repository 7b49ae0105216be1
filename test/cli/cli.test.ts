import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli } from './run-cli.ts';
import { assertClose, REAL_LOGS, SYNTHETIC } from '../helpers.ts';

const LOGS = REAL_LOGS;
const ROOT = new URL('../../', import.meta.url).pathname;
const reference = JSON.parse(readFileSync(new URL('../fit/entropy-law-reference.json', import.meta.url), 'utf8')) as {
  cases: { name: string; a: number; b: number; stderr_a: number; ceiling: number; ceiling_stderr: number; t975: number }[];
};

/** Runs the CLI as a real process, as a user's shell would. */
function spawnCli(...argv: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/run.ts'), ...argv], { encoding: 'utf8', cwd: ROOT });
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'entropy-law-cli-'));
}

describe('entropy-law fit', () => {
  it('fits the real verl logs and prints the scipy numbers as JSON', async () => {
    // The scipy reference fits every point: no burn-in.
    const { code, stdout } = await cli('fit', LOGS, '--json', '--burn-in', 'none');
    assert.equal(code, 0);
    const { runs } = JSON.parse(stdout) as { runs: Record<string, any>[] };
    assert.equal(runs.length, 3);
    for (const run of runs) {
      const ref = reference.cases.find((c) => c.name.startsWith(`real:${run.run}`));
      assert.ok(ref, `no reference for ${run.run}`);
      assertClose(run.params.a, ref.a, { rtol: 1e-6 }, 'a');
      assertClose(run.params.b, ref.b, { rtol: 1e-6 }, 'b');
      assertClose(run.stderr.a, ref.stderr_a, { rtol: 1e-6 }, 'stderr a');
      assertClose(run.ceiling.value, ref.ceiling, { rtol: 1e-6 }, 'ceiling');
      assertClose(run.ceiling.ci95[1], ref.ceiling + ref.t975 * ref.ceiling_stderr, { rtol: 1e-6 }, 'ceiling CI');
      assert.equal(run.law, 'entropy-exp');
      assert.equal(run.entropy, 'actor/entropy_loss');
      assert.equal(run.metric, 'val/test_score/openai/gsm8k');
      assert.equal(run.source, join(LOGS, `${run.run}.log`));
    }
    assert.deepEqual(runs.map((r) => r.n).sort(), [10, 43, 43]);
  });

  it('prints a human table with one row per run and the keys used', async () => {
    const { code, stdout } = await cli('fit', `${LOGS}gemma-2-2b-it-ppo-bsz512_4-prompt1024-resp-512-0.640.log`);
    assert.equal(code, 0);
    assert.match(stdout, /gemma-2-2b-it-ppo-bsz512_4-prompt1024-resp-512-0\.640\s+10\s+0\.3343 ± 0\.0514\s+1\.0298 ± 0\.0643\s+0\.6955 ± 0\.0133/);
    assert.match(stdout, /H = actor\/entropy_loss, R = val\/test_score\/openai\/gsm8k \(legacy-validation\)/);
  });

  it('names runs with --run-id and refuses a count that does not match', async () => {
    const one = `${LOGS}gemma-2-2b-it-ppo-bsz512_4-prompt1024-resp-512-0.640.log`;
    const ok = await cli('fit', one, '--run-id', 'gemma', '--json');
    assert.equal(JSON.parse(ok.stdout).runs[0].run, 'gemma');
    const bad = await cli('fit', one, '--run-id', 'a,b');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--run-id needs one non-empty id per input path/);
  });
});

describe('entropy-law predict', () => {
  it('forecasts from the first 15% of each run', async () => {
    const { code, stdout } = await cli('predict', LOGS, '--json', '--burn-in', 'none');
    assert.equal(code, 0);
    const { runs } = JSON.parse(stdout) as { runs: Record<string, any>[] };
    for (const run of runs) {
      const f = run.forecast;
      assert.equal(f.fraction, 0.15);
      assert.equal(f.fit_points, run.n === 43 ? 7 : 3);
      assert.equal(f.held_out.length, run.n - f.fit_points);
      const rmse = Math.sqrt(f.held_out.reduce((s: number, p: any) => s + (p.predicted - p.actual) ** 2, 0) / f.held_out.length);
      assertClose(f.rmse, rmse, { rtol: 1e-12 }, 'rmse');
      assert.deepEqual(f.final, { step: f.held_out.at(-1).step, predicted: f.held_out.at(-1).predicted, actual: f.held_out.at(-1).actual });
    }
  });

  it('takes --fraction and refuses one outside (0, 1]', async () => {
    const { stdout } = await cli('predict', LOGS, '--fraction', '0.5', '--json');
    assert.equal(JSON.parse(stdout).runs[0].forecast.fit_points, 22);
    const bad = await cli('predict', LOGS, '--fraction', '1.5');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /invalid fraction: 1\.5/);
  });
});

describe('entropy-law ingest and report', () => {
  it('round-trips the tidy table through CSV', async () => {
    const dir = tempDir();
    const tidy = join(dir, 'tidy.csv');
    assert.equal((await cli('ingest', LOGS, '--out', tidy)).code, 0);
    const direct = JSON.parse((await cli('fit', LOGS, '--json')).stdout).runs;
    const again = JSON.parse((await cli('fit', tidy, '--metric', 'metric', '--entropy', 'entropy', '--json')).stdout).runs;
    assert.deepEqual(again.map((r: any) => r.run).sort(), direct.map((r: any) => r.run).sort());
    for (const r of again) {
      const d = direct.find((x: any) => x.run === r.run);
      assertClose(r.params.a, d.params.a, { rtol: 1e-12 }, `a of ${r.run}`);
      assert.equal(r.n, d.n);
    }
  });

  it('writes a self-contained report and prints the fit table', async () => {
    const out = join(tempDir(), 'report.html');
    const { code, stdout } = await cli('report', SYNTHETIC, '--out', out);
    assert.equal(code, 0);
    assert.match(stdout, /synthetic-qwen2\.5-7b-grpo/);
    assert.match(stdout, new RegExp(`wrote ${out}`));
    const html = readFileSync(out, 'utf8');
    assert.match(html, /synthetic-llama3\.2-3b-ppo/);
    assert.doesNotMatch(html, /<script[^>]+src=/, 'no external script');
  });
});

describe('entropy-law report --format', () => {
  it('writes each chart as SVG and as a Vega-Lite spec', async () => {
    const dir = tempDir();
    const svg = await cli('report', SYNTHETIC, '--format', 'svg', '--out', join(dir, 'svg'), '--json');
    assert.equal(svg.code, 0);
    const { written } = JSON.parse(svg.stdout) as { written: string[] };
    // Three charts per run (law, timeline, ceiling convergence) for the five sample runs, plus the figures
    // across runs: all runs, the ceilings, their convergence, how early they settled, a and b of the Qwen sizes.
    assert.equal(written.length, 20);
    assert.deepEqual(written.filter((f) => !/\/\d{3}-/.test(f)).map((f) => f.split('/').at(-1)), ['all-runs.svg', 'ceilings.svg', 'convergence-all.svg', 'settle.svg', 'scaling-qwen2-5.svg']);
    for (const file of written) assert.match(readFileSync(file, 'utf8'), /^<svg[^>]*>[\s\S]*<\/svg>\s*$/);
    const vl = await cli('report', SYNTHETIC, '--format', 'vl.json', '--out', join(dir, 'vl'), '--json');
    for (const file of JSON.parse(vl.stdout).written as string[]) {
      assert.match(JSON.parse(readFileSync(file, 'utf8')).$schema, /vega-lite/);
    }
  });

  it('refuses an unknown format', async () => {
    assert.equal((await cli('report', SYNTHETIC, '--format', 'pdf')).code, 2);
  });
});

describe('entropy-law errors', () => {
  it('a missing file: exit 1, one line naming it, no stack trace', () => {
    const r = spawnCli('fit', 'no/such/run.log');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no\/such\/run\.log/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('binary garbage: exit 1 naming the file', () => {
    const file = join(tempDir(), 'garbage.log');
    writeFileSync(file, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    const r = spawnCli('fit', file);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /garbage\.log/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('unknown flag or command: exit 2', () => {
    assert.equal(spawnCli('fit', LOGS, '--no-such-flag').status, 2);
    assert.equal(spawnCli('frobnicate').status, 2);
  });

  it('too few points to fit: exit 1 saying why', async () => {
    const file = join(tempDir(), 'short.csv');
    writeFileSync(file, 'step,entropy,val_acc\n1,0.9,0.1\n2,0.8,0.2\n');
    const r = await cli('fit', file, '--metric', 'val_acc');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /requires at least 3 points \(got 2\)/);
  });

  it('a partly bad log keeps its good lines and warns with a count', async () => {
    const lines = readFileSync(`${LOGS}gemma-2-2b-it-ppo-bsz512_4-prompt1024-resp-512-0.640.log`, 'latin1').split('\n');
    const broken = lines.map((l, i) => (i % 40 === 5 && /step:\d+ - timing/.test(l) && !/val\/test_score/.test(l) ? l.replace(/timing\/gen:[\d.]+/, 'timing/gen:1.2.3x') : l));
    const file = join(tempDir(), 'gemma-broken.log');
    writeFileSync(file, broken.join('\n'), 'latin1');
    const r = await cli('fit', file, '--json');
    assert.equal(r.code, 0);
    assert.equal(JSON.parse(r.stdout).runs[0].n, 10);
    assert.match(r.stderr, /warning: .*gemma-broken\.log.*\d+/);
  });
});
