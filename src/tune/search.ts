import type { HeadlineValues } from '../metrics/headline.js';
import type { SloCheck } from '../slo/expression.js';
import { eliminate, ranked, type Candidate, type Objective } from './race.js';
import type { SearchSpace } from './space.js';

/**
 * The search of `harness-sim tune`, round by round. Each round is one batch of simulation
 * runs, chosen only from the results of the rounds before it, so the search (and its
 * answer) is the same however many threads run a batch.
 *
 * - Explore: the first round runs a coarse lattice of the grid (all of it when the budget
 *   allows) once each; later rounds add the unrun cells one pattern move away from the two
 *   leading configurations, halving the move whenever those are all run (a pattern search
 *   that ends on single steps).
 * - Race: replication r of every configuration uses seed + r (common random numbers).
 *   Successive halving spends the replications: at each rung (1, 2, 4, ... runs, up to
 *   `--replications`) the better half of the configurations still in the race gets the next
 *   rung's runs. After every round a configuration leaves the race only when it misses a
 *   constraint, or is worse than a feasible one, with 95% confidence (`race.ts`).
 * - Stop when the budget is spent, or when no configuration is left to run or refine.
 */

/** One simulation the search asks for: a cell, at replication r (seed + r). */
export interface SearchTask {
  cell: number;
  replication: number;
}

/** Runs a batch of tasks and returns their headline figures in task order. */
export type RunBatch = (tasks: readonly SearchTask[]) => Promise<HeadlineValues[]>;

/** What the search needs to know. */
export interface SearchSettings {
  space: SearchSpace;
  objective: Objective;
  constraints: readonly SloCheck[];
  /** The most simulation runs in all. */
  budget: number;
  /** The most replications one configuration gets (the top rung). */
  maxReplications: number;
}

/** Where a search ended and why. */
export interface SearchOutcome {
  /** Every evaluated configuration, in cell index order. */
  candidates: Candidate[];
  runs: number;
  rounds: number;
  /** `budget` when it ran out with work left; `converged` when nothing was left to run. */
  stoppedBy: 'budget' | 'converged';
}

/** How many configurations lead the exploration each round. */
const LEADERS = 2;
/** The share of the budget the first lattice may take. */
const LATTICE_SHARE = 1 / 4;
/** The fraction of a rung promoted to the next: the better half. */
const KEEP = 1 / 2;

/** The rungs of replications: 1, 2, 4, ... and `max` last. */
export function rungs(max: number): number[] {
  const out: number[] = [];
  for (let r = 1; r < max; r *= 2) out.push(r);
  out.push(max);
  return out;
}

/** Called after each round with the runs spent so far. */
export type SearchProgress = (runs: number, budget: number) => void;

/** Runs the search; `runBatch` does the simulating. */
export async function search(settings: SearchSettings, runBatch: RunBatch, onProgress?: SearchProgress): Promise<SearchOutcome> {
  const { space, objective, constraints, budget, maxReplications } = settings;
  const byValue = maxReplications < 2;
  const ladder = rungs(maxReplications);
  const candidates = new Map<number, Candidate>();
  let steps = space.coarseSteps(Math.floor(budget * LATTICE_SHARE));
  let runs = 0;
  let rounds = 0;
  let planned: [number, number, number][] = space.lattice(steps).map((cell) => [cell, 0, 1]);
  for (;;) {
    const tasks = planned.flatMap(([cell, from, to]) => range(from, to).map((replication) => ({ cell, replication })));
    if (tasks.length === 0) return finish('converged');
    const batch = tasks.slice(0, budget - runs);
    if (batch.length === 0) return finish('budget');
    const values = await runBatch(batch);
    batch.forEach((task, i) => {
      const candidate = candidates.get(task.cell) ?? { index: task.cell, runs: [], status: 'alive' as const };
      candidate.runs[task.replication] = values[i]!;
      candidates.set(task.cell, candidate);
    });
    runs += batch.length;
    rounds++;
    onProgress?.(runs, budget);
    const all = sorted();
    eliminate(all, objective, constraints, byValue);
    if (runs >= budget) return finish(batch.length < tasks.length || nextRound(all).length > 0 ? 'budget' : 'converged');
    planned = nextRound(all);
  }

  /** The next round: promotions (more runs for the better half of each rung), then new cells. */
  function nextRound(all: readonly Candidate[]): [number, number, number][] {
    const alive = all.filter((c) => c.status === 'alive');
    const promoted = new Map<number, number>();
    for (let j = 0; j + 1 < ladder.length; j++) {
      const reached = ranked(alive.filter((c) => c.runs.length >= ladder[j]!), objective, constraints, ladder[j]);
      const keep = Math.ceil(reached.length * KEEP);
      for (const c of reached.slice(0, keep)) {
        if (c.runs.length < ladder[j + 1]! && !promoted.has(c.index)) promoted.set(c.index, ladder[j + 1]!);
      }
    }
    // Higher rungs first: if the budget runs short, the leaders' runs are the ones that matter.
    const promotions = [...promoted]
      .map(([cell, to]): [number, number, number] => [cell, candidates.get(cell)!.runs.length, to])
      .sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    return [...promotions, ...explore(alive).map((cell): [number, number, number] => [cell, 0, 1])];
  }

  /** Unrun cells one move from the leaders, halving the move until there are some (or it is 1). */
  function explore(alive: readonly Candidate[]): number[] {
    const leaders = ranked(alive, objective, constraints).slice(0, LEADERS);
    for (;;) {
      const fresh: number[] = [];
      for (const leader of leaders) {
        for (const cell of space.neighbours(leader.index, steps)) if (!candidates.has(cell) && !fresh.includes(cell)) fresh.push(cell);
      }
      if (fresh.length > 0 || steps.every((s) => s === 1)) return fresh;
      steps = steps.map((s) => Math.max(1, Math.ceil(s / 2)));
    }
  }

  function sorted(): Candidate[] {
    return [...candidates.values()].sort((a, b) => a.index - b.index);
  }

  function finish(stoppedBy: SearchOutcome['stoppedBy']): SearchOutcome {
    return { candidates: sorted(), runs, rounds, stoppedBy };
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
