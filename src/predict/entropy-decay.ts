import { InputError, UsageError } from '../util/errors.ts';

/** The shapes of entropy against step that forecasts in time can use. */
export type DecayModel = 'exponential' | 'power';

/**
 * A fitted entropy trajectory H(t), t the training step:
 * - exponential: H(t) = floor + amplitude·exp(−(t − origin)/shape), shape = τ in steps;
 * - power: H(t) = floor + amplitude·(1 + (t − origin)/scale)^(−shape), shape = the exponent p.
 * `origin` is the first fitted step and `scale` the median step spacing, so both curves start at
 * floor + amplitude and only one parameter (τ or p) is nonlinear.
 */
export interface DecayFit {
  model: DecayModel;
  floor: number;
  amplitude: number;
  shape: number;
  origin: number;
  scale: number;
  /** True when the unconstrained floor came out negative and was held at 0 (entropy cannot go below 0). */
  floorPinned: boolean;
  n: number;
  /** Residual degrees of freedom: n − 3 (floor, amplitude, shape). */
  dof: number;
  /** Residual standard deviation sqrt(SSR / dof): the scatter of single entropy readings about the curve. */
  sigma: number;
  rmse: number;
}

const GRID = 64;
const REFINE = 40;
/** Exponents tried for the power model: decays slower than t^−0.01 are indistinguishable from flat. */
const POWER_RANGE: [number, number] = [0.01, 5];

/** The curve's basis g(t) for a given shape; H = floor + amplitude·g. */
function basis(model: DecayModel, shape: number, origin: number, scale: number, t: number): number {
  const dt = t - origin;
  return model === 'exponential' ? Math.exp(-dt / shape) : Math.pow(1 + dt / scale, -shape);
}

/** Floor and amplitude by exact least squares given the shape, with the floor kept ≥ 0. */
function linearPart(g: Float64Array, h: ArrayLike<number>): { floor: number; amplitude: number; ssr: number; pinned: boolean } {
  const n = g.length;
  let gBar = 0;
  let hBar = 0;
  for (let i = 0; i < n; i++) {
    gBar += g[i];
    hBar += h[i];
  }
  gBar /= n;
  hBar /= n;
  let sgg = 0;
  let sgh = 0;
  for (let i = 0; i < n; i++) {
    sgg += (g[i] - gBar) ** 2;
    sgh += (g[i] - gBar) * (h[i] - hBar);
  }
  let amplitude = sgg > 0 ? sgh / sgg : 0;
  let floor = hBar - amplitude * gBar;
  let pinned = false;
  if (floor < 0) {
    // The least squares problem is convex, so with the bound active the optimum lies on floor = 0.
    let sg2 = 0;
    let sgy = 0;
    for (let i = 0; i < n; i++) {
      sg2 += g[i] * g[i];
      sgy += g[i] * h[i];
    }
    floor = 0;
    amplitude = sg2 > 0 ? sgy / sg2 : 0;
    pinned = true;
  }
  let ssr = 0;
  for (let i = 0; i < n; i++) ssr += (h[i] - floor - amplitude * g[i]) ** 2;
  return { floor, amplitude, ssr, pinned };
}

/** Median spacing of sorted steps (at least 1e-9 of the span, so a scale is never zero). */
function medianSpacing(step: ArrayLike<number>): number {
  const d: number[] = [];
  for (let i = 1; i < step.length; i++) d.push(step[i] - step[i - 1]);
  d.sort((x, y) => x - y);
  const m = d.length % 2 ? d[(d.length - 1) / 2] : (d[d.length / 2 - 1] + d[d.length / 2]) / 2;
  return Math.max(m, 1e-9 * (step[step.length - 1] - step[0]));
}

/**
 * Fits an entropy-decay curve to (step, H): a log-spaced grid over the one nonlinear parameter (τ or p)
 * followed by golden-section refinement in log space around the best grid point; floor and amplitude are
 * exact least squares at each trial shape (a bound keeps the floor ≥ 0). Deterministic, O(n·100).
 *
 * Throws an `InputError` for fewer than 4 points or steps that do not increase; a `UsageError` for an
 * unknown model.
 * @example fitEntropyDecay([0, 10, 20, 30, 40], [0.5, 0.3, 0.2, 0.15, 0.125], 'exponential').floor // => ≈ 0.1
 */
export function fitEntropyDecay(step: ArrayLike<number>, entropy: ArrayLike<number>, model: DecayModel = 'exponential'): DecayFit {
  if (model !== 'exponential' && model !== 'power') {
    throw new UsageError(`unknown entropy model: ${String(model)} (expected exponential or power)`);
  }
  const n = step.length;
  if (n < 4) throw new InputError(`fitEntropyDecay requires at least 4 points (got ${n})`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(step[i]) || !Number.isFinite(entropy[i])) {
      throw new InputError(`fitEntropyDecay requires finite values (point ${i + 1})`);
    }
    if (i > 0 && !(step[i] > step[i - 1])) throw new InputError(`fitEntropyDecay requires increasing steps (point ${i + 1})`);
  }
  const origin = step[0];
  const scale = medianSpacing(step);
  const span = step[n - 1] - origin;
  // τ from a quarter of a step (a jump) to 50 spans (indistinguishable from a straight line).
  const [lo, hi] = model === 'exponential' ? [scale / 4, 50 * span] : POWER_RANGE;
  const g = new Float64Array(n);
  const ssrAt = (logShape: number): number => {
    const shape = Math.exp(logShape);
    for (let i = 0; i < n; i++) g[i] = basis(model, shape, origin, scale, step[i]);
    return linearPart(g, entropy).ssr;
  };
  const logLo = Math.log(lo);
  const logStep = (Math.log(hi) - logLo) / (GRID - 1);
  let best = 0;
  let bestSsr = Infinity;
  for (let k = 0; k < GRID; k++) {
    const s = ssrAt(logLo + k * logStep);
    if (s < bestSsr) {
      bestSsr = s;
      best = k;
    }
  }
  // Golden-section search on the bracket of the best grid point's neighbours.
  let a = logLo + Math.max(0, best - 1) * logStep;
  let b = logLo + Math.min(GRID - 1, best + 1) * logStep;
  const phi = (Math.sqrt(5) - 1) / 2;
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = ssrAt(c);
  let fd = ssrAt(d);
  for (let k = 0; k < REFINE; k++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = ssrAt(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = ssrAt(d);
    }
  }
  let logShape = (a + b) / 2;
  if (ssrAt(logShape) > bestSsr) logShape = logLo + best * logStep;
  const shape = Math.exp(logShape);
  for (let i = 0; i < n; i++) g[i] = basis(model, shape, origin, scale, step[i]);
  const { floor, amplitude, ssr, pinned } = linearPart(g, entropy);
  const dof = n - 3;
  return {
    model,
    floor,
    amplitude,
    shape,
    origin,
    scale,
    floorPinned: pinned,
    n,
    dof,
    sigma: Math.sqrt(ssr / Math.max(1, dof)),
    rmse: Math.sqrt(ssr / n),
  };
}

/**
 * The fitted curve's entropy at step t.
 * @example predictEntropy(fit, 500) // => floor + amplitude·g(500)
 */
export function predictEntropy(fit: DecayFit, t: number): number {
  return fit.floor + fit.amplitude * basis(fit.model, fit.shape, fit.origin, fit.scale, t);
}

/**
 * The first step at which the fitted curve falls to `level`: the curve's inverse. Returns the origin when
 * the curve starts at or below the level, and null when it never gets there (a floor above the level, or a
 * flat or rising curve).
 * @example stepAtEntropy(fit, fit.floor + fit.amplitude / Math.E) // => origin + τ (exponential)
 */
export function stepAtEntropy(fit: DecayFit, level: number): number | null {
  const { floor, amplitude, shape, origin, scale } = fit;
  if (floor + amplitude <= level) return origin;
  if (!(amplitude > 0) || level <= floor) return null;
  const ratio = amplitude / (level - floor);
  return fit.model === 'exponential' ? origin + shape * Math.log(ratio) : origin + scale * (Math.pow(ratio, 1 / shape) - 1);
}
