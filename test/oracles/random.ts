// Seeded randomness for the differential tests: the same sequence on every
// machine, and a printed seed that replays a run.

/** mulberry32: small, fast, and seedable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A new seed each run; ABIDRIFT_SEED=N replays the run that printed N. */
export function freshSeed(): number {
  const replay = process.env.ABIDRIFT_SEED;
  if (replay !== undefined && replay !== "") return Number(replay) >>> 0;
  return (Date.now() ^ (process.pid << 16)) >>> 0;
}
