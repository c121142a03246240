import { describe, expect, it } from 'vitest';
import { buildGrid } from '../../src/sweep/grid.js';
import { axisLattice, SearchSpace } from '../../src/tune/space.js';

const params = [
  { key: 'a', values: [1, 2, 3, 4, 5, 6, 7, 8] },
  { key: 'b', values: ['250ms', '500ms', '750ms', '1s', '2s'] },
];

describe('the search space of a tune', () => {
  it('numbers cells exactly as sweep numbers its points, so cell i of a tune is point i of the same sweep', () => {
    const space = new SearchSpace(params);
    const grid = buildGrid(params, ['all']);
    expect(space.cells).toBe(40);
    for (const point of grid) {
      expect(space.paramsAt(point.index)).toEqual(point.params);
      expect(space.index(space.coords(point.index))).toBe(point.index);
    }
  });

  it('an axis lattice takes every step-th value and always the last', () => {
    expect(axisLattice(8, 1)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(axisLattice(8, 4)).toEqual([0, 4, 7]);
    expect(axisLattice(16, 4)).toEqual([0, 4, 8, 12, 15]);
    expect(axisLattice(1, 4)).toEqual([0]);
  });

  it('coarsens the widest axis until the lattice fits, and leaves a grid that fits whole', () => {
    const space = new SearchSpace([{ key: 'a', values: [1, 2, 3, 4, 5, 6, 7, 8] }, { key: 'b', values: Array.from({ length: 16 }, (_, i) => i) }]);
    expect(space.coarseSteps(1000)).toEqual([1, 1]);
    const steps = space.coarseSteps(16);
    expect(steps).toEqual([4, 4]);
    expect(space.lattice(steps)).toHaveLength(15); // {0,4,7} x {0,4,8,12,15}
    expect(space.lattice(space.coarseSteps(1))).toHaveLength(4); // never below the two ends of each axis
  });

  it('pattern moves go one step along one axis or two axes at once, stopping at the ends, without repeats', () => {
    const space = new SearchSpace(params);
    const centre = space.index([3, 2]);
    const moves = space.neighbours(centre, [1, 1]).map((i) => space.coords(i));
    expect(moves).toHaveLength(8);
    expect(moves).toContainEqual([2, 1]);
    expect(moves).toContainEqual([4, 3]);
    const corner = space.neighbours(space.index([0, 0]), [2, 2]).map((i) => space.coords(i));
    expect(corner.sort()).toEqual([[0, 2], [2, 0], [2, 2]]);
  });
});
