import { resolveModelConfig, type ModelConfig } from '../../src/harness/config.ts';
import { Rng } from '../../src/util/rng.ts';
import type { Batch, TokenLoss } from '../../src/harness/types.ts';
import { policyLoss, type PolicyLossOptions } from '../../src/harness/rl/losses.ts';

/** A model small enough for finite differences and SwiftShader, with ragged sizes (not multiples of 4 or 16). */
export const TINY: ModelConfig = resolveModelConfig({ layers: 2, width: 12, heads: 3, context: 7, vocab: 11 });

/**
 * A random batch with random per-token weights, some zero, as a policy gradient would give; with
 * `entropy`, random entropy weights as well (an entropy bonus on some tokens, a penalty on others).
 */
export function randomBatch(cfg: ModelConfig, B: number, T: number, seed: number, entropy = false): Batch {
  const rng = new Rng(seed);
  const tokens = new Int32Array(B * T).map(() => rng.int(cfg.vocab));
  const targets = new Int32Array(B * T).map(() => rng.int(cfg.vocab));
  const weights = new Float32Array(B * T).map(() => (rng.next() < 0.2 ? 0 : rng.next() * 2 - 0.5));
  const batch: Batch = { batchSize: B, seqLen: T, tokens, targets, weights };
  if (entropy) batch.entropyWeights = new Float32Array(B * T).map(() => (rng.next() < 0.3 ? 0 : rng.next() - 0.3));
  return batch;
}

/** Random parameters larger than the initialisation, so attention and norms are far from uniform. */
export function randomParams(total: number, seed: number, scale = 0.5): Float32Array {
  const rng = new Rng(seed);
  return new Float32Array(total).map(() => scale * rng.normal());
}

/** max |a − b| / max |b| over a tensor. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0, scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Each policy loss with options that make it act on small batches. */
export const LOSS_MODES: PolicyLossOptions[] = [
  { loss: 'ppo', entropyCoef: 0.05 },
  { loss: 'ppo', clipHigh: 0.28 },
  { loss: 'clip-cov', clipCovRatio: 0.2, clipCovLb: 0.05, clipCovUb: 5 },
  { loss: 'kl-cov', klCovRatio: 0.2, klCoef: 1, entropyCoef: 0.02 },
];

/** A token loss over a model's batch positions, for the backends' `gradients(batch, tokenLoss)`. */
export function modelLoss(options: PolicyLossOptions, oldLogp: number[], advantages: number[], mask: number[]): TokenLoss {
  return ({ logp, entropy }) => {
    const l = policyLoss({ logp, oldLogp, advantages, mask, entropy }, options, new Rng(3));
    return { weights: Float32Array.from(l.dlogp, (g) => -g), entropyWeights: Float32Array.from(l.dentropy, (g) => -g) };
  };
}


/**
 * The largest |central difference − gradient| of `loss` at `params` per tensor of `layout`, and the
 * largest |central difference|, over every `every`-th parameter (h = 1e-6; `params` is restored).
 */
export function finiteDifferenceErrors(
  slots: ReadonlyArray<{ name: string; offset: number; size: number }>, params: Float64Array, loss: (p: Float64Array) => number,
  grads: ArrayLike<number>, every = 1,
): Array<{ name: string; worst: number; scale: number }> {
  const h = 1e-6;
  return slots.map((slot) => {
    let worst = 0, scale = 0;
    for (let i = slot.offset; i < slot.offset + slot.size; i += every) {
      const keep = params[i];
      params[i] = keep + h;
      const up = loss(params);
      params[i] = keep - h;
      const down = loss(params);
      params[i] = keep;
      const fd = (up - down) / (2 * h);
      worst = Math.max(worst, Math.abs(fd - grads[i]));
      scale = Math.max(scale, Math.abs(fd));
    }
    return { name: slot.name, worst, scale };
  });
}
