import type { Lock } from "../drift/lock.js";
import { loadSide } from "../drift/sides.js";

/** The ABI of a tree, object, C source, lock or `git:REV`: every map and shared type, as abidrift.lock.json holds it. */
export async function snapshot(spec: string): Promise<Lock> {
  return (await loadSide(spec)).snapshot.lock;
}
