import { performance } from 'node:perf_hooks';
import { ms } from '../text/format.js';

/**
 * A progress line on a terminal's stderr (`run: 42% 3.1 s elapsed, ETA 4.3 s`), redrawn in
 * place and erased before anything else is printed. Only on a TTY: a CI log or a pipe would
 * keep every redraw, and stdout (the report, JSON) never sees it. The wall clock is read
 * here, between batches of simulated events, and never by the simulation.
 */
export interface ProgressLine {
  /** The share done (0..1) and what it counts (`3/10 points`); redrawn at most ten times a second. */
  update(fraction: number, detail?: string): void;
  /** Erases the line, if it was drawn. Call before printing anything. */
  clear(): void;
}

/** What a progress line writes to and reads the time from (a test passes fakes). */
export interface ProgressTarget {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** Options of `progressLine`. */
export interface ProgressOptions {
  /** Draw nothing until this much wall time has passed, so quick runs stay quiet. */
  delayMs?: number;
  /** Milliseconds since some fixed point; `performance.now` by default. */
  now?: () => number;
}

/** A line that draws nothing: for a stream that is not a terminal. */
const SILENT: ProgressLine = { update() {}, clear() {} };

/** A progress line labelled `label` on `stream`, or a silent one when `stream` is not a TTY. */
export function progressLine(stream: ProgressTarget, label: string, { delayMs = 0, now = () => performance.now() }: ProgressOptions = {}): ProgressLine {
  if (!stream.isTTY) return SILENT;
  const started = now();
  let drawn = false;
  let lastDrawMs = -Infinity;
  return {
    update(fraction, detail) {
      const elapsedMs = now() - started;
      if (elapsedMs < delayMs) return;
      // Ten redraws a second at most: thousands of quick steps would otherwise flood the terminal.
      if (fraction < 1 && elapsedMs - lastDrawMs < 100) return;
      lastDrawMs = elapsedMs;
      const share = Math.min(1, Math.max(0, fraction));
      const eta = share > 0 && share < 1 ? `, ETA ${ms((elapsedMs / share) * (1 - share))}` : '';
      const what = detail ?? `${Math.floor(share * 100)}%`;
      stream.write(`\r\x1b[K${label}: ${what}  ${ms(elapsedMs)} elapsed${eta}`);
      drawn = true;
    },
    clear() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
