// Starts the bundled CLI with V8's code cache. `scripts/bundle.mjs` bundles the CLI into one
// CommonJS script (dist/cli/chunks/cli.cjs) and, after one run of a bundled scenario, saves
// the compiled code of everything that run used (cli.cjs.cache). Node 20 caches no compiled
// ES modules (module.enableCompileCache is Node 22's), so the script is compiled through
// node:vm, which accepts the cache: V8 reuses the code instead of parsing and compiling the
// bundle again, which was about a third of a small run. V8 checks that the cache matches the
// source, its own version and flags; when it does not (another Node, a rebuilt bundle), it
// compiles as usual and nothing else changes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

/** What the bundle's CommonJS module exports (src/cli/cli.ts). */
export interface BundledCli {
  runCli: () => Promise<void>;
}

/** The bundle's wrapper: CommonJS's own, plus the URL that stands for `import.meta.url` (scripts/bundle.mjs defines it). */
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname, __bundleUrl) {';
const WRAPPER_TAIL = '\n})';

/**
 * Whether the arguments ask for nothing but the root help, the first thing a new user runs:
 * the executable then loads only the small root-help bundle, not the CLI's (src/cli/root-help.ts).
 */
export function wantsRootHelp(args: readonly string[]): boolean {
  return args.length === 1 && (args[0] === '--help' || args[0] === '-h');
}

/** The cache beside a bundle. */
export function codeCachePath(bundle: string): string {
  return `${bundle}.cache`;
}

/** Compiles and evaluates the bundle (with its code cache when there is one); returns its exports and the script, whose cache the build saves. */
export function loadBundle(bundleUrl: URL): { cli: BundledCli; script: Script; cacheRejected: boolean | undefined } {
  const file = fileURLToPath(bundleUrl);
  // The bundle is ASCII (esbuild escapes everything else; scripts/bundle.mjs checks), so
  // latin1 reads it to the same string, ten times faster than utf8 (~1 ms against ~14 ms for
  // 1 MB in Node 20, which validates and transcodes UTF-8 byte by byte).
  const source = readFileSync(file, 'latin1');
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(codeCachePath(file));
  } catch {
    cachedData = undefined; // no cache (tsc alone, or removed): compile as usual
  }
  const script = new Script(WRAPPER_HEAD + source + WRAPPER_TAIL, {
    filename: file,
    // No dynamic import() may be left in the bundle: Node 20 gives a script compiled with a
    // code cache no module loader (scripts/bundle.mjs fails the build on one).
    cachedData,
  });
  const module = { exports: {} as BundledCli };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper(module.exports, createRequire(file), module, file, fileURLToPath(new URL('.', bundleUrl)), pathToFileURL(file).href);
  return { cli: module.exports, script, cacheRejected: cachedData === undefined ? undefined : script.cachedDataRejected };
}
