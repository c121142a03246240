// Saves V8's code cache for the bundled CLI (dist/cli/chunks/cli.cjs.cache): loads the
// bundle as dist/cli/main.js does (src/cli/boot.ts), runs a bundled scenario through it
// (output to stdout, which scripts/bundle.mjs discards), and writes the compiled code of
// everything that run used. Run by scripts/bundle.mjs in a process without flags.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { codeCachePath, loadBundle } from '../dist/cli/boot.js';

const bundle = new URL('../dist/cli/chunks/cli.cjs', import.meta.url);
const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const seedLab = fileURLToPath(new URL('../scenarios/seed-lab.yaml', import.meta.url));
const { cli, script } = loadBundle(bundle);
// `run` of the scenario with every layer, in the table users read first.
process.argv = [process.execPath, main, 'run', seedLab, '--requests', '1K'];
await cli.runCli();
if (process.exitCode) {
  process.stderr.write(`code-cache: the warm-up run exited ${process.exitCode}\n`);
  process.exit(1);
}
writeFileSync(codeCachePath(fileURLToPath(bundle)), script.createCachedData());
