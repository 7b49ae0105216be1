import { Option, type Command } from 'commander';
import { harness, UsageError } from '../../index.ts';
import type { CliContext } from '../context.ts';
import { positiveInteger } from '../options.ts';

interface TrainFlags {
  out?: string;
  sweep?: string;
  jobs?: number;
  json?: boolean;
  [flag: string]: unknown;
}

/** `clip-high` → `clipHigh`, as commander names an option's value. */
const camel = (key: string) => key.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

/**
 * `entropy-law train --task add --from base/ --algo grpo --steps 200 --seed 0 --out runs/NAME/`: RL from
 * a warm start, writing verl's JSONL log and config.yaml into the run folder; `--sweep grid.yaml` runs a
 * grid of such runs, resumably, side by side. The options are the library's `TRAIN_KEYS`.
 */
export function registerTrain(program: Command, ctx: CliContext): void {
  const command = program
    .command('train')
    .description('RL on a small transformer policy (GRPO, RLOO, REINFORCE++; PPO, Clip-Cov, KL-Cov losses); writes a verl JSONL log and config.yaml')
    .option('--out <dir>', 'the run folder (with --sweep: the sweep folder, one run folder each)')
    .option('--sweep <grid.yaml>', 'run the grid of runs a sweep file describes (see README)')
    .option('--jobs <n>', 'with --sweep: runs side by side, one per core (default: the cores available)', positiveInteger('jobs'))
    .option('--json', 'print the result as JSON');
  const defaults = harness.resolveTrainOptions({});
  for (const key of harness.TRAIN_KEYS) {
    const value = key.kind === 'boolean' ? '' : ` <${key.kind === 'path' ? 'path' : key.kind === 'choice' ? 'name' : 'x'}>`;
    // The library's defaults, shown but not set here, so that a flag not given stays absent.
    const current = harness.trainDefault(key.key, defaults);
    const option = new Option(`--${key.key}${value}`, key.description + (current === undefined ? '' : ` (default: ${current})`));
    command.addOption(key.choices ? option.choices([...key.choices]) : option);
  }
  command.action(async (flags: TrainFlags) => {
    const given = Object.fromEntries(harness.TRAIN_KEYS.filter((k) => flags[camel(k.key)] !== undefined).map((k) => [k.key, flags[camel(k.key)]]));
    if (!flags.out) throw new UsageError('train needs --out <dir>: the run folder (with --sweep, the sweep folder)');
    if (flags.sweep !== undefined) {
      if (Object.keys(given).length > 0) throw new UsageError(`with --sweep, train options go in the sweep file (got --${Object.keys(given).join(', --')})`);
      await runSweep(flags.sweep, flags.out, flags, ctx);
      return;
    }
    if (flags.jobs !== undefined) throw new UsageError('--jobs needs --sweep');
    const options = harness.trainOptionsFrom(given);
    const started = Date.now();
    let rlStarted = started;
    let first: Record<string, number> | undefined, last: Record<string, number> = {}, firstAcc: number | undefined;
    let selected = 0, selectedFrac = 0;
    const steps = options.steps ?? 200;
    const result = await harness.train({
      ...options,
      out: flags.out,
      onStep: ({ step, data }) => {
        const acc = Object.entries(data).find(([k]) => k.startsWith('val-core/'))?.[1];
        if (step === 0) {
          firstAcc = acc;
          rlStarted = Date.now(); // after any warm start and the first validation
        }
        else {
          first ??= data;
          last = data;
          selected += data['actor/cov_selected'];
          selectedFrac += data['actor/cov_selected_frac'];
        }
        if (!flags.json && acc !== undefined) {
          const h = data['actor/entropy'];
          ctx.err(`step ${step}/${steps}: ${h === undefined ? '' : `entropy ${h.toFixed(3)}, score ${data['critic/score/mean'].toFixed(3)}, `}validation accuracy ${acc.toFixed(3)}`);
        }
      },
    });
    const seconds = (Date.now() - rlStarted) / 1000, total = (Date.now() - started) / 1000;
    const summary = {
      run: flags.out, steps: result.steps, seconds, total_seconds: total, steps_per_minute: (60 * result.steps) / seconds,
      entropy: { first: first?.['actor/entropy'], last: last['actor/entropy'] },
      val_acc: { first: firstAcc, last: result.valAcc },
      tokens_selected_per_step: selected / result.steps, tokens_selected_fraction: selectedFrac / result.steps,
      log: result.log, config: result.config, checkpoint: result.checkpoint,
    };
    result.policy.dispose();
    if (flags.json) ctx.out(JSON.stringify(summary, null, 2));
    else {
      const h = (x?: number) => (x === undefined ? '?' : x.toFixed(3));
      ctx.out(`${result.steps} steps in ${seconds.toFixed(1)} s (${summary.steps_per_minute.toFixed(1)} steps/min; ${total.toFixed(1)} s with the warm start and first validation): entropy ${h(summary.entropy.first)} → ${h(summary.entropy.last)}, validation accuracy ${h(firstAcc)} → ${h(result.valAcc)}`);
      const loss = options.loss ?? 'ppo';
      if (loss !== 'ppo') ctx.out(`${loss === 'clip-cov' ? 'Clip-Cov detached' : 'KL-Cov penalised'} ${summary.tokens_selected_per_step.toFixed(1)} tokens per step (${(100 * summary.tokens_selected_fraction).toFixed(2)}% of the tokens its updates saw)`);
      ctx.out(`wrote ${[result.log, result.config, result.checkpoint].filter(Boolean).join(', ')}`);
    }
  });
}

async function runSweep(file: string, out: string, flags: TrainFlags, ctx: CliContext): Promise<void> {
  const runs = await harness.readSweep(file);
  const tty = process.stderr.isTTY === true;
  let lastLine = '';
  const result = await harness.sweep(runs, {
    out, jobs: flags.jobs,
    onProgress: (p) => {
      const line = harness.formatSweepProgress(p, Math.max(20, (process.stderr.columns ?? 80) - 1));
      if (tty) process.stderr.write(`\r${line}\x1b[K`);
      else if (line !== lastLine && (p.phase !== 'train' || p.running.length === 0)) ctx.err(line);
      lastLine = line;
    },
    onRunDone: (run, folder, resumed) => {
      if (tty) process.stderr.write('\r\x1b[K');
      if (!flags.json) ctx.err(`${resumed ? 'kept' : 'finished'} ${run.name} (${folder})`);
    },
  });
  if (tty) process.stderr.write('\r\x1b[K');
  if (flags.json) ctx.out(JSON.stringify({ out, runs: result.folders, trained: result.trained, kept: result.kept }, null, 2));
  else ctx.out(`${result.trained} runs trained, ${result.kept} kept, in ${out}`);
}
