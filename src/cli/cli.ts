// The CLI: the one error boundary around the root help or the one command being run.
// `main.ts` is the executable that loads it; the bundled CLI is built from this file.
import { reportError } from './errors.js';
import { rootHelpProgram, wantsRootHelp } from './root-help.js';
import { handleStdoutErrors } from './stdout.js';

handleStdoutErrors();

const debug = process.argv.includes('--debug');
let outputs: typeof import('./output.js') | undefined;
try {
  if (wantsRootHelp(process.argv.slice(2))) {
    // The root help needs no subcommand code: skip loading the engine and the schema.
    process.stdout.write(rootHelpProgram().helpInformation());
  } else {
    // zod compiles each object schema into a function (new Function) on its first parse, which
    // pays off over many parses; a command parses a scenario or two, which it reads faster
    // without compiling (measured: about a third less time to load and check seed-lab).
    (await import('zod')).config({ jitless: true });
    // Only the command being run is loaded (src/cli/lazy-program.ts).
    const { programFor } = await import('./lazy-program.js');
    outputs = await import('./output.js');
    await (await programFor(process.argv.slice(2))).parseAsync(process.argv);
    // Two turns of the event loop before exiting (the first may run before the loop polls):
    // a SIGINT/SIGTERM that arrived during the synchronous writes is handled and reported
    // now (src/cli/output.ts), instead of being lost at exit.
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
  }
} catch (error) {
  // A failed command puts none of its files in place (src/cli/output.ts).
  if (outputs) outputs.abandonOutputs();
  process.exitCode = reportError(error, debug);
}
