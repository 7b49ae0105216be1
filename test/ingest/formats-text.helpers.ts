import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RawRun } from '../../src/ingest/types.ts';

/** The text-log fixtures written by test/fixtures/formats/make_fixtures.py with the real Python writers. */
export const FORMAT_FIXTURES = new URL('../fixtures/formats/', import.meta.url).pathname;

/** expected.json: per fixture, {step: {key: value}} of the finite numbers it must give, and counts. */
export const expectedFormats = JSON.parse(readFileSync(join(FORMAT_FIXTURES, 'expected.json'), 'utf8')) as Record<
  string,
  { steps: Record<string, Record<string, number>>; nonFinite?: number; badLines?: number; badLine?: number }
>;

/** A run's steps as a plain object, comparable with expected.json. */
export function stepsObject(run: RawRun): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [step, metrics] of run.steps) out[String(step)] = Object.fromEntries(metrics);
  return out;
}
