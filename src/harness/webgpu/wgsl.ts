/** WGSL snippets shared by several kernels, included only where used. */

/**
 * GELU (tanh form) and its derivative, with the tanh argument clamped as in `cpu/ops.ts` (beyond ±15
 * tanh is ±1 in float32, and some drivers return NaN for huge arguments).
 */
export const GELU_WGSL = `
const GELU_C = 0.7978845608028654;
fn geluU(x: f32) -> f32 { return GELU_C * (x + 0.044715 * x * x * x); }
fn gelu(x: f32) -> f32 { return 0.5 * x * (1.0 + tanh(clamp(geluU(x), -15.0, 15.0))); }
fn geluGrad(x: f32) -> f32 {
  let u = geluU(x);
  let t = tanh(clamp(u, -15.0, 15.0));
  var du = 0.0;
  if (abs(u) < 15.0) { du = GELU_C * (1.0 + 3.0 * 0.044715 * x * x); }
  return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du;
}`;

/** The PCG hash and the (seed, row, step) → [0, 1) uniform of `rng.ts`, bit for bit. */
export const HASH_WGSL = `
fn pcgHash(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}
fn hashUniform(seed: u32, row: u32, step: u32) -> f32 {
  return f32(pcgHash(seed ^ pcgHash(row ^ pcgHash(step))) >> 8u) / 16777216.0;
}`;
