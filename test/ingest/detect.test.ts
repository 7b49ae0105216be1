import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectFormat, InputError, sniffFormat } from './imports.ts';

describe('detectFormat', () => {
  it('detects by content, not by extension', () => {
    assert.equal(detectFormat('step,actor/entropy,acc\n0,0.5,0.1\n', 'run.log'), 'csv');
    assert.equal(detectFormat('{"step": 3, "data": {"actor/entropy": 0.5}}\n', 'run.txt'), 'verl-jsonl');
    assert.equal(detectFormat('{"_step": 3, "entropy": 0.5}\n', 'run.log'), 'jsonl');
    assert.equal(detectFormat('{"step": 3, "data": 7}\n', 'x'), 'jsonl');
    assert.equal(detectFormat('\ufeffstep;entropy\n1;0,5\n', 'x.txt'), 'csv');
    // A console log that opens with a JSON dump is still a console log.
    assert.equal(detectFormat('{"config": 1}\nloading\nstep:1 - actor/entropy:0.5\n', 'x.log'), 'verl-console');
    // The head may end inside a line; that line is not held against JSONL.
    assert.equal(detectFormat('{"a": 1}\n{"a": 2}\n{"a": 3', 'x.log'), 'jsonl');
  });

  it('finds a verl console line after start-up noise, behind ANSI codes and Ray prefixes', () => {
    const noise = 'INFO starting, with a comma\n'.repeat(2000);
    const head = noise + '\x1b[36m(main_task pid=54569)\x1b[0m step:0 - timing/gen:18.859 - actor/entropy_loss:0.526\n';
    assert.equal(detectFormat(head, 'train.out'), 'verl-console');
  });

  it('throws an InputError naming the file for anything else', () => {
    for (const head of ['', 'hello world\nthis is prose', '\0\0\x01binary', "Let's go step by step:\n", '{\n  "log_history": []\n}\n', 'a,,b\n1,2,3\n']) {
      assert.equal(sniffFormat(head), undefined, JSON.stringify(head));
      assert.throws(
        () => detectFormat(head, 'logs/notes.txt'),
        (e: unknown) => e instanceof InputError && e.message === 'logs/notes.txt: unrecognised log format (expected a verl console log, verl JSONL, JSONL or CSV)',
      );
    }
  });
});
