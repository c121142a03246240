import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
/** Written by every build (tsc emits it, then the bundle script replaces it), so its time is the build's time. */
const BUILT = join(ROOT, 'dist/cli/main.js');

/**
 * Builds `dist/` before any test file runs, when it is missing or older than any file of
 * `src/` (or the build config): the CLI tests spawn the compiled CLI, and one build up front
 * avoids test files rebuilding it under each other's feet. `npm test` typechecks first and
 * leaves the one build to this step, so a test run compiles `src/` to `dist/` at most once.
 * The build is `npm run build`'s (tsc, then the bundle of the CLI), so the CLI tests run the
 * bundled CLI that users run.
 */
export default function setup(): void {
  const config = Math.max(...['tsconfig.json', 'scripts/bundle.mjs', 'scripts/code-cache.mjs'].map((file) => statSync(join(ROOT, file)).mtimeMs));
  if (existsSync(BUILT) && newestMtime(join(ROOT, 'src'), config) <= statSync(BUILT).mtimeMs) return;
  execSync('npx tsc -p tsconfig.json && node scripts/bundle.mjs', { cwd: ROOT, stdio: 'inherit' });
}

/** The latest modification time of `path` or anything under it, at least `floor`. */
function newestMtime(path: string, floor: number): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return Math.max(floor, stat.mtimeMs);
  return readdirSync(path).reduce((latest, entry) => newestMtime(join(path, entry), latest), Math.max(floor, stat.mtimeMs));
}
