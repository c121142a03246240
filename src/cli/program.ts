import type { Command } from 'commander';
import { registerCompare } from './commands/compare.js';
import { registerExplain } from './commands/explain.js';
import { registerFit } from './commands/fit.js';
import { registerInit } from './commands/init.js';
import { registerLab } from './commands/lab.js';
import { registerMerge } from './commands/merge.js';
import { registerRun } from './commands/run.js';
import { registerSchema } from './commands/schema.js';
import { registerScenarios } from './commands/scenarios.js';
import { registerSweep } from './commands/sweep.js';
import { registerTune } from './commands/tune.js';
import { registerValidate } from './commands/validate.js';
import { registerVerify } from './commands/verify.js';
import { beginOutputs, commitOutputs } from './output.js';
import { checkOutputPathsHook } from './output-paths.js';
import { rootCommand } from './root-help.js';

/** Builds the root command; each subcommand registers itself from its own file. */
export function buildProgram(): Command {
  const program = rootCommand();
  registerRun(program);
  registerValidate(program);
  registerExplain(program);
  registerInit(program);
  registerSchema(program);
  registerScenarios(program);
  registerCompare(program);
  registerSweep(program);
  registerMerge(program);
  registerTune(program);
  registerLab(program);
  registerVerify(program);
  registerFit(program);
  for (const command of program.commands) command.exitOverride();
  // Every command's output paths are checked before its action runs, and its files are put
  // in place together when it ends (src/cli/output-paths.ts, src/cli/output.ts); main
  // abandons them if the command fails.
  program.hook('preAction', checkOutputPathsHook);
  program.hook('preAction', beginOutputs);
  program.hook('postAction', commitOutputs);
  return program;
}
