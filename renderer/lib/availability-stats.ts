// Numbers printed beside the availability bar.

export interface AvailabilityStats {
  min: number;
  max: number;
  /** Pieces no connected non-seed peer has. */
  missing: number;
  /**
   * Distributed copies among non-seeds (the figure uTorrent and qBittorrent show): the minimum
   * availability plus the fraction of pieces above it. Seeds add their own count on top.
   */
  distributedCopies: number;
}

export function availabilityStats(avail: Uint16Array): AvailabilityStats {
  const n = avail.length;
  if (n === 0) return { min: 0, max: 0, missing: 0, distributedCopies: 0 };
  // One pass (this runs on every 4 Hz detail update): pieces at the running minimum are counted as
  // it goes, and the ones above it are the rest.
  let min = 0xffff, max = 0, missing = 0, atMin = 0;
  for (let i = 0; i < n; i++) {
    const a = avail[i]!;
    if (a < min) { min = a; atMin = 1; } else if (a === min) atMin++;
    if (a > max) max = a;
    if (a === 0) missing++;
  }
  const above = n - atMin;
  return { min, max, missing, distributedCopies: min + above / n };
}
