import { Worker } from 'node:worker_threads';

/**
 * A small worker-thread pool: each worker takes the next task as soon as it is free, and
 * each answer is stored at its task's position, so the results are in task order however
 * the threads finish. The workers outlive one batch, so a search that runs batch after
 * batch (`tune`) starts its threads once.
 */

/** A message to a worker: the task and its position. */
export interface PoolRequest<T> {
  id: number;
  task: T;
}

/** A worker's answer: the value, or the error that stopped the task. */
export type PoolResponse<R> = { id: number; value: R } | { id: number; error: { message: string; stack?: string } };

/** Threads started from `workerFile` (a module answering each `PoolRequest` with a `PoolResponse`). */
export class WorkerPool<T, R> {
  private readonly workers: Worker[] = [];
  private broken: Error | null = null;
  private busy = false;
  private closed = false;

  constructor(
    private readonly workerFile: URL,
    private readonly size: number,
  ) {}

  /**
   * Runs `tasks` on up to `size` workers (started on first use and kept). `onDone(i)` is
   * called as task `i` finishes. Rejects on the first failed task or crashed worker, after
   * stopping every worker; the pool cannot run again after that.
   */
  run(tasks: readonly T[], onDone?: (index: number) => void): Promise<R[]> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.closed) return Promise.reject(new Error('the worker pool is closed'));
    if (this.busy) return Promise.reject(new Error('the worker pool is already running a batch'));
    const results = new Array<R>(tasks.length);
    if (tasks.length === 0) return Promise.resolve(results);
    this.busy = true;
    while (this.workers.length < Math.max(1, Math.min(this.size, tasks.length))) this.workers.push(new Worker(this.workerFile));
    const active = this.workers.slice(0, Math.min(this.workers.length, tasks.length));
    return new Promise<R[]>((resolve, reject) => {
      let next = 0;
      let finished = 0;
      let settled = false;
      const listeners: (() => void)[] = [];
      const settle = () => {
        settled = true;
        this.busy = false;
        for (const remove of listeners) remove();
      };
      const fail = (error: Error) => {
        if (settled) return;
        settle();
        this.broken = error;
        void this.close();
        reject(error);
      };
      const feed = (worker: Worker) => {
        if (next >= tasks.length) return;
        const request: PoolRequest<T> = { id: next, task: tasks[next]! };
        next++;
        worker.postMessage(request);
      };
      for (const worker of active) {
        const onMessage = (response: PoolResponse<R>) => {
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
            settle();
            resolve(results);
          } else {
            feed(worker);
          }
        };
        const onError = (error: Error) => fail(error);
        const onExit = (code: number) => fail(new Error(`a sweep worker exited with code ${code}`));
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        listeners.push(() => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        });
        feed(worker);
      }
    });
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
