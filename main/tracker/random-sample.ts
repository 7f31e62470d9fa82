// Choosing numwant peers out of a swarm of n without shuffling the swarm: Floyd's algorithm
// draws k distinct indices in O(k) time and space, whatever n is.

/** k distinct integers from [0, n) in O(k); all of them (in order) when k >= n. */
export function sampleIndices(n: number, k: number, random: () => number = Math.random): number[] {
  const out = new Int32Array(Math.max(0, Math.min(n, k)));
  const m = sampleInto(n, k, out, random);
  return Array.from(out.subarray(0, m));
}

// "Already drawn" marks for sampleInto, one stamp per index: a draw bumps the stamp instead of
// clearing the array or allocating a Set, so a draw allocates nothing. Grows to the largest
// swarm sampled (4 bytes per index: 200 KB at the default 50,000 peers per swarm).
let marks = new Uint32Array(1024);
let stamp = 0;

/**
 * sampleIndices without allocating: writes min(n, k) distinct indices from [0, n) into `out`
 * (which must hold that many) and returns how many it wrote. The tracker calls it per announce.
 */
export function sampleInto(n: number, k: number, out: Int32Array, random: () => number = Math.random): number {
  if (k <= 0 || n <= 0) return 0;
  if (k >= n) {
    for (let i = 0; i < n; i++) out[i] = i;
    return n;
  }
  if (marks.length < n) marks = new Uint32Array(Math.max(n, marks.length * 2));
  if (++stamp === 0xffffffff) { marks.fill(0); stamp = 1; }
  let c = 0;
  for (let j = n - k; j < n; j++) {
    const t = Math.floor(random() * (j + 1));
    // Floyd: every earlier draw is <= an earlier j < this j, so j itself is always free.
    const pick = marks[t] === stamp ? j : t;
    marks[pick] = stamp;
    out[c++] = pick;
  }
  return c;
}
