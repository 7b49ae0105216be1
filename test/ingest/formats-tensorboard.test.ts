import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { InputError } from '../../src/util/errors.ts';
import { Warnings } from '../../src/util/warnings.ts';
import { eventWriter, loadTensorBoard, parseEventFile, tensorboardReader } from '../../src/ingest/tensorboard.ts';
import { frameRecords, maskedCrc32c } from '../../src/ingest/tfrecord.ts';
import type { RawRun } from '../../src/ingest/types.ts';

// Event files written by tensorboardX 2.6.5 and tensorboard 2.21.0 (test/fixtures/tensorboard/make_fixtures.py);
// expected.json holds the values the script gave the writers, as float32 widened to float64 where stored as float.
const FIXTURES = new URL('../fixtures/tensorboard/', import.meta.url).pathname;
type Point = [step: number, tag: string, value: number];
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Record<
  string,
  { points: Point[]; offset?: number; bytes?: number; wholeRecords?: number; lost?: Point; notScalars?: string[] }
>;

/** The points of a run as sorted [step, tag, value] triples. */
function points(run: RawRun): Point[] {
  const out: Point[] = [];
  for (const [step, metrics] of run.steps) for (const [tag, value] of metrics) out.push([step, tag, value]);
  return out.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1));
}
const sorted = (p: Point[]) => [...p].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1));

async function load(name: string, warnings = new Warnings()): Promise<RawRun> {
  const runs = await loadTensorBoard(join(FIXTURES, name), { warnings });
  assert.equal(runs.length, 1);
  return runs[0];
}

describe('TensorBoard event files', () => {
  test('masked CRC32C matches TensorFlow (crc32c("") = 0, masked = 0xa282ead8)', () => {
    assert.equal(maskedCrc32c(new Uint8Array(0)), 0xa282ead8);
  });

  for (const name of ['simple', 'new-style', 'double', 'restart']) {
    test(`${name}: decodes exactly the values the writer was given`, async () => {
      const warnings = new Warnings();
      const run = await load(name, warnings);
      assert.deepEqual(points(run), sorted(expected[name].points));
      assert.equal(run.id, name);
      assert.equal(run.format, 'tensorboard');
      // The restarted run writes steps 5 and 6 again in its second file: the resumed-run warning of every format.
      const resumed = `${join(FIXTURES, 'restart', 'events.out.tfevents.1700000302.fixture')}: 2 steps written more than once (a resumed run?): the later values kept; first at byte offset 40 (step 5)`;
      if (name !== 'simple') assert.deepEqual(warnings.list(), name === 'restart' ? [resumed] : []);
    });
  }

  test('simple: the NaN written at step 11 is dropped with a warning', async () => {
    const warnings = new Warnings();
    const run = await load('simple', warnings);
    assert.equal(run.steps.has(11), false);
    assert.match(warnings.list().join('\n'), /1 non-finite values dropped; first at byte offset \d+ \(actor\/entropy at step 11\)/);
  });

  test('double: multi-element tensors and histogram-plugin tensors are not scalars', async () => {
    const run = await load('double');
    const tags = new Set(points(run).map((p) => p[1]));
    for (const tag of expected.double.notScalars ?? []) assert.equal(tags.has(tag), false, tag);
  });

  test('truncated: keeps every whole record and warns with the offset of the cut one', async () => {
    const warnings = new Warnings();
    const run = await load('truncated', warnings);
    const e = expected.truncated;
    assert.deepEqual(points(run), sorted(e.points));
    assert.deepEqual(warnings.list(), [
      `${join(FIXTURES, 'truncated', 'events.out.tfevents.1700000001.fixture')}@${e.offset}: last record cut short (${e.bytes} bytes) ignored; the ${e.wholeRecords} whole records before it were read`,
    ]);
  });

  test('corrupt data CRC: that record is skipped with its offset, the rest is read', async () => {
    const warnings = new Warnings();
    const run = await load('corrupt-data', warnings);
    const e = expected['corrupt-data'];
    assert.deepEqual(points(run), sorted(e.points));
    assert.ok(warnings.list().some((w) => w.endsWith(`1 records with a bad data checksum skipped; first at byte offset ${e.offset}`)));
  });

  test('corrupt length CRC: framing resumes at the next record that checks', async () => {
    const warnings = new Warnings();
    const run = await load('corrupt-length', warnings);
    const e = expected['corrupt-length'];
    assert.deepEqual(points(run), sorted(e.points));
    assert.ok(
      warnings.list().some((w) => w.endsWith(`1 corrupt stretches (${e.bytes} bytes in all) skipped; first at byte offset ${e.offset}`)),
    );
    const frames = [...frameRecords(readFileSync(join(FIXTURES, 'corrupt-length', 'events.out.tfevents.1700000001.fixture')))];
    assert.deepEqual(frames.filter((f) => f.kind === 'garbage'), [{ kind: 'garbage', offset: e.offset, bytes: e.bytes }]);
  });

  describe('folders', () => {
    let dir = '';
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'tb-'));
      for (const name of ['simple', 'new-style']) {
        await mkdir(join(dir, 'proj', name), { recursive: true });
        const file = name === 'simple' ? 'events.out.tfevents.1700000001.fixture' : 'events.out.tfevents.1700000101.fixture';
        await copyFile(join(FIXTURES, name, file), join(dir, 'proj', name, file));
      }
      await writeFile(join(dir, 'not-events.bin'), 'hello, this is not an event file');
      await mkdir(join(dir, 'empty'));
    });
    after(() => rm(dir, { recursive: true, force: true }));

    test('a log folder gives one run per folder with event files, named by its path', async () => {
      const runs = await loadTensorBoard(dir, { warnings: new Warnings() });
      assert.deepEqual(runs.map((r) => r.id), ['proj/new-style', 'proj/simple']);
      assert.deepEqual(points(runs[1]), sorted(expected.simple.points));
    });

    test('a single event file is one run named by its folder; the id option overrides', async () => {
      const file = join(dir, 'proj', 'simple', 'events.out.tfevents.1700000001.fixture');
      assert.equal((await loadTensorBoard(file))[0].id, 'simple');
      assert.equal((await loadTensorBoard(file, { id: 'mine' }))[0].id, 'mine');
    });

    test('unusable input is an InputError naming the file', async () => {
      await assert.rejects(loadTensorBoard(join(dir, 'empty')), (e: unknown) => e instanceof InputError && /no TensorBoard event files/.test(e.message));
      await assert.rejects(loadTensorBoard(join(dir, 'not-events.bin')), (e: unknown) => e instanceof InputError && e.message.includes('not-events.bin@0'));
      await assert.rejects(loadTensorBoard(join(dir, 'missing')), (e: unknown) => e instanceof InputError && /ENOENT/.test(e.message));
    });

    test('sniff: event files by content, folders by the event files in them', async () => {
      const head = readFileSync(join(FIXTURES, 'simple', 'events.out.tfevents.1700000001.fixture')).subarray(0, 65536);
      assert.equal(await tensorboardReader.sniff({ path: 'x.bin', isDirectory: false, head }), true);
      assert.equal(await tensorboardReader.sniff({ path: 'x.csv', isDirectory: false, head: new TextEncoder().encode('step,a\n1,2\n') }), false);
      assert.equal(await tensorboardReader.sniff({ path: dir, isDirectory: true, head: new Uint8Array(0) }), true);
      assert.equal(await tensorboardReader.sniff({ path: join(dir, 'empty'), isDirectory: true, head: new Uint8Array(0) }), false);
    });
  });

  test('parseEventFile merges into existing steps, later values winning', () => {
    const writer = eventWriter('<bytes>');
    writer.record(3, 0);
    writer.set('actor/entropy', -1);
    writer.set('other', 7);
    parseEventFile(readFileSync(join(FIXTURES, 'simple', 'events.out.tfevents.1700000001.fixture')), writer);
    const steps = writer.run('simple', '<bytes>', 'tensorboard').steps;
    const want = expected.simple.points.find((p) => p[0] === 3 && p[1] === 'actor/entropy');
    assert.equal(steps.get(3)?.get('actor/entropy'), want?.[2]);
    assert.equal(steps.get(3)?.get('other'), 7);
  });

  test('add_scalars sub-folders are part of their run, as <main_tag>/<tag>, in tensorboardX and torch layouts', async () => {
    const want = JSON.parse(readFileSync(join(FIXTURES, 'add-scalars-expected.json'), 'utf8')) as { points: Point[] };
    for (const name of ['add-scalars', 'add-scalars-torch']) {
      const runs = await loadTensorBoard(join(FIXTURES, name), { warnings: new Warnings() });
      assert.deepEqual(runs.map((r) => r.id), [name]);
      assert.deepEqual(points(runs[0]), sorted(want.points), name);
    }
    // Read from the folder above, each run still takes its own sub-folders and nothing else.
    const all = await loadTensorBoard(FIXTURES, { warnings: new Warnings() });
    assert.deepEqual(points(all.find((r) => r.id === 'add-scalars-torch')!), sorted(want.points));
  });
});
