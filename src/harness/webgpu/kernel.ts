/**
 * What a kernel generator returns: WGSL source, its bindings in @binding order and the workgroup grid.
 * Generators run nothing; `PipelineCache` compiles and `GpuRunner` encodes.
 */
export interface Kernel {
  /** Shown in errors and debuggers. */
  label: string;
  code: string;
  /** One entry per @binding(i) of @group(0). */
  bindings: Array<'read' | 'read_write' | 'uniform'>;
  dispatch: [number, number, number];
  /**
   * Contents of the last binding when it is a uniform the kernel owns (sizes read at run time, so one
   * pipeline serves every shape); the runner allocates and fills it once.
   */
  uniform?: Uint32Array;
}

/** The device limits that generators size their workgroups from. */
export interface KernelLimits {
  maxComputeWorkgroupSizeX: number;
  maxComputeWorkgroupSizeY: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupsPerDimension: number;
  /**
   * Whether the adapter is a CPU emulation (SwiftShader). Its JIT compiles a 16×16 workgroup with
   * barriers in about 1.3 s against 0.27 s for 8×8, and a CPU gains nothing from the larger tile.
   */
  software?: boolean;
}

/** Threads per workgroup of the one-dimensional kernels: 64, or fewer where the device allows fewer. */
export function linearWorkgroup(limits: KernelLimits): number {
  return Math.min(64, limits.maxComputeWorkgroupSizeX, limits.maxComputeInvocationsPerWorkgroup);
}

/**
 * A grid of at least `threads` invocations in workgroups of `wg`, folded into y when x would exceed the
 * per-dimension limit; `INDEX_1D` recovers the flat index from it.
 */
export function grid1d(threads: number, wg: number, limits: KernelLimits): [number, number, number] {
  const groups = Math.max(1, Math.ceil(threads / wg));
  const x = Math.min(groups, limits.maxComputeWorkgroupsPerDimension);
  return [x, Math.ceil(groups / x), 1];
}

/** WGSL: the entry point header and flat index for a kernel dispatched with `grid1d`. */
export function main1d(wg: number): string {
  return `@compute @workgroup_size(${wg})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * ${wg}u;`;
}

/** WGSL declaration of binding i. */
export function binding(i: number, name: string, access: 'read' | 'read_write', type = 'array<f32>'): string {
  return `@group(0) @binding(${i}) var<storage, ${access}> ${name}: ${type};`;
}

/** A WGSL float literal (always with a point or exponent, so it types as f32). */
export function f32Lit(x: number): string {
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
}
