/**
 * The limit a reader of a file is measured against: reading its bytes and nothing else, in 1 MiB chunks,
 * in its own process. `node --import tsx bench/read-bytes.ts <path>` prints `{"seconds", "cpuSeconds",
 * "maxRssMB", "points"}` as JSON, `points` being 0 (it reads no points) so it fits the other timings.
 */
import { closeSync, openSync, readSync } from 'node:fs';

const path = process.argv[2];
const start = performance.now();
const cpu = process.cpuUsage();
const fd = openSync(path, 'r');
const buffer = Buffer.allocUnsafe(1 << 20);
let checksum = 0;
for (let at = 0, got = 0; (got = readSync(fd, buffer, 0, buffer.length, at)) > 0; at += got) checksum ^= buffer[got - 1];
closeSync(fd);
const seconds = (performance.now() - start) / 1000;
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({ seconds, cpuSeconds: (used.user + used.system) / 1e6, maxRssMB: process.resourceUsage().maxRSS / 1024, points: 0, checksum }));
