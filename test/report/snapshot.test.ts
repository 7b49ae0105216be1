/**
 * Snapshots of the Vega-Lite specs (Observable Plot's habit): the specs of a fixed synthetic input, floats
 * rounded to 6 significant digits, compared with the JSON committed under snapshots/. After an intended
 * change, rewrite them with `UPDATE_SNAPSHOTS=1 node --import tsx --test test/report/snapshot.test.ts`
 * and review the diff. Each spec must also compile with Vega-Lite without a warning.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { convergenceSpec, figureSpecs, forestSpec, lawChartSpec, overviewSpec, settleSpec, timelineSpec } from '../../src/report/index.ts';
import { syntheticRun } from './fixtures.ts';

const DIR = new URL('./snapshots/', import.meta.url);

function rounded(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number(value.toPrecision(6));
  if (Array.isArray(value)) return value.map(rounded);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
  return value;
}

const fitted = syntheticRun('grpo-7b', { n: 12, forecast: true, burnIn: 1, convergence: true, meta: { model: 'qwen2.5', size: 7e9, algorithm: 'grpo' } });
const unfitted = syntheticRun('short', { n: 2, error: 'fitEntropyLaw requires at least 3 points (got 2)' });
const other = syntheticRun('rloo-7b', { n: 12, a: 0.2, b: 0.8, convergence: true, meta: { model: 'qwen2.5', size: 7e9, algorithm: 'rloo' } });

const CASES: Record<string, TopLevelSpec> = {
  'law-chart': lawChartSpec(fitted, { samples: 8 }),
  'law-chart-unfitted': lawChartSpec(unfitted),
  'timeline-forecast': timelineSpec(fitted),
  'overview-legend': overviewSpec([fitted, other, unfitted], { samples: 6 }),
  'overview-select': overviewSpec([fitted, other], { samples: 4, legendLimit: 1, maxPoints: 10 }),
  'figure-law': figureSpecs({ runs: [fitted], warnings: [] }).get('001-grpo-7b-law')!.spec,
  'law-chart-shared': lawChartSpec(other, { samples: 4, legend: false, labels: false, shared: { x: [-0.05, 1.1], y: [0.2, 0.7] } }),
  convergence: convergenceSpec(fitted)!,
  'convergence-relative': convergenceSpec(other, { x: 'fraction', relative: true, legend: false })!,
  forest: forestSpec([fitted, other, unfitted])!,
  settle: settleSpec([fitted, other])!,
  'figure-convergence-all': figureSpecs({ runs: [fitted, other], warnings: [] }).get('convergence-all')!.spec,
};

for (const [name, spec] of Object.entries(CASES)) {
  test(`snapshot: ${name}`, async () => {
    const file = new URL(`${name}.json`, DIR);
    const actual = `${JSON.stringify(rounded(spec), null, 2)}\n`;
    if (process.env.UPDATE_SNAPSHOTS) await writeFile(file, actual);
    assert.equal(actual, await readFile(file, 'utf8'));
    const warnings: unknown[] = [];
    const logger = { level: () => logger, error: () => logger, info: () => logger, debug: () => logger, warn: (...m: unknown[]) => (warnings.push(m), logger) };
    compile(spec, { logger: logger as never });
    assert.deepEqual(warnings, []);
  });
}
