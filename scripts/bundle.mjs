// Bundles the compiled CLI (dist/cli/cli.js, from tsc) with esbuild and saves V8's code cache
// for it, so that start-up neither reads ~250 modules nor parses and compiles them again.
// Usage: npm run build   (tsc, then this). Only the CLI is bundled: the library entries
// (dist/runtime, dist/layers) stay tsc's modules.
//
// Layout:
// - dist/cli/chunks/cli.cjs: the whole CLI in one CommonJS script. Each command's code still
//   runs only when that command is run: esbuild turns the `await import()` of
//   src/cli/lazy-program.ts into lazily initialised modules. CommonJS because Node 20 can
//   cache compiled code only for a script compiled through node:vm, never for an ES module.
// - dist/cli/chunks/cli.cjs.cache: V8's code cache, saved after one `run` of a bundled
//   scenario by scripts/code-cache.mjs, so it holds the compiled code of what a run uses.
// - dist/cli/main.js: the executable; it loads the two through src/cli/boot.ts (and replaces
//   tsc's one-line `import './unbundled.js'`, so the CLI works after tsc alone and this
//   script can run again).
// - dist/cli/chunks/root-help.js: `harness-sim --help` alone (commander and the stubs of
//   src/cli/root-help.ts), which main.js loads instead of the CLI's bundle.
// - dist/cli/chunks/worker.js: the sweep worker, an ES module of its own, found by
//   `new URL('./worker.js', import.meta.url)` in the sweep code. In cli.cjs `import.meta.url`
//   is `__bundleUrl`, the bundle's own URL, so a relative URL resolves from dist/cli/chunks/
//   as it does from the compiled modules' folders (dist/cli/commands/, dist/sweep/); every
//   one in the output is checked to name a file that exists, so a moved resource fails the
//   build, not a user's run.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const chunks = join(root, 'dist/cli/chunks');
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
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  plugins: [unused],
};

// An ES module output: CommonJS dependencies (commander, seedrandom) call require() for
// Node's built-ins, which an ES module has to be given.
const esmWithRequire = {
  format: 'esm',
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
};

const cli = await build({
  ...common,
  entryPoints: ['dist/cli/cli.js'],
  outfile: 'dist/cli/chunks/cli.cjs',
  format: 'cjs',
  // src/cli/boot.ts passes the bundle's URL under this name.
  define: { 'import.meta.url': '__bundleUrl' },
  // Everything else escaped, so src/cli/boot.ts can read it as latin1 (esbuild's default, said).
  charset: 'ascii',
});
// `harness-sim --help`: commander and the root command's stubs, without the CLI's bundle.
const rootHelp = await build({
  ...common,
  entryPoints: ['dist/cli/root-help.js'],
  outfile: 'dist/cli/chunks/root-help.js',
  ...esmWithRequire,
});
const worker = await build({
  ...common,
  entryPoints: ['dist/sweep/worker.js'],
  outfile: 'dist/cli/chunks/worker.js',
  ...esmWithRequire,
});
writeFileSync(
  join(root, 'dist/cli/main.js'),
  [
    '#!/usr/bin/env node',
    '// The executable: the bundled CLI, started with its code cache (scripts/bundle.mjs, src/cli/boot.ts).',
    "import { loadBundle, wantsRootHelp } from './boot.js';",
    '',
    "if (wantsRootHelp(process.argv.slice(2))) (await import('./chunks/root-help.js')).printRootHelp();",
    "else await loadBundle(new URL('./chunks/cli.cjs', import.meta.url)).cli.runCli();",
    '',
  ].join('\n'),
);

const outputs = { ...cli.metafile.outputs, ...rootHelp.metafile.outputs, ...worker.metafile.outputs };
const missing = [];
for (const file of Object.keys(outputs)) {
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  for (const m of text.matchAll(/new URL\(\s*["'`]([^"'`]+)["'`]\s*,\s*(?:import\.meta\.url|__bundleUrl)\s*\)/g)) {
    const target = fileURLToPath(new URL(m[1], pathToFileURL(path)));
    if (!existsSync(target)) missing.push(`${relative(root, path)}: new URL('${m[1]}') -> ${relative(root, target)} does not exist`);
  }
}
// A dynamic import() left in cli.cjs (a built-in, say) fails at run time: node:vm gives a
// script compiled with a code cache no module loader. Built-ins are imported statically.
const cliText = readFileSync(join(chunks, 'cli.cjs'), 'latin1');
const dynamicImport = /\bimport\(\s*["'`]/.exec(cliText);
if (dynamicImport) missing.push(`dist/cli/chunks/cli.cjs: a dynamic import() at offset ${dynamicImport.index} (${cliText.slice(dynamicImport.index, dynamicImport.index + 40)}); import it statically`);
// src/cli/boot.ts reads the bundle as latin1, which is the same string only for ASCII.
const nonAscii = /[^\x00-\x7f]/.exec(readFileSync(join(chunks, 'cli.cjs'), 'latin1'));
if (nonAscii) missing.push(`dist/cli/chunks/cli.cjs: a byte above 0x7f at offset ${nonAscii.index} (the bundle must be ASCII: esbuild's charset option)`);
if (missing.length > 0) {
  console.error(`bundle: ${missing.join('\n')}`);
  process.exit(1);
}

// The code cache, in a process of its own started without flags, as the CLI's are: V8 accepts
// a cache only under the flags it was made with.
const cache = spawnSync(process.execPath, [join(root, 'scripts/code-cache.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (cache.status !== 0) {
  console.error(`bundle: scripts/code-cache.mjs exited ${cache.status}`);
  process.exit(1);
}
const kb = (path) => readFileSync(path).length / 1024;
console.log(
  `bundle: dist/cli/chunks/cli.cjs ${kb(join(chunks, 'cli.cjs')).toFixed(0)} KB, its code cache ${kb(join(chunks, 'cli.cjs.cache')).toFixed(0)} KB, worker.js ${kb(join(chunks, 'worker.js')).toFixed(0)} KB`,
);
