// Bundles the compiled CLI (dist/cli/cli.js, from tsc) into a few files with esbuild, so that
// start-up reads one entry and the chunks of the command being run instead of ~250 modules.
// Usage: npm run build   (tsc, then this). Only the CLI is bundled: the library entries
// (dist/runtime, dist/layers) stay tsc's modules.
//
// Layout: dist/cli/main.js is the entry (it replaces tsc's one-line `import './cli.js'`, so
// the CLI works, unbundled, after tsc alone, and this script can run again); every other
// piece is in dist/cli/chunks/, loaded on demand: one chunk per command (src/cli/lazy-program.ts)
// and the shared code they use. The sweep worker is an entry of its own at
// dist/cli/chunks/worker.js, where `new URL('./worker.js', import.meta.url)` in the sweep
// code's chunk finds it. Every `new URL('<relative>', import.meta.url)` in the output is
// checked to name a file that exists, so a moved resource fails the build, not a user's run.
import { build } from 'esbuild';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist/cli');
const chunks = join(outdir, 'chunks');
rmSync(chunks, { recursive: true, force: true });

// Code the CLI never runs, replaced by an empty module: zod's translations of its messages
// (only the English default, which zod loads apart from this index, is used).
const UNUSED = [[/zod[\\/]v4[\\/]locales[\\/]index\.js$/, 'export {};']];
const unused = {
  name: 'unused',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      const stub = UNUSED.find(([re]) => re.test(args.path));
      return stub ? { contents: stub[1], loader: 'js' } : undefined;
    });
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: { main: 'dist/cli/cli.js', 'chunks/worker': 'dist/sweep/worker.js' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir,
  allowOverwrite: true,
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS dependencies (cli-table3, seedrandom) call require() for
  // Node's built-ins, which an ES module has to be given.
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  plugins: [unused],
});

const missing = [];
for (const file of Object.keys(result.metafile.outputs)) {
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  for (const m of text.matchAll(/new URL\(\s*["'`]([^"'`]+)["'`]\s*,\s*import\.meta\.url\s*\)/g)) {
    const target = fileURLToPath(new URL(m[1], pathToFileURL(path)));
    if (!existsSync(target)) missing.push(`${relative(root, path)}: new URL('${m[1]}') -> ${relative(root, target)} does not exist`);
  }
}
if (missing.length > 0) {
  console.error(`bundle: ${missing.join('\n')}`);
  process.exit(1);
}
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
console.log(`bundle: dist/cli/main.js + ${Object.keys(result.metafile.outputs).length - 1} chunks, ${(bytes / 1024).toFixed(0)} KB`);
