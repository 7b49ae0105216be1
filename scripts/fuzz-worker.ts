/** A worker process of `npm run fuzz`: runs the cases it is sent (scripts/fuzz-cases.ts) in its own folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCase } from './fuzz-cases.ts';
import type { LogFormat } from '../src/ingest/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'entropy-law-fuzz-'));
const clean = () => rmSync(dir, { recursive: true, force: true });
process.on('exit', clean);
process.on('SIGTERM', () => process.exit(0));

process.on('message', async (message: { format: LogFormat; index: number } | 'stop') => {
  if (message === 'stop') process.exit(0);
  const result = await runCase(message.format, message.index, join(dir, 'case'));
  process.send!(result);
});
