import type { Command } from 'commander';
import { MergeError, mergeParts, readPart } from '../../sweep/merge.js';
import { SWEEP_FORMATS } from '../../sweep/render.js';
import { sweepResult } from '../../sweep/run.js';
import { UsageError } from '../errors.js';
import { addGateOptions } from '../gates.js';
import { formatOption } from '../options.js';
import { addReportOptions } from '../sweep-reports.js';
import { printSweep, type SweepOutputFlags } from './sweep.js';

/**
 * `harness-sim merge PART...`: joins the JSON parts of a sharded sweep and prints what the
 * unsharded sweep prints, gated the same way.
 */
export function registerMerge(program: Command): void {
  const command = program
    .command('merge')
    .description('join the parts of a sharded sweep (sweep --shard i/n) and print it as one sweep')
    .argument('<parts...>', 'part files written by sweep --shard i/n --format json')
    .option('--format <format>', 'table, json, csv or md (default: from --out\'s extension, else table)', formatOption(SWEEP_FORMATS))
    .option('--out <file>', 'write the report to a file (atomically) instead of stdout');
  addReportOptions(addGateOptions(command)).action((files: string[], flags: SweepOutputFlags) => {
    let merged;
    try {
      merged = mergeParts(files.map(readPart));
    } catch (error) {
      if (error instanceof MergeError) throw new UsageError(error.message);
      throw error;
    }
    const extra = flags.assert.map((c) => ({ metric: c.metric, operator: c.op, limit: c.limit }));
    const slo = [...(merged.slo ?? []), ...extra];
    const { points, ...header } = merged;
    printSweep(sweepResult({ ...header, ...(slo.length > 0 ? { slo } : {}) }, points), { ...flags, assert: [] });
  });
}
