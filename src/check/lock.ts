import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { compareWithLock } from "../drift/rules.js";
import { LOCK_FILE, parseLock, type Lock } from "../drift/lock.js";
import { snapshot, type Snapshot } from "../drift/snapshot.js";
import { readTree } from "../drift/tree.js";
import { keepUnbuiltGlobals, keptNote } from "../drift/unbuilt.js";
import { InputError } from "../ir/errors.js";
import { fsProblem } from "../load/layout-sources.js";
import type { RuleContext } from "../rules/rule.js";
import type { InputFile } from "./inputs.js";
import type { ProgramsRead } from "./read-programs.js";

// A check's lock: where it is and what it says, read with the other inputs;
// then the tree's ABI as a snapshot reads it, compared with the lock.

/** Where a check's lock is and what it says; `lock` undefined when there is none yet. */
export interface LockInput {
  file: string;
  lock?: Lock;
  /** Snapshot the tree even without a lock. */
  snapshot: boolean;
}

/** The tree's ABI, when a lock was compared or a snapshot asked for. */
export interface LockResult {
  file: string;
  previous?: Lock;
  now: Snapshot;
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

/**
 * The lock is compared with the tree as snapshot reads it, not with the
 * modules the other rules see, so a fresh snapshot checks clean. The drift
 * rules then read the comparison from `ctx`; a note says which global maps
 * the lock keeps for a program not built.
 */
export async function compareLock(
  input: LockInput,
  files: readonly InputFile[],
  read: ProgramsRead,
  includeDirs: readonly string[],
  ctx: RuleContext,
): Promise<{ lock?: LockResult; note?: string }> {
  if (!input.lock && !input.snapshot) return {};
  const tree = await readTree(files.filter((f) => f.kind === "object" || f.kind === "c" || f.kind === "python"), dirname(input.file), includeDirs, read.readFrom, read.headers);
  let now = snapshot(tree.modules);
  let note: string | undefined;
  if (input.lock) {
    const k = keepUnbuiltGlobals(input.lock, now, tree.modules);
    now = k.now;
    if (k.kept.length) note = keptNote(k.kept, input.file);
    compareWithLock(ctx, { file: input.file, lock: input.lock, now });
  }
  return { lock: { file: input.file, ...(input.lock ? { previous: input.lock } : {}), now }, ...(note ? { note } : {}) };
}
