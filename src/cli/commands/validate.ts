import type { Command } from 'commander';
import { ScenarioError } from '../../scenario/errors.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { safeText } from '../../text/safe-text.js';
import { ExitCode } from '../errors.js';
import { printErr, printOut } from '../print.js';
import { collectSet, SET_FLAGS, SET_HELP } from '../set-option.js';
import { scenarioArgument } from '../bundled.js';

/**
 * `harness-sim validate FILE...`: checks scenarios without running them. Prints `ok FILE`
 * for each valid one and every problem of every invalid one (stderr); exits 2 if any is invalid.
 */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check scenario files without running them')
    .addArgument(scenarioArgument('<files...>', 'scenario YAML files'))
    .option(SET_FLAGS, SET_HELP, collectSet, [])
    .action((files: string[], flags: { set: string[] }) => {
      let invalid = 0;
      // A bad `--set` is the same problem in every file: print each line once.
      const printed = new Set<string>();
      for (const file of files) {
        try {
          loadScenarioFile(file, { overrides: flags.set });
          printOut(`ok ${safeText(file)}\n`);
        } catch (error) {
          if (!(error instanceof ScenarioError)) throw error;
          invalid++;
          for (const line of error.message.split('\n')) {
            if (printed.has(line)) continue;
            printed.add(line);
            printErr(`${line}\n`);
          }
        }
      }
      if (invalid > 0) process.exitCode = ExitCode.BadInput;
    });
}
