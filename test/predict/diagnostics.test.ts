import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { fitEntropyLaw } from '../../src/fit/entropy-law.ts';
import { ingest } from '../../src/ingest/index.ts';
import type { RunSeries } from '../../src/ingest/types.ts';
import { detectBurnIn, theilSen } from '../../src/predict/burn-in.ts';
import { entropyRangeWarning, entropyRisingWarning, formatLearningWarning, lateRegimeWarning } from '../../src/predict/diagnostics.ts';
import { modelRun } from '../../src/predict/run-model.ts';
import { syntheticRun } from '../../src/predict/synthetic.ts';
import { REAL_LOGS, assertClose } from '../helpers.ts';

const codes = (s: RunSeries, options = {}): string[] => modelRun(s, options).warnings.map((w) => w.code);

test('Theil–Sen ignores a wild point that ordinary least squares follows', () => {
  const x = [1, 2, 3, 4, 5, 6, 7];
  const y = x.map((v) => 2 * v + 1);
  y[0] = -40;
  const { slope, intercept } = theilSen(x, y);
  assertClose(slope, 2, { rtol: 1e-12 });
  assertClose(intercept, 1, { rtol: 1e-12 });
});

test('burn-in: crafted format-learning points are found, clean runs lose none', () => {
  // R follows 0.9 − 0.3·exp(H) except the first two points, 0.3 and 0.15 below it at nearly the same H.
  const entropy = [0.55, 0.54, 0.45, 0.38, 0.32, 0.27, 0.23, 0.2, 0.17, 0.15, 0.13, 0.12];
  const noise = [0, 0, 0.004, -0.003, 0.002, -0.004, 0.003, 0, -0.002, 0.004, -0.001, 0.002];
  const metric = entropy.map((h, i) => 0.9 - 0.3 * Math.exp(h) + noise[i]);
  metric[0] -= 0.3;
  metric[1] -= 0.15;
  assert.equal(detectBurnIn(entropy, metric), 2);
  assert.equal(detectBurnIn(entropy, metric, { maxFraction: 0.1 }), 2, 'stops once 10% (1.2 points) is passed');
  assert.equal(detectBurnIn(entropy.slice(0, 6), metric.slice(0, 6)), 1, 'the second point has only 4 reference points after it');
  assert.equal(detectBurnIn(entropy.slice(0, 5), metric.slice(0, 5)), 0, 'too few reference points');
  for (let seed = 1; seed <= 10; seed++) assert.equal(detectBurnIn(syntheticRun({ seed }).entropy, syntheticRun({ seed }).metric), 0);
  const w = formatLearningWarning({ step: [10, 20, 30], entropy, metric }, 2);
  assert.equal(w?.code, 'format-learning');
  assert.match(w!.message, /first 2 point\(s\) \(steps 10–20\)/);
  assert.equal(formatLearningWarning({ step: [10], entropy, metric }, 0), null);
});

test('entropy rising is flagged (slope of the latest half, or a rising curve); decay is not', () => {
  const step = Array.from({ length: 20 }, (_, i) => 10 * (i + 1));
  const falling = { step, entropy: step.map((t) => 0.1 + 0.4 * Math.exp(-t / 50)), metric: step.map(() => 0) };
  assert.equal(entropyRisingWarning(falling), null);
  const wiggle = [0.002, -0.001, 0.001, -0.002, 0.0015, -0.0005, 0.001, -0.001, 0.002, -0.002];
  const rising = { ...falling, entropy: step.map((t, i) => 0.2 + 0.0004 * t + wiggle[i % 10]) };
  assert.equal(entropyRisingWarning(rising)?.code, 'entropy-rising');
  // Through the model too: a synthetic run whose entropy climbs to a plateau.
  const run = syntheticRun({ h0: 0.1, floor: 0.5, seed: 2 });
  assert.ok(codes(run).includes('entropy-rising'));
  assert.ok(!codes(syntheticRun({ seed: 2 })).includes('entropy-rising'));
});

test('too little entropy range, and no slope at all, are flagged', () => {
  const entropy = [0.3, 0.301, 0.299, 0.3, 0.302, 0.298, 0.301];
  const metric = [0.5, 0.52, 0.49, 0.51, 0.5, 0.52, 0.49];
  const w = entropyRangeWarning(fitEntropyLaw(entropy, metric), entropy);
  assert.ok(w && (w.code === 'low-entropy-range' || w.code === 'no-entropy-slope'));
  const down = [0.5, 0.4, 0.3, 0.2, 0.1];
  assert.equal(entropyRangeWarning(fitEntropyLaw(down, [0.1, 0.2, 0.3, 0.4, 0.5].reverse()), down)?.code, 'no-entropy-slope');
  const good = syntheticRun({ seed: 3 });
  assert.equal(entropyRangeWarning(fitEntropyLaw(good.entropy, good.metric), good.entropy), null);
});

test('a late regime change is flagged; a run that follows the law is not', () => {
  const run = syntheticRun({ seed: 4, points: 40 });
  const shifted = { ...run, metric: run.metric.map((r, i) => (i >= 32 ? r + 0.08 : r)) };
  const fitFirst = (s: RunSeries) => (k: number) => fitEntropyLaw(s.entropy.subarray(0, k), s.metric.subarray(0, k));
  const w = lateRegimeWarning(shifted, fitFirst(shifted));
  assert.equal(w?.code, 'late-regime-change');
  assert.match(w!.message, /from step 330 .* above/);
  assert.equal(lateRegimeWarning(run, fitFirst(run)), null);
  assert.ok(codes(shifted).includes('late-regime-change'));
});

let real: RunSeries[] = [];
before(async () => {
  real = (await ingest([REAL_LOGS])).series;
});

test('real logs: the Qwen2.5-0.5B runs start with format learning (2 points), gemma does not', () => {
  const byId = new Map(real.map((s) => [s.run, s]));
  for (const id of ['Qwen2.5-0.5B-bsz256_2-prompt1024-resp512-0.567', 'Qwen2.5-0.5B-bsz256_2-prompt512-resp256-0.538']) {
    const s = byId.get(id)!;
    assert.equal(detectBurnIn(s.entropy, s.metric), 2, id);
    // Detected from the early points alone, as a live forecast would see them (first 15%: 7 points).
    assert.equal(detectBurnIn(s.entropy.subarray(0, 7), s.metric.subarray(0, 7)), 2, `${id} early`);
    assert.ok(codes(s).includes('format-learning'));
  }
  const gemma = byId.get('gemma-2-2b-it-ppo-bsz512_4-prompt1024-resp-512-0.640')!;
  assert.equal(detectBurnIn(gemma.entropy, gemma.metric), 0);
});
