import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SWIFTSHADER_ICD } from '../../src/harness/index.ts';
import { cli } from './run-cli.ts';

// Without a GPU the WebGPU run goes to SwiftShader; a missing adapter fails the test, never skips it.
process.env.VK_ICD_FILENAMES ??= SWIFTSHADER_ICD;

const dir = mkdtempSync(join(tmpdir(), 'entropy-law-train-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A tiny model, warm-started in a few steps, and a short run: the CI run on either device. Sorting 3
 * digits, which such a model partly learns in 60 steps, so that validation accuracy moves.
 */
const TINY_RUN = [
  '--task', 'sort', '--digits', '3', '--layers', '1', '--width', '16', '--heads', '2', '--pretrain-steps', '60', '--pretrain-target', '1',
  '--prompts', '4', '--samples', '4', '--mini-batches', '2', '--steps', '8', '--val-every', '1', '--val-size', '32',
];

for (const device of ['cpu', 'webgpu']) {
  describe(`entropy-law train --device ${device}`, () => {
    it('writes a log that fit and forecast read with no flags, model size and algorithm included', async () => {
      const runs = join(dir, `runs-${device}`), out = join(runs, `grpo-${device}`);
      const trained = await cli('train', ...TINY_RUN, '--device', device, '--algo', 'grpo', '--loss', 'kl-cov', '--out', out, '--json');
      assert.equal(trained.code, 0, trained.stderr);
      const summary = JSON.parse(trained.stdout);
      assert.equal(summary.steps, 8);
      assert.ok(existsSync(join(out, '.warm-start', 'checkpoint.safetensors')), 'pretrained first, beside the run (hidden from fit)');
      const fit = await cli('fit', runs, '--json');
      assert.equal(fit.code, 0, fit.stderr);
      const [run] = JSON.parse(fit.stdout).runs;
      assert.equal(run.run, `grpo-${device}`);
      assert.equal(run.format, 'verl-jsonl');
      assert.equal(run.entropy, 'actor/entropy');
      assert.equal(run.metric, 'val-core/sort-3d/acc/mean@1');
      assert.ok(run.n >= 5 && run.n <= 8, `${run.n} points of 8 steps`);
      assert.equal(run.meta.algorithm, 'kl-cov');
      assert.equal(run.meta.dataset, 'sort-3d');
      assert.ok(run.meta.size > 1000 && run.meta.size < 10000, `size ${run.meta.size}`);
      assert.ok(Number.isFinite(run.params.a) && Number.isFinite(run.params.b), JSON.stringify(run));
      const table = await cli('fit', runs);
      assert.match(table.stdout, new RegExp(`grpo-${device}: H = actor/entropy, R = val-core/sort-3d/acc/mean@1 \\(validation\\);.* entropy-law-transformer [0-9.]+k, kl-cov, sort-3d`));
      const forecast = await cli('forecast', runs, '--json');
      assert.equal(forecast.code, 0, forecast.stderr);
      const [f] = JSON.parse(forecast.stdout).runs;
      assert.equal(f.run, `grpo-${device}`);
      assert.ok(Number.isFinite(f.ceiling.value), JSON.stringify(f));
    });
  });
}

describe('entropy-law train --sweep', () => {
  const grid = join(dir, 'grid.yaml');
  writeFileSync(grid, [
    'train:',
    ...['task: sort', 'digits: 3', 'layers: 1', 'width: 16', 'heads: 2', 'pretrain-steps: 60', 'pretrain-target: 1', 'prompts: 4', 'samples: 4',
      'mini-batches: 2', 'steps: 4', 'val-every: 1', 'val-size: 32', 'lr: 0.01'].map((l) => `  ${l}`),
    'grid:',
    '  algo: [grpo, rloo]',
    '  method:',
    '    - {label: plain}',
    '    - {label: clip-higher, clip-high: 0.28}',
    '',
  ].join('\n'));
  const out = join(dir, 'sweep');

  it('runs the grid side by side, each run in its own folder, sharing one warm start', async () => {
    const r = await cli('train', '--sweep', grid, '--out', out, '--jobs', '2', '--json');
    assert.equal(r.code, 0, r.stderr);
    const names = ['grpo-plain', 'grpo-clip-higher', 'rloo-plain', 'rloo-clip-higher'];
    assert.deepEqual(JSON.parse(r.stdout).runs, names.map((n) => join(out, n)));
    for (const n of names) assert.ok(existsSync(join(out, n, `${n}.jsonl`)) && existsSync(join(out, n, 'config.yaml')), n);
    assert.match(readFileSync(join(out, 'grpo-clip-higher', 'config.yaml'), 'utf8'), /clip_ratio_high: 0.28/);
    const warm = readFileSync(join(out, 'rloo-plain', 'config.yaml'), 'utf8').match(/warm_start: (.+)/)![1];
    assert.equal(readFileSync(join(out, 'grpo-plain', 'config.yaml'), 'utf8').match(/warm_start: (.+)/)![1], warm);
    assert.match(r.stderr, /sweep \[#+\] 4\/4 runs, 100% of steps, done in/);
    const fit = await cli('fit', out, '--json');
    assert.equal(fit.code, 0, fit.stderr);
    assert.deepEqual(JSON.parse(fit.stdout).runs.map((x: { meta: { algorithm: string } }) => x.meta.algorithm).sort(), ['grpo', 'grpo', 'rloo', 'rloo']);
  });

  it('resumes: finished runs are kept untouched, an interrupted one is removed and run again', async () => {
    const kept = statSync(join(out, 'grpo-plain', 'grpo-plain.jsonl')).mtimeMs;
    // Interrupt rloo-clip-higher: its folder back to a half-written partial one.
    rmSync(join(out, 'rloo-clip-higher'), { recursive: true });
    mkdirSync(join(out, '.rloo-clip-higher.partial'));
    writeFileSync(join(out, '.rloo-clip-higher.partial', 'rloo-clip-higher.jsonl'), '{"step": 0, "data": {');
    const r = await cli('train', '--sweep', grid, '--out', out, '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([JSON.parse(r.stdout).trained, JSON.parse(r.stdout).kept], [1, 3]);
    assert.equal(statSync(join(out, 'grpo-plain', 'grpo-plain.jsonl')).mtimeMs, kept);
    assert.ok(!existsSync(join(out, '.rloo-clip-higher.partial')));
    const log = readFileSync(join(out, 'rloo-clip-higher', 'rloo-clip-higher.jsonl'), 'utf8').trim().split('\n');
    assert.equal(log.length, 5);
    // A sweep file that changed under a finished run is refused, not silently mixed.
    writeFileSync(grid, readFileSync(grid, 'utf8').replace('steps: 4', 'steps: 5'));
    const changed = await cli('train', '--sweep', grid, '--out', out);
    assert.equal(changed.code, 1);
    assert.match(changed.stderr, /grpo-plain: holds a run whose options differ from the sweep's grpo-plain/);
  });
});

describe('entropy-law train refuses bad usage', () => {
  it('with exit code 2 and one line', async () => {
    for (const argv of [
      ['train', '--steps', '3'],
      ['train', '--out', dir, '--loss', 'dapo'],
      ['train', '--out', dir, '--prompts', '6', '--mini-batches', '4'],
      ['train', '--out', dir, '--sweep', 'x.yaml', '--steps', '3'],
      ['train', '--out', dir, '--jobs', '2'],
    ]) {
      const r = await cli(...argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr.split('\n')[0], /^(entropy-law: )?error: |^entropy-law: /, r.stderr);
    }
    const missing = await cli('train', '--out', dir, '--sweep', join(dir, 'none.yaml'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /none\.yaml: cannot read sweep file/);
  });
});
