import { parentPort } from 'node:worker_threads';
import type { HeadlineValues } from '../metrics/headline.js';
import type { PoolRequest, PoolResponse } from './pool.js';
import { runTask, type SweepTask } from './run.js';

/**
 * The sweep worker thread (`dist/sweep/worker.js`): answers each task with its headline
 * figures, computed by the same `runTask` that `--jobs 1` calls in-process, so a point's
 * figures do not depend on where it ran.
 */
if (parentPort === null) throw new Error('sweep/worker.js runs as a worker thread, started by the sweep pool');
const port = parentPort;

port.on('message', (request: PoolRequest<SweepTask>) => {
  let response: PoolResponse<HeadlineValues>;
  try {
    response = { id: request.id, value: runTask(request.task) };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    response = { id: request.id, error: { message: e.message, stack: e.stack } };
  }
  port.postMessage(response);
});
