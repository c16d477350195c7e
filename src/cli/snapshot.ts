import { join } from "node:path";
import { formatLock, LOCK_FILE, writeLock } from "../drift/lock.js";
import { loadSide } from "../drift/sides.js";
import type { SnapshotOptions } from "./commands/snapshot.js";

/** `abidrift snapshot`: the tree's ABI into the lock, atomically. */
export async function runSnapshot(dir: string, opts: SnapshotOptions): Promise<void> {
  const side = await loadSide(dir);
  const lock = side.snapshot.lock;
  if (opts.output === "-") {
    process.stdout.write(formatLock(lock));
    return;
  }
  const path = opts.output ?? join(dir, LOCK_FILE);
  await writeLock(path, lock);
  process.stderr.write(`abidrift: wrote ${path}: ${lock.maps.length} maps, ${lock.types.length} types\n`);
}
