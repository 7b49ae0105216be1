import type { RunSeries } from '../ingest/types.ts';
import { Rng } from '../util/rng.ts';

/** Parameters of a synthetic run that follows the law exactly, up to Gaussian noise. */
export interface SyntheticRunOptions {
  /** Run id. Defaults to 'synthetic'. */
  run?: string;
  /** Law coefficients: R = −a·exp(H) + b. Default a = 0.3, b = 0.9. */
  a?: number;
  b?: number;
  /** Entropy at step 0, its floor and the decay time in steps: H(t) = floor + (h0 − floor)·exp(−t/tau). Defaults 0.6, 0.05, 80. */
  h0?: number;
  floor?: number;
  tau?: number;
  /** Number of points and the step spacing. Defaults 40 and 10 (steps 10, 20, …). */
  points?: number;
  every?: number;
  /** Noise standard deviations of single readings of H and R. Defaults 0.01 and 0.01. */
  noiseH?: number;
  noiseR?: number;
  /** Seed of the noise. Defaults to 1. */
  seed?: number;
  /**
   * Format learning: the first `formatPoints` points have R lowered by `formatDrop` (linearly fading out),
   * as when a model first learns the answer format. Defaults 0 (none) and 0.3.
   */
  formatPoints?: number;
  formatDrop?: number;
}

/**
 * A seeded synthetic run with known truth, for tests, backtests and calibration checks: entropy decays
 * exponentially to a floor, R follows the entropy law at the *noisy* entropy (as in real logs, where R
 * responds to the policy's actual entropy), plus reading noise on R.
 * @example syntheticRun({ seed: 2 }).metric.length // => 40
 */
export function syntheticRun(options: SyntheticRunOptions = {}): RunSeries {
  const {
    run = 'synthetic',
    a = 0.3,
    b = 0.9,
    h0 = 0.6,
    floor = 0.05,
    tau = 80,
    points = 40,
    every = 10,
    noiseH = 0.01,
    noiseR = 0.01,
    seed = 1,
    formatPoints = 0,
    formatDrop = 0.3,
  } = options;
  const rng = new Rng(seed);
  const step = new Float64Array(points);
  const entropy = new Float64Array(points);
  const metric = new Float64Array(points);
  for (let i = 0; i < points; i++) {
    const t = (i + 1) * every;
    step[i] = t;
    entropy[i] = Math.max(0, floor + (h0 - floor) * Math.exp(-t / tau) + noiseH * rng.normal());
    metric[i] = b - a * Math.exp(entropy[i]) + noiseR * rng.normal();
    if (i < formatPoints) metric[i] -= formatDrop * (1 - i / formatPoints);
  }
  return { run, step, entropy, metric };
}
