import { basename, dirname, join } from "node:path";
import type { BpfModule, ProgramRef, UserspaceModule } from "../ir/bindings.js";

// Every BPF program (object or source) is its own namespace: six probes may
// each define `struct event` and a map `events`. A userspace file's names
// resolve among the programs it loads, as its own files and those of its
// package (a Go directory) say; where they say nothing, the nearest program
// in the tree, when only one is nearest.

// bpf2go names its objects `<stem>_<arch>_bpfel.o` (the arch part only with
// -target amd64 and friends; before cilium/ebpf 0.13 `<stem>_bpfel_<arch>.o`);
// libbpf projects `<stem>.bpf.o`; cilium/ebpf's tests `<stem>-el.elf`.
const ARCH = "(?:x86|arm64|arm|loong|mips|mips64|ppc64le|powerpc|riscv|s390|s390x|sparc)";
const BUILD_SUFFIX = new RegExp(`(?:(_(?:${ARCH}_)?bpfe[lb](?:_${ARCH})?)?(\\.bpf)?\\.(o|c)|-e[lb]\\.elf)$`);

/** A program's file name without the suffixes that say which build of it a file is: `x.bpf.o`, `x_bpfel.o`, `x-el.elf` and `x.c` are all `x`. */
export function programStem(path: string): string {
  return join(dirname(path), basename(path).replace(BUILD_SUFFIX, ""));
}

export interface Scope {
  /** The BPF modules the file loads; empty when nothing it says names a program in the tree. */
  modules: Set<BpfModule>;
  /** What said so, for --explain. */
  refs: ProgramRef[];
}

/**
 * The modules of a check by file, by program stem and by the stem's last
 * part, as refs name them: each userspace file's scope is then a lookup per
 * ref, where a search of every module for each file made a tree of a
 * thousand programs and loaders quadratic.
 */
class ProgramFiles {
  private readonly byFile = new Map<string, BpfModule[]>();
  private readonly byStem = new Map<string, BpfModule[]>();
  private readonly byName = new Map<string, BpfModule[]>();
  private readonly order = new Map<BpfModule, number>();

  constructor(bpf: readonly BpfModule[]) {
    bpf.forEach((m, i) => {
      this.order.set(m, i);
      const stem = programStem(m.file);
      add(this.byFile, m.file, m);
      add(this.byStem, stem, m);
      add(this.byName, basename(stem), m);
    });
  }

  /** The modules any of `refs` names, in the check's order. */
  named(refs: readonly ProgramRef[]): Set<BpfModule> {
    const found = new Set<BpfModule>();
    for (const r of refs) {
      const list = r.exact ? this.byFile.get(r.path) : r.anyDir ? this.byName.get(basename(programStem(r.path))) : this.byStem.get(programStem(r.path));
      for (const m of list ?? []) found.add(m);
    }
    return found.size < 2 ? found : new Set([...found].sort((a, b) => this.order.get(a)! - this.order.get(b)!));
  }
}

function add(map: Map<string, BpfModule[]>, key: string, m: BpfModule): void {
  const list = map.get(key);
  if (list) list.push(m);
  else map.set(key, [m]);
}

/** The package a module belongs to: Go compiles a directory as one; other languages a file. */
export function packageOf(u: UserspaceModule): string {
  return u.language === "go" ? `go:${dirname(u.file)}` : `${u.language}:${u.file}`;
}

/**
 * The scope of each userspace module: the C it carries, else what its own
 * refs name, else what its package's refs name. A generated file's own
 * object (`exact`) scopes only that file's types.
 */
export function scopes(bpf: readonly BpfModule[], user: readonly UserspaceModule[]): Map<UserspaceModule, Scope> {
  const byPackage = new Map<string, ProgramRef[]>();
  for (const u of user) {
    const list = byPackage.get(packageOf(u)) ?? [];
    list.push(...(u.loads ?? []).filter((r) => !r.exact));
    byPackage.set(packageOf(u), list);
  }
  const matching = new ProgramFiles(bpf);
  const out = new Map<UserspaceModule, Scope>();
  for (const u of user) {
    if (u.embeddedBpf?.length) {
      out.set(u, { modules: new Set(u.embeddedBpf), refs: [] });
      continue;
    }
    const own = (u.loads ?? []).filter((r) => r.exact);
    const pick = (refs: ProgramRef[]): Scope => ({ modules: matching.named(refs), refs });
    let s = pick(own);
    if (s.modules.size === 0) s = pick(byPackage.get(packageOf(u)) ?? []);
    out.set(u, s);
  }
  return out;
}
