/**
 * A worker thread of the multi-threaded CPU backend: a `ShardRunner` over the policy's parameters,
 * which it shares with the main thread (a SharedArrayBuffer the main thread updates between calls).
 * Each message is one call; the reply carries its result or its error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ModelConfig } from '../config.ts';
import { paramLayout } from '../layout.ts';
import { ShardRunner } from './shard.ts';

const { config, params } = workerData as { config: ModelConfig; params: SharedArrayBuffer };
const runner = new ShardRunner(config, paramLayout(config), new Float32Array(params));

parentPort!.on('message', (m: { id: number; op: 'forward' | 'backward' | 'sample'; args: unknown[] }) => {
  try {
    const result = (runner[m.op] as (...a: unknown[]) => unknown)(...m.args);
    parentPort!.postMessage({ id: m.id, result });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: (e as Error).message });
  }
});
