import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fc } from '../property.ts';
import { csvRecords, detectDelimiter, formatCsvField, InputError, parseCsvLine, parseCsvTable, parseJsonlTable, parseVerlJsonl, Warnings } from './imports.ts';

describe('CSV lines', () => {
  it('splits quoted fields with "" escapes and delimiters inside quotes', () => {
    assert.deepEqual(parseCsvLine('a,"b ""c"", d",,e', ','), { ok: true, fields: ['a', 'b "c", d', '', 'e'] });
    assert.deepEqual(parseCsvLine('"open,', ','), { ok: false, reason: 'unterminated quote' });
    const records = [...csvRecords(['h1,h2', '"multi', 'line",2', '', '3,4'], ',')];
    assert.deepEqual(records, [
      { fields: ['h1', 'h2'], line: 1 },
      { fields: ['multi\nline', '2'], line: 2 },
      { fields: ['3', '4'], line: 5 },
    ]);
    // A stray quote costs its own line only.
    assert.deepEqual([...csvRecords(['h1,h2', '"stray,1', '2,3', '4,5'], ',')], [
      { fields: ['h1', 'h2'], line: 1 },
      { fields: undefined, line: 2 },
      { fields: ['2', '3'], line: 3 },
      { fields: ['4', '5'], line: 4 },
    ]);
  });

  it('reads back any fields formatCsvField wrote (round trip)', () => {
    // `\r` is left out: line splitting drops it before `\n`, as CRLF files need.
    const field = fc.string({ maxLength: 12 }).map((f) => f.replaceAll('\r', ''));
    fc.assert(
      fc.property(fc.array(field, { minLength: 2, maxLength: 5 }), fc.constantFrom(',', '\t', ';'), (fields, d) => {
        const text = fields.map((f) => formatCsvField(f, d)).join(d);
        const records = [...csvRecords(text.split('\n'), d)];
        assert.deepEqual(records, [{ fields, line: 1 }]);
      }),
      { numRuns: 300 },
    );
  });

  it('detects comma, tab and semicolon from the header and the next line', () => {
    assert.equal(detectDelimiter('step,entropy,acc', '1,0.5,0.2'), ',');
    assert.equal(detectDelimiter('step\tentropy\tacc', '1\t0.5\t0.2'), '\t');
    // Decimal commas: the semicolon splits both lines alike, the comma does not.
    assert.equal(detectDelimiter('step;entropy;acc', '1;0,5;0,2'), ';');
    assert.equal(detectDelimiter('just one column', '1'), undefined);
  });
});

describe('parseCsvTable', () => {
  it('reads numeric columns by header, with the default step column', () => {
    const [run] = parseCsvTable('"step","actor/entropy","val acc",note\n0,0.52,0.1,start\n10,0.41,"0.2",\n', { id: 'r', source: 'a.csv' });
    assert.equal(run.id, 'r');
    assert.equal(run.format, 'csv');
    assert.deepEqual([...run.steps.keys()], [0, 10]);
    assert.deepEqual(run.steps.get(10), new Map([['actor/entropy', 0.41], ['val acc', 0.2]]));
  });

  it('honours --step and the default list order (_step, global_step, …)', () => {
    const text = 'global_step\tepoch\tentropy\n5\t1\t0.3\n';
    assert.deepEqual([...parseCsvTable(text)[0].steps.keys()], [5]);
    assert.deepEqual([...parseCsvTable(text, { step: 'epoch' })[0].steps.keys()], [1]);
    assert.equal(parseCsvTable(text, { step: 'epoch' })[0].steps.get(1)?.get('global_step'), 5);
  });

  it('throws an InputError naming the file and listing the columns when there is no step column', () => {
    assert.throws(
      () => parseCsvTable('iter,entropy\n1,0.5\n', { source: 'logs/x.csv' }),
      (e: unknown) => e instanceof InputError && e.message === 'logs/x.csv: no step column (tried step, _step, global_step, training/global_step, train/global_step; use --step; columns: iter, entropy)',
    );
    assert.throws(() => parseCsvTable('step,entropy\n', { source: 'y.csv', step: 'iter' }), /^InputError: y\.csv: no step column 'iter' \(columns: step, entropy\)$/);
    assert.throws(
      () => parseCsvTable('\n"step,entropy\n1,2\n', { source: 'z.csv' }),
      (e: unknown) => e instanceof InputError && e.message === 'z.csv:2: unterminated quote in the header' && e.location.line === 2,
    );
  });

  it('counts bad rows and cells, keeping what is good', () => {
    const warnings = new Warnings();
    const text = ['step,entropy,acc,name', '1,0.5,0.1,a', 'x,0.4,0.2,b', '2,0.4,oops,c', '3,0.3,0.3,d,extra', '4,nan,0.4,e', '5,0.2', '6,"0.1,0.2,f', '7,0.1,0.2,"g"', ''].join('\n');
    const [run] = parseCsvTable(text, { source: 't.csv', warnings });
    assert.deepEqual([...run.steps.keys()], [1, 2, 4, 5, 7]);
    assert.deepEqual(run.steps.get(2), new Map([['entropy', 0.4]]));
    assert.deepEqual(run.steps.get(4), new Map([['acc', 0.4]]));
    assert.deepEqual(run.steps.get(5), new Map([['entropy', 0.2]]));
    assert.deepEqual(warnings.list().sort(), [
      't.csv: 1 non-finite values dropped; first at line 6 (entropy)',
      't.csv: 1 rows with a stray quote skipped; first at line 8',
      't.csv: 1 rows with more fields than the header skipped; first at line 5 (5 fields, header has 4)',
      "t.csv: 1 rows without a usable step skipped; first at line 3 ('x')",
      "t.csv: 1 text cells in numeric column 'acc' ignored; first at line 4 ('oops')",
    ]);
  });

  it('splits a table with a run column into runs', () => {
    const runs = parseCsvTable('run,step,entropy,metric\na,0,0.5,0.1\nb,0,0.6,0.2\na,1,0.4,0.3\n', { source: 'tidy.csv' });
    assert.deepEqual(runs.map((r) => [r.id, [...r.steps.keys()]]), [['a', [0, 1]], ['b', [0]]]);
    assert.deepEqual(runs[0].steps.get(1), new Map([['entropy', 0.4], ['metric', 0.3]]));
  });
});

describe('parseJsonlTable', () => {
  it('flattens nested objects with / and picks the step key', () => {
    const warnings = new Warnings();
    const text = '{"_step": 0, "_runtime": 1.5, "train": {"entropy": 0.5}, "name": "x"}\n{"_step": 1, "train": {"entropy": NaN}, "eval": {"acc": 0.3}}\nnot json\n{"train": {"entropy": 0.1}}\n';
    const [run] = parseJsonlTable(text, { id: 'h', source: 'h.jsonl', warnings });
    assert.equal(run.format, 'jsonl');
    assert.deepEqual(run.steps.get(0), new Map([['_runtime', 1.5], ['train/entropy', 0.5]]));
    assert.deepEqual(run.steps.get(1), new Map([['eval/acc', 0.3]]));
    assert.equal(warnings.size, 3);
    assert.match(warnings.list().join('\n'), /h\.jsonl: 1 unreadable lines skipped; first at line 3/);
    assert.match(warnings.list().join('\n'), /h\.jsonl: 1 lines without a usable step skipped; first at line 4/);
    assert.match(warnings.list().join('\n'), /h\.jsonl: 1 null or non-finite values dropped; first at line 2 \(train\/entropy\)/);
    assert.deepEqual([...parseJsonlTable(text, { step: '_runtime' })[0].steps.keys()], [1.5]);
  });

  it('chooses the step key from the whole file, even when it first appears late', () => {
    const warnings = new Warnings();
    const text = ['{"global_step": 1, "h": 0.5}', '{"global_step": 2, "h": 0.4}', '{"global_step": 3, "step": 30, "h": 0.3}', '{"step": 40, "h": 0.2}'].join('\n');
    const [run] = parseJsonlTable(text, { source: 'late.jsonl', warnings });
    assert.deepEqual([...run.steps.keys()], [30, 40]);
    assert.deepEqual(run.steps.get(30), new Map([['global_step', 3], ['h', 0.3]]));
    assert.deepEqual(warnings.list(), ['late.jsonl: 2 lines without a usable step skipped; first at line 1']);
    assert.deepEqual([...parseJsonlTable(text, { step: 'global_step' })[0].steps.keys()], [1, 2, 3]);
  });

  it('names the file when there is no step key', () => {
    assert.throws(() => parseJsonlTable('{"a": 1}\n', { source: 'a.jsonl' }), /^InputError: a\.jsonl: no step column \(tried .*columns: a\)$/);
  });
});

describe('parseVerlJsonl', () => {
  it('reads {"step", "data"} lines, null as a dropped value, later steps overwriting', () => {
    const warnings = new Warnings();
    const text = [
      '{"step": 0, "data": {"val-core/openai/gsm8k/acc/mean@1": 0.1}}',
      '{"step": 1, "data": {"actor/entropy": 0.52, "critic/score/mean": null, "timing_s": {"gen": 3}}}',
      '{"step": 1, "data": {"actor/entropy": 0.5}}',
      '{"step": 2, "data": {"actor/entr',
    ].join('\n');
    const run = parseVerlJsonl(text, { id: 'v', source: 'v.jsonl', warnings });
    assert.equal(run.format, 'verl-jsonl');
    assert.deepEqual(run.steps.get(1), new Map([['actor/entropy', 0.5], ['timing_s/gen', 3]]));
    assert.deepEqual([...run.steps.keys()], [0, 1]);
    assert.equal(warnings.size, 3);
    assert.match(warnings.list()[0], /^v\.jsonl: 1 unreadable lines skipped; first at line 4 /);
    assert.equal(warnings.list()[1], 'v.jsonl: 1 null or non-finite values dropped; first at line 2 (critic/score/mean)');
    assert.equal(warnings.list()[2], 'v.jsonl: 1 steps written more than once (a resumed run?): the later values kept; first at line 3 (step 1)');
  });

  it('drops numbers beyond a double (1e999 parses to Infinity) with the nulls', () => {
    const warnings = new Warnings();
    const run = parseVerlJsonl('{"step": 1, "data": {"actor/entropy": 1e999, "acc": -1e999, "ok": 0.5}}\n', { source: 'v.jsonl', warnings });
    assert.deepEqual(run.steps.get(1), new Map([['ok', 0.5]]));
    assert.deepEqual(warnings.list(), ['v.jsonl: 2 null or non-finite values dropped; first at line 1 (actor/entropy)']);
  });
});
