import type { Command } from 'commander';
import { z } from 'zod';
import { scenarioSchema } from '../../scenario/schema.js';
import { emit } from '../output.js';

/**
 * The scenario language as JSON Schema (the input side: what a file may contain), for
 * editors. `schema/scenario.schema.json` is this text, kept current by a test.
 */
export function scenarioJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }), null, 2)}\n`;
}

/** `harness-sim schema`: prints the JSON Schema of scenario files. */
export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of scenario files (for editor completion and checking)')
    .action(() => emit(scenarioJsonSchema(), undefined));
}
