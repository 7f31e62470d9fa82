// When a finished torrent stops seeding: the user's share-ratio and seeding-time limits (0 = no
// limit), and how the seeding clock advances. Pure; the torrent asks after a check, a resume and
// on every tick while seeding.

export interface SeedState {
  readonly uploaded: number;
  readonly downloaded: number;
  readonly seedingMs: number;
  /** uploaded / downloaded at which seeding stops; 0 = never. */
  readonly seedRatioLimit: number;
  /** Seconds of seeding after which it stops; 0 = never. */
  readonly seedTimeLimit: number;
}

export function seedLimitReached(s: SeedState): boolean {
  const ratio = s.downloaded > 0 ? s.uploaded / s.downloaded : 0;
  if (s.seedRatioLimit > 0 && s.downloaded > 0 && ratio >= s.seedRatioLimit) return true;
  if (s.seedTimeLimit > 0 && s.seedingMs >= s.seedTimeLimit * 1000) return true;
  return false;
}

/** Seeding time one tick adds: the time since the last tick, capped so a machine waking from sleep does not count the sleep. */
export function seedClockStep(sinceLastTickMs: number): number {
  return Math.max(0, Math.min(sinceLastTickMs, 5000));
}
