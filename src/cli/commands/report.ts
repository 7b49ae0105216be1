import type { Command } from 'commander';
import { analyzeDataset } from '../../predict/analyze.ts';
import { writeReport } from '../../report/index.ts';
import { fitTable } from './fit.ts';
import { fractionOption, readInputs, withInputFlags, type InputFlags } from '../options.ts';
import type { CliContext } from '../context.ts';

/** `entropy-law report <paths...> --out FILE.html`: fit every run and write the self-contained HTML report. */
export function registerReport(program: Command, ctx: CliContext): void {
  withInputFlags(program.command('report'))
    .description('fit every run and write a self-contained HTML report (works offline)')
    .option('--out <file>', 'the HTML file to write', 'report.html')
    .option('--title <text>', 'the report title', 'entropy-law report')
    .addOption(fractionOption(0.15))
    .action(async (paths: string[], flags: InputFlags & { out: string; title: string; fraction: number }) => {
      const dataset = await readInputs(paths, flags, ctx.warnings);
      const runs = analyzeDataset(dataset, { fraction: flags.fraction });
      ctx.requireSomeFit(runs);
      await writeReport({ title: flags.title, runs, warnings: ctx.warnings.list() }, flags.out);
      if (flags.json) ctx.out(JSON.stringify({ out: flags.out, runs: runs.length, warnings: ctx.warnings.list() }, null, 2));
      else ctx.out(`${fitTable(runs)}\n\nwrote ${flags.out}`);
    });
}
