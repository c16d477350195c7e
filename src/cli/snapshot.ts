import { join } from "node:path";
import { formatLock, LOCK_FILE, lockDir, relativeTo, writeLock } from "../drift/lock.js";
import { loadSide } from "../drift/sides.js";
import { count } from "../report/words.js";
import type { SnapshotOptions } from "./commands/snapshot.js";

/** `abidrift snapshot`: the tree's ABI into the lock, atomically. */
export async function runSnapshot(spec: string, opts: SnapshotOptions): Promise<void> {
  const side = await loadSide(spec);
  const lock = side.snapshot.lock;
  // The lock of a tree lives at its top; of one object, beside it; of a revision, here.
  const home = spec.startsWith("git:") ? "." : await lockDir(spec);
  if (opts.output === "-") {
    process.stdout.write(formatLock(relativeTo(lock, home)));
    return;
  }
  const path = opts.output ?? join(home, LOCK_FILE);
  await writeLock(path, lock);
  process.stderr.write(`abidrift: wrote ${path}: ${count(lock.maps.length, "map")}, ${count(lock.types.length, "type")}\n`);
}
