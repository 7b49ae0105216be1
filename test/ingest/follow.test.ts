// Following a growing log through the ingest readers: complete lines only, the run so far at each read, a
// clean restart when the file is rewritten, and the same runs and warnings as ingest for the same bytes.
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixture, REAL_LOGS } from '../helpers.ts';
import { follow, ingest, InputError, loadLog, UsageError, Warnings, type RawRun } from './imports.ts';
import { stepsObject } from './formats-text.helpers.ts';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'entropy-law-follow-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const steps = (runs: RawRun[] | null) => (runs && runs[0] ? stepsObject(runs[0]) : runs);

describe('follow', () => {
  it('gives only complete lines, keeps a UTF-8 character split across writes whole, and notices a rewrite', async () => {
    const path = join(dir, 'tail.log');
    const f = follow(path);
    assert.equal(await f.read(), null, 'a missing file: nothing yet');
    assert.equal(f.waiting, 'the file to be created');
    writeFileSync(path, 'step:1 - a:0.5\nstep:2 - a:0.');
    assert.deepEqual(steps(await f.read()), { '1': { a: 0.5 } });
    assert.equal(f.format, 'verl-console');
    assert.equal(await f.read(), null, 'the half line is held back, and nothing changed');
    appendFileSync(path, '4\r\nstep:3 - ');
    assert.deepEqual(steps(await f.read()), { '1': { a: 0.5 }, '2': { a: 0.4 } });
    const e = Buffer.from('é');
    appendFileSync(path, e.subarray(0, 1));
    assert.deepEqual(steps(await f.read()), { '1': { a: 0.5 }, '2': { a: 0.4 } });
    appendFileSync(path, Buffer.concat([e.subarray(1), Buffer.from(':1\n')]));
    assert.deepEqual(steps(await f.read()), { '1': { a: 0.5 }, '2': { a: 0.4 }, '3': { é: 1 } });
    // Rewritten with more bytes than were read: its start differs, so it is read again from the start.
    writeFileSync(path, 'step:9 - b:1\n'.repeat(5));
    assert.deepEqual(steps(await f.read()), { '9': { b: 1 } });
    // Truncated.
    truncateSync(path, 0);
    assert.deepEqual(await f.read(), []);
    appendFileSync(path, 'step:7 - c:2\n');
    assert.deepEqual(steps(await f.read()), { '7': { c: 2 } });
  });

  it('a first line that looks like a CSV header is not taken for one when the lines after it say otherwise', async () => {
    const path = join(dir, 'live.log');
    writeFileSync(path, 'INFO starting, please wait\n');
    const f = follow(path);
    assert.deepEqual(await f.read(), []);
    appendFileSync(path, 'step:1 - actor/entropy:0.5 - val-core/a/acc/mean@1:0.1\n');
    assert.deepEqual(steps(await f.read()), { '1': { 'actor/entropy': 0.5, 'val-core/a/acc/mean@1': 0.1 } });
    assert.equal(f.format, 'verl-console');
  });

  it('a real verl log written in odd-sized chunks gives, at the end, the run and warnings ingest gives', async () => {
    const source = `${REAL_LOGS}Qwen2.5-0.5B-bsz256_2-prompt512-resp256-0.538.log`;
    const bytes = readFileSync(source);
    const path = join(dir, 'qwen.log');
    writeFileSync(path, '');
    const f = follow(path);
    let last: RawRun[] | null = null;
    for (let at = 0, size = 1; at < bytes.length; at += size, size = (size * 13 + 5) % 200_000) {
      appendFileSync(path, bytes.subarray(at, at + size));
      last = (await f.read()) ?? last;
    }
    const warnings = new Warnings();
    const [whole] = await loadLog(path, { warnings });
    assert.deepEqual(stepsObject(last![0]), stepsObject(whole));
    assert.deepEqual(f.warnings, warnings.list());
  });

  it('CSV rows with more fields than the header are skipped with the warning ingest gives', async () => {
    const path = join(dir, 'table.csv');
    const text = 'step,actor/entropy,eval_accuracy\n1,0.5,0.1\n2,0.4,0.2,extra\n3,0.3,0.3\n';
    writeFileSync(path, text);
    const f = follow(path);
    const runs = await f.read();
    const data = await ingest([path]);
    assert.deepEqual(stepsObject(runs![0]), { '1': { 'actor/entropy': 0.5, eval_accuracy: 0.1 }, '3': { 'actor/entropy': 0.3, eval_accuracy: 0.3 } });
    assert.deepEqual(f.warnings, [`${path}: 1 rows with more fields than the header skipped; first at line 3 (4 fields, header has 3)`]);
    assert.deepEqual(f.warnings, data.warnings);
  });

  it('a TensorBoard event file, and a run folder, grow a record at a time', async () => {
    // Written by tensorboardX (test/fixtures/tensorboard/make_fixtures.py): steps 1–10, a NaN at step 11.
    const bytes = readFileSync(fixture('tensorboard/simple/events.out.tfevents.1700000001.fixture'));
    const folder = join(dir, 'tb');
    mkdirSync(folder);
    const path = join(folder, 'events.out.tfevents.1700000001.fixture');
    writeFileSync(path, '');
    const onFile = follow(path);
    const onFolder = follow(folder);
    const sizes: number[] = [];
    for (let at = 0; at < bytes.length; at += 97) {
      appendFileSync(path, bytes.subarray(at, at + 97));
      const a = await onFile.read();
      const b = await onFolder.read();
      if (a?.[0]) sizes.push(a[0].steps.size);
      if (a && b) assert.deepEqual(stepsObject(a[0]), stepsObject(b[0]));
    }
    assert.equal(sizes.at(-1), 10);
    assert.ok(sizes.every((s, i) => i === 0 || s >= sizes[i - 1]), sizes.join(','));
    assert.equal(onFile.format, 'tensorboard');
    assert.equal(onFolder.format, 'tensorboard');
  });

  it('a log read whole (TRL trainer_state.json) is read again when it changes', async () => {
    const path = join(dir, 'trainer_state.json');
    copyFileSync(fixture('formats/trl/grpo-run/checkpoint-30/trainer_state.json'), path);
    const f = follow(path);
    const first = await f.read();
    assert.equal(first![0].format, 'trl-state');
    assert.equal(await f.read(), null);
    // Rewritten half-way (the Trainer writes the file in place): not readable yet, so it waits.
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.slice(0, text.length / 2));
    assert.equal(await f.read(), null);
    assert.match(f.waiting!, /^a readable log \(.*trainer_state\.json/);
    writeFileSync(path, text);
    assert.deepEqual(stepsObject((await f.read())![0]), stepsObject(first![0]));
  });

  it('errors: a format given that is not read line by line; a folder of logs; a CSV without a step column', async () => {
    await assert.rejects(follow(join(dir, 'x.log'), { format: 'tensorboard' }).read(), (e: unknown) => e instanceof UsageError && /cannot follow tensorboard logs line by line/.test(e.message));
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    assert.equal(await follow(logs).read(), null);
    writeFileSync(join(logs, 'a.log'), 'step:1 - a:1\n');
    writeFileSync(join(logs, 'b.log'), 'step:1 - a:1\n');
    await assert.rejects(follow(logs).read(), (e: unknown) => e instanceof InputError && e.message.startsWith(`${logs}: not a run folder`) && e.message.includes('2 files'));
    const csv = join(dir, 'nostep.csv');
    writeFileSync(csv, 'a,b\n1,2\n');
    await assert.rejects(follow(csv, { format: 'csv' }).read(), (e: unknown) => e instanceof InputError && e.message.startsWith(`${csv}: no step column`));
    // Undetected, a short file may still turn out to be another format: it waits, saying why.
    const guess = follow(csv);
    assert.equal(await guess.read(), null);
    assert.match(guess.waiting!, /^more lines \(.*no step column/);
  });
});
