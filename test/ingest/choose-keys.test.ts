import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseKeys, InputError, parseValCoreKey, toSeries, Warnings } from './imports.ts';
import type { RawRun } from './imports.ts';

/** A run from `{step: {key: value}}`. */
function run(steps: Record<number, Record<string, number>>, source = 'run.log'): RawRun {
  return {
    id: 'r',
    source,
    format: 'verl-console',
    steps: new Map(Object.entries(steps).map(([s, m]) => [Number(s), new Map(Object.entries(m))])),
  };
}

describe('parseValCoreKey', () => {
  it('parses from the right so the data source may contain /', () => {
    assert.deepEqual(parseValCoreKey('val-core/openai/gsm8k/acc/mean@16'), {
      key: 'val-core/openai/gsm8k/acc/mean@16',
      source: 'openai/gsm8k',
      variable: 'acc',
      n: 16,
    });
    assert.equal(parseValCoreKey('val-core/a/b/c/reward/mean@2')?.source, 'a/b/c');
    assert.equal(parseValCoreKey('val-core/openai/gsm8k/acc/best@4/mean'), undefined);
    assert.equal(parseValCoreKey('val-core/openai/gsm8k/acc/std@4'), undefined);
    assert.equal(parseValCoreKey('val-aux/openai/gsm8k/acc/mean@4'), undefined);
  });
});

describe('chooseKeys', () => {
  it('prefers val-core accuracy with the largest mean@N, averaging several data sources', () => {
    const r = run({
      0: {
        'actor/entropy': 0.5,
        'actor/entropy_loss': 0.9,
        'val-core/openai/gsm8k/acc/mean@1': 0.4,
        'val-core/openai/gsm8k/acc/mean@16': 0.5,
        'val-core/openai/gsm8k/acc/best@16/mean': 0.9,
        'val-core/lighteval/MATH/sub/acc/mean@4': 0.2,
        'val-core/lighteval/MATH/sub/reward/mean@8': 0.7,
        'val/test_score/openai/gsm8k': 0.1,
        'critic/score/mean': 0.3,
      },
    });
    const choice = chooseKeys(r);
    assert.deepEqual(choice, {
      entropyKey: 'actor/entropy',
      metric: 'mean(val-core/openai/gsm8k/acc/mean@16, val-core/lighteval/MATH/sub/acc/mean@4)',
      metricKeys: ['val-core/openai/gsm8k/acc/mean@16', 'val-core/lighteval/MATH/sub/acc/mean@4'],
      metricKind: 'validation',
    });
    const s = toSeries(r, choice);
    assert.deepEqual([...s.metric], [(0.5 + 0.2) / 2]);
  });

  it('falls back to val-core reward when no source has acc', () => {
    const choice = chooseKeys(run({ 1: { 'actor/entropy': 0.5, 'val-core/x/y/reward/mean@2': 0.3, 'val-core/x/y/reward/mean@8': 0.4 } }));
    assert.equal(choice.metric, 'val-core/x/y/reward/mean@8');
    assert.equal(choice.metricKind, 'validation');
  });

  it('uses the legacy entropy_loss and val/test_score keys (mean over sources) of verl before April 2025', () => {
    const choice = chooseKeys(run({ 9: { 'actor/entropy_loss': 0.5, 'val/test_score/openai/gsm8k': 0.3, 'val/test_score/math': 0.1, 'critic/score/mean': 0.2 } }));
    assert.deepEqual(choice, {
      entropyKey: 'actor/entropy_loss',
      metric: 'mean(val/test_score/openai/gsm8k, val/test_score/math)',
      metricKeys: ['val/test_score/openai/gsm8k', 'val/test_score/math'],
      metricKind: 'legacy-validation',
    });
  });

  it('falls back to the training reward with a warning', () => {
    const warnings = new Warnings();
    const choice = chooseKeys(run({ 1: { 'actor/entropy': 0.5, 'critic/rewards/mean': 0.2, 'critic/score/mean': 0.3 } }, 'train.log'), { warnings });
    assert.equal(choice.metric, 'critic/score/mean');
    assert.equal(choice.metricKind, 'train-reward');
    assert.equal(warnings.size, 1);
    assert.match(warnings.list()[0], /^train\.log: .*training reward 'critic\/score\/mean', which is not downstream performance/);
    assert.equal(chooseKeys(run({ 1: { entropy: 0.5, reward: 0.2 } })).metric, 'reward');
  });

  it('takes user keys as given (kind user) and names a missing one with the file', () => {
    const r = run({ 1: { 'actor/entropy': 0.5, 'my/acc': 0.2, 'val-core/a/acc/mean@1': 0.1 }, 2: { ent2: 0.4 } }, 'logs/a.log');
    assert.deepEqual(chooseKeys(r, { entropy: 'ent2', metric: 'my/acc' }), {
      entropyKey: 'ent2',
      metric: 'my/acc',
      metricKeys: ['my/acc'],
      metricKind: 'user',
    });
    assert.throws(() => chooseKeys(r, { metric: 'val/acc' }), (e: unknown) => e instanceof InputError && /^logs\/a\.log: metric key 'val\/acc' not found/.test(e.message));
    assert.throws(() => chooseKeys(r, { entropy: 'nope' }), (e: unknown) => e instanceof InputError && /^logs\/a\.log: entropy key 'nope' not found/.test(e.message));
  });

  it('throws an InputError listing some keys when nothing is usable', () => {
    assert.throws(() => chooseKeys(run({ 1: { 'actor/entropy': 0.5, loss: 1 } }, 'x.csv')), /^InputError: x\.csv: no metric for R .*keys: actor\/entropy, loss\)$/);
    assert.throws(() => chooseKeys(run({ 1: { acc: 0.5 } }, 'x.csv')), /^InputError: x\.csv: no entropy key .*keys: acc\)$/);
  });
});

describe('toSeries', () => {
  it('keeps the steps with entropy and every metric key, sorted by step', () => {
    const r = run({ 20: { h: 0.2, a: 0.5, b: 0.7 }, 0: { a: 0.1, b: 0.1 }, 10: { h: 0.3, a: 0.4 }, 5: { h: 0.4, a: 0.3, b: 0.5 } });
    const s = toSeries(r, { entropyKey: 'h', metric: 'mean(a, b)', metricKeys: ['a', 'b'], metricKind: 'validation' });
    assert.equal(s.run, 'r');
    assert.deepEqual([...s.step], [5, 20]);
    assert.deepEqual([...s.entropy], [0.4, 0.2]);
    assert.deepEqual([...s.metric], [0.4, 0.6]);
    assert.ok(s.step instanceof Float64Array && s.metric instanceof Float64Array);
  });
});
