/**
 * Run metadata from the config files trainers leave beside their logs: verl's Hydra `config.yaml` (or
 * `.hydra/config.yaml`), TRL/transformers argument dumps (`training_args.json`, `args.json`, a model's
 * `config.json`) and MLflow's `params/` folder. Every file is flattened to dotted keys and read by the same
 * rules, so a key found in any of them counts.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Warnings } from '../../util/warnings.ts';
import type { RunMeta } from '../types.ts';
import { metaFromName, normalizeAlgorithm, parseModelSize } from './name.ts';

/** The config files looked for in a run's folder (and its parent, for `checkpoint-N` and `.hydra` layouts). */
export const CONFIG_FILES = ['config.yaml', '.hydra/config.yaml', 'training_args.json', 'args.json', 'config.json'];

/** Config files larger than this are not configs (a model's weights index, a data dump); they are skipped. */
const MAX_CONFIG_BYTES = 4 << 20;

/** Keys (dotted, matched at the end) that name the model, best first: verl, TRL/transformers, OpenRLHF. */
const MODEL_KEYS = ['actor_rollout_ref.model.path', 'model.path', 'model_name_or_path', 'model_name', 'pretrain', 'base_model', '_name_or_path', 'MODEL_PATH', 'model'];
/** Keys that name the algorithm, best first: a special policy loss before the advantage estimator it uses. */
const ALGORITHM_KEYS = ['policy_loss.loss_mode', 'loss_mode', 'algorithm.adv_estimator', 'adv_estimator', 'advantage_estimator', 'loss_type', 'algorithm'];
/** Keys that name the training data. */
const DATASET_KEYS = ['data.train_files', 'train_files', 'dataset_name', 'prompt_data', 'dataset', 'data.path'];
/** Keys that give the size outright. */
const SIZE_KEYS = ['model_size', 'num_parameters', 'n_params'];
/** Loss modes that are the plain objective of the estimator, not an algorithm of their own. */
const PLAIN_LOSS = new Set(['vanilla', 'default', 'token-mean', 'seq-mean-token-mean', 'seq-mean-token-sum']);

/**
 * Flattens nested objects to dotted keys with scalar leaves (arrays keep their first scalar: verl's
 * `train_files` may be a list).
 *
 * @example
 * flattenConfig({ algorithm: { adv_estimator: 'grpo' } }) // => Map { 'algorithm.adv_estimator' => 'grpo' }
 */
export function flattenConfig(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) {
    const first = value.find((v) => typeof v === 'string' || typeof v === 'number');
    if (first !== undefined && prefix) out.set(prefix, String(first));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flattenConfig(v, prefix ? `${prefix}.${k}` : k, out);
  } else if ((typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') && prefix) {
    out.set(prefix, String(value));
  }
  return out;
}

/** The value of the first rule key that some config key is or ends with (`.key`). */
function lookup(config: Map<string, string>, rules: readonly string[]): string | undefined {
  for (const rule of rules) {
    if (config.has(rule)) return config.get(rule);
    for (const [key, value] of config) if (key.endsWith(`.${rule}`) && value.trim() !== '') return value;
  }
  return undefined;
}

/**
 * What a flattened config says about a run. The model path gives family and size by `metaFromName`; the data
 * path gives a known data set by name, else the folder or file it names.
 *
 * @example
 * metaFromConfig(new Map([['actor_rollout_ref.model.path', 'Qwen/Qwen2.5-7B'], ['algorithm.adv_estimator', 'grpo']]))
 * // => { model: 'qwen2.5', size: 7e9, algorithm: 'grpo' }
 */
export function metaFromConfig(config: Map<string, string>): RunMeta {
  const meta: RunMeta = {};
  const model = lookup(config, MODEL_KEYS);
  if (model) {
    const fromPath = metaFromName(model);
    if (fromPath.model) meta.model = fromPath.model;
    if (fromPath.size) meta.size = fromPath.size;
  }
  const size = lookup(config, SIZE_KEYS);
  if (size && parseModelSize(size)) meta.size = parseModelSize(size);
  for (const rule of ALGORITHM_KEYS) {
    const value = lookup(config, [rule]);
    if (value && !PLAIN_LOSS.has(value.toLowerCase())) {
      meta.algorithm = normalizeAlgorithm(value);
      break;
    }
  }
  const data = lookup(config, DATASET_KEYS);
  if (data) {
    // `~/data/gsm8k/train.parquet` names its data set by the folder; a hub id (`openai/gsm8k`) by its name.
    const known = metaFromName(data).dataset;
    meta.dataset = known ?? basename(/\.(parquet|jsonl?|csv|arrow)$/i.test(data) ? dirname(data) : data).toLowerCase();
  }
  return meta;
}

/** Reads one config file into flat keys, or `undefined` when it is missing, too large or not a config. */
async function readConfig(path: string, warnings?: Warnings): Promise<Map<string, string> | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile() || info.size > MAX_CONFIG_BYTES) return undefined;
  try {
    const text = await readFile(path, 'utf8');
    return flattenConfig(path.endsWith('.json') ? JSON.parse(text) : parseYaml(text));
  } catch (error) {
    warnings?.warn(`${path}: config not read (${(error as Error).message.split('\n')[0]}); run metadata taken from names only`);
    return undefined;
  }
}

/** MLflow's `params/<key>` files (one value each; `/` in a key makes folders) as flat keys. */
async function readMlflowParams(dir: string, prefix = '', out = new Map<string, string>()): Promise<Map<string, string>> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const key = prefix ? `${prefix}.${e.name}` : e.name;
    if (e.isDirectory()) await readMlflowParams(join(dir, e.name), key, out);
    else if (e.isFile()) out.set(key, (await readFile(join(dir, e.name), 'utf8').catch(() => '')).trim());
  }
  return out;
}

/**
 * The folders whose config files describe a run read from `source`: a file's folder (and its parent when
 * that folder is a `checkpoint-N`), or a run folder itself.
 */
async function runFolders(source: string): Promise<string[]> {
  const isDir = (await stat(source).catch(() => undefined))?.isDirectory() ?? false;
  const dir = isDir ? source : dirname(source);
  return /^checkpoint-\d+$/.test(basename(dir)) ? [dir, dirname(dir)] : [dir];
}

/**
 * Metadata from the config files beside a run (see `CONFIG_FILES`) and, for an MLflow run folder, its
 * `params/`. Later files fill only what earlier ones left open. A config that cannot be parsed gives a
 * warning and is skipped.
 *
 * @example
 * await metaFromConfigFiles('outputs/qwen-grpo/train.log') // => { model: 'qwen2.5', size: 7e9, algorithm: 'grpo', dataset: 'gsm8k' }
 */
export async function metaFromConfigFiles(source: string, warnings?: Warnings): Promise<RunMeta> {
  return metaFromConfig(await configFromFiles(source, warnings));
}

/**
 * The flat settings of the config files beside a run (see `CONFIG_FILES`) and, for an MLflow run folder,
 * its `params/`, merged: a key keeps the value of the first file that has it. A config that cannot be
 * parsed gives a warning and is skipped.
 *
 * @example
 * (await configFromFiles('outputs/qwen-grpo/train.log')).get('actor_rollout_ref.rollout.temperature') // => '1.0'
 */
export async function configFromFiles(source: string, warnings?: Warnings): Promise<Map<string, string>> {
  const merged = new Map<string, string>();
  const add = (config: Map<string, string>) => {
    for (const [k, v] of config) if (!merged.has(k)) merged.set(k, v);
  };
  for (const dir of await runFolders(source)) {
    add(await readMlflowParams(join(dir, 'params')));
    for (const name of CONFIG_FILES) {
      const config = await readConfig(join(dir, name), warnings);
      if (config) add(config);
    }
  }
  return merged;
}
