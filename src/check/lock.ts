import { dirname } from "node:path";
import { compareWithLock } from "../drift/rules.js";
import type { Lock } from "../drift/lock.js";
import { snapshot, type Snapshot } from "../drift/snapshot.js";
import { readTree } from "../drift/tree.js";
import { keepUnbuiltGlobals, keptNote } from "../drift/unbuilt.js";
import type { RuleContext } from "../rules/rule.js";
import type { InputFile } from "./inputs.js";
import type { LockInput } from "./lock-input.js";
import type { ProgramsRead } from "./read-programs.js";

// The tree's ABI as a snapshot reads it, compared with the check's lock
// (lock-input.ts); loaded only when there is a lock or a snapshot to take.

/** The tree's ABI, when a lock was compared or a snapshot asked for. */
export interface LockResult {
  file: string;
  previous?: Lock;
  now: Snapshot;
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
