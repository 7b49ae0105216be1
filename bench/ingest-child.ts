/**
 * One measured ingest, run in its own process so its peak memory is its own: `node --import tsx
 * bench/ingest-child.ts <path>` prints `{"seconds", "cpuSeconds", "maxRssMB", "runs", "points"}` as JSON.
 */
import { ingest } from '../src/ingest/load.ts';
import { Warnings } from '../src/util/warnings.ts';

const path = process.argv[2];
const start = performance.now();
const cpu = process.cpuUsage();
const data = await ingest([path], { warnings: new Warnings(), inferMeta: false });
const seconds = (performance.now() - start) / 1000;
const used = process.cpuUsage(cpu);
const cpuSeconds = (used.user + used.system) / 1e6;
const points = data.runs.reduce((n, r) => n + r.points, 0);
// maxRSS is in kilobytes.
console.log(JSON.stringify({ seconds, cpuSeconds, maxRssMB: process.resourceUsage().maxRSS / 1024, runs: data.runs.length, points }));
