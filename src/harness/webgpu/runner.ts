import type { Kernel } from './kernel.ts';
import type { PipelineCache } from './pipeline-cache.ts';

/** A range of a buffer, as bound to one @binding. */
export interface BufferRange { buffer: GPUBuffer; offset: number; size: number }

/** A recorded command: a compiled dispatch, a buffer copy, or a clear. */
export type Step =
  | { kind: 'dispatch'; label: string; pipeline: GPUComputePipeline; bindGroup: GPUBindGroup; dispatch: [number, number, number] }
  | { kind: 'copy'; from: BufferRange; to: BufferRange }
  | { kind: 'clear'; target: BufferRange };

/** The whole of a buffer as a range. */
export function whole(buffer: GPUBuffer): BufferRange {
  return { buffer, offset: 0, size: buffer.size };
}

/** Compiles a kernel description (through the cache) and binds its buffers, ready to encode. */
export async function compile(device: GPUDevice, cache: PipelineCache, kernel: Kernel, ranges: BufferRange[]): Promise<Step> {
  if (kernel.uniform) {
    const u = device.createBuffer({ label: `${kernel.label} uniform`, size: Math.ceil(kernel.uniform.byteLength / 16) * 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    upload(device, u, kernel.uniform);
    ranges = [...ranges, whole(u)];
  }
  if (ranges.length !== kernel.bindings.length) {
    // Reached only by a wiring mistake inside the harness, never by user input.
    throw new Error(`${kernel.label}: ${ranges.length} buffers for ${kernel.bindings.length} bindings`);
  }
  const pipeline = await cache.get(kernel);
  const bindGroup = device.createBindGroup({
    label: kernel.label,
    layout: pipeline.getBindGroupLayout(0),
    entries: ranges.map((r, i) => ({ binding: i, resource: { buffer: r.buffer, offset: r.offset, size: r.size } })),
  });
  return { kind: 'dispatch', label: kernel.label, pipeline, bindGroup, dispatch: kernel.dispatch };
}

/** Encodes steps in order; consecutive dispatches share one compute pass. */
export function encode(encoder: GPUCommandEncoder, steps: Step[]): void {
  let pass: GPUComputePassEncoder | null = null;
  for (const s of steps) {
    if (s.kind === 'dispatch') {
      pass ??= encoder.beginComputePass();
      pass.setPipeline(s.pipeline);
      pass.setBindGroup(0, s.bindGroup);
      pass.dispatchWorkgroups(...s.dispatch);
      continue;
    }
    pass?.end();
    pass = null;
    if (s.kind === 'copy') encoder.copyBufferToBuffer(s.from.buffer, s.from.offset, s.to.buffer, s.to.offset, s.from.size);
    else encoder.clearBuffer(s.target.buffer, s.target.offset, s.target.size);
  }
  pass?.end();
}

/** Copies ranges to mappable buffers and reads them back as float32 (or int32 views of the same bytes). */
export async function readBack(device: GPUDevice, ranges: BufferRange[]): Promise<Float32Array[]> {
  const encoder = device.createCommandEncoder();
  const staging = ranges.map((r) => {
    const s = device.createBuffer({ size: r.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    encoder.copyBufferToBuffer(r.buffer, r.offset, s, 0, r.size);
    return s;
  });
  device.queue.submit([encoder.finish()]);
  return Promise.all(staging.map(async (s) => {
    await s.mapAsync(GPUMapMode.READ);
    const out = new Float32Array(s.getMappedRange().slice(0));
    s.unmap();
    s.destroy();
    return out;
  }));
}

/** A storage buffer of `bytes` (rounded up to 4), optionally filled. */
export function storageBuffer(device: GPUDevice, bytes: number, label: string, data?: ArrayBufferView): GPUBuffer {
  const buffer = device.createBuffer({
    label,
    size: Math.max(4, Math.ceil(bytes / 4) * 4),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  if (data) device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
  return buffer;
}

/** Writes a typed array at the start of a buffer. */
export function upload(device: GPUDevice, buffer: GPUBuffer, data: ArrayBufferView): void {
  device.queue.writeBuffer(buffer, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
}
