import type { Command } from 'commander';
import { explainScenario } from '../../scenario/explain.js';
import { loadScenarioFile } from '../../scenario/load.js';
import { emit } from '../output.js';
import { collectSet, SET_FLAGS, SET_HELP } from '../set-option.js';
import { scenarioArgument } from '../bundled.js';

/**
 * `harness-sim explain FILE`: prints the scenario with every default filled in, in human
 * units, and the order a request meets the layers, so nothing about a run is implicit.
 */
export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('print the fully defaulted scenario (every value a run uses) and the layer order')
    .addArgument(scenarioArgument('<file>', 'scenario YAML file'))
    .option(SET_FLAGS, SET_HELP, collectSet, [])
    .action((file: string, flags: { set: string[] }) => {
      const { scenario } = loadScenarioFile(file, { overrides: flags.set });
      emit(explainScenario(scenario, file), undefined);
    });
}
