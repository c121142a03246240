/**
 * A small streaming latency histogram for breakdowns over many entities (hundreds of
 * tenants or models), where `LatencyHistogram`'s 3-digit HDR layout (~95 KB once used)
 * would cost too much each. Same log-linear layout as HDR, at 2 significant digits: 128
 * sub-buckets per power of two, so a percentile is within 1/128 (0.8%) of the true value.
 * The counts array is allocated on the first value and grows only as far as the largest
 * value needs (about 20 KB for latencies up to 16 s, never more than ~50 KB), so an idle
 * entity costs nothing but the object.
 */

const HALF_MAGNITUDE = 7;
const HALF_COUNT = 1 << HALF_MAGNITUDE;

/** The slot of a value in microseconds (>= 1): HDR's bucket/sub-bucket index at 2 digits. */
function slotOf(us: number): number {
  const bucket = us < 2 ** 31 ? Math.max(0, 31 - Math.clz32(us) - HALF_MAGNITUDE) : Math.floor(Math.log2(us)) - HALF_MAGNITUDE;
  return bucket * HALF_COUNT + Math.floor(us / 2 ** bucket);
}

/** The largest microsecond value that falls in `slot`. */
function highestInSlot(slot: number): number {
  const bucket = slot < 2 * HALF_COUNT ? 0 : (slot >>> HALF_MAGNITUDE) - 1;
  const sub = slot - bucket * HALF_COUNT;
  return (sub + 1) * 2 ** bucket - 1;
}

/** Streaming percentiles and mean of latencies in ms, in little memory. */
export class CompactLatencyHistogram {
  private counts: Float64Array | null = null;
  private sumMs = 0;
  private n = 0;

  record(latencyMs: number): void {
    const us = Math.round(latencyMs * 1000);
    const slot = slotOf(us < 1 ? 1 : us);
    this.sumMs += latencyMs;
    this.n++;
    let counts = this.counts;
    if (counts === null || slot >= counts.length) counts = this.grow(slot);
    counts[slot]! += 1;
  }

  /** Records `latencyMs`; the slot is `LatencyHistogram`'s (see `fastSlotOf`), which this layout does not use. */
  recordAt(_slot: number, latencyMs: number): void {
    this.record(latencyMs);
  }

  get count(): number {
    return this.n;
  }

  get meanMs(): number {
    return this.n === 0 ? 0 : this.sumMs / this.n;
  }

  /** The value at `percentile` (0-100) in ms, as the top of its slot (as HDR reports); 0 when empty. */
  percentileMs(percentile: number): number {
    const counts = this.counts;
    if (this.n === 0 || counts === null) return 0;
    const rank = Math.max(1, Math.ceil((Math.min(100, Math.max(0, percentile)) / 100) * this.n));
    let seen = 0;
    for (let slot = 0; slot < counts.length; slot++) {
      seen += counts[slot]!;
      if (seen >= rank) return highestInSlot(slot) / 1000;
    }
    return highestInSlot(counts.length - 1) / 1000;
  }

  /** Bytes held by the counts (for tests of the memory bound). */
  get bytes(): number {
    return this.counts?.byteLength ?? 0;
  }

  private grow(slot: number): Float64Array {
    // Whole powers of two of values at a time, so growth happens a handful of times.
    const size = Math.max(4 * HALF_COUNT, ((slot >>> HALF_MAGNITUDE) + 2) * HALF_COUNT);
    const counts = new Float64Array(size);
    if (this.counts) counts.set(this.counts);
    this.counts = counts;
    return counts;
  }
}
