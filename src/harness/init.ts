import type { ModelConfig } from './config.ts';
import { paramLayout } from './layout.ts';
import { Rng } from '../util/rng.ts';

/**
 * GPT-2 initialisation: weights N(0, 0.02²), the two projections that write into the residual stream
 * scaled by 1/√(2·layers) so its variance does not grow with depth; norm gains 1, biases 0.
 * @example
 * initParams({ layers: 1, width: 8, heads: 2, context: 4, vocab: 5 }, 1).length // => 1600
 */
export function initParams(cfg: ModelConfig, seed: number): Float32Array {
  const layout = paramLayout(cfg);
  const p = new Float32Array(layout.total);
  const rng = new Rng(seed);
  for (const slot of layout.slots) {
    const isGain = slot.name.endsWith('.g');
    const isBias = slot.shape.length === 1 && !isGain;
    const residualOut = slot.name.endsWith('attn.wo') || slot.name.endsWith('mlp.w2');
    const std = 0.02 * (residualOut ? 1 / Math.sqrt(2 * cfg.layers) : 1);
    for (let i = 0; i < slot.size; i++) {
      p[slot.offset + i] = isGain ? 1 : isBias ? 0 : std * rng.normal();
    }
  }
  return p;
}
