import { execSync } from 'node:child_process';

/**
 * Builds `dist/` once before any test file runs: the CLI tests spawn the compiled CLI,
 * and one build up front avoids test files rebuilding it under each other's feet.
 */
export default function setup(): void {
  execSync('npx tsc -p tsconfig.json', { stdio: 'inherit' });
}
