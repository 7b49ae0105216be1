import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatProgress, progressBar } from '../../src/cli/progress.ts';
import { ingest } from '../../src/ingest/load.ts';
import type { IngestProgress } from '../../src/ingest/types.ts';

const MB = 1 << 20;
const at = (bytes: number, files = 0, done = false): IngestProgress => ({ files, totalFiles: 2, bytes, totalBytes: 100 * MB, done });

describe('progress bar', () => {
  it('formats the fraction, the sizes and the files within the width', () => {
    assert.equal(formatProgress(at(50 * MB, 1), 70), 'reading [#############            ]  50% 50.0 MB / 100.0 MB, 1/2 files');
    assert.ok(formatProgress(at(50 * MB, 1), 30).length <= 30);
  });

  it('draws on a terminal at most every interval and erases itself when done', () => {
    const writes: string[] = [];
    let clock = 0;
    const bar = progressBar({ isTTY: true, columns: 71, write: (t) => writes.push(t) }, { now: () => clock, intervalMs: 100 });
    assert.ok(bar);
    bar(at(10 * MB));
    clock = 50;
    bar(at(20 * MB)); // too soon: skipped
    clock = 150;
    bar(at(100 * MB, 2));
    bar(at(100 * MB, 2, true));
    assert.equal(writes.length, 3);
    assert.ok(writes[0].startsWith('\rreading [#') && writes[0].endsWith(']  10% 10.0 MB / 100.0 MB, 0/2 files\x1b[K'), writes[0]);
    assert.match(writes[1], /100% 100\.0 MB/);
    assert.equal(writes[2], '\r\x1b[K');
  });

  it('stays silent when piped, and for small inputs', () => {
    assert.equal(progressBar({ isTTY: false, write: () => assert.fail('drew on a pipe') }), undefined);
    const small = progressBar({ isTTY: true, write: () => assert.fail('drew for a small input') });
    small?.({ files: 0, totalFiles: 1, bytes: 10, totalBytes: 1000, done: false });
    small?.({ files: 1, totalFiles: 1, bytes: 1000, totalBytes: 1000, done: true });
  });

  it('gets byte counts from ingest that add up to the input size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'entropy-law-progress-'));
    try {
      const text = Array.from({ length: 2000 }, (_, i) => `step:${i} - actor/entropy:${1 - i / 4000} - val-core/a/acc/mean@1:${i / 4000}`).join('\n');
      writeFileSync(join(dir, 'a.log'), text);
      writeFileSync(join(dir, 'b.log'), text);
      const seen: IngestProgress[] = [];
      await ingest([dir], { onProgress: (p) => seen.push(p) });
      const last = seen.at(-1)!;
      assert.deepEqual(last, { files: 2, totalFiles: 2, bytes: 2 * text.length, totalBytes: 2 * text.length, done: true });
      assert.ok(seen.every((p, i) => i === 0 || p.bytes >= seen[i - 1].bytes));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
