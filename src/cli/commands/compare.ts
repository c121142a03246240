import type { Command } from 'commander';
import { comparisonJson, compareVariants, renderComparisonMarkdown, renderComparisonTable } from '../../report/comparison.js';
import { means } from '../../report/confidence.js';
import { renderCompareHtml } from '../../report/html.js';
import { useColor } from '../../report/table.js';
import { deriveVariant, eachLayerVariants, ladderVariants, leaveOneOutVariants, VariantError, type NamedScenario, type Variant } from '../../report/variants.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { UsageError } from '../errors.js';
import { addGateOptions, applyGates, checksFor, type GateFlags } from '../gates.js';
import { formatOption, requestsOption, sampleOption, seedOption } from '../options.js';
import { emit, writeFileAtomic } from '../output.js';
import { printRunWarnings, REPLICATIONS_FLAGS, REPLICATIONS_HELP, replicationSeeds, replicationsOption, runSeeds, watchRuns } from '../replicate.js';
import type { RunResult } from '../../metrics/results.js';
import { collectSet, SET_FLAGS, SET_HELP } from '../set-option.js';
import { REPORT_HELP } from '../sweep-reports.js';
import { scenarioArgument } from '../bundled.js';

interface CompareFlags extends GateFlags {
  layers?: string[];
  ladder?: boolean;
  seed?: number;
  requests?: number;
  sample?: number;
  replications: number;
  format: 'table' | 'json' | 'md';
  out?: string;
  set: string[];
  report?: string;
}

/** `--layers` values that stand for a whole family of variants. */
const LAYER_FAMILIES = ['each', 'leave-one-out'] as const;

/** Parses `--layers none,retry,retry+breaker,all` (or `each`, `leave-one-out`) into its variant specifications. */
export function layersOption(value: string): string[] {
  const specs = value.split(',').map((s) => s.trim());
  if (specs.some((s) => s === '')) throw new UsageError(`--layers: expected comma-separated variants like none,retry,retry+breaker,all, got "${value}"`);
  if (specs.length > 1 && specs.some((s) => (LAYER_FAMILIES as readonly string[]).includes(s))) {
    throw new UsageError(`--layers: each and leave-one-out stand alone (they make their own variants), got "${value}"`);
  }
  return specs;
}

/** The variants one `--layers` list makes of `scenario`. */
function layerVariants(scenario: NamedScenario, specs: readonly string[]): Variant[] {
  if (specs[0] === 'each') return eachLayerVariants(scenario);
  if (specs[0] === 'leave-one-out') return leaveOneOutVariants(scenario);
  return specs.map((spec) => deriveVariant(scenario, spec));
}

/**
 * `harness-sim compare FILE [FILE...]`: runs several scenarios, or layer variants of each,
 * under the same seeds (common random numbers) and prints them side by side with the
 * difference from the first.
 */
export function registerCompare(program: Command): void {
  const command = program
    .command('compare')
    .description('run scenarios or layer variants under the same seeds and show them side by side')
    .addArgument(scenarioArgument('<files...>', 'scenario YAML files'))
    .option(
      '--layers <variants>',
      'comma-separated layer variants of each file: none, all, or names joined by + (retry+breaker); or each (none, then each layer alone) or leave-one-out (all, then all but one)',
      layersOption,
    )
    .option('--ladder', 'all layers off, then add capacity, routing, breaker, retry, scope, cache one at a time')
    .option('--seed <n>', 'seed for every variant (default: the first scenario\'s)', seedOption)
    .option('--requests <n>', 'simulate only the first N requests of each variant (e.g. 200K)', requestsOption)
    .option('--sample <fraction>', 'simulate this fraction of each variant\'s traffic (e.g. 0.1), capacities scaled alike; counts and cost are scaled back', sampleOption)
    .option(REPLICATIONS_FLAGS, REPLICATIONS_HELP, replicationsOption, 1)
    .option('--format <format>', 'table, json or md', formatOption(['table', 'json', 'md'] as const), 'table')
    .option('--out <file>', 'write the report to a file (atomically) instead of stdout')
    .option(SET_FLAGS, `${SET_HELP}; applies to every file`, collectSet, [])
    .option('--report <file>', REPORT_HELP);
  addGateOptions(command).action((files: string[], flags: CompareFlags) => {
    if (flags.layers && flags.ladder) throw new UsageError('--layers and --ladder cannot be combined; pick one');
    if (flags.replications > 1 && flags.sample !== undefined) throw new UsageError('--sample with --replications: a sampled run has its own sampling error, which the intervals would mix in; drop one of them');
    const scenarios = files.map((file) => loadScenarioFile(file, { overrides: flags.set }).scenario);
    const variants = buildVariants(scenarios, flags);
    const checks = variants.map((v) => checksFor(v.scenario, flags));
    const seeds = replicationSeeds(flags.seed ?? scenarios[0]!.seed, flags.replications);
    const watch = watchRuns('compare');
    let runs: { label: string; results: RunResult[] }[];
    try {
      runs = variants.map((v, i) => {
        const progress = watch.progress ? (done: number) => watch.progress!((i + done) / variants.length) : undefined;
        return { label: v.label, results: runSeeds(v.scenario, seeds, flags.requests, progress, flags.sample) };
      });
    } finally {
      watch.clear();
    }
    const compared = compareVariants(runs);
    const first = runs[0]!.results[0]!;
    // A ladder or a list of layer specs (other than `all`) on one file labels each column by its layers.
    const layersInLabels = scenarios.length === 1 && (flags.ladder === true || (flags.layers !== undefined && !flags.layers.some((spec) => spec.trim() === 'all')));
    const warnings = printRunWarnings(runs.flatMap((r) => r.results));
    const header = { seeds, requests: first.requests, monthlyExtrapolation: first.monthlyExtrapolation, layersInLabels, ...(flags.sample !== undefined ? { sample: flags.sample } : {}), ...(warnings.length > 0 ? { warnings } : {}) };
    const text =
      flags.format === 'json'
        ? JSON.stringify(comparisonJson(compared, header), null, 2)
        : flags.format === 'md'
          ? renderComparisonMarkdown(compared, header)
          : renderComparisonTable(compared, header, !flags.out && useColor(process.stdout));
    emit(text, flags.out);
    if (flags.report) writeFileAtomic(flags.report, renderCompareHtml(compared, { ...header, scenarios: [...new Set(scenarios.map((s) => s.name))] }));
    applyGates(
      compared.map((c, i) => ({ label: c.label, values: means(c.values), checks: checks[i]! })),
      flags,
    );
  });
}

/**
 * The variants to run: the ladder or the `--layers` list for each file, or each file as
 * written. Labels carry the scenario name when there are several files, and stay unique.
 */
function buildVariants(scenarios: readonly NamedScenario[], flags: CompareFlags): Variant[] {
  if (scenarios.length === 1 && !flags.layers && !flags.ladder) {
    throw new UsageError('compare needs two or more files, --layers or --ladder (e.g. compare scenarios/seed-lab.yaml --ladder)');
  }
  const variants: Variant[] = [];
  for (const scenario of scenarios) {
    let own: Variant[];
    try {
      own = flags.ladder ? ladderVariants(scenario) : flags.layers ? layerVariants(scenario, flags.layers) : [deriveVariant(scenario, 'all')];
    } catch (error) {
      if (error instanceof VariantError) throw new UsageError(`--layers: ${error.message}`);
      throw error;
    }
    const named = scenarios.length > 1 && (flags.ladder || flags.layers);
    for (const v of own) variants.push({ ...v, label: scenarios.length === 1 ? v.label : named ? `${scenario.name} ${v.label}` : scenario.name });
  }
  const seen = new Map<string, number>();
  for (const v of variants) {
    const count = (seen.get(v.label) ?? 0) + 1;
    seen.set(v.label, count);
    if (count > 1) v.label = `${v.label} #${count}`;
  }
  return variants;
}
