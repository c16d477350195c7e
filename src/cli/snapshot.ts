import { dirname } from "node:path";
import { count, defaultLockFile, lockText, snapshot, writeLock } from "../index.js";
import type { SnapshotOptions } from "./commands/snapshot.js";

/** `abidrift snapshot`: the tree's ABI into the lock, atomically. */
export async function runSnapshot(spec: string, opts: SnapshotOptions): Promise<void> {
  const lock = await snapshot(spec);
  const path = opts.output && opts.output !== "-" ? opts.output : await defaultLockFile(spec);
  if (opts.output === "-") {
    process.stdout.write(await lockText(lock, dirname(path)));
    return;
  }
  await writeLock(path, lock);
  process.stderr.write(`abidrift: wrote ${path}: ${count(lock.maps.length, "map")}, ${count(lock.types.length, "type")}\n`);
}
