import { spawnSync } from "node:child_process";
import { rng, freshSeed } from "./random.js";
export { rng, freshSeed };

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


