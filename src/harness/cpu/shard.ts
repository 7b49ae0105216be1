import type { ModelConfig } from '../config.ts';
import type { ParamLayout } from '../layout.ts';
import { hashUniform } from '../../util/rng.ts';
import { drawToken } from '../sampling.ts';
import type { SampleOptions, SampleResult } from '../types.ts';
import { decodeWithCache } from './decode.ts';
import { backward, forward, reweight, type ForwardCache } from './model.ts';

const f32 = (n: number) => new Float32Array(n);

/** Rows of a batch for one shard: tokens, targets and weights [B, T]. */
export interface ShardBatch {
  B: number;
  T: number;
  tokens: Int32Array;
  targets: Int32Array;
  weights: Float32Array;
  entropyWeights?: Float32Array;
}

/** What a shard's forward pass returns. */
export interface ShardForward {
  loss: number;
  logp: Float32Array;
  entropy: Float32Array;
  logits?: Float32Array;
}

/**
 * The CPU backend's work on a slice of a batch's rows, over parameters it reads but never writes: the
 * same code runs in the calling thread (one thread) or in a worker (several, see `cpu/shards.ts`).
 * `forward` keeps its activations so that `backward` can follow with weights computed from its output.
 */
export class ShardRunner {
  private cache: { c: ForwardCache; tokens: Int32Array; targets: Int32Array } | null = null;

  constructor(readonly config: ModelConfig, readonly layout: ParamLayout, readonly params: Float32Array) {}

  forward(b: ShardBatch, keep: boolean, withLogits = false): ShardForward {
    const c = forward(this.config, this.layout, this.params, b.tokens, b.targets, b.weights, b.B, b.T, f32, b.entropyWeights ?? null);
    this.cache = keep ? { c, tokens: b.tokens, targets: b.targets } : null;
    const out: ShardForward = { loss: c.loss, logp: c.logp as Float32Array, entropy: c.entropy as Float32Array };
    if (withLogits) out.logits = c.logits as Float32Array;
    return out;
  }

  /** The gradient of the kept forward pass's loss, or of the loss under new per-token weights. */
  backward(weights?: Float32Array, entropyWeights?: Float32Array): { loss: number; grads: Float32Array } {
    if (!this.cache) throw new Error('shard backward without a kept forward pass');
    const { c, tokens, targets } = this.cache;
    this.cache = null;
    if (weights) reweight(this.config, c, targets, weights, entropyWeights ?? null);
    return { loss: c.loss, grads: backward(this.config, this.layout, this.params, tokens, c, f32) as Float32Array };
  }

  /**
   * Samples continuations of `count` prompts; `rowOffset` is the index of the first prompt in the whole
   * batch, so each row draws the same uniforms (hashUniform(seed, row, step)) whichever shard it is in.
   */
  sample(prompts: Int32Array, promptLen: number, options: SampleOptions, rowOffset: number): SampleResult {
    const { maxNew, temperature = 1, greedy = false, seed = 0 } = options;
    const count = prompts.length / promptLen, V = this.config.vocab;
    const out: SampleResult = { tokens: new Int32Array(count * maxNew), logp: f32(count * maxNew), entropy: f32(count * maxNew) };
    decodeWithCache(this.config, this.layout, this.params, prompts, count, promptLen, maxNew, (logits, offset, b, s) => {
      const d = drawToken(logits, offset, V, temperature, greedy, hashUniform(seed, rowOffset + b, s));
      out.tokens[b * maxNew + s] = d.token;
      out.logp[b * maxNew + s] = d.logp;
      out.entropy[b * maxNew + s] = d.entropy;
      return d.token;
    });
    return out;
  }
}
