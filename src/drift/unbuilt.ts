import { basename } from "node:path";
import { programStem } from "../check/c-locate.js";
import type { BpfModule } from "../ir/bindings.js";
import { noun } from "../words.js";
import { globalSection, type Lock, type LockMap } from "./lock.js";
import type { Snapshot } from "./snapshot.js";

// libbpf makes an array map of each global section (.bss, .data, .rodata)
// of a compiled object. Its size is where the compiler placed the section's
// variables, and which static ones it kept after optimizing: the object
// says so, the source alone cannot. A program the tree has only as source
// keeps those maps as the earlier side has them, and the caller says so in
// a note, so a check of sources neither reports them gone nor drops them
// from the lock it updates. Programs are matched by object name, as libbpf
// names the maps (`exec.bss` for exec.bpf.o).

export interface Kept {
  now: Snapshot;
  /** The maps taken from `before`, by name. */
  kept: string[];
}

export function keepUnbuiltGlobals(before: Lock, now: Snapshot, modules: readonly BpfModule[]): Kept {
  const objectName = (file: string): string => basename(programStem(file));
  const built = new Set(modules.filter((m) => m.origin === "btf").map((m) => objectName(m.file)));
  const unbuilt = new Set(modules.filter((m) => m.origin === "source").map((m) => objectName(m.file)).filter((n) => !built.has(n)));
  if (!unbuilt.size) return { now, kept: [] };
  const present = new Set(now.lock.maps.map((m) => m.name));
  const keep = before.maps.filter((m: LockMap) => globalSection(m.name) !== undefined && !present.has(m.name) && unbuilt.has(objectName(m.file)));
  if (!keep.length) return { now, kept: [] };
  const maps = [...now.lock.maps, ...keep].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { now: { ...now, lock: { ...now.lock, maps } }, kept: keep.map((m) => m.name) };
}

/** The note a caller prints for the maps it kept. */
export function keptNote(kept: readonly string[], from: string): string {
  const them = noun(kept.length, "it", "them");
  return `${kept.join(", ")}: ${noun(kept.length, "global-section map")} kept as ${from} has ${them}; libbpf makes ${them} from the compiled object, so build it to compare`;
}
