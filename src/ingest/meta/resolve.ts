/**
 * A run's metadata from all its sources, each field from the strongest that has it:
 * flags (`--model` …, for every run) > manifest > config files beside the log > names.
 */
import { basename, dirname } from 'node:path';
import { modelSize } from '../../util/format.ts';
import type { Warnings } from '../../util/warnings.ts';
import type { MetaOrigin, RawRun, RunMeta, TrainerSettings } from '../types.ts';
import { configFromFiles, metaFromConfig } from './config.ts';
import { readLogConfig } from './log-config.ts';
import { metaFromName } from './name.ts';
import { trainerSettings } from './trainer.ts';

export { metaFromName, parseModelSize, normalizeAlgorithm } from './name.ts';
export { configFromFiles, metaFromConfig, metaFromConfigFiles, flattenConfig, CONFIG_FILES } from './config.ts';
export { parseManifest, readManifest } from './manifest.ts';
export { configFromLogText, readLogConfig, printedConfig, commandLineConfig, shellModelConfig } from './log-config.ts';
export { trainerSettings } from './trainer.ts';

/** The formats whose text states the run's config in its head (see `readLogConfig`). */
const TEXT_LOGS = new Set<RawRun['format']>(['verl-console', 'openrlhf-console', 'roll-console']);

/** Options of `resolveRunMeta`. */
export interface ResolveMetaOptions {
  /** Metadata for every run (flags). Default: none. */
  meta?: RunMeta;
  /** Metadata by run id, source path or file name (a manifest). Default: none. */
  manifest?: Map<string, RunMeta>;
  /** Receives the manifest keys that matched, to report the ones that did not. Default: none. */
  usedManifestKeys?: Set<string>;
  /** Read names and config files. Default: true. */
  infer?: boolean;
  /** Config results by folder, shared across the runs of one `ingest`. Default: a new cache. */
  configCache?: Map<string, Promise<Map<string, string>>>;
  /** Collects warnings about unreadable configs. Default: none. */
  warnings?: Warnings;
  /** The run as read: its own `config`, and for console logs its text, say what it is. Default: none. */
  run?: RawRun;
  /** The run's entropy key, for `TrainerSettings.legacyEntropyKey`. Default: none. */
  entropyKey?: string;
}

/** A run's metadata, and where each field came from; the trainer settings its log states. */
export interface ResolvedMeta {
  meta: RunMeta;
  from: Partial<Record<keyof RunMeta, MetaOrigin>>;
  /** Absent when the log states none (and the entropy key is not the legacy one). */
  trainer?: TrainerSettings;
}

/**
 * What a run's log says about it: the reader's `config` (W&B, MLflow, Trackio) and, for console logs, the
 * config, command line and model variables printed in its head; the files of a joined run together.
 */
export function logConfig(run: RawRun): Map<string, string> {
  const out = new Map<string, string>();
  if (TEXT_LOGS.has(run.format)) {
    for (const source of run.sources ?? [run.source]) for (const [k, v] of readLogConfig(source)) if (!out.has(k)) out.set(k, v);
  }
  for (const [k, v] of run.config ?? []) if (!out.has(k)) out.set(k, v);
  return out;
}

/** The names that describe a run: its id, then the folder its log (or run folder) is in. */
function names(id: string, source: string): string[] {
  return [id, basename(dirname(source))].filter((n) => n !== '' && n !== '.' && n !== '/');
}

/**
 * Resolves a run's metadata (see the module comment for the order). `id` is the run's final id and
 * `rawId` the one its reader gave; the manifest is looked up by either, then by the source path and its
 * file name.
 *
 * @example
 * await resolveRunMeta('gemma-2-2b-it-ppo', 'logs/gemma-2-2b-it-ppo.log', { meta: { dataset: 'gsm8k' } })
 * // => { meta: { model: 'gemma-2', size: 2e9, algorithm: 'ppo', dataset: 'gsm8k' }, from: { model: 'name', …, dataset: 'flag' } }
 */
export async function resolveRunMeta(id: string, source: string, options: ResolveMetaOptions = {}, rawId = id): Promise<ResolvedMeta> {
  const { meta: flags, manifest, usedManifestKeys, infer = true, configCache = new Map(), warnings, run, entropyKey } = options;
  const layers: Array<[MetaOrigin, RunMeta]> = [];
  const stated = run ? logConfig(run) : new Map<string, string>();
  let files = new Map<string, string>();
  if (infer) {
    // Each name fills only what the ones before it left open.
    const fromNames: RunMeta = {};
    for (const name of names(id, source)) {
      for (const [field, value] of Object.entries(metaFromName(name)) as Array<[keyof RunMeta, never]>) fromNames[field] ??= value;
    }
    layers.push(['name', fromNames]);
    let config = configCache.get(source);
    if (!config) configCache.set(source, (config = configFromFiles(source, warnings)));
    files = await config;
    layers.push(['config', metaFromConfig(files)]);
    // What the log says about itself is nearer the truth than a file beside it.
    if (stated.size > 0) layers.push(['config', metaFromConfig(stated)]);
  }
  if (manifest) {
    const key = [id, rawId, source, basename(source)].find((k) => manifest.has(k));
    if (key !== undefined) {
      usedManifestKeys?.add(key);
      layers.push(['manifest', manifest.get(key)!]);
    }
  }
  if (flags) layers.push(['flag', flags]);
  const resolved: ResolvedMeta = { meta: {}, from: {} };
  // What the log states wins over the files beside it, as for the metadata.
  const trainer = trainerSettings(new Map([...files, ...stated]), entropyKey);
  if (trainer) resolved.trainer = trainer;
  for (const [origin, layer] of layers) {
    for (const [field, value] of Object.entries(layer) as Array<[keyof RunMeta, string & number]>) {
      if (value === undefined) continue;
      resolved.meta[field] = value;
      resolved.from[field] = origin;
    }
  }
  return resolved;
}

/**
 * A short human label of a run's metadata: `qwen2.5 7B, grpo, gsm8k`; empty when nothing is known.
 *
 * @example
 * formatRunMeta({ model: 'qwen2.5', size: 5e8, algorithm: 'grpo' }) // => 'qwen2.5 0.5B, grpo'
 */
export function formatRunMeta(meta: RunMeta): string {
  const size = meta.size === undefined ? undefined : modelSize(meta.size, 4);
  const model = [meta.model, size].filter(Boolean).join(' ');
  return [model, meta.algorithm, meta.dataset].filter(Boolean).join(', ');
}
