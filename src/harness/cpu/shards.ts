import type { Worker } from 'node:worker_threads';
import type { ModelConfig } from '../config.ts';
import type { SampleOptions, SampleResult } from '../types.ts';
import { siblingModule, startModuleWorker } from '../worker-thread.ts';
import type { ShardBatch, ShardForward, ShardRunner } from './shard.ts';

/** The `ShardRunner` calls, asynchronous: a runner in this thread or in a worker. */
export interface Shard {
  forward(b: ShardBatch, keep: boolean, withLogits?: boolean): Promise<ShardForward>;
  backward(weights?: Float32Array, entropyWeights?: Float32Array): Promise<{ loss: number; grads: Float32Array }>;
  sample(prompts: Int32Array, promptLen: number, options: SampleOptions, rowOffset: number): Promise<SampleResult>;
  dispose(): void;
}

/** A runner in the calling thread. */
export function localShard(runner: ShardRunner): Shard {
  return {
    forward: async (...a) => runner.forward(...a),
    backward: async (...a) => runner.backward(...a),
    sample: async (...a) => runner.sample(...a),
    dispose: () => {},
  };
}

const WORKER = siblingModule(import.meta.url, 'shard-worker');

/**
 * A runner on a worker thread sharing `params`. The worker does not keep the process alive; a failed
 * call rejects with the worker's message.
 */
export function workerShard(config: ModelConfig, params: SharedArrayBuffer): Shard {
  const worker: Worker = startModuleWorker(WORKER, { config, params });
  worker.unref();
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  worker.on('message', (m: { id: number; result?: unknown; error?: string }) => {
    const p = pending.get(m.id)!;
    pending.delete(m.id);
    if (m.error !== undefined) p.reject(new Error(m.error));
    else p.resolve(m.result);
  });
  worker.on('error', (e) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  });
  const call = <T>(op: keyof ShardRunner, args: unknown[]) =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, op, args });
    });
  return {
    forward: (...a) => call('forward', a),
    backward: (...a) => call('backward', a),
    sample: (...a) => call('sample', a),
    dispose: () => void worker.terminate(),
  };
}
