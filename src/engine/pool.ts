/** What a pooled item must offer: a fixed index and a generation that stales old events. */
export interface Pooled {
  readonly index: number;
  generation: number;
  /** Clears per-use fields before the item is reused. */
  reset(): void;
}

/**
 * A free-list pool of reusable items addressed by index. Events carry (index, generation);
 * releasing an item bumps its generation, so an event scheduled for its previous use is
 * recognised as stale. A run allocates only as many items as are ever in use at once.
 */
export class Pool<T extends Pooled> {
  private readonly items: T[] = [];
  private readonly free: number[] = [];

  constructor(private readonly create: (index: number) => T) {}

  acquire(): T {
    const index = this.free.pop();
    if (index !== undefined) return this.items[index]!;
    const item = this.create(this.items.length);
    this.items.push(item);
    return item;
  }

  release(item: T): void {
    item.generation++;
    item.reset();
    this.free.push(item.index);
  }

  /** Makes every pending event of `item` stale without releasing it (its generation moves on). */
  renew(item: T): void {
    item.generation++;
  }

  get(index: number): T {
    return this.items[index]!;
  }

  /**
   * The item at `index` if `generation` is still its current one, else null: the one test
   * every handler applies to the (index, generation) its event carries.
   */
  current(index: number, generation: number): T | null {
    const item = this.items[index]!;
    return item.generation === generation ? item : null;
  }

  /** The most items ever in use at once. */
  get capacity(): number {
    return this.items.length;
  }
}
