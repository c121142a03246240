#!/usr/bin/env node
import { reportError } from './errors.js';
import { buildProgram } from './program.js';

const debug = process.argv.includes('--debug');
try {
  buildProgram().parse(process.argv);
} catch (error) {
  process.exitCode = reportError(error, debug);
}
