/**
 * Run metadata from names: run names, folder names and model paths such as
 * `Qwen2.5-0.5B-bsz256-grpo-gsm8k` or `meta-llama/Llama-3.1-8B-Instruct` carry the model family, its size,
 * the algorithm and the data set by convention. Each is taken only where the pattern is unambiguous.
 */
import type { RunMeta } from '../types.ts';

/** Model families, most specific first: the first pattern found in the name wins. */
const FAMILIES: ReadonlyArray<[pattern: RegExp, family: (m: RegExpExecArray) => string]> = [
  [/deepseek[-_]?r1[-_]?distill[-_]?(qwen|llama)/i, (m) => `deepseek-r1-distill-${m[1].toLowerCase()}`],
  [/qwen(\d(?:\.\d)?)?[-_]?(math|coder)?/i, (m) => `qwen${m[1] ?? ''}${m[2] ? `-${m[2].toLowerCase()}` : ''}`],
  [/llama[-_]?(\d(?:\.\d)?)?/i, (m) => (m[1] ? `llama-${m[1]}` : 'llama')],
  [/gemma[-_]?(\d)?(?=[-_]|$)/i, (m) => (m[1] ? `gemma-${m[1]}` : 'gemma')],
  [/mi[sx]tral/i, (m) => m[0].toLowerCase()],
  [/deepseek[-_]?(math|coder|v\d)?/i, (m) => `deepseek${m[1] ? `-${m[1].toLowerCase()}` : ''}`],
  [/phi[-_]?(\d(?:\.\d)?)/i, (m) => `phi-${m[1]}`],
  [/olmo[-_]?(\d)?/i, (m) => `olmo${m[1] ? `-${m[1]}` : ''}`],
  [/internlm(\d(?:\.\d)?)?/i, (m) => `internlm${m[1] ?? ''}`],
  // The training harness's own policies (`entropy-law-transformer-2x64`: layers × width).
  [/entropy-law-transformer/i, () => 'entropy-law-transformer'],
];

/**
 * A parameter count: digits and `B`/`M` at a word edge (`7B`, `0.5b`, `1.5B`, `125M`), not glued to letters
 * before (`bsz256`) or after (`7Bit`). A mixture of experts `8x7B` counts every expert.
 */
const SIZE = /(?:^|[^a-z0-9.])(?:(\d+)x)?(\d+(?:\.\d+)?)([bm])(?![a-z0-9])/i;

/** Algorithms, by the spellings run names use; the multi-word ones first (`dr-grpo` before `grpo`). */
const ALGORITHMS: ReadonlyArray<[pattern: RegExp, algorithm: string]> = [
  [/kl[-_]?cov/, 'kl-cov'],
  [/clip[-_]?cov/, 'clip-cov'],
  [/reinforce(?:\+\+|[-_]?pp|[-_]?plus[-_]?plus)/, 'reinforce++'],
  [/dr[-_]?grpo/, 'dr-grpo'],
  [/grpo/, 'grpo'],
  [/gspo/, 'gspo'],
  [/dapo(?![-_]?math)/, 'dapo'],
  [/vapo/, 'vapo'],
  [/rloo/, 'rloo'],
  [/remax/, 'remax'],
  [/prime(?![-_]?rl)/, 'prime'],
  [/ppo/, 'ppo'],
];

/** Data sets, by the spellings run names and data paths use. */
const DATASETS: ReadonlyArray<[pattern: RegExp, dataset: string]> = [
  [/dapo[-_]?math(?:[-_]?17k)?/, 'dapo-math-17k'],
  [/deepscaler/, 'deepscaler'],
  [/gsm8k/, 'gsm8k'],
  [/math[-_]?500/, 'math500'],
  [/numina(?:[-_]?math)?/, 'numina-math'],
  [/open[-_]?r1/, 'open-r1'],
  [/orz/, 'orz'],
  [/countdown/, 'countdown'],
  [/aime/, 'aime'],
  [/(?:lighteval[-_/]?)?math(?![a-z])/, 'math'],
];

/** `pattern` as a whole word of `text`: not glued to letters on either side. */
function word(pattern: RegExp, text: string): boolean {
  return new RegExp(`(?:^|[^a-z])(?:${pattern.source})(?![a-z])`).test(text);
}

/**
 * Parses a parameter count such as `7B`, `0.5b`, `125M`, `8x7B` or a plain number; `undefined` otherwise.
 *
 * @example
 * parseModelSize('1.5B') // => 1.5e9
 * parseModelSize('8x7B') // => 5.6e10
 */
export function parseModelSize(text: string): number | undefined {
  const s = text.trim();
  if (/^\d+(?:\.\d+)?(?:e\d+)?$/i.test(s)) return Number(s);
  const m = /^(?:(\d+)x)?(\d+(?:\.\d+)?)\s*([bmk])$/i.exec(s);
  if (!m) return undefined;
  const unit = { b: 1e9, m: 1e6, k: 1e3 }[m[3].toLowerCase() as 'b' | 'm' | 'k'];
  // Rounded so 0.5 × 1e9 gives 500000000 and not a float just off it.
  return Math.round(Number(m[1] ?? 1) * Number(m[2]) * unit);
}

/**
 * What a name says about a run: model family, size, algorithm, data set; fields it does not show are left
 * out. Several names (run id, folder, model path) can be joined with `/` and read at once.
 *
 * @example
 * metaFromName('gemma-2-2b-it-ppo-bsz512_4-gsm8k') // => { model: 'gemma-2', size: 2e9, algorithm: 'ppo', dataset: 'gsm8k' }
 * metaFromName('Qwen2.5-0.5B-bsz256_2-prompt1024-resp512-0.567') // => { model: 'qwen2.5', size: 5e8 }
 */
export function metaFromName(name: string): RunMeta {
  const meta: RunMeta = {};
  let rest = name;
  for (const [pattern, family] of FAMILIES) {
    // The longest match is the most specific (`Qwen/Qwen2.5-Math-7B`: `Qwen2.5-Math`, not the org `Qwen`).
    let m: RegExpExecArray | undefined;
    for (const found of name.matchAll(new RegExp(pattern.source, 'gi'))) if (!m || found[0].length > m[0].length) m = found as RegExpExecArray;
    if (m) {
      meta.model = family(m);
      // The family's own words (`Qwen2.5-Math`) are not the data set.
      rest = name.slice(0, m.index) + ' ' + name.slice(m.index + m[0].length);
      break;
    }
  }
  const size = SIZE.exec(name);
  if (size) meta.size = parseModelSize(`${size[1] ? `${size[1]}x` : ''}${size[2]}${size[3]}`);
  const lower = rest.toLowerCase();
  const algorithm = ALGORITHMS.find(([p]) => word(p, lower));
  if (algorithm) meta.algorithm = algorithm[1];
  const dataset = DATASETS.find(([p]) => word(p, lower));
  if (dataset) meta.dataset = dataset[1];
  return meta;
}

/**
 * Normalises an algorithm name as trainers spell it in configs (verl `adv_estimator: gae`, OpenRLHF
 * `advantage_estimator: reinforce_baseline`, TRL `loss_type: dr_grpo`) to the names `metaFromName` gives.
 *
 * @example
 * normalizeAlgorithm('reinforce_plus_plus') // => 'reinforce++'
 * normalizeAlgorithm('gae') // => 'ppo'
 */
export function normalizeAlgorithm(value: string): string {
  const v = value.trim().toLowerCase();
  if (v === 'gae') return 'ppo';
  if (v === 'group_norm') return 'grpo';
  if (v === 'reinforce_baseline') return 'reinforce++-baseline';
  return metaFromName(v).algorithm ?? v.replaceAll('_', '-');
}
