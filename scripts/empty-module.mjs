// An empty module: scripts/import-time.mjs measures the ESM loader's fixed cost with it.
export {};
