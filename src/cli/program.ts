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
import { finishProgram } from './finish-program.js';
import { rootCommand } from './root-help.js';

/**
 * Builds the root command with every subcommand, each registered from its own file. The CLI
 * itself builds only the one it runs (`lazy-program.ts`); this full program answers the rest
 * (`help`, unknown commands) and the tests.
 */
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
  return finishProgram(program);
}
