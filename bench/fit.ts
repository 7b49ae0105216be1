/**
 * Benchmark: fit 10,000 runs × 200 points with `fitEntropyLaw`, against a scipy.optimize.curve_fit loop on
 * the same data (bench/fit_scipy.py), and report the speed ratio and the largest parameter difference.
 * Target: ≥ 20× faster than the scipy loop, differences ≤ 1e-7.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitEntropyLaw } from '../src/index.ts';

const RUNS = 10_000;
const POINTS = 200;

/** Seeded synthetic runs: entropy decaying to a floor, R on the law with noise. */
function makeRuns(): Float64Array {
  let seed = 12345;
  const u = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const data = new Float64Array(2 * RUNS * POINTS);
  for (let r = 0; r < RUNS; r++) {
    const a = 0.05 + 0.4 * u();
    const b = a + 0.3 + 0.5 * u();
    const h0 = 0.5 + u();
    const tau = 20 + 80 * u();
    for (let i = 0; i < POINTS; i++) {
      const h = 0.05 + h0 * Math.exp(-i / tau);
      const noise = 0.01 * (u() + u() + u() - 1.5);
      data[r * POINTS + i] = h;
      data[RUNS * POINTS + r * POINTS + i] = b - a * Math.exp(h) + noise;
    }
  }
  return data;
}

export async function benchFit(): Promise<string[]> {
  const data = makeRuns();
  const dir = mkdtempSync(join(tmpdir(), 'entropy-law-bench-'));
  try {
    const input = join(dir, 'runs.bin');
    const output = join(dir, 'scipy.bin');
    writeFileSync(input, new Uint8Array(data.buffer));

    const ours = new Float64Array(RUNS * 4);
    const fitAll = () => {
      for (let r = 0; r < RUNS; r++) {
        const h = data.subarray(r * POINTS, (r + 1) * POINTS);
        const y = data.subarray(RUNS * POINTS + r * POINTS, RUNS * POINTS + (r + 1) * POINTS);
        const fit = fitEntropyLaw(h, y);
        ours[r * 4] = fit.params.a;
        ours[r * 4 + 1] = fit.params.b;
        ours[r * 4 + 2] = fit.stderr.a;
        ours[r * 4 + 3] = fit.stderr.b;
      }
    };
    // Best of five after a warm-up (the JIT compiles the hot loop first); the scipy loop: best of three.
    fitAll();
    let oursSeconds = Infinity;
    for (let rep = 0; rep < 5; rep++) {
      const start = performance.now();
      fitAll();
      oursSeconds = Math.min(oursSeconds, (performance.now() - start) / 1000);
    }

    const scipySeconds = Number(
      execFileSync('python3', [new URL('./fit_scipy.py', import.meta.url).pathname, input, String(RUNS), String(POINTS), output], {
        encoding: 'utf8',
      }).trim(),
    );
    const ref = new Float64Array(readFileSync(output).buffer.slice(0));
    let maxParamDiff = 0;
    let maxStderrRel = 0;
    for (let r = 0; r < RUNS; r++) {
      maxParamDiff = Math.max(maxParamDiff, Math.abs(ours[r * 4] - ref[r * 4]), Math.abs(ours[r * 4 + 1] - ref[r * 4 + 1]));
      for (const j of [2, 3]) maxStderrRel = Math.max(maxStderrRel, Math.abs(ours[r * 4 + j] - ref[r * 4 + j]) / ref[r * 4 + j]);
    }
    const ratio = scipySeconds / oursSeconds;
    return [
      `fit: ${RUNS} runs × ${POINTS} points — entropy-law ${oursSeconds.toFixed(3)} s, scipy curve_fit loop ${scipySeconds.toFixed(2)} s`,
      `fit: speed ratio ${ratio.toFixed(0)}× (target ≥ 20×) ${ratio >= 20 ? 'ok' : 'MISSED'}`,
      `fit: largest |Δa|,|Δb| vs scipy ${maxParamDiff.toExponential(2)} (target ≤ 1e-7) ${maxParamDiff <= 1e-7 ? 'ok' : 'MISSED'}; largest relative Δ stderr ${maxStderrRel.toExponential(2)}`,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
