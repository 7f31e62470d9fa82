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
  let min = 0xffff, max = 0, missing = 0;
  for (let i = 0; i < n; i++) {
    const a = avail[i]!;
    if (a < min) min = a;
    if (a > max) max = a;
    if (a === 0) missing++;
  }
  let above = 0;
  for (let i = 0; i < n; i++) if (avail[i]! > min) above++;
  return { min, max, missing, distributedCopies: min + above / n };
}
