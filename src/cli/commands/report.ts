import { stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Option, type Command } from 'commander';
import { acrossRuns, analyzeDataset, ceilingConvergence, renderFigures, UsageError, writeReport, type FigureFormat, type ReportRun } from '../../index.ts';
import type { CliContext } from '../context.ts';
import { fitTable } from '../format.ts';
import { parseSize } from './across.ts';
import { analyzeOptions, fractionOption, numberFlag, positiveInteger, readInputs, withFitFlags, withInputFlags, type FitFlags, type InputFlags } from '../options.ts';

interface ReportFlags extends InputFlags, FitFlags {
  out?: string;
  title: string;
  fraction: number;
  format: 'html' | FigureFormat;
  pageSize: number;
  compactAbove: number;
  figureWidth: number;
  scale: number;
  predictSize?: number;
}

/** What is at a path: a directory, a file, or nothing. */
async function kindOf(path: string): Promise<'directory' | 'file' | 'none'> {
  const info = await stat(path).catch(() => undefined);
  return !info ? 'none' : info.isDirectory() ? 'directory' : 'file';
}

/** The HTML file to write: `--out` itself, or report.html inside it when it is a directory. */
async function htmlPath(out: string | undefined): Promise<string> {
  if (out === undefined) return 'report.html';
  return (await kindOf(out)) === 'directory' ? join(out, 'report.html') : out;
}

/** The folder figures go into; refuses a path that names a file (figures are one file per chart). */
async function figureFolder(out: string | undefined, format: FigureFormat): Promise<string> {
  const folder = out ?? 'figures';
  const kind = await kindOf(folder);
  if (kind === 'file') throw new UsageError(`--out ${folder} is a file; --format ${format} writes one file per chart into a folder (e.g. --out figures/)`);
  if (kind === 'none' && extname(folder) !== '') {
    throw new UsageError(`--out ${folder} looks like a file name; --format ${format} writes one file per chart into a folder (e.g. --out figures/)`);
  }
  return folder;
}

/**
 * `entropy-law report <paths...>`: fit every run and write the self-contained HTML report, or with
 * `--format svg|png|vl.json` each chart as a figure file into the `--out` folder.
 */
export function registerReport(program: Command, ctx: CliContext): void {
  withFitFlags(withInputFlags(program.command('report')))
    .description('fit every run and write a self-contained HTML report (works offline), or the charts as figures')
    .option('--out <path>', 'the HTML file to write (default report.html; a folder gets report.html inside), or the folder for --format svg|png|vl.json (default figures)')
    .option('--title <text>', 'the report title', 'entropy-law report')
    .addOption(fractionOption(0.15))
    .addOption(new Option('--format <f>', 'html: one page; svg, png, vl.json: one file per chart').choices(['html', 'svg', 'png', 'vl.json']).default('html'))
    .option('--page-size <n>', 'runs per page in the per-run part of the HTML report', positiveInteger('page-size'), 20)
    .option('--compact-above <n>', 'above this many runs, per-run charts become small multiples', positiveInteger('compact-above'), 12)
    .option('--figure-width <px>', 'figure plot width in points (240 fits a paper column)', positiveInteger('figure-width'), 240)
    .option('--scale <k>', 'PNG pixels per point (4 ≈ 300 dpi)', numberFlag('scale', (x) => x > 0 && x <= 16, 'a number in (0, 16]'), 4)
    .option('--predict-size <size>', 'across runs: also predict a, b and the ceiling for a model of this size (e.g. 72B)', parseSize)
    .action(async (paths: string[], flags: ReportFlags) => {
      const target = flags.format === 'html' ? await htmlPath(flags.out) : await figureFolder(flags.out, flags.format);
      const dataset = await readInputs(paths, flags, ctx.warnings);
      const runs = analyzeDataset(dataset, { ...analyzeOptions(flags), fraction: flags.fraction }) as ReportRun[];
      ctx.requireSomeFit(runs);
      // How early each ceiling could have been known, and the cross-run tests, from the same analyses.
      for (const run of runs) run.convergence = ceilingConvergence(run);
      const across = acrossRuns(runs, { predictSize: flags.predictSize });
      const input = { title: flags.title, runs, warnings: ctx.warnings.list(), across };
      let written: string[];
      if (flags.format === 'html') {
        await writeReport(input, target, { pageSize: flags.pageSize, compactAbove: flags.compactAbove });
        written = [target];
      } else {
        const figures = await renderFigures(input, flags.format, target, { width: flags.figureWidth, scale: flags.scale });
        written = figures.map((f) => f.path);
      }
      if (flags.json) ctx.out(JSON.stringify({ written, runs: runs.length, warnings: ctx.warnings.list() }, null, 2));
      else ctx.out(`${fitTable(runs)}\n\nwrote ${written.length === 1 ? written[0] : `${written.length} files in ${target}`}`);
    });
}
