import { Worker } from 'node:worker_threads';

/**
 * A small worker-thread pool: each worker takes the next task as soon as it is free, and
 * each answer is stored at its task's position, so the results are in task order however
 * the threads finish.
 */

/** A message to a worker: the task and its position. */
export interface PoolRequest<T> {
  id: number;
  task: T;
}

/** A worker's answer: the value, or the error that stopped the task. */
export type PoolResponse<R> = { id: number; value: R } | { id: number; error: { message: string; stack?: string } };

/**
 * Runs `tasks` on `min(jobs, tasks.length)` workers started from `workerFile` (a module that
 * answers each `PoolRequest` with a `PoolResponse`). `onDone(i)` is called as task `i`
 * finishes. Rejects on the first failed task or crashed worker, after stopping every worker.
 */
export function runPool<T, R>(tasks: readonly T[], jobs: number, workerFile: URL, onDone?: (index: number) => void): Promise<R[]> {
  const results = new Array<R>(tasks.length);
  if (tasks.length === 0) return Promise.resolve(results);
  return new Promise<R[]>((resolve, reject) => {
    const workers: Worker[] = [];
    // Workers stopped on purpose (no tasks left): their exit code is not a crash.
    const retired = new Set<Worker>();
    let next = 0;
    let finished = 0;
    let settled = false;
    const stopAll = () => {
      for (const worker of workers) void worker.terminate();
    };
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      stopAll();
      reject(error);
    };
    const feed = (worker: Worker) => {
      if (next < tasks.length) {
        const request: PoolRequest<T> = { id: next, task: tasks[next]! };
        next++;
        worker.postMessage(request);
      } else {
        retired.add(worker);
        void worker.terminate();
      }
    };
    const count = Math.max(1, Math.min(jobs, tasks.length));
    for (let w = 0; w < count; w++) {
      const worker = new Worker(workerFile);
      workers.push(worker);
      worker.on('message', (response: PoolResponse<R>) => {
        if (settled) return;
        if ('error' in response) {
          const error = new Error(response.error.message);
          if (response.error.stack) error.stack = response.error.stack;
          fail(error);
          return;
        }
        results[response.id] = response.value;
        finished++;
        onDone?.(response.id);
        if (finished === tasks.length) {
          settled = true;
          stopAll();
          resolve(results);
        } else {
          feed(worker);
        }
      });
      worker.on('error', (error) => fail(error));
      worker.on('exit', (code) => {
        if (!settled && !retired.has(worker)) fail(new Error(`a sweep worker exited with code ${code}`));
      });
      feed(worker);
    }
  });
}
