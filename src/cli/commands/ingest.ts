import type { Command } from 'commander';
import { formatRunMeta, ingestRecord, writeTidy } from '../../index.ts';
import type { CliContext } from '../context.ts';
import { table } from '../format.ts';
import { readInputs, withInputFlags, type InputFlags } from '../options.ts';

/** `entropy-law ingest <paths...>`: read logs into the tidy table; print the runs, optionally write the points. */
export function registerIngest(program: Command, ctx: CliContext): void {
  withInputFlags(program.command('ingest'))
    .description('read logs into one tidy table (run, step, entropy, metric) and show which keys were chosen')
    .option('--out <file>', 'write the tidy table as CSV or JSONL (by extension: .csv, .jsonl)')
    .action(async (paths: string[], flags: InputFlags & { out?: string }) => {
      const dataset = await readInputs(paths, flags, ctx.warnings);
      if (flags.out) await writeTidy(dataset, flags.out);
      if (flags.json) {
        ctx.out(JSON.stringify({ runs: dataset.runs.map(ingestRecord), warnings: ctx.warnings.list(), out: flags.out ?? null }, null, 2));
        return;
      }
      const rows = dataset.runs.map((r) => [r.id, r.format, String(r.points), r.entropyKey, r.metric, r.metricKind, formatRunMeta(r), r.source]);
      ctx.out(table(['run', 'format', 'points', 'entropy', 'metric', 'kind', 'meta', 'source'], rows));
      if (flags.out) ctx.out(`\nwrote ${dataset.runs.reduce((s, r) => s + r.points, 0)} points to ${flags.out}`);
    });
}
