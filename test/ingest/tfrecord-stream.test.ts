import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { eventWriter, parseEventFile, readEventFile } from '../../src/ingest/tensorboard.ts';
import { frameRecords, frameRecordStream, maskedCrc32c, type FrameEvent } from '../../src/ingest/tfrecord.ts';
import { KeyFilter } from '../../src/ingest/step-writer.ts';
import type { RawRun } from '../../src/ingest/types.ts';
import { Warnings } from '../../src/util/warnings.ts';

// The fixtures of formats-tensorboard.test.ts: clean, corrupt length, corrupt data, cut short, several writers.
const FIXTURES = new URL('../fixtures/tensorboard/', import.meta.url).pathname;
const FILES = [
  'double/events.out.tfevents.1700000201.fixture',
  'double/events.out.tfevents.1700000202.fixture',
  'simple/events.out.tfevents.1700000001.fixture',
  'new-style/events.out.tfevents.1700000101.fixture',
  'corrupt-length/events.out.tfevents.1700000001.fixture',
  'corrupt-data/events.out.tfevents.1700000001.fixture',
  'truncated/events.out.tfevents.1700000001.fixture',
];
const DOUBLE = ['double/events.out.tfevents.1700000201.fixture', 'double/events.out.tfevents.1700000202.fixture'];

/** The frames of `bytes` read through `frameRecordStream` in chunks of `chunk`, data copied out (views are reused). */
function streamed(bytes: Uint8Array, chunk: number): Array<FrameEvent & { copy?: number[] }> {
  const reads: number[] = [];
  const frames = [];
  const read = (into: Uint8Array, at: number) => {
    // Hand out fewer bytes than asked (as a pipe or a slow disk may) to exercise partial reads too.
    const n = Math.max(0, Math.min(into.length, bytes.length - at, chunk));
    into.set(bytes.subarray(at, at + n));
    reads.push(n);
    return n;
  };
  for (const f of frameRecordStream(bytes.length, read, { chunkBytes: chunk })) {
    frames.push(f.kind === 'record' ? { kind: f.kind, offset: f.offset, copy: [...f.data] } : f);
  }
  return frames as Array<FrameEvent & { copy?: number[] }>;
}

const inMemory = (bytes: Uint8Array) =>
  [...frameRecords(bytes)].map((f) => (f.kind === 'record' ? { kind: f.kind, offset: f.offset, copy: [...f.data] } : f));

describe('streamed TFRecord framing', () => {
  test('gives the same frames as the whole-file framer at any chunk size (records across chunk ends)', () => {
    for (const file of FILES) {
      const bytes = readFileSync(join(FIXTURES, file));
      const want = inMemory(bytes);
      assert.ok(want.length > 3, file);
      for (const chunk of [16, 17, 33, 100, 4096, 1 << 20]) assert.deepEqual(streamed(bytes, chunk), want, `${file}, chunk ${chunk}`);
    }
  });

  test('the corrupt fixtures keep their garbage, bad-CRC and truncated frames when streamed', () => {
    const kinds = (file: string) => new Set(streamed(readFileSync(join(FIXTURES, file)), 16).map((f) => f.kind));
    assert.ok(kinds('corrupt-length/events.out.tfevents.1700000001.fixture').has('garbage'));
    assert.ok(kinds('corrupt-data/events.out.tfevents.1700000001.fixture').has('bad-data-crc'));
    assert.ok(kinds('truncated/events.out.tfevents.1700000001.fixture').has('truncated'));
  });

  test('a bogus length past the end is a truncated tail, read without allocating that length', () => {
    // A header whose length (2^40) checks but which the file cannot hold: framed as cut short, not grown into.
    const header = Buffer.alloc(12);
    header.writeBigUInt64LE(1n << 40n, 0);
    const bytes = readFileSync(join(FIXTURES, FILES[0]));
    header.writeUInt32LE(maskedCrc32c(header.subarray(0, 8)), 8);
    const joined = Buffer.concat([bytes, header, Buffer.alloc(5)]);
    const frames = streamed(joined, 64);
    assert.deepEqual(frames.at(-1), { kind: 'truncated', offset: bytes.length, bytes: 17 });
  });

  test('readEventFile reads a file as parseEventFile reads its bytes, warnings included; keep filters tags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-stream-'));
    try {
      for (const file of FILES) {
        const bytes = readFileSync(join(FIXTURES, file));
        const path = join(dir, 'events.out.tfevents.1');
        writeFileSync(path, bytes);
        const a = eventWriter(path);
        const b = eventWriter(path);
        const wa = new Warnings();
        const wb = new Warnings();
        parseEventFile(bytes, a, { source: path, warnings: wa });
        readEventFile(path, b, { warnings: wb });
        assert.deepEqual(b.run('r', path, 'tensorboard').steps, a.run('r', path, 'tensorboard').steps, file);
        assert.deepEqual(wb.list(), wa.list(), file);
      }
      const path = join(dir, 'events.out.tfevents.1');
      // Both files of the 'double' run: tensorboard's writer (eval/reward) and TF2's (tf2/*, not candidates).
      writeFileSync(path, Buffer.concat(DOUBLE.map((f) => readFileSync(join(FIXTURES, f)))));
      const allWriter = eventWriter(path);
      const keep = new KeyFilter();
      const keptWriter = eventWriter(path, keep);
      readEventFile(path, allWriter);
      readEventFile(path, keptWriter);
      const all = allWriter.run('r', path, 'tensorboard').steps;
      const kept = keptWriter.run('r', path, 'tensorboard').steps;
      const tags = (s: RawRun['steps']) => new Set([...s.values()].flatMap((m) => [...m.keys()]));
      assert.deepEqual(tags(kept), new Set([...tags(all)].filter((t) => keep.has(t))));
      assert.ok(tags(kept).size > 0 && tags(kept).size < tags(all).size, 'the fixture has kept and dropped tags');
      for (const [step, m] of kept) for (const [tag, v] of m) assert.equal(all.get(step)?.get(tag), v);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
