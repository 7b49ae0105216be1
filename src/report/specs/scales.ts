/**
 * Scale domains computed in TypeScript. A chart of small multiples can also switch to domains shared by
 * every run: its spec then has a `shared` parameter, and each domain is an expression that picks one of
 * two arrays of numbers written here (the page's script flips the parameter; Vega interprets the choice,
 * it computes nothing).
 */

/** Name of the parameter that switches small multiples to shared axes. */
export const SHARED = 'shared';

/** A domain for both states of the toggle: this chart's own and the one all runs share. */
export interface DomainPair {
  own: [number, number];
  shared?: [number, number];
}

const num = (x: number) => String(Number(x.toPrecision(6)));

/**
 * The Vega-Lite `scale.domain` of a pair: the chart's own domain, or, when a shared one is given, an
 * expression that picks the shared domain while the `shared` parameter is true.
 *
 * @example
 * scaleDomain({ own: [0, 1], shared: [0, 2] }); // => { expr: 'shared ? [0, 2] : [0, 1]' }
 */
export function scaleDomain(pair: DomainPair): [number, number] | { expr: string } {
  const own: [number, number] = [Number(num(pair.own[0])), Number(num(pair.own[1]))];
  if (!pair.shared) return own;
  return { expr: `${SHARED} ? [${num(pair.shared[0])}, ${num(pair.shared[1])}] : [${own.join(', ')}]` };
}

/** The top-level parameter a chart with shared domains needs, or none. */
export function sharedParams(pairs: readonly DomainPair[], on = true): object[] {
  return pairs.some((p) => p.shared) ? [{ name: SHARED, value: on }] : [];
}
