#!/usr/bin/env node
// Regenerates reports/golden/<scenario>.json for every bundled scenario from the built dist/
// (run `npm run build` first). Golden results are an oracle, not a cache: this shows every
// metric that moved and refuses to write anything unless the change is accepted with a
// reason, which is appended to reports/golden/CHANGES.md and committed beside the diff.
//
//   npm run golden                              # show what changed; exit 1 if anything did, write nothing
//   npm run golden -- --accept "why it moved"   # write the changes and log the reason
//   --only a,b      only these scenarios         --dir PATH   golden folder (default reports/golden; for tests)
//
// See AGENTS.md, "Golden results".
import { existsSync, appendFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const fail = (message) => {
  process.stderr.write(`golden: ${message}\n`);
  process.exit(2);
};

const args = process.argv.slice(2);
let accept;
let only;
let dirArg;
for (let i = 0; i < args.length; i++) {
  const flag = args[i];
  const value = () => (i + 1 < args.length ? args[++i] : fail(`${flag} needs a value`));
  if (flag === '--accept') accept = value().trim();
  else if (flag === '--only') only = value().split(',').map((s) => s.trim()).filter(Boolean);
  else if (flag === '--dir') dirArg = value();
  else fail(`unknown option ${flag}; use --accept "reason", --only a,b or --dir PATH`);
}
if (accept !== undefined && accept.length < 10) fail('--accept needs the reason the results moved, in words (at least 10 characters): it goes into CHANGES.md beside the diff');

const built = join(root, 'dist/validation/golden.js');
if (!existsSync(built)) fail('dist/ has no build; run `npm run build` first');
if (newestMtime(join(root, 'src')) > statSync(built).mtimeMs) {
  fail('dist/ is older than src/; run `npm run build` first so the golden results come from the current code');
}

const { bundledScenarioNames, diffResults, GOLDEN_DIR, goldenResult, goldenText } = await import(built);
const dir = dirArg === undefined ? join(root, GOLDEN_DIR) : isAbsolute(dirArg) ? dirArg : join(process.cwd(), dirArg);
const all = bundledScenarioNames(root);
const unknown = (only ?? []).filter((name) => !all.includes(name));
if (unknown.length > 0) fail(`--only: no bundled scenario ${unknown.join(', ')}`);
const names = only ?? all;

/** Every change: the file, its new text (null: remove it) and what to print. */
const changes = [];
for (const name of names) {
  const file = join(dir, `${name}.json`);
  const text = goldenText(goldenResult(root, name));
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : null;
  if (previous === text) {
    process.stdout.write(`unchanged  ${name}.json\n`);
    continue;
  }
  if (previous === null) {
    changes.push({ file, text, summary: `new        ${name}.json`, lines: [] });
    continue;
  }
  const lines = diffResults(JSON.parse(previous), JSON.parse(text));
  changes.push({ file, text, summary: `changed    ${name}.json (${lines.length} values)`, lines });
}
// A golden file whose scenario is gone would never be checked again: remove it (full runs only).
if (only === undefined && existsSync(dir)) {
  for (const file of readdirSync(dir)) {
    if (file.endsWith('.json') && !all.includes(file.slice(0, -'.json'.length))) changes.push({ file: join(dir, file), text: null, summary: `removed    ${file}`, lines: [] });
  }
}

for (const change of changes) {
  process.stdout.write(`${change.summary}\n`);
  for (const line of change.lines.slice(0, 40)) process.stdout.write(`  ${line}\n`);
  if (change.lines.length > 40) process.stdout.write(`  ... and ${change.lines.length - 40} more\n`);
}
if (changes.length === 0) {
  process.stdout.write('golden results unchanged\n');
  process.exit(0);
}
if (accept === undefined) {
  process.stdout.write(`${changes.length} golden result(s) would change; nothing written. If the change is intended, run\n  npm run golden -- --accept "why the results moved"\nand commit the diff with reports/golden/CHANGES.md\n`);
  process.exit(1);
}
mkdirSync(dir, { recursive: true });
for (const change of changes) {
  if (change.text === null) rmSync(change.file);
  else writeFileSync(change.file, change.text);
}
const files = changes.map((c) => c.summary.replace(/\s+\(.*\)$/, '').replace(/\s+/, ' ')).join('; ');
appendFileSync(join(dir, 'CHANGES.md'), `- ${new Date().toISOString().slice(0, 10)}: ${accept.replace(/\s+/g, ' ')} (${files})\n`);
process.stdout.write(`${changes.length} golden result(s) written and the reason logged in CHANGES.md: commit them together\n`);

/** The latest modification time of any file under `path`. */
function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, entry) => Math.max(latest, newestMtime(join(path, entry))), stat.mtimeMs);
}
