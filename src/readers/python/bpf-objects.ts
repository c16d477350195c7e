import type { Node } from "web-tree-sitter";
import { dotted, enclosingScope, field } from "./syntax.js";

// Which BCC program an expression like `b` in `b["counts"]` is: each
// `BPF(...)` call is its own program, and two of them in one file (two
// functions, two tests) may define tables of the same name. A name is
// resolved as Python would at the use: the bindings in the same function
// before the use (both branches of an `if`), else the module's, else, for
// `self.x`, the class's. A name bound only in other functions, to programs
// that differ, is ambiguous: it names no program.

/** One `x = BPF(...)`: the name bound, where, and the program's label. */
export interface BpfBinding {
  name: string;
  at: Node;
  /** The program's label; null when its text or file is only known at run time. */
  program: string | null;
}

export class BpfObjects {
  private readonly byName = new Map<string, BpfBinding[]>();

  constructor(bindings: readonly BpfBinding[]) {
    for (const b of bindings) {
      const list = this.byName.get(b.name) ?? [];
      list.push(b);
      this.byName.set(b.name, list);
    }
  }

  /**
   * The programs `obj` may be at its place, by label: none when it is
   * ambiguous or computed at run time, undefined when `obj` is no BPF object.
   */
  programsOf(obj: Node): string[] | undefined {
    const name = dotted(obj);
    const all = name === undefined ? undefined : this.byName.get(name);
    if (!all) return undefined;
    const here = enclosingScope(obj);
    const same = all.filter((b) => enclosingScope(b.at).id === here.id);
    if (same.length) {
      const before = same.filter((b) => b.at.startIndex < obj.startIndex);
      return known(before.length ? before : same);
    }
    const module = all.filter((b) => enclosingScope(b.at).type === "module");
    if (module.length) return known(module);
    const cls = classOf(obj);
    const inClass = name!.startsWith("self.") && cls ? all.filter((b) => classOf(b.at)?.id === cls.id) : [];
    if (inClass.length) return known(inClass);
    const elsewhere = known(all);
    return elsewhere.length === 1 ? elsewhere : [];
  }
}

/** The distinct programs of these bindings that are known before run time. */
function known(bindings: readonly BpfBinding[]): string[] {
  return [...new Set(bindings.flatMap((b) => (b.program === null ? [] : [b.program])))];
}

function classOf(n: Node): Node | undefined {
  for (let p = n.parent; p; p = p.parent) if (p.type === "class_definition") return p;
  return undefined;
}

/** The name a `BPF(...)` call is assigned to (`b`, `self.bpf`), if it is. */
export function boundName(call: Node): string | undefined {
  const parent = call.parent;
  if (parent?.type !== "assignment") return undefined;
  const left = field(parent, "left");
  return left ? dotted(left) : undefined;
}
