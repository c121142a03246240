import type { Command } from 'commander';
import { finishProgram } from './finish-program.js';
import { rootCommand } from './root-help.js';

type Register = (program: Command) => void;

/**
 * Each subcommand's register function, loaded on demand. Start-up is the cost of what a
 * command loads, so `run` never loads sweep, tune, lab, fit or verify code (and their
 * dependencies), and in the bundled CLI (scripts/bundle.mjs) each command is its own chunk.
 * `test/cli/lazy-program.test.ts` keeps this list equal to `program.ts`'s.
 */
export const COMMAND_LOADERS: Readonly<Record<string, () => Promise<Register>>> = {
  run: async () => (await import('./commands/run.js')).registerRun,
  validate: async () => (await import('./commands/validate.js')).registerValidate,
  explain: async () => (await import('./commands/explain.js')).registerExplain,
  init: async () => (await import('./commands/init.js')).registerInit,
  schema: async () => (await import('./commands/schema.js')).registerSchema,
  scenarios: async () => (await import('./commands/scenarios.js')).registerScenarios,
  compare: async () => (await import('./commands/compare.js')).registerCompare,
  sweep: async () => (await import('./commands/sweep.js')).registerSweep,
  merge: async () => (await import('./commands/merge.js')).registerMerge,
  tune: async () => (await import('./commands/tune.js')).registerTune,
  lab: async () => (await import('./commands/lab.js')).registerLab,
  verify: async () => (await import('./commands/verify.js')).registerVerify,
  fit: async () => (await import('./commands/fit.js')).registerFit,
};

/**
 * The program for these arguments: the root command with only the subcommand named by the
 * first argument that is not an option (the root's own options, `--debug` and `--version`,
 * take no value). Anything else (`help`, an unknown name, no name) gets the full program,
 * so its help and "did you mean" answers are the same as ever.
 */
export async function programFor(args: readonly string[]): Promise<Command> {
  const name = args.find((arg) => !arg.startsWith('-'));
  if (name === undefined || !Object.hasOwn(COMMAND_LOADERS, name)) return (await import('./program.js')).buildProgram();
  const program = rootCommand();
  (await COMMAND_LOADERS[name]!())(program);
  return finishProgram(program);
}
