import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compareLaws } from '../../src/fit/compare/compare-laws.ts';
import { fitEntropyLaw } from '../../src/fit/entropy-law.ts';
import { assertClose, REAL_LOGS } from '../helpers.ts';

/** Minimal pairing of entropy and validation accuracy from a verl console log (lines carrying both). */
function readVerl(file: string): { step: Float64Array; H: Float64Array; R: Float64Array } {
  const rows: number[][] = [];
  for (const line of readFileSync(`${REAL_LOGS}${file}`, 'latin1').split('\n')) {
    const step = /step:(\d+) - /.exec(line);
    const h = /actor\/entropy_loss:([-\d.]+)/.exec(line);
    const r = /val\/test_score\/openai\/gsm8k:([-\d.]+)/.exec(line);
    if (step && h && r) rows.push([Number(step[1]), Number(h[1]), Number(r[1])]);
  }
  return {
    step: Float64Array.from(rows, (r) => r[0]),
    H: Float64Array.from(rows, (r) => r[1]),
    R: Float64Array.from(rows, (r) => r[2]),
  };
}

test('compareLaws on a real verl run (Qwen2.5-0.5B, GSM8K)', () => {
  const run = readVerl('Qwen2.5-0.5B-bsz256_2-prompt1024-resp512-0.567.log');
  assert.ok(run.R.length >= 40, `${run.R.length} validation points`);
  const rows = compareLaws({ columns: run }, [
    'entropy-exp',
    'entropy-linear',
    'entropy-exp3',
    { law: 'power', x: 'step' },
    { law: 'scalerl-sigmoid', x: 'step' },
  ]);
  console.log(
    rows
      .map((r) => `${r.law.padEnd(16)} AICc ${r.aicc.toFixed(1).padStart(8)}  BIC ${r.bic.toFixed(1).padStart(8)}  ` +
        `weight ${r.akaikeWeight.toFixed(3)}  LFO RMSE ${r.lfoRmse === null ? 'n/a' : r.lfoRmse.toFixed(4)}${r.note ? `  (${r.note})` : ''}`)
      .join('\n'),
  );
  // The exact fit and the engine agree on the paper's law.
  const exact = fitEntropyLaw(run.H, run.R);
  assertClose(rows[0].fit.params.a, exact.params.a, { rtol: 1e-12 });
  assertClose(rows[0].fit.stderr.b, exact.stderr.b, { rtol: 1e-9 });
  // entropy-exp3 contains entropy-exp (c = 1): its optimum can only be as good or better.
  assert.ok(rows[2].converged && rows[2].ssr <= rows[0].ssr * (1 + 1e-12));
  assertClose(rows.reduce((s, r) => s + r.akaikeWeight, 0), 1, { rtol: 1e-12 });
});
