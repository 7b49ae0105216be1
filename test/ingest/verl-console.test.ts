import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fc } from '../property.ts';
import { assertClose, REAL_LOGS } from '../helpers.ts';
import { ingest, parseVerlConsole, parseVerlConsoleLine, parsePythonScalar, stripConsolePrefixes, Warnings } from './imports.ts';

const LOGS = REAL_LOGS;
const reference = JSON.parse(readFileSync(new URL('./fixtures/verl_console_reference.json', import.meta.url), 'utf8')) as {
  runs: Record<string, { points: number; first: number[]; last: number[]; sumStep: number; sumEntropy: number; sumMetric: number }>;
};

describe('verl console: the shared real logs', () => {
  // Point counts and first/last values checked by hand with grep on the logs (step:9 and step:429/99 lines),
  // the rest against the Python reference in fixtures/verl_console_reference.json.
  const expected = [
    { id: 'Qwen2.5-0.5B-bsz256_2-prompt1024-resp512-0.567', points: 43, first: [9, 0.539, 0.013], last: [429, 0.05, 0.543] },
    { id: 'Qwen2.5-0.5B-bsz256_2-prompt512-resp256-0.538', points: 43, first: [9, 0.399, 0], last: [429, 0.075, 0.526] },
    { id: 'gemma-2-2b-it-ppo-bsz512_4-prompt1024-resp-512-0.640', points: 10, first: [9, 0.342, 0.546], last: [99, 0.159, 0.621] },
  ];

  it('ingests all three with the legacy keys, exact counts and values', async () => {
    const warnings = new Warnings();
    const data = await ingest([`${LOGS}*.log`], { warnings });
    assert.deepEqual(
      data.runs.map((r) => r.id),
      expected.map((e) => e.id).sort(),
    );
    for (const e of expected) {
      const i = data.runs.findIndex((r) => r.id === e.id);
      const run = data.runs[i];
      const s = data.series[i];
      assert.equal(run.points, e.points, e.id);
      assert.equal(run.format, 'verl-console');
      assert.equal(run.entropyKey, 'actor/entropy_loss');
      assert.equal(run.metric, 'val/test_score/openai/gsm8k');
      assert.deepEqual(run.metricKeys, ['val/test_score/openai/gsm8k']);
      assert.equal(run.metricKind, 'legacy-validation');
      assert.deepEqual([s.step[0], s.entropy[0], s.metric[0]], e.first);
      assert.deepEqual([s.step.at(-1), s.entropy.at(-1), s.metric.at(-1)], e.last);
      const ref = reference.runs[e.id];
      assert.equal(ref.points, e.points);
      assert.equal(s.step.reduce((a, b) => a + b, 0), ref.sumStep);
      assertClose(s.entropy.reduce((a, b) => a + b, 0), ref.sumEntropy, { rtol: 1e-12 }, 'entropy sum');
      assertClose(s.metric.reduce((a, b) => a + b, 0), ref.sumMetric, { rtol: 1e-12 }, 'metric sum');
    }
    assert.equal(data.points.numRows(), 96);
    assert.deepEqual(data.points.columnNames(), ['run', 'step', 'entropy', 'metric']);
    // The gemma log ends without a newline, in a training line (no point is lost with its last pair).
    const gemma = `${LOGS}gemma-2-2b-it-ppo-bsz512_4-prompt1024-resp-512-0.640.log`;
    assert.deepEqual(warnings.list(), [`${gemma}:529: the last line ends without a newline and may be cut short: its last pair 'prompt_length/min:37.000' dropped`]);
  });

  it('reads the log with NUL bytes and invalid UTF-8 and merges the split step 0 of gemma', () => {
    const bytes = readFileSync(`${LOGS}Qwen2.5-0.5B-bsz256_2-prompt512-resp256-0.538.log`);
    assert.ok(bytes.includes(0), 'the fixture still has its NUL bytes');
    const run = parseVerlConsole(new TextDecoder().decode(bytes), { id: 'q' });
    assert.equal(run.steps.size, 435);
    const gemma = parseVerlConsole(readFileSync(`${LOGS}gemma-2-2b-it-ppo-bsz512_4-prompt1024-resp-512-0.640.log`, 'utf8'));
    const step0 = gemma.steps.get(0)!;
    assert.equal(step0.get('test_score/openai/gsm8k'), 0.521); // from the first `step:0` line
    assert.equal(step0.get('actor/entropy_loss'), 0.419); // from the second
  });
});

describe('verl console: lines', () => {
  it('strips ANSI colour codes and Ray prefixes', () => {
    const line = '\x1b[2m\x1b[36m(main_task pid=54569)\x1b[0m step:3 - actor/entropy:0.5';
    assert.equal(stripConsolePrefixes(line), 'step:3 - actor/entropy:0.5');
    assert.equal(stripConsolePrefixes('(TaskRunner pid=1) (Worker pid=2, ip=10.0.0.1) step:1 - a:1'), 'step:1 - a:1');
    const parsed = parseVerlConsoleLine(line);
    assert.deepEqual(parsed, { kind: 'metrics', step: 3, values: [['actor/entropy', 0.5]], nonFinite: [], bad: [] });
  });

  it('reads 3-decimal values and full Python reprs, with keys holding ( ) / @', () => {
    const line =
      'step:12 - critic/lr(1e-4):0.100 - critic/kl:-0.000 - val-core/openai/gsm8k/acc/mean@1:np.float64(0.5213) - ' +
      "actor/entropy:0.41234567890123 - perf/tokens:np.int64(3) - x:tensor(0.25, device='cuda:0') - y:1e-06 - z:7";
    const parsed = parseVerlConsoleLine(line);
    assert.equal(parsed.kind, 'metrics');
    if (parsed.kind !== 'metrics') return;
    assert.deepEqual(new Map(parsed.values), new Map<string, number>([
      ['critic/lr(1e-4)', 0.1],
      ['critic/kl', -0],
      ['val-core/openai/gsm8k/acc/mean@1', 0.5213],
      ['actor/entropy', 0.41234567890123],
      ['perf/tokens', 3],
      ['x', 0.25],
      ['y', 1e-6],
      ['z', 7],
    ]));
    assert.deepEqual(parsed.bad, []);
  });

  it('parses Python scalars and rejects what is not one', () => {
    assert.equal(parsePythonScalar('np.float64(0.52)'), 0.52);
    assert.equal(parsePythonScalar('numpy.float32(-1.5e-3)'), -0.0015);
    assert.equal(parsePythonScalar('np.int64(3)'), 3);
    assert.equal(parsePythonScalar('tensor(0.5)'), 0.5);
    assert.ok(Number.isNaN(parsePythonScalar('nan')));
    assert.ok(Number.isNaN(parsePythonScalar('np.float64(nan)')));
    assert.equal(parsePythonScalar('-inf'), -Infinity);
    assert.equal(parsePythonScalar('True'), 1);
    for (const bad of ['', 'abc', '0x10', '1.2.3', 'np.float64(', "'0.5'", '[0.5]', '1,5']) {
      assert.equal(parsePythonScalar(bad), undefined, bad);
    }
  });

  it('ignores lines that are not metric lines', () => {
    for (const line of ["Let's solve this step by step:", 'step: 3 - a:1', 'mystep:3 - a:1', 'step:3x - a:1', "{'step': 3}", '']) {
      assert.deepEqual(parseVerlConsoleLine(line), { kind: 'other' }, line);
    }
  });
});

describe('verl console: whole logs', () => {
  it('merges a step printed on several lines, a later value winning', () => {
    const text = [
      '(main_task pid=1) step:0 - val/test_score/openai/gsm8k:0.521',
      'some sample text with step by step reasoning',
      '(main_task pid=1) step:0 - actor/entropy_loss:0.419 - val/test_score/openai/gsm8k:0.530',
      '(main_task pid=1) step:1 - actor/entropy_loss:0.407',
      '',
    ].join('\n');
    const run = parseVerlConsole(text, { id: 'r', source: 'r.log' });
    assert.deepEqual([...run.steps.keys()], [0, 1]);
    assert.deepEqual(run.steps.get(0), new Map([['val/test_score/openai/gsm8k', 0.53], ['actor/entropy_loss', 0.419]]));
    assert.equal(run.format, 'verl-console');
  });

  it('keeps the good pairs of malformed lines and counts them in one warning with the first line', () => {
    const warnings = new Warnings();
    const text = [
      'header text',
      'step:1 - actor/entropy:0.5 - critic/score/mean:0.1',
      'step:2 - actor/entropy:0.4 - critic/score/mean:oops',
      'step:3 - actor/entropy:0.3 - critic/score/mea', // truncated mid-key
      'step:4',
      'step:5 - actor/entropy:nan - critic/score/mean:inf - val:0.2',
      '',
    ].join('\r\n');
    const run = parseVerlConsole(text, { source: 'bad.log', warnings });
    assert.deepEqual(run.steps.get(2), new Map([['actor/entropy', 0.4]]));
    assert.deepEqual(run.steps.get(3), new Map([['actor/entropy', 0.3]]));
    assert.equal(run.steps.has(4), false);
    assert.deepEqual(run.steps.get(5), new Map([['val', 0.2]]));
    assert.deepEqual(warnings.list(), [
      "bad.log: 3 malformed metric lines read in part or skipped; first at line 3 (bad value in 'critic/score/mean:oops')",
      'bad.log: 2 non-finite values (nan/inf) dropped; first at line 6 (actor/entropy)',
    ]);
  });

  it('never throws on arbitrary text and keeps only finite values', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const run = parseVerlConsole(text, { warnings: new Warnings() });
        for (const metrics of run.steps.values()) for (const v of metrics.values()) assert.ok(Number.isFinite(v));
      }),
      { numRuns: 300 },
    );
  });

  it('reads back what a generated metric line holds (round trip through the printed form)', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9_/@()-]{0,20}$/).filter((k) => !k.includes(' - '));
    fc.assert(
      fc.property(fc.nat(10_000), fc.uniqueArray(fc.tuple(key, fc.double({ noNaN: true, noDefaultInfinity: true })), { minLength: 1, maxLength: 6, selector: (p) => p[0] }), (step, pairs) => {
        const line = `(main_task pid=7) step:${step} - ` + pairs.map(([k, v], i) => `${k}:${i % 2 ? `np.float64(${v})` : v}`).join(' - ');
        const parsed = parseVerlConsoleLine(line);
        assert.equal(parsed.kind, 'metrics');
        if (parsed.kind !== 'metrics') return;
        assert.equal(parsed.step, step);
        // String(-0) is '0', so the expectation goes through the same printed form.
        assert.deepEqual(parsed.values, pairs.map(([k, v]) => [k, Number(String(v))]));
      }),
      { numRuns: 200 },
    );
  });
});
