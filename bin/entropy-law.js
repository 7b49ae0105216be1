#!/usr/bin/env node
// The published entry point: the CLI compiled from src/cli by `npm run build` (run on install by `prepare`).
import '../dist/cli/run.js';
