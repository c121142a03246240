#!/usr/bin/env node
import { reportError } from './errors.js';
import { rootHelpProgram, wantsRootHelp } from './root-help.js';

const debug = process.argv.includes('--debug');
try {
  if (wantsRootHelp(process.argv.slice(2))) {
    // The root help needs no subcommand code: skip loading the engine and the schema.
    process.stdout.write(rootHelpProgram().helpInformation());
  } else {
    const { buildProgram } = await import('./program.js');
    await buildProgram().parseAsync(process.argv);
  }
} catch (error) {
  process.exitCode = reportError(error, debug);
}
