import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { harness, InputError } from '../../src/index.ts';

describe('planSweep', () => {
  it('plans the product of one grid, the first axis varying slowest', () => {
    const runs = harness.planSweep('train: {steps: 3}\ngrid:\n  algo: [grpo, rloo]\n  seed: [0, 1]\n');
    assert.deepEqual(runs.map((r) => r.name), ['grpo-seed0', 'grpo-seed1', 'rloo-seed0', 'rloo-seed1']);
    assert.ok(runs.every((r) => r.options.steps === 3));
  });

  it('plans a list of grids one after another, each with the shared options', () => {
    const text = [
      'train: {steps: 3, task: add}',
      'grid:',
      '  - method: [{label: grpo}, {label: kl-cov, loss: kl-cov}]',
      '    seed: [0, 1]',
      '  - method: [{label: kl-cov-k0.2, loss: kl-cov, kl-cov-ratio: 0.2}]',
      '    seed: [0]',
    ].join('\n');
    const runs = harness.planSweep(text, 'x.yaml');
    assert.deepEqual(runs.map((r) => r.name), ['grpo-seed0', 'grpo-seed1', 'kl-cov-seed0', 'kl-cov-seed1', 'kl-cov-k0.2-seed0']);
    const last = runs.at(-1)!.options;
    assert.equal(last.loss, 'kl-cov');
    assert.equal(last.klCovRatio, 0.2);
    assert.equal(last.steps, 3);
    assert.equal(runs[2].options.klCovRatio, undefined);
  });

  it('refuses a run named twice across grids, and a grid that is not a mapping', () => {
    assert.throws(() => harness.planSweep('grid:\n  - seed: [0]\n  - seed: [0]\n', 'x.yaml'), /x\.yaml: two runs are both named seed0/);
    assert.throws(() => harness.planSweep('grid:\n  - [1, 2]\n', 'x.yaml'), (e: unknown) => e instanceof InputError && /`grid\[0\]` must be a mapping of axes/.test(e.message));
    assert.throws(() => harness.planSweep('grid: []\n', 'x.yaml'), /`grid` must be a mapping of axes, or a list/);
  });
});
