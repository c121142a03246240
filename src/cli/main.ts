#!/usr/bin/env node
// The executable (package.json `bin`). `npm run build` replaces this file's output with the
// loader of the bundled CLI and its code cache (scripts/bundle.mjs, src/cli/boot.ts), which
// starts several times faster; after tsc alone it is this import, the same code unbundled.
import './unbundled.js';
