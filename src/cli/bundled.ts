import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Argument } from 'commander';
import { didYouMean } from '../text/suggest.js';
import { UsageError } from './errors.js';

/**
 * The scenarios that ship with harness-sim (`scenarios/` in the package, beside `dist/`),
 * runnable by name from anywhere: `harness-sim run seed-lab` reads `./seed-lab` when such a
 * file exists, else the packaged `scenarios/seed-lab.yaml`. `harness-sim scenarios` lists them.
 */

/**
 * The packaged `scenarios/` folder: in the package root, the nearest folder above this file
 * with harness-sim's package.json. Found by walking up rather than by a fixed relative path,
 * since this code runs from `src/cli/`, `dist/cli/` or a bundled chunk in `dist/cli/chunks/`.
 */
export const BUNDLED_DIR = join(packageRoot(dirname(fileURLToPath(import.meta.url))), 'scenarios');

function packageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && /"name":\s*"harness-sim"/.test(readFileSync(manifest, 'utf8'))) return dir;
    if (dirname(dir) === dir) return start; // not inside the package: no bundled scenarios
  }
}

/** One bundled scenario: its name, its file and the first sentence of its opening comment. */
export interface BundledScenario {
  name: string;
  file: string;
  summary: string;
}

/** Every bundled scenario, by name. */
export function bundledScenarios(): BundledScenario[] {
  if (!existsSync(BUNDLED_DIR)) return [];
  return readdirSync(BUNDLED_DIR)
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => ({ name: basename(file, '.yaml'), file: join(BUNDLED_DIR, file), summary: summaryOf(readFileSync(join(BUNDLED_DIR, file), 'utf8')) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The longest summary shown, so each fits one line beside its name. */
const MAX_SUMMARY = 90;

/** The first sentence of a file's opening comment block, cut at a word past `MAX_SUMMARY`. */
function summaryOf(text: string): string {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const match = /^#\s?(.*)$/.exec(line);
    if (!match || match[1]!.trim() === '') break;
    lines.push(match[1]!.trim());
  }
  const paragraph = lines.join(' ');
  const end = paragraph.search(/\.(\s|$)/);
  const sentence = end < 0 ? paragraph : paragraph.slice(0, end);
  if (sentence.length <= MAX_SUMMARY) return sentence;
  const cut = sentence.lastIndexOf(' ', MAX_SUMMARY - 4);
  return `${sentence.slice(0, cut > 0 ? cut : MAX_SUMMARY - 4).replace(/[,;:]$/, '')} ...`;
}

/**
 * The path a scenario argument names: the argument itself when a file (or anything) is
 * there, else the bundled scenario of that name (`seed-lab` or `seed-lab.yaml`), else the
 * argument unchanged, for the load to report as missing.
 */
export function resolveScenarioArgument(value: string): string {
  if (value === '' || existsSync(value) || /[/\\]/.test(value)) return value;
  const name = value.replace(/\.ya?ml$/i, '');
  const bundled = join(BUNDLED_DIR, `${name}.yaml`);
  if (/^[\w.-]+$/.test(name) && existsSync(bundled)) return bundled;
  // A bare name that is neither here nor bundled: say both, and the closest bundled name.
  const names = bundledScenarios().map((s) => s.name);
  const guess = didYouMean(name, names);
  throw new UsageError(`${value}: no such file, nor a bundled scenario of that name${guess ? ` (did you mean ${guess}?)` : ''}; harness-sim scenarios lists them`);
}

/** A `<file>` or `<files...>` argument naming scenarios: paths, or the names of bundled ones. */
export function scenarioArgument(name: string, description: string): Argument {
  const argument = new Argument(name, `${description} (or the name of a bundled scenario: harness-sim scenarios lists them)`);
  return argument.variadic
    ? argument.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), resolveScenarioArgument(value)])
    : argument.argParser(resolveScenarioArgument);
}
