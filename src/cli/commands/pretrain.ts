import { Option, type Command } from 'commander';
import { harness } from '../../index.ts';
import type { CliContext } from '../context.ts';
import { numberFlag, positiveInteger } from '../options.ts';

interface PretrainFlags {
  task: harness.TaskName;
  device: harness.DeviceName;
  steps: number;
  out: string;
  seed: number;
  batchSize: number;
  target: number;
  json?: boolean;
}

/**
 * `entropy-law pretrain --task add --device cpu --steps N --out DIR`: the supervised warm start of a small
 * policy (the "base model" an RL run starts from); writes `checkpoint.safetensors` and `log.jsonl` into DIR.
 */
export function registerPretrain(program: Command, ctx: CliContext): void {
  program
    .command('pretrain')
    .description('supervised warm start of a small transformer policy on a verifiable task (the base model for RL)')
    .addOption(new Option('--task <task>', 'the task').choices([...harness.TASK_NAMES]).default('add'))
    .addOption(new Option('--device <device>', 'where to train: cpu (WebAssembly SIMD) or webgpu').choices(['cpu', 'webgpu']).default('cpu'))
    .option('--steps <n>', 'most optimizer steps (training stops early at the target accuracy)', positiveInteger('steps'), 3000)
    .requiredOption('--out <dir>', 'where to write checkpoint.safetensors and log.jsonl')
    .option('--seed <n>', 'seed of initialisation and batches', numberFlag('seed', Number.isInteger, 'an integer'), 0)
    .option('--batch-size <n>', 'problems per batch', positiveInteger('batch-size'), 64)
    .option('--target <acc>', 'stop at this validation accuracy', numberFlag('target', (x) => x > 0 && x <= 1, 'a number in (0, 1]'), 0.3)
    .option('--json', 'print the result as JSON')
    .action(async (flags: PretrainFlags) => {
      const started = Date.now();
      const result = await harness.pretrain({
        task: flags.task,
        device: flags.device,
        steps: flags.steps,
        out: flags.out,
        seed: flags.seed,
        batchSize: flags.batchSize,
        targetAccuracy: flags.target,
        onProgress: (p) => {
          if (p.valAcc !== undefined && !flags.json) ctx.err(`step ${p.step}: loss ${p.loss.toFixed(4)}, validation accuracy ${p.valAcc.toFixed(3)}`);
        },
      });
      const seconds = (Date.now() - started) / 1000;
      const summary = { task: result.task.name, device: flags.device, steps: result.steps, loss: result.loss, val_acc: result.valAcc, reached: result.reached, checkpoint: result.checkpoint, seconds };
      if (flags.json) ctx.out(JSON.stringify(summary, null, 2));
      else {
        ctx.out(`${result.task.name}: ${result.steps} steps in ${seconds.toFixed(1)} s, loss ${result.loss.toFixed(4)}, validation accuracy ${result.valAcc.toFixed(3)}` + (result.reached ? '' : ` (target ${flags.target} not reached)`));
        if (result.checkpoint) ctx.out(`wrote ${result.checkpoint}`);
      }
      await result.policy.dispose?.();
    });
}
