import { readTelemetryFile } from '../telemetry/read.js';
import { Fitter, type FitResult } from './fit.js';

/** Streams every file through the fitter (flat memory: records are folded in as they are read). */
export async function fitFiles(files: readonly string[]): Promise<FitResult> {
  const fitter = new Fitter([...files]);
  for (const file of files) {
    for await (const item of readTelemetryFile(file)) {
      const where = `${file}:${item.line}`;
      if ('problem' in item) fitter.badRecord(where, item.problem);
      else fitter.addRecord(where, item.record.format, item.record.calls, item.record.session, item.record.skipped, item.record.problems);
    }
  }
  return fitter.result();
}
