import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fc } from '../property.ts';
import { StepTable } from '../../src/ingest/step-table.ts';
import { runKeys, StepWriter, toSeries } from './imports.ts';

describe('StepTable', () => {
  it('keeps rows in first-seen order, a later value replacing an earlier one in its place', () => {
    const t = new StepTable();
    const a = t.add(10);
    assert.equal(t.set(a, 'h', 0.5), 'new');
    assert.equal(t.set(a, 'acc', 0.1), 'new');
    const b = t.add(20);
    t.set(b, 'h', 0.4);
    // Row a gets a key after row b was written: its values move to the end, nothing is lost.
    assert.equal(t.set(a, 'extra', 7), 'new');
    assert.equal(t.set(a, 'h', 0.6), 'replaced');
    assert.deepEqual(t.toMap(), new Map([[10, new Map([['h', 0.6], ['acc', 0.1], ['extra', 7]])], [20, new Map([['h', 0.4]])]]));
    assert.deepEqual([...t.keys()], ['h', 'acc', 'extra']);
  });

  it('finds rows by binary search while steps increase, by index after they stop', () => {
    const t = new StepTable();
    for (const step of [1, 2, 5, 9]) t.add(step);
    assert.deepEqual([1, 2, 5, 9, 3, 10].map((s) => t.find(s)), [0, 1, 2, 3, -1, -1]);
    t.add(3);
    t.add(-1);
    assert.deepEqual([1, 2, 5, 9, 3, -1, 4].map((s) => t.find(s)), [0, 1, 2, 3, 4, 5, -1]);
  });

  it('visits rows with the values of the keys asked for', () => {
    const t = new StepTable();
    t.set(t.add(1), 'h', 0.5);
    const r = t.add(2);
    t.set(r, 'acc', 0.2);
    t.set(r, 'h', 0.4);
    const seen: unknown[] = [];
    t.forEachRow(['h', 'acc'], (step, values) => seen.push([step, ...values]));
    assert.deepEqual(seen, [[1, 0.5, undefined], [2, 0.4, 0.2]]);
  });

  it('says when the rows are too irregular for it', () => {
    const t = new StepTable();
    let outcome = '';
    for (let row = 0; outcome !== 'irregular' && row < 100; row++) {
      const r = t.add(row);
      // A new order of 400 keys per row: a new shape per key and row.
      for (let k = 0; k < 400 && outcome !== 'irregular'; k++) outcome = t.set(r, `k${(k * (row + 1)) % 401}`, k);
    }
    assert.equal(outcome, 'irregular');
  });

  it('matches step → key → value maps on random writes', () => {
    const op = fc.tuple(fc.integer({ min: 0, max: 12 }), fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd/e'), fc.double({ noNaN: true })), { maxLength: 4 }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const t = new StepTable();
        const expected = new Map<number, Map<string, number>>();
        for (const [step, values] of ops) {
          let row = t.find(step);
          if (row < 0) row = t.add(step);
          if (!expected.has(step)) expected.set(step, new Map());
          for (const [key, v] of values) {
            assert.equal(t.set(row, key, v), expected.get(step)!.has(key) ? 'replaced' : 'new');
            expected.get(step)!.set(key, v);
          }
        }
        assert.deepEqual(t.toMap(), expected);
        assert.equal(t.size, expected.size);
        const keys = new Set<string>();
        for (const m of expected.values()) for (const k of m.keys()) keys.add(k);
        assert.deepEqual([...t.keys()], [...keys]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('runs kept as a table', () => {
  it('give the same keys and series as their maps, and turn into maps when their steps are read', () => {
    const w = new StepWriter('t.log');
    for (const [step, h, acc] of [[3, 0.5, 0.1], [1, 0.6, undefined], [2, 0.55, 0.12]] as const) {
      w.record(step, step);
      w.set('actor/entropy', h);
      if (acc !== undefined) w.set('acc', acc);
    }
    const run = w.run('t', 't.log', 'verl-console');
    assert.ok(run.table);
    const choice = { entropyKey: 'actor/entropy', metric: 'acc', metricKeys: ['acc'], metricKind: 'user' as const };
    const fromTable = { keys: runKeys(run), series: toSeries(run, choice) };
    assert.deepEqual(Object.keys(run), ['id', 'source', 'format', 'steps']);
    const steps = run.steps;
    assert.equal(run.table, undefined);
    assert.equal(run.steps, steps);
    assert.deepEqual(fromTable, { keys: runKeys(run), series: toSeries(run, choice) });
    assert.deepEqual([...fromTable.series.step], [2, 3]);
  });
});
