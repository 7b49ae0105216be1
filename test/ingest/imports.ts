// The ingest tests import the stage's public index, plus the shared warning collector.
export * from '../../src/ingest/index.ts';
export { Warnings } from '../../src/util/warnings.ts';
export { InputError, UsageError } from '../../src/util/errors.ts';
