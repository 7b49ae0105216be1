import assert from 'node:assert/strict';
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FORMAT_READERS } from '../../src/ingest/format-readers.ts';
import { SNIFF_HEAD_BYTES } from '../../src/ingest/reader.ts';
import type { LogFormat } from '../../src/ingest/types.ts';
import { REAL_LOGS } from '../helpers.ts';
import { FORMAT_FIXTURES } from './formats-text.helpers.ts';

const TB = new URL('../fixtures/tensorboard/', import.meta.url).pathname;

/** The first `SNIFF_HEAD_BYTES` of a file, as detection reads them. */
function head(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buffer = new Uint8Array(SNIFF_HEAD_BYTES);
    return buffer.subarray(0, readSync(fd, buffer, 0, SNIFF_HEAD_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

/** The formats whose reader claims an input. */
async function claims(path: string): Promise<LogFormat[]> {
  const isDirectory = statSync(path).isDirectory();
  const out: LogFormat[] = [];
  for (const reader of FORMAT_READERS) if (await reader.sniff({ path, isDirectory, head: isDirectory ? new Uint8Array(0) : head(path) })) out.push(reader.format);
  return out;
}

test('each fixture is claimed by its own reader and no other', async () => {
  const cases: Array<[string, LogFormat[]]> = [
    [join(TB, 'simple'), ['tensorboard']],
    [join(TB, 'simple', 'events.out.tfevents.1700000001.fixture'), ['tensorboard']],
    [join(FORMAT_FIXTURES, 'trl', 'grpo-run'), ['trl-state']],
    [join(FORMAT_FIXTURES, 'trl', 'grpo-run', 'checkpoint-30', 'trainer_state.json'), ['trl-state']],
    [join(FORMAT_FIXTURES, 'openrlhf', 'train.log'), ['openrlhf-console']],
    [join(FORMAT_FIXTURES, 'wandb', 'history.csv'), ['wandb-history']],
    [join(FORMAT_FIXTURES, 'wandb', 'history.jsonl'), ['wandb-history']],
  ];
  for (const [path, formats] of cases) assert.deepEqual(await claims(path), formats, path);
});

test('verl console logs are claimed by none of these readers', async () => {
  const dir = REAL_LOGS;
  for (const name of readdirSync(dir)) assert.deepEqual(await claims(join(dir, name)), [], name);
});
