import { usageError } from '../util/errors.ts';

/** Shape of the decoder-only transformer policy (pre-LN, learned positions, untied unembedding). */
export interface ModelConfig {
  /** Transformer blocks; defaults to 2. */
  layers: number;
  /** Residual width d_model; defaults to 64. Must be a multiple of `heads`. */
  width: number;
  /** Attention heads; defaults to 4. */
  heads: number;
  /** Longest sequence (prompt + answer) the learned positions cover; defaults to 16. */
  context: number;
  /** Vocabulary size; defaults to 16 (a task's tokenizer sets it). */
  vocab: number;
}

export const DEFAULT_MODEL: ModelConfig = { layers: 2, width: 64, heads: 4, context: 16, vocab: 16 };

/** The MLP is 4× wider than the residual stream, as in GPT-2. */
export const MLP_RATIO = 4;

/**
 * Fills defaults and checks a model shape.
 * @throws UsageError for a non-positive or non-integer size, or a width not divisible by heads.
 * @example
 * resolveModelConfig({ width: 32 }).heads // => 4
 */
export function resolveModelConfig(options: Partial<ModelConfig> = {}): ModelConfig {
  const cfg = { ...DEFAULT_MODEL, ...stripUndefined(options) };
  for (const key of ['layers', 'width', 'heads', 'context', 'vocab'] as const) {
    const v = cfg[key];
    if (!Number.isInteger(v) || v < 1) usageError(`invalid ${key}: ${v} (expected a positive integer)`);
  }
  if (cfg.width % cfg.heads !== 0) usageError(`invalid width: ${cfg.width} (expected a multiple of heads = ${cfg.heads})`);
  return cfg;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
