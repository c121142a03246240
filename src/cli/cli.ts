// The CLI: the one error boundary around the root help or the one command being run.
// `unbundled.ts` runs it from tsc's modules; the built executable `dist/cli/main.js` runs the
// same function from the bundle (scripts/bundle.mjs, src/cli/boot.ts).
import { reportError } from './errors.js';
import { printRootHelp, wantsRootHelp } from './root-help.js';
import { handleStdoutErrors } from './stdout.js';

/** Runs the command named by `process.argv`; failures end as one line and an exit code. */
export async function runCli(): Promise<void> {
  const debug = process.argv.includes('--debug');
  let outputs: typeof import('./output.js') | undefined;
  try {
    if (wantsRootHelp(process.argv.slice(2))) {
      // The root help needs no subcommand code: skip loading the engine and the schema.
      printRootHelp();
    } else {
      handleStdoutErrors();
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
}
