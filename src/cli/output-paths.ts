import { accessSync, constants, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { Argument, type Command } from 'commander';
import { scenarioInputFiles } from '../scenario/load.js';
import { UsageError } from './errors.js';
import { outputTarget, STDOUT } from './output.js';

/**
 * Output paths are checked before a command does any work, so a run that would fail to
 * write (or would overwrite its own input) fails at once, with every existing file as it
 * was. One commander `preAction` hook (`checkOutputPathsHook`, installed by `program.ts`)
 * does it for every command.
 *
 * Registering an output: an option whose long flag is in `OUTPUT_OPTIONS` is an output on
 * any command; a positional output (`init [file]`) is declared with `outputArgument`. Every
 * other positional argument of a command that writes files is an input, compared with the
 * outputs together with the files its `extends:` chain reads. A new command with a new
 * output flag adds the flag here; `test/cli/output-paths.test.ts` fails on any `<file>`
 * option that is neither here nor in `INPUT_OPTIONS`.
 */

/** Long flags that name a file a command writes. `-` means stdout. */
export const OUTPUT_OPTIONS: readonly string[] = ['--out', '--report', '--junit', '--calls-out'];

/** Long flags that take a file the command reads (none yet): checked as inputs, never written. */
export const INPUT_OPTIONS: readonly string[] = [];

export { STDOUT };

const outputArguments = new WeakSet<Argument>();

/** A positional argument that names a file the command writes (e.g. `init [file]`). */
export function outputArgument(name: string, description: string, defaultValue?: string): Argument {
  const argument = new Argument(name, description);
  if (defaultValue !== undefined) argument.default(defaultValue);
  outputArguments.add(argument);
  return argument;
}

/** One output a command is about to write: the flag (or argument) that named it and its path. */
export interface OutputTarget {
  flag: string;
  path: string;
}

/** The outputs and inputs of a parsed command, as the check sees them. */
export interface CommandFiles {
  outputs: OutputTarget[];
  inputs: string[];
  /** Whether the main report goes to stdout for want of `--out` (`--out -` is an output like any other). */
  reportOnStdout: boolean;
}

/** Reads the outputs and inputs from a command commander has parsed. */
export function commandFiles(command: Command): CommandFiles {
  const options = command.opts() as Record<string, unknown>;
  const outputs: OutputTarget[] = [];
  const inputs: string[] = [];
  for (const option of command.options) {
    const value = options[option.attributeName()];
    if (typeof value !== 'string' || option.long === undefined) continue;
    if (OUTPUT_OPTIONS.includes(option.long)) outputs.push({ flag: option.long, path: value });
    else if (INPUT_OPTIONS.includes(option.long)) inputs.push(value);
  }
  const args = command.registeredArguments;
  command.processedArgs.forEach((value: unknown, i: number) => {
    const argument = args[i];
    const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    if (argument && outputArguments.has(argument)) for (const path of values) outputs.push({ flag: argument.name(), path });
    else inputs.push(...values);
  });
  const out = outputs.find((o) => o.flag === '--out');
  const hasOut = command.options.some((o) => o.long === '--out');
  return { outputs, inputs, reportOnStdout: hasOut && out === undefined };
}

/** A file's identity: device and inode, so links and `./a` vs `a` compare equal. */
function identity(stats: Stats): string {
  return `${stats.dev}:${stats.ino}`;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Refuses, as a usage error naming the flag and the path: an empty path, a directory, a
 * path whose parent is missing, not a directory or not writable, an existing file that is
 * not writable, one of the command's inputs, and a path given to two outputs (stdout
 * counts as one path).
 */
export function checkOutputPaths(files: CommandFiles): void {
  const inputIds = new Map<string, string>();
  for (const input of files.inputs) {
    for (const file of scenarioInputFiles(input)) {
      const stats = statOrUndefined(file);
      if (stats) inputIds.set(identity(stats), file);
    }
  }
  const claimed = new Map<string, string>();
  if (files.reportOnStdout) claimed.set(STDOUT, 'the report on stdout');
  for (const { flag, path } of files.outputs) {
    const refuse = (why: string): never => {
      throw new UsageError(`${flag} ${JSON.stringify(path)}: ${why}`);
    };
    if (path === '') refuse('expected a file path (or - for stdout), got an empty string');
    let key: string;
    if (path === STDOUT) {
      key = STDOUT;
    } else {
      const stats = statOrUndefined(path);
      if (stats?.isDirectory()) refuse('is a directory; expected a file path');
      const input = stats ? inputIds.get(identity(stats)) : undefined;
      if (input !== undefined) refuse(input === path ? 'is an input of this command; it would be overwritten' : `is an input of this command (${input}); it would be overwritten`);
      const { target, through } = outputTarget(path);
      if (stats && !writable(path)) refuse('the file is not writable (permission denied)');
      // A written-through file (/dev/null, a FIFO) needs no directory, and the same one
      // twice is harmless. A replaced one is created beside its target, then renamed.
      if (through && !stats) refuse('/dev and /proc hold devices, not reports; name an existing one (/dev/null) or a file elsewhere');
      if (through) continue;
      const parent = dirname(resolve(target));
      const parentStats = statOrUndefined(parent);
      if (!parentStats) refuse(`its directory ${parent} does not exist`);
      if (!parentStats!.isDirectory()) refuse(`${parent} is not a directory`);
      if (!through && !writable(parent)) refuse(`cannot create files in ${parent} (permission denied)`);
      key = stats ? identity(stats) : `${realpathSync(parent)}/${basename(target)}`;
    }
    const earlier = claimed.get(key);
    if (earlier !== undefined) refuse(`is also ${earlier}; give each output its own file`);
    claimed.set(key, `${flag}'s file`);
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The `preAction` hook: checks the output paths of the command about to run. */
export function checkOutputPathsHook(_program: Command, actionCommand: Command): void {
  const files = commandFiles(actionCommand);
  if (files.outputs.length > 0) checkOutputPaths(files);
}
