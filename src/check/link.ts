import type { UserspaceModule } from "../ir/bindings.js";
import { pair, type ExplicitPair, type Pairing } from "../match/pair.js";
import { escape } from "./c-locate.js";
import type { ProgramsRead } from "./read-programs.js";

// The third stage of a check: userspace linked to its programs and to their
// types and maps, on evidence (match/pair.ts). The pairing it gives (pairs
// with their reasons, candidates, unresolved names, unknown maps, each
// file's scope) is plain data that the rules, --explain and the audit all
// read; nothing decides a pair again after this.

export function link(read: ProgramsRead, explicit: readonly ExplicitPair[]): Pairing {
  // A map the preprocessor left out of this build (`#ifdef METRICS`) is still declared in the tree's C, or in the C a BCC tool carries.
  const declaredInC = (name: string, u: UserspaceModule): boolean => read.sources.all.some((c) => declaresMap(c.text, name)) || declaresMap(read.carriedC.get(u.file) ?? "", name);
  return pair(read.bpf, read.user, explicit, declaredInC);
}

/** `} name SEC(".maps")`, `BPF_HASH(name, ...)`, `bpf_map_def SEC("maps/name") name`: a map declaration in C text, whatever the preprocessor makes of it. */
function declaresMap(text: string, name: string): boolean {
  if (!text.includes(name)) return false;
  const n = escape(name);
  return new RegExp(`\\}\\s*${n}\\s+SEC\\(\\s*"\\.?maps|\\bBPF_[A-Z_]+\\(\\s*${n}\\b|SEC\\(\\s*"\\.?maps[^"]*"\\s*\\)\\s*${n}\\b`).test(text);
}
