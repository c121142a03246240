import { Command } from 'commander';
import { registerCompare } from './commands/compare.js';
import { registerExplain } from './commands/explain.js';
import { registerInit } from './commands/init.js';
import { registerMerge } from './commands/merge.js';
import { registerRun } from './commands/run.js';
import { registerSchema } from './commands/schema.js';
import { registerSweep } from './commands/sweep.js';
import { registerValidate } from './commands/validate.js';
import { registerVerify } from './commands/verify.js';

/** Builds the root command; each subcommand registers itself from its own file. */
export function buildProgram(): Command {
  const program = new Command('harness-sim')
    .description('Simulate the harness around an LLM agent: retries, breakers, rate budgets, scope, routing, caching.')
    .version('0.1.0')
    .option('--debug', 'print stack traces for internal errors')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerRun(program);
  registerValidate(program);
  registerExplain(program);
  registerInit(program);
  registerSchema(program);
  registerCompare(program);
  registerSweep(program);
  registerMerge(program);
  registerVerify(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}
