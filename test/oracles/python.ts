import { spawnSync } from "node:child_process";

// CPython as an oracle: ctypes and struct answer for themselves. One process
// runs a whole batch of cases; the script prints one JSON line per case.

export const PYTHON = process.env.ABIDRIFT_PYTHON ?? "python3";

function probe(): string | undefined {
  const r = spawnSync(PYTHON, ["-c", "import sys, ctypes, struct; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** `3.11` and the like, or undefined when no usable python3 is installed. */
export const pythonVersion: string | undefined = probe();

/** Why python-backed tests skip, for `describe.skipIf(...)` titles. */
export const pythonMissing = pythonVersion === undefined ? `${PYTHON} with ctypes not found` : "";

/** Runs a script and returns its stdout lines; throws with stderr on failure. */
export function runPython(script: string): string[] {
  const r = spawnSync(PYTHON, ["-"], { input: script, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${PYTHON} failed (${r.status}):\n${r.stderr}`);
  return r.stdout.split("\n").filter((l) => l !== "");
}

/** A PRNG that prints well: mulberry32. */
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

export function freshSeed(): number {
  return (Date.now() ^ (process.pid << 16)) >>> 0;
}
