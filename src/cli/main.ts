#!/usr/bin/env node
// The executable (package.json `bin`). `npm run build` replaces this file's output with the
// bundle of ./cli.js and its chunks (scripts/bundle.mjs), which starts several times faster;
// after tsc alone it is this import, which runs the same code unbundled.
import './cli.js';
