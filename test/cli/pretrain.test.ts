import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli } from './run-cli.ts';
import { loadCheckpoint } from '../../src/harness/index.ts';


describe('entropy-law pretrain', () => {
  it('trains a few steps on the CPU and writes a checkpoint and a JSONL log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'entropy-law-pretrain-'));
    const { code, stdout } = await cli('pretrain', '--task', 'sort', '--steps', '8', '--out', dir, '--json');
    assert.equal(code, 0);
    const result = JSON.parse(stdout);
    assert.equal(result.steps, 8);
    const log = readFileSync(join(dir, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(log.filter((r) => 'loss' in r).map((r) => r.step), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.ok(log.some((r) => 'val_acc' in r), 'the last step is evaluated');
    const checkpoint = await loadCheckpoint(result.checkpoint);
    assert.equal(checkpoint.state.step, 8);
  });

  it('refuses an unknown task and a missing --out', async () => {
    assert.equal((await cli('pretrain', '--task', 'chess', '--out', tmpdir())).code, 2);
    assert.equal((await cli('pretrain', '--task', 'sort')).code, 2);
  });
});
