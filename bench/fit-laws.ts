/**
 * Benchmark: N synthetic runs (40 points, noise 0.01) fitted through each built-in law with `fitLaw`
 * (data-driven starts, analytic Jacobians, covariance), against a scipy.optimize.curve_fit loop over the
 * same kind of data (bench/fit_laws_scipy.py). Prints time per fit and the scipy/ours ratio.
 *
 * Run alone: node --import tsx bench/fit-laws.ts [N]
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BUILTIN_LAWS } from '../src/fit/laws/index.ts';
import { fitLaw } from '../src/fit/nonlinear/fit-law.ts';
import { Rng } from '../src/util/rng.ts';

const TRUTHS: Record<string, number[]> = {
  'entropy-exp': [0.12, 0.92],
  'entropy-linear': [0.2, 0.75],
  'entropy-exp3': [0.08, 0.95, 1.4],
  power: [1.2, 0.72, 0.45],
  'scalerl-sigmoid': [0.1, 0.66, 1.6, 320],
};

const linspace = (a: number, b: number, n: number) => Float64Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));

/** Times of the scipy loop by law (seconds), or null when python3/scipy is not available. */
async function scipyTimes(runs: number): Promise<Record<string, number> | null> {
  const script = fileURLToPath(new URL('./fit_laws_scipy.py', import.meta.url));
  try {
    const { stdout } = await promisify(execFile)('python3', [script, String(runs)], { maxBuffer: 1 << 20 });
    return JSON.parse(stdout) as Record<string, number>;
  } catch {
    return null;
  }
}

/**
 * Fits `runs` synthetic runs per built-in law and compares with scipy; one line per law.
 * @example (await benchLaws(1000))[0] // => 'entropy-exp: 1000 fits, 12.3 µs/fit; scipy curve_fit 310.2 µs/fit; ratio 25.2×'
 */
export async function benchLaws(runs = 10_000): Promise<string[]> {
  const rng = new Rng(1);
  const ours: { name: string; seconds: number; failed: number }[] = [];
  for (const [name, law] of Object.entries(BUILTIN_LAWS)) {
    const x = law.variables[0] === 'H' ? linspace(1.6, 0.05, 40) : linspace(10, 2000, 40);
    const clean = new Float64Array(40);
    law.evaluate(TRUTHS[name], [x], clean);
    const ys = Array.from({ length: runs }, () => clean.map((v) => v + 0.01 * rng.normal()));
    let failed = 0;
    const t0 = performance.now();
    for (const y of ys) if (!fitLaw(law, { columns: [x], y }).converged) failed++;
    ours.push({ name, seconds: (performance.now() - t0) / 1000, failed });
  }
  // scipy runs after ours, not beside it, so the two never compete for the same cores.
  const times = await scipyTimes(runs);
  const perFit = (s: number) => `${((s / runs) * 1e6).toFixed(1)} µs/fit`;
  return ours.map(({ name, seconds, failed }) => {
    const head = `${name}: ${runs} fits, ${perFit(seconds)}${failed ? ` (${failed} not converged)` : ''}`;
    const theirs = times?.[name];
    return theirs === undefined
      ? `${head}; scipy not available`
      : `${head}; scipy curve_fit ${perFit(theirs)}; ratio scipy/ours ${(theirs / seconds).toFixed(1)}×`;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const runs = Number(process.argv[2] ?? 10_000);
  for (const line of await benchLaws(runs)) console.log(line);
}
