import { usageError } from '../util/errors.ts';
import { MLP_RATIO, type ModelConfig } from './config.ts';

/** One parameter tensor inside the flat parameter vector. */
export interface TensorSlot {
  name: string;
  shape: number[];
  /** Offset in floats; a multiple of `ALIGN` so WebGPU can bind each tensor as its own range. */
  offset: number;
  size: number;
  /** Whether AdamW's decoupled weight decay applies (matrices yes; biases and norm gains no). */
  decay: boolean;
}

/** The parameters of one transformer block. */
export interface BlockSlots {
  ln1g: TensorSlot; ln1b: TensorSlot; wqkv: TensorSlot; bqkv: TensorSlot; wo: TensorSlot; bo: TensorSlot;
  ln2g: TensorSlot; ln2b: TensorSlot; w1: TensorSlot; b1: TensorSlot; w2: TensorSlot; b2: TensorSlot;
}

export interface ParamLayout {
  wte: TensorSlot; wpe: TensorSlot; blocks: BlockSlots[]; lnfg: TensorSlot; lnfb: TensorSlot; wout: TensorSlot;
  /** Every slot in storage order. */
  slots: TensorSlot[];
  /** Length of the flat vector, padding included. */
  total: number;
}

/**
 * 64 floats = 256 bytes, WebGPU's largest allowed `minStorageBufferOffsetAlignment`: every tensor can be
 * bound at its own offset of the one parameter buffer.
 */
export const ALIGN = 64;

/**
 * Lays the parameters out in one flat vector. Linear weights are stored [out, in], so a layer is
 * y = x·Wᵀ + b.
 * @example
 * paramLayout({ layers: 1, width: 8, heads: 2, context: 4, vocab: 5 }).wte.shape // => [5, 8]
 */
export function paramLayout(cfg: ModelConfig): ParamLayout {
  const slots: TensorSlot[] = [];
  let offset = 0;
  const add = (name: string, shape: number[], decay: boolean): TensorSlot => {
    const size = shape.reduce((a, b) => a * b, 1);
    const slot = { name, shape, offset, size, decay };
    slots.push(slot);
    offset += Math.ceil(size / ALIGN) * ALIGN;
    return slot;
  };
  const D = cfg.width, F = MLP_RATIO * cfg.width;
  const wte = add('wte', [cfg.vocab, D], true);
  const wpe = add('wpe', [cfg.context, D], true);
  const blocks: BlockSlots[] = [];
  for (let l = 0; l < cfg.layers; l++) {
    const p = `h${l}.`;
    blocks.push({
      ln1g: add(p + 'ln1.g', [D], false), ln1b: add(p + 'ln1.b', [D], false),
      wqkv: add(p + 'attn.wqkv', [3 * D, D], true), bqkv: add(p + 'attn.bqkv', [3 * D], false),
      wo: add(p + 'attn.wo', [D, D], true), bo: add(p + 'attn.bo', [D], false),
      ln2g: add(p + 'ln2.g', [D], false), ln2b: add(p + 'ln2.b', [D], false),
      w1: add(p + 'mlp.w1', [F, D], true), b1: add(p + 'mlp.b1', [F], false),
      w2: add(p + 'mlp.w2', [D, F], true), b2: add(p + 'mlp.b2', [D], false),
    });
  }
  const lnfg = add('lnf.g', [D], false), lnfb = add('lnf.b', [D], false);
  const wout = add('wout', [cfg.vocab, D], true);
  return { wte, wpe, blocks, lnfg, lnfb, wout, slots, total: offset };
}

/** Checks that a policy state fits a layout of `total` floats. */
export function checkState(state: { params: ArrayLike<number>; m: ArrayLike<number>; v: ArrayLike<number>; step: number }, total: number): void {
  for (const key of ['params', 'm', 'v'] as const) {
    if (state[key].length !== total) usageError(`invalid state: ${key} has ${state[key].length} values (expected ${total} for this model)`);
  }
  if (!Number.isInteger(state.step) || state.step < 0) usageError(`invalid state: step ${state.step} (expected a non-negative integer)`);
}
