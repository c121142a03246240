#!/usr/bin/env node
// The CLI run from tsc's modules, unbundled: what `dist/cli/main.js` is after tsc alone, and
// what the bundle's tests compare it with (`node dist/cli/unbundled.js run ...`).
import { runCli } from './cli.js';

await runCli();
