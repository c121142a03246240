import type { Command } from 'commander';
import { beginOutputs, commitOutputs } from './output.js';
import { checkOutputPathsHook } from './output-paths.js';

/**
 * What every program gets once its commands are registered, whether it holds all of them
 * (`program.ts`) or only the one being run (`lazy-program.ts`): errors thrown instead of
 * exiting, and the output hooks. Every command's output paths are checked before its action
 * runs, and its files are put in place together when it ends (src/cli/output-paths.ts,
 * src/cli/output.ts); main abandons them if the command fails.
 */
export function finishProgram(program: Command): Command {
  for (const command of program.commands) command.exitOverride();
  program.hook('preAction', checkOutputPathsHook);
  program.hook('preAction', beginOutputs);
  program.hook('postAction', commitOutputs);
  return program;
}
