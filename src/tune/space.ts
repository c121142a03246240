import { cartesian, type ParamValue, type SweepParam } from '../sweep/grid.js';

/**
 * The search space of a tune: the grid `--param` spans, with each cell numbered as `sweep`
 * numbers its points (the first param varies slowest), so cell 17 of a tune is point 17 of
 * the sweep over the same params. The search moves on the index lattice of each axis.
 */
export class SearchSpace {
  /** Values per axis, in `--param` order. */
  readonly sizes: readonly number[];
  /** Number of cells: the product of the sizes. */
  readonly cells: number;
  /** Cell index strides per axis (the last axis varies fastest). */
  private readonly strides: readonly number[];

  constructor(readonly params: readonly SweepParam[]) {
    this.sizes = params.map((p) => p.values.length);
    this.cells = this.sizes.reduce((n, size) => n * size, 1);
    const strides: number[] = [];
    let stride = 1;
    for (let d = this.sizes.length - 1; d >= 0; d--) {
      strides[d] = stride;
      stride *= this.sizes[d]!;
    }
    this.strides = strides;
  }

  /** The index of the cell at `coords` (one value index per axis). */
  index(coords: readonly number[]): number {
    return coords.reduce((sum, c, d) => sum + c * this.strides[d]!, 0);
  }

  /** The value index per axis of cell `index`. */
  coords(index: number): number[] {
    return this.sizes.map((size, d) => Math.floor(index / this.strides[d]!) % size);
  }

  /** The params of cell `index`, by dotted key. */
  paramsAt(index: number): Record<string, ParamValue> {
    const coords = this.coords(index);
    return Object.fromEntries(this.params.map((p, d) => [p.key, p.values[coords[d]!]!]));
  }

  /** Every cell's params in index order (what `sweep` would run). */
  allParams(): Record<string, ParamValue>[] {
    return cartesian(this.params);
  }

  /**
   * The coarsest steps whose lattice (every `step`-th value of each axis, plus the last)
   * has at most `maxCells` cells: the widest axis is coarsened first, by doubling its step.
   * A grid that fits is its own lattice (every step 1).
   */
  coarseSteps(maxCells: number): number[] {
    const steps = this.sizes.map(() => 1);
    const latticeSize = () => steps.reduce((n, step, d) => n * axisLattice(this.sizes[d]!, step).length, 1);
    while (latticeSize() > Math.max(1, maxCells)) {
      let widest = -1;
      for (let d = 0; d < steps.length; d++) {
        const values = axisLattice(this.sizes[d]!, steps[d]!).length;
        if (values > 2 && (widest < 0 || values > axisLattice(this.sizes[widest]!, steps[widest]!).length)) widest = d;
      }
      if (widest < 0) break; // every axis is down to its two ends
      steps[widest] = steps[widest]! * 2;
    }
    return steps;
  }

  /** The cells of the lattice with these steps, in index order. */
  lattice(steps: readonly number[]): number[] {
    let cells: number[][] = [[]];
    for (let d = 0; d < this.sizes.length; d++) {
      const values = axisLattice(this.sizes[d]!, steps[d]!);
      cells = cells.flatMap((coords) => values.map((v) => [...coords, v]));
    }
    return cells.map((coords) => this.index(coords));
  }

  /**
   * The cells one pattern move away from `index`: `±step` along one axis, or along two axes
   * at once (so a move can trade one param against another along a constraint's edge, which
   * one-axis moves cannot). Moves past an end stop at the end. In a fixed order, without
   * repeats or the cell itself.
   */
  neighbours(index: number, steps: readonly number[]): number[] {
    const origin = this.coords(index);
    const found = new Set<number>();
    const out: number[] = [];
    const add = (coords: number[]) => {
      const cell = this.index(coords);
      if (cell !== index && !found.has(cell)) {
        found.add(cell);
        out.push(cell);
      }
    };
    const moved = (d: number, sign: number, coords: number[]) => {
      const next = [...coords];
      next[d] = Math.min(this.sizes[d]! - 1, Math.max(0, coords[d]! + sign * steps[d]!));
      return next;
    };
    const D = this.sizes.length;
    for (let d = 0; d < D; d++) for (const sign of [-1, 1]) add(moved(d, sign, origin));
    for (let a = 0; a < D; a++) {
      for (let b = a + 1; b < D; b++) {
        for (const sa of [-1, 1]) for (const sb of [-1, 1]) add(moved(b, sb, moved(a, sa, origin)));
      }
    }
    return out;
  }
}

/** The value indices of one axis at `step`: 0, step, 2 step, ... and always the last. */
export function axisLattice(size: number, step: number): number[] {
  const values: number[] = [];
  for (let i = 0; i < size; i += step) values.push(i);
  if (values[values.length - 1] !== size - 1) values.push(size - 1);
  return values;
}
