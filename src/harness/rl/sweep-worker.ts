/**
 * The worker thread of `sweep`: runs one job (a warm start or a training run) and reports RL steps,
 * completion or its error to the sweep, which draws the progress and renames the finished folder.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pretrain } from '../pretrain.ts';
import type { SweepJob } from './sweep.ts';
import { train } from './train.ts';

const job = workerData as SweepJob;
const post = (m: object) => parentPort!.postMessage(m);
try {
  if (job.kind === 'pretrain') (await pretrain(job.options)).policy.dispose();
  else (await train({ ...job.options, onStep: (r) => r.step > 0 && post({ type: 'step', step: r.step }) })).policy.dispose();
  post({ type: 'done' });
} catch (e) {
  const error = e as Error;
  post({ type: 'error', kind: error.name, message: error.message });
}
