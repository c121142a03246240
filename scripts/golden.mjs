#!/usr/bin/env node
// Regenerates reports/golden/<scenario>.json for every bundled scenario from the built dist/
// (run `npm run build` first). Prints which results changed and how, so the reason can go
// into the commit message. See AGENTS.md, "Golden results".
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'dist/validation/golden.js');
if (!existsSync(built)) {
  process.stderr.write('golden: dist/ has no build; run `npm run build` first\n');
  process.exit(2);
}
if (newestMtime(join(root, 'src')) > statSync(built).mtimeMs) {
  process.stderr.write('golden: dist/ is older than src/; run `npm run build` first so the golden results come from the current code\n');
  process.exit(2);
}

const { bundledScenarioNames, diffResults, GOLDEN_DIR, goldenResult, goldenText } = await import(built);
const dir = join(root, GOLDEN_DIR);
mkdirSync(dir, { recursive: true });
const names = bundledScenarioNames(root);
let changed = 0;
for (const name of names) {
  const file = join(dir, `${name}.json`);
  const text = goldenText(goldenResult(root, name));
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : null;
  if (previous === text) {
    process.stdout.write(`unchanged  ${GOLDEN_DIR}/${name}.json\n`);
    continue;
  }
  changed++;
  writeFileSync(file, text);
  if (previous === null) {
    process.stdout.write(`new        ${GOLDEN_DIR}/${name}.json\n`);
    continue;
  }
  const lines = diffResults(JSON.parse(previous), JSON.parse(text));
  process.stdout.write(`changed    ${GOLDEN_DIR}/${name}.json (${lines.length} values)\n`);
  for (const line of lines.slice(0, 40)) process.stdout.write(`  ${line}\n`);
  if (lines.length > 40) process.stdout.write(`  ... and ${lines.length - 40} more\n`);
}
// A golden file whose scenario is gone would never be checked again: remove it.
for (const file of readdirSync(dir)) {
  if (file.endsWith('.json') && !names.includes(file.slice(0, -'.json'.length))) {
    rmSync(join(dir, file));
    changed++;
    process.stdout.write(`removed    ${GOLDEN_DIR}/${file}\n`);
  }
}
process.stdout.write(changed === 0 ? 'golden results unchanged\n' : `${changed} golden result(s) written: review the diff and commit it with the reason\n`);

/** The latest modification time of any file under `path`. */
function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, entry) => Math.max(latest, newestMtime(join(path, entry))), stat.mtimeMs);
}
