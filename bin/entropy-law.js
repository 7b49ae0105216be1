#!/usr/bin/env node
// The published entry point: the CLI compiled from src/cli by `npm run build` (run on install by `prepare`).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
