import { InputError } from '../../util/errors.ts';
import type { Kernel } from './kernel.ts';

/**
 * Compute pipelines keyed by WGSL source, so kernels of the same shape compile once. Compilation runs
 * inside a validation error scope; an error is reported as `label line:col message` lines followed by
 * the numbered source.
 */
export class PipelineCache {
  private readonly cache = new Map<string, GPUComputePipeline>();
  private static readonly perDevice = new WeakMap<GPUDevice, PipelineCache>();
  constructor(private readonly device: GPUDevice) {}

  /** The cache shared by everything running on `device`. */
  static for(device: GPUDevice): PipelineCache {
    let cache = PipelineCache.perDevice.get(device);
    if (!cache) PipelineCache.perDevice.set(device, (cache = new PipelineCache(device)));
    return cache;
  }

  get size(): number {
    return this.cache.size;
  }

  /** @throws InputError with the compiler's messages and the source when the WGSL does not compile. */
  async get(kernel: Kernel): Promise<GPUComputePipeline> {
    const hit = this.cache.get(kernel.code);
    if (hit) return hit;
    const device = this.device;
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ label: kernel.label, code: kernel.code });
    const info = await module.getCompilationInfo();
    const pipeline = device.createComputePipeline({ label: kernel.label, layout: 'auto', compute: { module, entryPoint: 'main' } });
    const error = await device.popErrorScope();
    const messages = info.messages.filter((m) => m.type === 'error');
    if (messages.length || error) {
      const lines = messages.map((m) => `${kernel.label} ${m.lineNum}:${m.linePos} ${m.message}`);
      if (!lines.length && error) lines.push(`${kernel.label}: ${error.message}`);
      throw new InputError(`${lines.join('\n')}\n${numbered(kernel.code)}`);
    }
    this.cache.set(kernel.code, pipeline);
    return pipeline;
  }
}

function numbered(code: string): string {
  return code.split('\n').map((l, i) => `${String(i + 1).padStart(4)} | ${l}`).join('\n');
}
