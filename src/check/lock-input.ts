import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { LOCK_FILE, parseLock, type Lock } from "../drift/lock.js";
import { InputError } from "../ir/errors.js";
import { fsProblem } from "../load/input-file.js";

// A check's lock: where it is and what it says, read with the other inputs.

/** Where a check's lock is and what it says; `lock` undefined when there is none yet. */
export interface LockInput {
  file: string;
  lock?: Lock;
  /** Snapshot the tree even without a lock. */
  snapshot: boolean;
}

/** The lock named by `--lock`, else abidrift.lock.json in `dir` when it exists; none with `--no-lock`. */
export async function readLockInput(opts: { lock?: string | false; snapshot?: boolean }, dir: string): Promise<LockInput | undefined> {
  if (opts.lock === false) return undefined;
  const file = opts.lock ?? join(dir, LOCK_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Only a lock asked for by name must exist; a default one may not, and
    // --update-lock writes the first.
    const absent = code === "ENOENT" || (code === "ENOTDIR" && opts.lock === undefined);
    if (absent && (opts.snapshot || opts.lock === undefined)) return opts.snapshot ? { file, snapshot: true } : undefined;
    throw new InputError(file, fsProblem(e));
  }
  return { file, lock: parseLock(text, file), snapshot: opts.snapshot === true };
}
