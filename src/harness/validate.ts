import { usageError } from '../util/errors.ts';
import type { ModelConfig } from './config.ts';
import type { Batch, SampleOptions } from './types.ts';

/**
 * Checks a batch against a model before it reaches a kernel, where an out-of-range token or position
 * would read past a table (NaN on the CPU, garbage or zeros on a GPU) instead of failing.
 * @throws UsageError naming the first problem.
 */
export function checkBatch(cfg: ModelConfig, batch: Batch): void {
  const { batchSize: B, seqLen: T } = batch;
  if (!Number.isInteger(B) || B < 1 || !Number.isInteger(T) || T < 1) usageError(`invalid batch shape: ${B} × ${T}`);
  if (T > cfg.context) usageError(`invalid batch: sequence length ${T} exceeds the model's context ${cfg.context}`);
  for (const key of ['tokens', 'targets', 'weights'] as const) {
    if (batch[key].length !== B * T) usageError(`invalid batch: ${key} has ${batch[key].length} values (expected ${B} × ${T})`);
  }
  checkTokens(cfg, batch.tokens, 'tokens');
  checkTokens(cfg, batch.targets, 'targets');
  checkWeights(batch.weights, B * T, 'weight');
  if (batch.entropyWeights) checkWeights(batch.entropyWeights, B * T, 'entropy weight');
}

/** Checks per-token weights (a batch's, or those a token loss returned): N finite numbers. @throws UsageError */
export function checkWeights(weights: Float32Array, N: number, what: string): void {
  if (weights.length !== N) usageError(`invalid batch: ${weights.length} ${what}s (expected ${N})`);
  for (let i = 0; i < weights.length; i++) {
    if (!Number.isFinite(weights[i])) usageError(`invalid batch: ${what} ${i} is ${weights[i]}`);
  }
}

/** Checks sampling inputs. @throws UsageError naming the first problem. */
export function checkSample(cfg: ModelConfig, prompts: Int32Array, promptLen: number, options: SampleOptions): void {
  const { maxNew, temperature = 1 } = options;
  if (!Number.isInteger(promptLen) || promptLen < 1 || prompts.length % promptLen !== 0 || prompts.length === 0) {
    usageError(`invalid prompts: ${prompts.length} tokens is not a positive multiple of promptLen ${promptLen}`);
  }
  if (!Number.isInteger(maxNew) || maxNew < 1) usageError(`invalid maxNew: ${maxNew} (expected a positive integer)`);
  if (promptLen + maxNew > cfg.context) usageError(`invalid maxNew: ${promptLen} + ${maxNew} tokens exceed the model's context ${cfg.context}`);
  if (!(temperature > 0) || !Number.isFinite(temperature)) usageError(`invalid temperature: ${temperature} (expected a positive number)`);
  checkTokens(cfg, prompts, 'prompts');
}

function checkTokens(cfg: ModelConfig, tokens: Int32Array, what: string): void {
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] < 0 || tokens[i] >= cfg.vocab) usageError(`invalid ${what}: token ${tokens[i]} at ${i} is outside the vocabulary of ${cfg.vocab}`);
  }
}
