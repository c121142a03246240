import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './errors.js';

/**
 * Checks, before any work, that a report can be written at `path`: it is not a directory,
 * and the nearest folder that exists on the way to it is a folder this process may write
 * in (missing folders below it are created when the report is written). A usage error
 * names the flag otherwise, so a long run never ends in an unwritable path.
 */
export function checkOutputPath(flag: string, path: string): void {
  const target = resolve(path);
  const stat = statOrNull(target);
  if (stat?.isDirectory()) throw new UsageError(`${flag}: ${path} is a directory; give a file name`);
  let folder = dirname(target);
  let folderStat = statOrNull(folder);
  while (folderStat === null && dirname(folder) !== folder) {
    folder = dirname(folder);
    folderStat = statOrNull(folder);
  }
  if (folderStat === null || !folderStat.isDirectory()) throw new UsageError(`${flag}: cannot write ${path}: ${folder} is not a folder`);
  try {
    accessSync(folder, constants.W_OK);
    if (stat !== null) accessSync(target, constants.W_OK);
  } catch {
    throw new UsageError(`${flag}: cannot write ${path} (permission denied)`);
  }
}

function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
