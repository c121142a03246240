import type { Command } from 'commander';
import { BUNDLED_DIR, bundledScenarios } from '../bundled.js';
import { emit } from '../output.js';

/** `harness-sim scenarios`: the bundled scenarios, one line each, runnable by name. */
export function registerScenarios(program: Command): void {
  program
    .command('scenarios')
    .description('list the bundled scenarios, which run by name from anywhere (harness-sim run seed-lab)')
    .action(() => {
      const list = bundledScenarios();
      const width = Math.max(0, ...list.map((s) => s.name.length));
      const lines = list.map((s) => `${s.name.padEnd(width)}  ${s.summary}`);
      emit([...lines, '', `Run one by name (harness-sim run seed-lab --requests 200K); to edit one, copy it from ${BUNDLED_DIR}`].join('\n'), undefined);
    });
}
