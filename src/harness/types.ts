import type { ModelConfig } from './config.ts';

/**
 * A batch of B sequences of length T, row-major [B, T]. Position t predicts `targets[t]` (normally the
 * token at t+1) and contributes −weights[t]·log p(targets[t]) − entropyWeights[t]·H[t] to the loss, H[t]
 * the entropy of its next-token distribution: weights 1/count on answer tokens for supervised training,
 * 0 where nothing is learned; entropy weights (absent: 0) for an entropy bonus or a confidence penalty.
 */
export interface Batch {
  batchSize: number;
  seqLen: number;
  tokens: Int32Array;
  targets: Int32Array;
  weights: Float32Array;
  entropyWeights?: Float32Array;
}

/** What a forward pass hands a `TokenLoss`: log p(target) and the entropy per position, [B·T]. */
export interface TokenOutputs {
  logp: Float32Array;
  entropy: Float32Array;
}

/**
 * A loss that depends on each position's log p(target) and entropy (a clipped policy surrogate, say).
 * Given the forward pass's outputs it returns the weights of its gradient, weights = −∂loss/∂log p and
 * entropyWeights = −∂loss/∂H per position, which replace the batch's own for the backward pass: by the
 * chain rule the gradient is then the loss's exactly, from one forward pass.
 */
export type TokenLoss = (out: TokenOutputs) => { weights: Float32Array; entropyWeights?: Float32Array };

/** Per-token outputs of a forward pass; `logits` only when asked for. */
export interface ForwardResult {
  loss: number;
  /** log p(targets[t]) per position, [B·T]. */
  logp: Float32Array;
  /** Entropy of the next-token distribution per position, [B·T]. */
  entropy: Float32Array;
  logits?: Float32Array;
}

/** AdamW hyper-parameters (Loshchilov & Hutter 2019). */
export interface AdamWOptions {
  /** Learning rate; defaults to 3e-3. */
  lr?: number;
  /** First-moment decay; defaults to 0.9. */
  beta1?: number;
  /** Second-moment decay; defaults to 0.99. */
  beta2?: number;
  /** Denominator guard; defaults to 1e-8. */
  eps?: number;
  /** Decoupled weight decay on matrices; defaults to 0.01. */
  weightDecay?: number;
}

export const DEFAULT_ADAMW: Required<AdamWOptions> = { lr: 3e-3, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.01 };

/** Options of autoregressive sampling. */
export interface SampleOptions {
  /** Tokens to generate after each prompt. */
  maxNew: number;
  /** Softmax temperature; defaults to 1. Ignored when `greedy`. */
  temperature?: number;
  /** Take the most likely token instead of sampling; defaults to false. */
  greedy?: boolean;
  /** Seed of the counter-based sampler; defaults to 0. */
  seed?: number;
}

/**
 * Generated tokens with their log-probabilities and entropies under the sampling distribution
 * (logits / temperature, as verl computes them; temperature 1 when greedy), each [count, maxNew].
 */
export interface SampleResult {
  tokens: Int32Array;
  logp: Float32Array;
  entropy: Float32Array;
}

/** Parameters and AdamW state, all over the flat layout of `paramLayout`. */
export interface PolicyState {
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
  /** AdamW steps taken (for bias correction). */
  step: number;
}

/** A policy on one device. Every method is async so the CPU and WebGPU backends are interchangeable. */
export interface Policy {
  readonly config: ModelConfig;
  readonly device: 'cpu' | 'webgpu';
  forward(batch: Batch, options?: { logits?: boolean }): Promise<ForwardResult>;
  /**
   * Loss and the gradient of every parameter (flat layout), without changing the weights; with
   * `tokenLoss`, of the loss it defines (the loss returned is then the batch's under its weights).
   */
  gradients(batch: Batch, tokenLoss?: TokenLoss): Promise<{ loss: number; grads: Float32Array }>;
  /** One AdamW step on the batch (or on `tokenLoss`, as in `gradients`); returns the loss before the step. */
  trainStep(batch: Batch, adam?: AdamWOptions, tokenLoss?: TokenLoss): Promise<{ loss: number }>;
  sample(prompts: Int32Array, promptLen: number, options: SampleOptions): Promise<SampleResult>;
  getState(): Promise<PolicyState>;
  setState(state: PolicyState): Promise<void>;
  dispose(): void;
}
