import { Command } from 'commander';
import { HARNESS_SIM_VERSION } from '../metrics/version.js';
import { printErr } from './print.js';
import { handleStdoutErrors } from './stdout.js';

/**
 * The root help screen without loading any subcommand. `harness-sim --help` is the
 * first thing a new user runs, and building the full program loads zod, yaml and the
 * engine (~90 ms). These stubs carry just what the root help prints; a test keeps them
 * equal to the full program's root help, so the two cannot drift.
 */
export const ROOT_DESCRIPTION = 'Simulate the harness around an LLM agent: retries, breakers, rate budgets, scope, routing, caching.';
export const VERSION = HARNESS_SIM_VERSION;

const COMMANDS: readonly { name: string; args: string; options: boolean; description: string }[] = [
  { name: 'run', args: '<file>', options: true, description: 'simulate a scenario and print its results' },
  { name: 'validate', args: '<files...>', options: true, description: 'check scenario files without running them' },
  { name: 'explain', args: '<file>', options: true, description: 'print the fully defaulted scenario (every value a run uses) and the layer order' },
  { name: 'init', args: '[file]', options: true, description: 'write a commented starter scenario' },
  { name: 'schema', args: '', options: false, description: 'print the JSON Schema of scenario files (for editor completion and checking)' },
  { name: 'scenarios', args: '', options: false, description: 'list the bundled scenarios, which run by name from anywhere (harness-sim run seed-lab)' },
  { name: 'compare', args: '<files...>', options: true, description: 'run scenarios or layer variants under the same seeds and show them side by side' },
  { name: 'sweep', args: '<file>', options: true, description: 'run a scenario over a grid of parameter values (and layer variants) and print one row per point' },
  { name: 'merge', args: '<parts...>', options: true, description: 'join the parts of a sharded sweep (sweep --shard i/n) and print it as one sweep' },
  { name: 'tune', args: '<file>', options: true, description: 'find the configuration that minimises a metric (default monthlyCost) subject to SLO constraints, racing configurations under common random numbers' },
  { name: 'lab', args: '<file>', options: true, description: 'run every on/off combination of the layers at several upstream error rates and write an interactive page of the real runs' },
  { name: 'verify', args: '', options: true, description: 'check the simulator against closed forms (retries, queues, quotas, latency, cache, breaker, episodes, clients, sessions)' },
  { name: 'fit', args: '<files...>', options: true, description: 'fit a scenario from your own call logs or traces (OTLP JSON, JSONL/CSV call logs, agent-trace sessions)' },
];

/** The root command with its global options, shared by the stub and the full program. */
export function rootCommand(): Command {
  return new Command('harness-sim')
    .description(ROOT_DESCRIPTION)
    .version(VERSION)
    .option('--debug', 'print stack traces for internal errors')
    .exitOverride()
    .configureOutput({ writeErr: (s) => printErr(s) });
}

/** A program that can only print the root help. */
export function rootHelpProgram(): Command {
  const program = rootCommand();
  for (const c of COMMANDS) {
    const command = program.command(c.name).description(c.description);
    if (c.args) command.argument(c.args);
    if (c.options) command.option('--stub', 'stub');
  }
  return program;
}

export { wantsRootHelp } from './boot.js';

/** Prints the root help (the whole of `harness-sim --help`). */
export function printRootHelp(): void {
  handleStdoutErrors();
  process.stdout.write(rootHelpProgram().helpInformation());
}
