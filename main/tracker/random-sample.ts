// Choosing numwant peers out of a swarm of n without shuffling the swarm: Floyd's algorithm
// draws k distinct indices in O(k) time and space, whatever n is.

/** k distinct integers from [0, n) in O(k); all of them (in order) when k >= n. */
export function sampleIndices(n: number, k: number, random: () => number = Math.random): number[] {
  if (k <= 0 || n <= 0) return [];
  if (k >= n) return Array.from({ length: n }, (_, i) => i);
  const chosen = new Set<number>();
  const out: number[] = [];
  for (let j = n - k; j < n; j++) {
    const t = Math.floor(random() * (j + 1));
    const pick = chosen.has(t) ? j : t;
    chosen.add(pick);
    out.push(pick);
  }
  return out;
}
