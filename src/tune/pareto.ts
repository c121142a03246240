/**
 * The Pareto front: the points no other point beats on every axis at once. With the
 * objective on one axis and a constrained metric on the other, it is the menu of trade-offs
 * (each step cheaper costs this much more failure), whether or not a point is feasible.
 */

/**
 * The points of `items` that no other item dominates, where `axes` gives each item's
 * coordinates with lower better on every axis. Sorted by the first axis, then the second;
 * points with NaN coordinates are left out; of points with equal coordinates only the first
 * given is kept (a parameter that changes nothing would otherwise repeat every point).
 */
export function paretoFront<T>(items: readonly T[], axes: (item: T) => readonly number[]): T[] {
  const points = items.map((item, order) => ({ item, order, at: axes(item) })).filter((p) => p.at.every((v) => !Number.isNaN(v)));
  const dominates = (a: readonly number[], b: readonly number[]) => a.every((v, i) => v <= b[i]!) && a.some((v, i) => v < b[i]!);
  const same = (a: readonly number[], b: readonly number[]) => a.every((v, i) => v === b[i]);
  const front = points.filter((p) => !points.some((q) => (q !== p && dominates(q.at, p.at)) || (q.order < p.order && same(q.at, p.at))));
  front.sort((a, b) => {
    for (let i = 0; i < a.at.length; i++) if (a.at[i] !== b.at[i]) return a.at[i]! - b.at[i]!;
    return a.order - b.order;
  });
  return front.map((p) => p.item);
}
