import { Option, type Command } from 'commander';
import { analyzeDataset } from '../../predict/analyze.ts';
import { renderFigures, writeReport, type FigureFormat } from '../../report/index.ts';
import { fitTable } from './fit.ts';
import { fractionOption, numberFlag, positiveInteger, readInputs, withInputFlags, type InputFlags } from '../options.ts';
import type { CliContext } from '../context.ts';

interface ReportFlags extends InputFlags {
  out?: string;
  title: string;
  fraction: number;
  format: 'html' | FigureFormat;
  pageSize: number;
  compactAbove: number;
  figureWidth: number;
  scale: number;
}

/**
 * `entropy-law report <paths...>`: fit every run and write the self-contained HTML report, or with
 * `--format svg|png|vl.json` each chart as a figure file into the `--out` folder.
 */
export function registerReport(program: Command, ctx: CliContext): void {
  withInputFlags(program.command('report'))
    .description('fit every run and write a self-contained HTML report (works offline), or the charts as figures')
    .option('--out <path>', 'the HTML file to write (default report.html), or the folder for --format svg|png|vl.json (default figures)')
    .option('--title <text>', 'the report title', 'entropy-law report')
    .addOption(fractionOption(0.15))
    .addOption(new Option('--format <f>', 'html: one page; svg, png, vl.json: one file per chart').choices(['html', 'svg', 'png', 'vl.json']).default('html'))
    .option('--page-size <n>', 'runs per page in the per-run part of the HTML report', positiveInteger('page-size'), 20)
    .option('--compact-above <n>', 'above this many runs, per-run charts become small multiples', positiveInteger('compact-above'), 12)
    .option('--figure-width <px>', 'figure plot width in points (240 fits a paper column)', positiveInteger('figure-width'), 240)
    .option('--scale <k>', 'PNG pixels per point (4 ≈ 300 dpi)', numberFlag('scale', (x) => x > 0 && x <= 16, 'a number in (0, 16]'), 4)
    .action(async (paths: string[], flags: ReportFlags) => {
      const dataset = await readInputs(paths, flags, ctx.warnings);
      const runs = analyzeDataset(dataset, { fraction: flags.fraction });
      ctx.requireSomeFit(runs);
      const input = { title: flags.title, runs, warnings: ctx.warnings.list() };
      let written: string[];
      if (flags.format === 'html') {
        const out = flags.out ?? 'report.html';
        await writeReport(input, out, { pageSize: flags.pageSize, compactAbove: flags.compactAbove });
        written = [out];
      } else {
        const figures = await renderFigures(input, flags.format, flags.out ?? 'figures', { width: flags.figureWidth, scale: flags.scale });
        written = figures.map((f) => f.path);
      }
      if (flags.json) ctx.out(JSON.stringify({ written, runs: runs.length, warnings: ctx.warnings.list() }, null, 2));
      else ctx.out(`${fitTable(runs)}\n\nwrote ${written.length === 1 ? written[0] : `${written.length} files in ${flags.out ?? 'figures'}`}`);
    });
}
