import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";

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

/**
 * A seed new with each commit: drawn from the checked-out tree, so CI on a
 * clean clone replays exactly the seeds the author's run tried on the same
 * commit, and a red CI is never a coin toss. `ABIDRIFT_SEED=N` replays the
 * run that printed N; `ABIDRIFT_SEED=clock` (or a tree outside git) draws
 * from the clock, to explore more seeds than commits do.
 */
export function freshSeed(): number {
  const asked = process.env.ABIDRIFT_SEED ?? "";
  if (asked !== "" && asked !== "clock") return Number(asked) >>> 0;
  const base = asked === "clock" ? undefined : treeSeed();
  const seed = base === undefined ? (Date.now() ^ (process.pid << 16)) >>> 0 : (base + drawn * 0x9e3779b9) >>> 0;
  drawn++;
  return seed;
}

let drawn = 0;
let tree: number | undefined | null = null;

function treeSeed(): number | undefined {
  if (tree !== null) return tree;
  try {
    const id = execFileSync("git", ["rev-parse", "HEAD^{tree}"], { cwd: fileURLToPath(new URL(".", import.meta.url)), encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    tree = createHash("sha256").update(id).digest().readUInt32LE(0);
  } catch {
    tree = undefined;
  }
  return tree;
}
