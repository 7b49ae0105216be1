/**
 * How much of a run became points, and in words where points were lost: a step with R but no entropy is not
 * a point, and a user should hear that (TRL logging every 10 steps and evaluating every 25 keeps 6 of 12
 * evaluations; verl's last validation comes after the last training step, without entropy).
 */
import { runKeys } from './choose-keys.ts';
import { forEachStep } from './series.ts';
import type { Coverage, KeyChoice, MetricKind, RawRun } from './types.ts';

/** What a run's coverage says: the counts, and a sentence per way points were lost (none when none were). */
export interface CoverageReport {
  coverage: Coverage;
  notes: string[];
}

/** The steps of R listed in a note, at most. */
const LISTED = 3;

/** What the steps with R are called: validation steps, training-reward steps, or steps with the key. */
function stepsOf(kind: MetricKind, metric: string): string {
  if (kind === 'validation' || kind === 'legacy-validation') return 'validation steps';
  if (kind === 'train-reward') return 'training-reward steps';
  return `steps with ${metric}`;
}

/** `0`, `0 and 435`, `0, 10 and 435`, `0, 10, 20, … (12 in all)`. */
function listSteps(steps: number[], total: number): string {
  if (total > steps.length) return `${steps.join(', ')}, … (${total} in all)`;
  return steps.length === 1 ? String(steps[0]) : `${steps.slice(0, -1).join(', ')} and ${steps[steps.length - 1]}`;
}

/**
 * Keys that could stand in for the chosen entropy key: other keys naming entropy (TRL logs `eval_entropy` in
 * its evaluation entries), not a coefficient.
 */
function otherEntropyKeys(run: RawRun, chosen: string): string[] {
  return [...runKeys(run)].filter((k) => k !== chosen && /entropy/i.test(k) && !/coef/i.test(k));
}

/**
 * Counts a run's steps with R, with entropy and with both, and says in a sentence where steps with R were not
 * points: another entropy key that would give more (`12 validation steps, 6 with entropy: used 6; --entropy
 * eval_entropy would use 12`), else the steps without entropy (`… step 435 has no actor/entropy: not a point`).
 * Cost: one pass over the steps.
 *
 * @example
 * coverageOf(run, choice) // => { coverage: { metric: 12, entropy: 30, points: 6 }, notes: ['12 validation steps, 6 with entropy: used 6; --entropy eval_entropy would use 12'] }
 */
export function coverageOf(run: RawRun, choice: KeyChoice): CoverageReport {
  const others = otherEntropyKeys(run, choice.entropyKey);
  const m = choice.metricKeys.length;
  const coverage: Coverage = { metric: 0, entropy: 0, points: 0 };
  const withOther = others.map(() => 0);
  const lost: number[] = [];
  let lostCount = 0;
  forEachStep(run, [choice.entropyKey, ...choice.metricKeys, ...others], (step, values) => {
    const hasEntropy = values[0] !== undefined;
    if (hasEntropy) coverage.entropy++;
    for (let k = 1; k <= m; k++) if (values[k] === undefined) return;
    coverage.metric++;
    if (hasEntropy) coverage.points++;
    // A validation at step 0 runs before any rollout (verl's val_before_train): it has no entropy by design.
    else if (step > 0 && lostCount++ < LISTED) lost.push(step);
    for (let o = 0; o < others.length; o++) if (values[1 + m + o] !== undefined) withOther[o]++;
  });
  const notes: string[] = [];
  if (coverage.points < coverage.metric && (lostCount > 0 || withOther.some((w) => w > coverage.points))) {
    const head = `${coverage.metric} ${stepsOf(choice.metricKind, choice.metric)}, ${coverage.points} with entropy: used ${coverage.points}`;
    let best = -1;
    for (let o = 0; o < others.length; o++) if (withOther[o] > coverage.points && (best < 0 || withOther[o] > withOther[best])) best = o;
    if (best >= 0) notes.push(`${head}; --entropy ${others[best]} would use ${withOther[best]}`);
    else {
      // The steps are listed in the order the log wrote them, which is step order in nearly every log.
      lost.sort((a, b) => a - b);
      const one = lostCount === 1;
      notes.push(`${head}; ${one ? 'step' : 'steps'} ${listSteps(lost, lostCount)} ${one ? 'has' : 'have'} no ${choice.entropyKey}: not ${one ? 'a point' : 'points'}`);
    }
  }
  return { coverage, notes };
}
