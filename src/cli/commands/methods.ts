import type { Command } from 'commander';
import { checkFraction, compareMethods, fixed, modelSize, readMethodRuns, COVARIANCE_KEY, ENTROPY_DELTA_KEY, type MethodSummary, type Spread } from '../../index.ts';
import type { CliContext } from '../context.ts';
import { table } from '../format.ts';
import { readInputs, withInputFlags, type InputFlags } from '../options.ts';

interface MethodsFlags extends InputFlags {
  baseline: string;
  end: number;
  covariance: string;
  entropyDelta: string;
}

/**
 * `entropy-law methods <paths...>`: training methods side by side (GRPO, clip-higher, Clip-Cov, KL-Cov, an
 * entropy bonus, RLOO, …), seeds pooled: entropy at the start and the end, the end against the baseline, R
 * at the end, and how closely the step covariance tracks −ΔH.
 */
export function registerMethods(program: Command, ctx: CliContext): void {
  withInputFlags(program.command('methods'))
    .description('compare training methods: entropy at start and end (× the baseline), final R, covariance against −ΔH; seeds pooled')
    .option('--baseline <method>', 'the method final entropy is measured against', 'grpo')
    .option('--end <fraction>', 'the last fraction of each run that "end" averages over', (v: string) => checkFraction(Number(v), { name: '--end' }), 0.1)
    .option('--covariance <key>', 'the step covariance key', COVARIANCE_KEY)
    .option('--entropy-delta <key>', 'the per-step entropy change key (without it: successive rollout entropies)', ENTROPY_DELTA_KEY)
    .action(async (paths: string[], flags: MethodsFlags) => {
      const dataset = await readInputs(paths, flags, ctx.warnings);
      const runs = await readMethodRuns(dataset, { covariance: flags.covariance, entropyDelta: flags.entropyDelta }, ctx.warnings);
      const methods = compareMethods(runs, { baseline: flags.baseline, endFraction: flags.end });
      if (!methods.some((m) => m.method === flags.baseline)) ctx.warnings.warn(`no run's method is the baseline ${flags.baseline}: no ratios (methods: ${[...new Set(methods.map((m) => m.method))].join(', ')})`);
      if (flags.json) {
        ctx.out(JSON.stringify({ baseline: flags.baseline, end_fraction: flags.end, methods: methods.map(methodJson), warnings: ctx.warnings.list() }, null, 2));
        return;
      }
      ctx.out(methodsText(methods, flags));
    });
}

const spreadText = (s: Spread, digits = 3) => (s.sd === undefined ? fixed(s.mean, digits) : `${fixed(s.mean, digits)} ± ${fixed(s.sd, digits)}`);

function methodsText(methods: MethodSummary[], flags: MethodsFlags): string {
  const size = (m: MethodSummary) => [m.model, m.size === undefined ? undefined : modelSize(m.size)].filter(Boolean).join(' ') || '—';
  const rows = methods.map((m) => [
    size(m),
    m.method,
    String(m.runs.length),
    spreadText(m.entropyStart),
    spreadText(m.entropyEnd),
    m.entropyEndRatio === undefined ? '—' : `${fixed(m.entropyEndRatio, 2)}×`,
    spreadText(m.metricEnd),
    m.covarianceCorrelation ? spreadText(m.covarianceCorrelation, 2) : '—',
  ]);
  const header = ['model', 'method', 'runs', 'H start', 'H end', `H end ÷ ${flags.baseline}`, 'R end', 'corr(cov, −ΔH)'];
  const note = `end: the mean over the last ${fixed(flags.end * 100, 0)}% of each run's steps; ± is the standard deviation over runs (seeds)`;
  return `${table(header, rows)}\n${note}`;
}

function methodJson(m: MethodSummary) {
  return {
    model: m.model ?? null,
    size: m.size ?? null,
    method: m.method,
    runs: m.runs,
    entropy_start: m.entropyStart,
    entropy_end: m.entropyEnd,
    entropy_end_ratio: m.entropyEndRatio ?? null,
    metric_end: m.metricEnd,
    covariance_correlation: m.covarianceCorrelation ?? null,
  };
}
