import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixture } from '../helpers.ts';
import { detectFormat, InputError, KNOWN_FORMATS, READERS, sniffFormat } from './imports.ts';

describe('detectFormat', () => {
  it('detects by content, not by extension', async () => {
    assert.equal(await detectFormat('step,actor/entropy,acc\n0,0.5,0.1\n', 'run.log'), 'csv');
    assert.equal(await detectFormat('{"step": 3, "data": {"actor/entropy": 0.5}}\n', 'run.txt'), 'verl-jsonl');
    assert.equal(await detectFormat('{"_step": 3, "entropy": 0.5}\n', 'run.log'), 'wandb-history');
    assert.equal(await detectFormat('{"step": 3, "data": 7}\n', 'x'), 'jsonl');
    assert.equal(await detectFormat('\ufeffstep;entropy\n1;0,5\n', 'x.txt'), 'csv');
    // A console log that opens with a JSON dump is still a console log.
    assert.equal(await detectFormat('{"config": 1}\nloading\nstep:1 - actor/entropy:0.5\n', 'x.log'), 'verl-console');
    // The head may end inside a line; that line is not held against JSONL.
    assert.equal(await detectFormat('{"a": 1}\n{"a": 2}\n{"a": 3', 'x.log'), 'jsonl');
  });

  it('finds a verl console line after start-up noise, behind ANSI codes and Ray prefixes', async () => {
    const noise = 'INFO starting, with a comma\n'.repeat(2000);
    const head = noise + '\x1b[36m(main_task pid=54569)\x1b[0m step:0 - timing/gen:18.859 - actor/entropy_loss:0.526\n';
    assert.equal(await detectFormat(head, 'train.out'), 'verl-console');
  });

  it('knows every format of the registry: the trainer formats from content, folders from their path', async () => {
    assert.equal(await detectFormat('{\n  "log_history": []\n}\n', 'trainer_state.json'), 'trl-state');
    assert.equal(await detectFormat("INFO ✨ Global step 1: {'reward': 0.5}\n", 'train.log'), 'openrlhf-console');
    assert.equal(await detectFormat('"Step","run-a - acc","run-a - acc__MIN"\n"1","0.5","0.4"\n', 'export.csv'), 'wandb-export');
    const tb = fixture('tensorboard/simple/events.out.tfevents.1700000001.fixture');
    assert.equal(await detectFormat(readFileSync(tb), tb), 'tensorboard');
    assert.equal(await detectFormat(undefined, tb), 'tensorboard');
    assert.equal(await detectFormat(undefined, fixture('tensorboard/simple')), 'tensorboard');
    assert.equal(await detectFormat(undefined, fixture('formats/trl/grpo-run')), 'trl-state');
    assert.equal(await detectFormat(undefined, join(fixture('formats/wandb'), 'history.csv')), 'wandb-history');
    // Every reader's format is one detectFormat can give, and the message lists them all.
    for (const reader of READERS) assert.ok(KNOWN_FORMATS.includes(reader.label ?? reader.format), reader.format);
  });

  it('throws an InputError naming the file for anything else', async () => {
    for (const head of ['hello world\nthis is prose', '\0\0\x01binary', "Let's go step by step:\n", 'a,,b\n1,2,3\n']) {
      assert.equal(await sniffFormat(head), undefined, JSON.stringify(head));
      await assert.rejects(
        detectFormat(head, 'logs/notes.txt'),
        (e: unknown) => e instanceof InputError && e.message === `logs/notes.txt${head.startsWith('\0') ? '@0: binary data, not a recognised log format' : ': unrecognised log format'} (expected ${KNOWN_FORMATS})`,
      );
    }
    assert.equal(await sniffFormat(''), undefined);
    await assert.rejects(detectFormat('', 'logs/notes.txt'), (e: unknown) => e instanceof InputError && e.message === 'logs/notes.txt: empty file');
    await assert.rejects(detectFormat(undefined, fixture('real')), (e: unknown) => e instanceof InputError && e.message.includes('not a run directory'));
  });
});
