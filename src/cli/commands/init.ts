import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../output.js';
import { outputArgument, STDOUT } from '../output-paths.js';
import { safeText } from '../../text/safe-text.js';
import { printOut } from '../print.js';

/** A starter small enough to read in one screen: one model that fails 4% of calls, retries on. */
const MINIMAL = `# A harness-sim scenario: one model that fails 4% of calls, and retries in front of it.
#   harness-sim validate FILE   check it
#   harness-sim explain FILE    see every value the run will use, defaults included
#   harness-sim run FILE        simulate it
# Values take units: durations 250ms / 4s / 30d, rates 0.04 or 4%, dollars $3, counts 10M.
name: my-agent
seed: 42          # same seed, same numbers
duration: 1d      # simulated time the requests are spread over

workload:
  requests: 100K  # Poisson arrivals over the duration
  tokens:
    input: { dist: lognormal, p50: 1200, p95: 6000 }
    output: { dist: lognormal, p50: 300, p95: 1500 }

upstream:
  models:
    sonnet:
      latency: { dist: lognormal, p50: 800ms, p95: 2500ms }
      errors:
        rate: 4%                                        # share of calls that fail
        mix: { "429": 0.6, "503": 0.3, timeout: 0.1 }   # which way they fail; sums to 1
        timeoutAfter: 10s                               # how long a timed-out call takes
        retryAfter: 1s                                  # the retry-after a 429 carries
      price: { input: $3, output: $15 }                 # dollars per million tokens

layers:
  # Three attempts in all, backing off 250ms then 1s (times 4, capped at 4s), full jitter.
  # Add breaker:, capacity:, routing:, scope: or cache: blocks to turn those layers on.
  retry:
    maxAttempts: 3
    baseDelay: 250ms
    multiplier: 4
    maxDelay: 4s
    jitter: full
    retryOn: ["429", "503", timeout]
`;

/** The bundled scenarios ship in the package (`files` in package.json), beside `dist/`. */
const SEED_LAB = new URL('../../../scenarios/seed-lab.yaml', import.meta.url);

/** Starter scenarios by name. */
export const TEMPLATES: Readonly<Record<string, () => string>> = {
  minimal: () => MINIMAL,
  'seed-lab': () => readFileSync(SEED_LAB, 'utf8'),
};

/** `harness-sim init [FILE]`: writes a commented starter scenario, never over an existing file unless `--force`. */
export function registerInit(program: Command): void {
  program
    .command('init')
    .description('write a commented starter scenario')
    .addArgument(outputArgument('[file]', 'where to write it (- for stdout)', 'scenario.yaml'))
    .option('--template <name>', `starter to copy: ${Object.keys(TEMPLATES).join(', ')}`, 'minimal')
    .option('--force', 'overwrite the file if it exists')
    .action((file: string, flags: { template: string; force?: boolean }) => {
      const template = TEMPLATES[flags.template];
      if (!Object.hasOwn(TEMPLATES, flags.template) || !template) {
        throw new UsageError(`--template: expected one of ${Object.keys(TEMPLATES).join(', ')}, got "${flags.template}"`);
      }
      writeFileAtomic(file, template(), { overwrite: flags.force === true, ifExists: 'pass --force to overwrite it' });
      if (file === STDOUT) return;
      printOut(`wrote ${safeText(file)} (template ${flags.template}); next: harness-sim validate ${safeText(file)}\n`);
    });
}
