import { usageError } from '../util/errors.ts';
import { resolveModelConfig, type ModelConfig } from './config.ts';
import { CpuPolicy } from './cpu/backend.ts';
import type { Policy } from './types.ts';
import { GpuPolicy } from './webgpu/backend.ts';

/** The devices a policy can run on. */
export type DeviceName = 'cpu' | 'webgpu';

/**
 * A freshly initialised policy on `device`; the same seed gives the same initial weights on both.
 * `threads` (CPU only; defaults to 1) splits each batch over that many worker threads.
 * @throws UsageError for an unknown device or a bad model shape; InputError when WebGPU has no adapter.
 * @example
 * const policy = await createPolicy('cpu', { vocab: 12 }, 0); policy.device // => 'cpu'
 */
export async function createPolicy(device: string, model: Partial<ModelConfig>, seed: number, options: { threads?: number } = {}): Promise<Policy> {
  const config = resolveModelConfig(model);
  if (device === 'cpu') return new CpuPolicy(config, seed, options);
  if (device === 'webgpu') return GpuPolicy.create(config, seed);
  return usageError(`invalid device: ${device} (expected cpu or webgpu)`);
}
