import type { Kernel, KernelLimits } from '../kernel.ts';

/** Shape and form of one product C[M,N] (=|+=) op(A)[M,K]·op(B)[K,N] (+ bias[N]). */
export interface MatmulSpec {
  M: number; K: number; N: number;
  /** A is stored [K, M] (read transposed); defaults to false ([M, K]). */
  transA?: boolean;
  /** B is stored [N, K] (read transposed, the layout of a linear layer's weight); defaults to false ([K, N]). */
  transB?: boolean;
  /** Add into C instead of overwriting it; defaults to false. */
  accumulate?: boolean;
  /** Add a bias vector (binding 3); defaults to false. */
  bias?: boolean;
}

/**
 * Matrix product. On hardware, tiled: each workgroup computes a tile × tile block of C, staging tiles of
 * A and B in workgroup memory; on a software adapter, one plain dot product per invocation. The tile is the largest power of two ≤ 16 (8 on a software adapter) whose square
 * fits the device's invocations per workgroup. M, K, N are read from the kernel's own uniform, so the
 * source depends only on the form and one pipeline serves every shape.
 * Bindings: A, B, C (, bias), dims (uniform).
 * @example
 * matmulKernel({ M: 8, K: 8, N: 8, transB: true }, limits).dispatch // => [1, 1, 1]
 */
export function matmulKernel(spec: MatmulSpec, limits: KernelLimits): Kernel {
  const { M, K, N, transA = false, transB = false, accumulate = false, bias = false } = spec;
  let tile = limits.software ? 8 : 16;
  while (tile > 1 && (tile * tile > limits.maxComputeInvocationsPerWorkgroup || tile > limits.maxComputeWorkgroupSizeX || tile > limits.maxComputeWorkgroupSizeY)) tile /= 2;
  const a = transA ? 'A[k * d.M + i]' : 'A[i * d.K + k]';
  const b = transB ? 'B[j * d.K + k]' : 'B[k * d.N + j]';
  const head = `
struct Dims { M: u32, K: u32, N: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
${bias ? '@group(0) @binding(3) var<storage, read> bias: array<f32>;' : ''}
@group(0) @binding(${bias ? 4 : 3}) var<uniform> d: Dims;
const TILE = ${tile}u;`;
  const store = `
  if (row < d.M && col < d.N) {
    let o = row * d.N + col;
    C[o] = ${accumulate ? 'C[o] + ' : ''}acc${bias ? ' + bias[col]' : ''};
  }
}`;
  // SwiftShader runs a workgroup's invocations as coroutines and pays dearly for each barrier (a
  // 704×64×256 product took seconds tiled); without barriers each invocation's plain loop over K is
  // vectorised across lanes and runs an order of magnitude faster. Hardware gets the tiled form.
  const code = limits.software
    ? `${head}
@compute @workgroup_size(${tile}, ${tile})
fn main(@builtin(global_invocation_id) g: vec3u) {
  let row = g.y;
  let col = g.x;
  if (row >= d.M || col >= d.N) { return; }
  var acc = 0.0;
  for (var k = 0u; k < d.K; k++) {
    let i = row;
    let j = col;
    acc += ${a} * ${b};
  }${store.replace('  if (row < d.M && col < d.N) {', '  {')}`
    : `${head}
var<workgroup> As: array<f32, ${tile * tile}>;
var<workgroup> Bs: array<f32, ${tile * tile}>;
fn loadA(i: u32, k: u32) -> f32 { if (i < d.M && k < d.K) { return ${a}; } return 0.0; }
fn loadB(k: u32, j: u32) -> f32 { if (k < d.K && j < d.N) { return ${b}; } return 0.0; }
@compute @workgroup_size(${tile}, ${tile})
fn main(@builtin(local_invocation_id) l: vec3u, @builtin(workgroup_id) w: vec3u) {
  let row = w.y * TILE + l.y;
  let col = w.x * TILE + l.x;
  var acc = 0.0;
  for (var t = 0u; t < d.K; t += TILE) {
    As[l.y * TILE + l.x] = loadA(row, t + l.x);
    Bs[l.y * TILE + l.x] = loadB(t + l.y, col);
    workgroupBarrier();
    for (var k = 0u; k < TILE; k++) { acc += As[l.y * TILE + k] * Bs[k * TILE + l.x]; }
    workgroupBarrier();
  }${store}`;
  return {
    label: `matmul${transA ? ' tA' : ''}${transB ? ' tB' : ''}${accumulate ? ' +=' : ''}${bias ? ' +bias' : ''}`,
    code,
    bindings: [...(bias ? ['read', 'read', 'read_write', 'read'] as const : ['read', 'read', 'read_write'] as const), 'uniform'],
    dispatch: [Math.ceil(N / tile), Math.ceil(M / tile), 1],
    uniform: Uint32Array.of(M, K, N, 0),
  };
}
