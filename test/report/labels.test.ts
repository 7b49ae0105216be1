import { test } from 'node:test';
import assert from 'node:assert/strict';
import { middleEllipsis, modelGroup, runLabels, shortKey, sizeText, titleLines } from '../../src/report/index.ts';

const REAL = ['Qwen2.5-0.5B-bsz256_2-prompt1024-resp512-0.567', 'Qwen2.5-0.5B-bsz256_2-prompt512-resp256-0.538', 'gemma-2-2b-it-ppo-bsz512_4-prompt1024-resp-512-0.640'];

test('runLabels: names that differ only in the middle are shown by their differing part', () => {
  // The two Qwen logs share their start; cut at the legend's width they read "…prompt1…" and "…prompt5…".
  assert.deepEqual(runLabels(REAL.slice(0, 2)), ['…prompt1024-resp512-0.567', '…prompt512-resp256-0.538']);
  // With gemma, which shares nothing with them, each Qwen still drops what it shares with the other.
  assert.deepEqual(runLabels(REAL), ['…prompt1024-resp512-0.567', '…prompt512-resp256-0.538', 'gemma-2-2b-it-ppo-bsz512_4-prom…']);
  // Settings every run has are left out wherever they are; what differs stays, in order.
  const sweep = ['grpo', 'rloo'].flatMap((algo) => [1, 2].map((seed) => `qwen2.5-7b-${algo}-lr1e-6-kl0.001-seed${seed}-prompt1024-resp2048-bsz256`));
  assert.deepEqual(runLabels(sweep), ['…grpo…seed1…', '…grpo…seed2…', '…rloo…seed1…', '…rloo…seed2…']);
  // Decimals are never split ("0.5B", "kl0.001" stay whole) and a short shared token ("2-") is kept.
  assert.ok(runLabels(REAL).every((l) => !/…\d|\d…/.test(l.replace(/^…|…$/g, ''))));
});

test('runLabels: short names stay whole; collisions fall back to full names, repeats get #n', () => {
  assert.deepEqual(runLabels(['run-000', 'run-001']), ['run-000', 'run-001']);
  assert.deepEqual(runLabels(['a', 'a', 'b']), ['a', 'a #2', 'b']);
  const long = 'x'.repeat(40);
  assert.deepEqual(runLabels([long, long]), [long, `${long} #2`]);
  const labels = runLabels(Array.from({ length: 30 }, (_, i) => `llama3.2-3b-reinforce++-lr1e-6-kl0.001-seed${i}-prompt1024-resp2048-bsz256`));
  assert.equal(new Set(labels).size, 30);
  assert.ok(labels.every((l) => l.length <= 32));
});

test('shortKey keeps the last path segments that fit; a mean says how many keys', () => {
  assert.equal(shortKey('val/acc'), 'val/acc');
  assert.equal(shortKey('val/test_score/openai/gsm8k'), '…/openai/gsm8k');
  assert.equal(shortKey('val-core/openai/gsm8k/acc/mean@1'), '…/gsm8k/acc/mean@1');
  assert.equal(shortKey('mean(val-core/openai/gsm8k/acc/mean@1, val-core/lighteval/MATH/acc/mean@1)'), 'mean of 2 keys');
  assert.equal(shortKey('x'.repeat(40)), `…${'x'.repeat(19)}`);
});

test('titleLines breaks a title after separators, never cutting it', () => {
  assert.deepEqual(titleLines(REAL[0], 30), ['Qwen2.5-0.5B-bsz256_2-', 'prompt1024-resp512-0.567']);
  assert.equal(titleLines(REAL[0], 30).join(''), REAL[0]);
  assert.deepEqual(titleLines('short'), ['short']);
  assert.deepEqual(titleLines('x'.repeat(45), 20), ['x'.repeat(20), 'x'.repeat(20), 'x'.repeat(5)]);
});

test('middleEllipsis, sizeText and modelGroup', () => {
  assert.equal(middleEllipsis('abcdefghij', 5), 'ab…ij');
  assert.equal(middleEllipsis('abc', 5), 'abc');
  assert.deepEqual([sizeText(7e9), sizeText(5e8), sizeText(1.5e9), sizeText(undefined)], ['7B', '0.5B', '1.5B', undefined]);
  assert.equal(modelGroup({ model: 'qwen2.5', size: 7e9 }), 'qwen2.5 7B');
  assert.equal(modelGroup({ model: 'qwen2.5' }), 'qwen2.5');
  assert.equal(modelGroup({ size: 7e9 }), null);
});
