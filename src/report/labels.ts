/**
 * Labels that never truncate meaning: run names shown by the part that tells them apart, log keys by
 * their last path segments, long titles broken at separators rather than cut. The full text always
 * stays reachable (tooltips, headings, subtitles); these only decide what fits on a chart.
 */
import { modelSize } from '../util/format.ts';

/**
 * Breaks a name into tokens that each end at a separator (`-`, `_`, `/`, space, `:`, `=`, `,`, and `.`
 * unless a digit follows: `qwen2.5-` and `0.567` stay whole).
 */
function tokens(name: string): string[] {
  return name.split(/(?<=[-_/ :=,]|\.(?!\d))/).filter((t) => t !== '');
}

/** `text` cut in the middle to `max` characters with an ellipsis, keeping its start and its end. */
export function middleEllipsis(text: string, max: number): string {
  if (text.length <= max) return text;
  const tail = Math.floor((max - 1) / 2);
  const head = max - 1 - tail;
  return `${text.slice(0, head)}…${text.slice(text.length - tail)}`;
}

/** How many leading (or, with `fromEnd`, trailing) tokens two token lists share. */
function shared(a: readonly string[], b: readonly string[], fromEnd: boolean): number {
  const n = Math.min(a.length, b.length);
  let k = 0;
  while (k < n && (fromEnd ? a[a.length - 1 - k] === b[b.length - 1 - k] : a[k] === b[k])) k++;
  return k;
}

/** Joins kept tokens, with `…` where tokens were left out (and no separator left dangling before it). */
function joinKept(tokens: readonly string[], keep: readonly boolean[]): string {
  let out = '';
  let gap = false;
  tokens.forEach((t, i) => {
    if (!keep[i]) {
      gap = true;
      return;
    }
    if (gap) out = `${out.replace(/[-_/. :=,]+$/, '')}…`;
    gap = false;
    out += t;
  });
  return gap ? `${out.replace(/[-_/. :=,]+$/, '')}…` : out;
}

/**
 * Short, unique labels for a set of run names. A name of at most `max` characters is its own label. A
 * longer one is shown by the part that tells it apart: first the tokens every name has (the settings all
 * runs share) are left out, marked by `…`; if that is still too long, the tokens it shares at the start
 * with the name most like it there, and at the end with the name most like it there; what remains is cut
 * at its end when still too long. Labels that would collide are the full names (then `#n` for repeats).
 *
 * @example
 * runLabels(['Qwen2.5-0.5B-bsz256_2-prompt1024-resp512-0.567', 'Qwen2.5-0.5B-bsz256_2-prompt512-resp256-0.538'])
 * // => ['…prompt1024-resp512-0.567', '…prompt512-resp256-0.538']
 */
export function runLabels(names: readonly string[], max = 32): string[] {
  const split = names.map(tokens);
  const distinct = new Set(names).size;
  // Tokens in every name say nothing about which run it is; a short one (`2-`, `6-`) only as the tail of
  // a longer one left out (`lr1e-6-`), since alone it may mean different things in different names.
  const everywhere = distinct < 2 ? new Set<string>() : new Set(split[0].filter((t) => split.every((o) => o.includes(t))));
  const long = (t: string) => t.replace(/[-_/ :=,.]$/, '').length >= 3;
  let labels = names.map((name, i) => {
    if (name.length <= max) return name;
    const t = split[i];
    const keep: boolean[] = [];
    t.forEach((tok, k) => keep.push(!(everywhere.has(tok) && (long(tok) || (k > 0 && !keep[k - 1])))));
    if (keep.some(Boolean)) {
      const label = joinKept(t, keep);
      if (label.length <= max) return label;
    }
    let p = 0;
    let s = 0;
    split.forEach((other, j) => {
      if (names[j] === name) return;
      p = Math.max(p, shared(t, other, false));
      s = Math.max(s, shared(t, other, true));
    });
    p = Math.min(p, t.length - 1);
    s = Math.max(0, Math.min(s, t.length - 1 - p));
    const label = joinKept(t, t.map((tok, k) => k >= p && k < t.length - s && (keep[k] || !keep.some(Boolean))));
    return label.length <= max ? label : `${label.slice(0, max - 1)}…`;
  });
  const count = new Map<string, number>();
  for (const l of labels) count.set(l, (count.get(l) ?? 0) + 1);
  labels = labels.map((l, i) => ((count.get(l) as number) > 1 ? names[i] : l));
  const seen = new Map<string, number>();
  return labels.map((l) => {
    const k = (seen.get(l) ?? 0) + 1;
    seen.set(l, k);
    return k === 1 ? l : `${l} #${k}`;
  });
}

/**
 * A log key short enough for an axis title: the key itself when it fits in `max` characters, else its
 * last `/`-segments that fit, after `…/`; a mean over several keys says so.
 *
 * @example
 * shortKey('val/test_score/openai/gsm8k'); // => '…/openai/gsm8k'
 * shortKey('mean(val-core/a/acc/mean@1, val-core/b/acc/mean@1)'); // => 'mean of 2 keys'
 */
export function shortKey(key: string, max = 20): string {
  if (key.length <= max) return key;
  const mean = /^mean\((.*)\)$/.exec(key);
  if (mean) return `mean of ${mean[1].split(',').length} keys`;
  const parts = key.split('/');
  let out = parts[parts.length - 1];
  for (let i = parts.length - 2; i >= 0 && `…/${parts[i]}/${out}`.length <= max; i--) out = `${parts[i]}/${out}`;
  if (out.length > max - 2) return `…${out.slice(out.length - (max - 1))}`;
  return `…/${out}`;
}

/**
 * A title as lines of at most `max` characters, broken after separators (never inside a token unless one
 * token is longer than a line): Vega draws each line in full, so nothing is cut.
 *
 * @example
 * titleLines('Qwen2.5-0.5B-bsz256_2-prompt1024-resp512-0.567', 30); // => ['Qwen2.5-0.5B-bsz256_2-', 'prompt1024-resp512-0.567']
 */
export function titleLines(text: string, max = 40): string[] {
  const lines: string[] = [];
  let line = '';
  for (const t of tokens(text)) {
    if (line !== '' && (line + t).trimEnd().length > max) {
      lines.push(line.trimEnd());
      line = '';
    }
    line += t;
    while (line.length > max) {
      lines.push(line.slice(0, max));
      line = line.slice(max);
    }
  }
  if (line.trim() !== '' || lines.length === 0) lines.push(line.trimEnd());
  return lines;
}

/** Parameters as people write them: 7B, 0.5B, 125M. */
export function sizeText(size: number | undefined): string | undefined {
  if (size === undefined) return undefined;
  return modelSize(size);
}

/** The group of a run in cross-run charts: its model family and size, where known. */
export function modelGroup(info: { model?: string; size?: number }): string | null {
  const { model, size } = info;
  if (!model) return null;
  return size ? `${model} ${sizeText(size)}` : model;
}
