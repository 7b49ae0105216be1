/**
 * `npm run bench`: every benchmark, each printed as ratios against a reference run in the same script.
 * Pass names to run only some: `npm run bench -- fit`.
 */
import { benchFit } from './fit.ts';
import { benchLaws } from './fit-laws.ts';
import { benchHarness } from './harness.ts';
import { benchRl } from './harness-rl.ts';
import { benchIngest } from './ingest.ts';
import { benchReport } from './report.ts';

const benches: Record<string, () => Promise<string[]>> = {
  fit: benchFit,
  laws: () => benchLaws(),
  harness: benchHarness,
  rl: benchRl,
  ingest: benchIngest,
  report: () => benchReport(),
};

const only = process.argv.slice(2);
for (const [name, bench] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue;
  for (const line of await bench()) console.log(line);
}
