import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advantages } from '../../src/harness/index.ts';
import { UsageError } from '../../src/util/errors.ts';

const close = (got: ArrayLike<number>, want: number[], tol = 1e-9, what = '') => {
  assert.equal(got.length, want.length, `${what} length`);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= tol, `${what}[${i}]: ${got[i]} vs ${want[i]}`);
};

// Three groups: four responses with scores 1, 0, 0, 1; four that all scored 1; one alone with 1.
// Two tokens per response; the first response ended after one token.
const scores = [1, 0, 0, 1, 1, 1, 1, 1, 1];
const group = [0, 0, 0, 0, 1, 1, 1, 1, 2];
const mask = [1, 0, ...new Array(16).fill(1)];

test('GRPO: (score − group mean) / (unbiased group std + 1e-6); a group of one has mean 0, std 1', () => {
  // Group 0: mean 1/2, std √(4·(1/2)²/3) = √(1/3); group 1: std 0, so 0; group 2: 1/(1 + 1e-6).
  const a = 0.5 / (Math.sqrt(1 / 3) + 1e-6), solo = 1 / (1 + 1e-6);
  const got = advantages('grpo', { scores, group, responseLen: 2, mask });
  close(got, [a, 0, -a, -a, -a, -a, a, a, 0, 0, 0, 0, 0, 0, 0, 0, solo, solo], 1e-12, 'grpo');
  // Without the std (Dr. GRPO): the centred score.
  close(advantages('grpo', { scores, group, responseLen: 1 }, { normByStd: false }), [0.5, -0.5, -0.5, 0.5, 0, 0, 0, 0, 1], 1e-12);
});

test('RLOO: the score minus the mean of the others in its group; a group of one keeps its score', () => {
  // Group 0: 1 − 1/3 = 2/3 and 0 − 2/3 = −2/3.
  const got = advantages('rloo', { scores, group, responseLen: 2, mask });
  const t = 2 / 3;
  close(got, [t, 0, -t, -t, -t, -t, t, t, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1], 1e-12, 'rloo');
});

test('REINFORCE++: discounted returns of the last-token reward, whitened over every valid token of the batch', () => {
  // Scores 1, 0, 1 on two tokens each: returns 1 1 0 0 1 1, mean 2/3, Bessel variance (12/9)/5 = 4/15.
  const s = Math.sqrt(4 / 15 + 1e-8), hi = (1 - 2 / 3) / s, lo = (0 - 2 / 3) / s;
  close(advantages('reinforce++', { scores: [1, 0, 1], group: [0, 0, 1], responseLen: 2 }), [hi, hi, lo, lo, hi, hi], 1e-12, 'γ = 1');
  // γ = 1/2 over three tokens of one valid response and one of two valid tokens: returns ¼ ½ 1 | 1 1 0(masked).
  const got = advantages('reinforce++', { scores: [1, 2], group: [0, 1], responseLen: 3, mask: [1, 1, 1, 1, 1, 0] }, { gamma: 0.5 });
  const ret = [0.25, 0.5, 1, 1, 2];
  const m = ret.reduce((a, b) => a + b) / 5, v = ret.reduce((a, b) => a + (b - m) ** 2, 0) / 4;
  const w = (x: number) => (x - m) / Math.sqrt(v + 1e-8);
  close(got, [w(0.25), w(0.5), w(1), w(1), w(2), 0], 1e-12, 'γ = 1/2');
  // The reward sits on the last token: with γ = 0 the first token's return is 0, below the batch mean 1.
  close(advantages('reinforce++', { scores: [4, 0], group: [0, 0], responseLen: 2, mask: [1, 1, 1, 1] }, { gamma: 0 }).subarray(0, 2).map((x) => Math.sign(x)), [-1, 1]);
});

test('mismatched inputs are refused', () => {
  assert.throws(() => advantages('grpo', { scores: [1, 0], group: [0], responseLen: 1 }), (e: Error) => e instanceof UsageError && /1 group ids for 2 scores/.test(e.message));
  assert.throws(() => advantages('rloo', { scores: [1], group: [0], responseLen: 2, mask: [1] }), /mask has 1 values/);
  assert.throws(() => advantages('ppo' as 'grpo', { scores: [1], group: [0], responseLen: 1 }), /unknown advantage estimator: ppo/);
});
