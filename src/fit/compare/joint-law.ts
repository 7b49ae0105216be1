/**
 * Several runs stacked end to end under one law, with some parameters shared by every run and the rest
 * fitted per run. Fitting it answers "is a shared while b differs?" — the restricted model of a partial
 * pooled-vs-separate F-test.
 */
import { UsageError } from '../../util/errors.ts';
import type { Law } from '../laws/types.ts';

/** Name of run r's own copy of parameter p (1-based run numbers, as users count them). */
export const perRunName = (p: string, run: number): string => `${p}[${run + 1}]`;

/**
 * A law over concatenated runs of the given sizes: parameters are the `shared` names followed by
 * `p[1]`, `p[2]`, … for every other parameter of `law`. Throws a `UsageError` for an unknown shared name.
 * @example jointLaw(entropyExp, [25, 25], ['a']).params // => ['a', 'b[1]', 'b[2]']
 */
export function jointLaw(law: Law, sizes: readonly number[], shared: readonly string[]): Law {
  for (const s of shared) if (!law.params.includes(s)) throw new UsageError(`unknown shared parameter: ${s} (law ${law.name} has ${law.params.join(', ')})`);
  const own = law.params.filter((p) => !shared.includes(p));
  const params = [...shared, ...sizes.flatMap((_, r) => own.map((p) => perRunName(p, r)))];
  // index[r][j]: position in the joint vector of law parameter j for run r.
  const index = sizes.map((_, r) => law.params.map((p) => (shared.includes(p) ? shared.indexOf(p) : shared.length + r * own.length + own.indexOf(p))));
  const offsets = sizes.map((_, r) => sizes.slice(0, r).reduce((a, b) => a + b, 0));
  const k = law.params.length;
  const slice = (columns: readonly ArrayLike<number>[], r: number) =>
    columns.map((c) => Float64Array.from({ length: sizes[r] }, (_, i) => c[offsets[r] + i]));
  const runParams = (p: ArrayLike<number>, r: number) => index[r].map((at) => p[at]);
  return {
    name: `${law.name} (shared ${shared.join(', ') || 'nothing'})`,
    formula: law.formula,
    params,
    variables: law.variables,
    lower: law.lower ? params.map((name) => law.lower![law.params.indexOf(baseName(name))]) : undefined,
    upper: law.upper ? params.map((name) => law.upper![law.params.indexOf(baseName(name))]) : undefined,
    evaluate(p, columns, out) {
      sizes.forEach((size, r) => law.evaluate(runParams(p, r), slice(columns, r), out.subarray(offsets[r], offsets[r] + size)));
    },
    jacobian(p, columns, jac) {
      const n = total(sizes);
      jac.fill(0);
      sizes.forEach((size, r) => {
        const part = new Float64Array(size * k);
        law.jacobian(runParams(p, r), slice(columns, r), part);
        for (let j = 0; j < k; j++) {
          for (let i = 0; i < size; i++) jac[index[r][j] * n + offsets[r] + i] = part[j * size + i];
        }
      });
    },
    starts: () => [],
  };
}

const total = (sizes: readonly number[]) => sizes.reduce((a, b) => a + b, 0);

/** `b[2]` → `b`; shared names are returned unchanged. */
const baseName = (name: string): string => name.replace(/\[\d+\]$/, '');
