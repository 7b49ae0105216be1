/// <reference types="@webgpu/types" />
import { existsSync } from 'node:fs';
import { InputError } from '../../util/errors.ts';

/** Where Debian's chromium package puts SwiftShader's Vulkan driver. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** A device and the adapter facts worth printing. */
export interface GpuContext {
  device: GPUDevice;
  /** e.g. "google swiftshader" or the hardware vendor and architecture. */
  adapterName: string;
  /** Whether this is the SwiftShader CPU emulation. */
  software: boolean;
}

let pending: Promise<GpuContext> | null = null;
/** Dawn's instance must outlive its devices; a collected instance takes the device down with it. */
const instances: GPU[] = [];

/**
 * Opens a WebGPU device through the `webgpu` package (Dawn). A hardware adapter is preferred; when none
 * exists and `VK_ICD_FILENAMES` is unset, SwiftShader (Debian's `chromium`) is tried. The device is
 * shared by every caller in the process.
 * @throws InputError naming what to install when no adapter can be had.
 * @example
 * const { device, adapterName } = await gpuContext(); // adapterName => 'google swiftshader' without a GPU
 */
export function gpuContext(): Promise<GpuContext> {
  pending ??= open().catch((e) => {
    pending = null;
    throw e;
  });
  return pending;
}

/** What the optional `webgpu` package (Dawn's Node bindings) exports. */
interface WebGpuModule {
  create(options: string[]): GPU;
  globals: object;
}

/**
 * The `webgpu` package, an optional dependency (a native addon) so that installing the toolkit to read
 * logs needs no GPU stack. @throws InputError saying what to install when it is missing.
 */
export async function webgpuModule(name = 'webgpu'): Promise<WebGpuModule> {
  // The name is a variable so that the type check does not require the optional package.
  try {
    return (await import(name)) as WebGpuModule;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new InputError('--device webgpu needs the optional package webgpu: run npm install webgpu (or use --device cpu)');
    }
    throw new InputError(`the webgpu package did not load: ${(e as Error).message}`);
  }
}

async function open(): Promise<GpuContext> {
  const { create, globals } = await webgpuModule();
  // The webgpu package hands out its classes (GPUBufferUsage …) rather than installing them globally.
  Object.assign(globalThis, globals);
  const instance = () => {
    const gpu = create([]);
    instances.push(gpu);
    return gpu;
  };
  let adapter = await instance().requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter && process.env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    adapter = await instance().requestAdapter();
  }
  if (!adapter) {
    throw new InputError(
      'no WebGPU adapter: install a GPU driver, or Debian\'s chromium and libvulkan1 for SwiftShader ' +
        `(VK_ICD_FILENAMES=${SWIFTSHADER_ICD})`,
    );
  }
  const a = adapter.limits;
  // Ask for the adapter's own limits on what the kernels use; the defaults are lower than most adapters.
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBuffersPerShaderStage: a.maxStorageBuffersPerShaderStage,
      maxStorageBufferBindingSize: a.maxStorageBufferBindingSize,
      maxBufferSize: a.maxBufferSize,
      maxComputeWorkgroupsPerDimension: a.maxComputeWorkgroupsPerDimension,
    },
  });
  const info = adapter.info;
  const software = info.architecture === 'swiftshader' || info.vendor === 'google' && /swiftshader/i.test(info.description);
  return { device, adapterName: `${info.vendor} ${info.architecture}`.trim() || info.description, software };
}
