import type { Node } from "web-tree-sitter";
import { dotted, enclosingScope, field } from "./syntax.js";

// What a name like `b` in `b["counts"]`, or `dist` in `dist.clear()`, is
// bound to at the place it is used. Each `BPF(...)` call is its own program,
// and two of them in one file (two functions, two tests) may define tables
// of the same name, so a name is resolved as Python would at the use: the
// bindings in the same function before the use (both branches of an `if`),
// else the module's, else, for `self.x`, the class's. A name bound only in
// other functions, to values that differ, is ambiguous and binds nothing.

export class ScopedNames<T> {
  private readonly byName = new Map<string, { at: Node; value: T }[]>();

  constructor(private readonly key: (v: T) => string) {}

  add(name: string, at: Node, value: T): void {
    const list = this.byName.get(name) ?? [];
    list.push({ at, value });
    this.byName.set(name, list);
  }

  /** The distinct values `obj` may have at its place; undefined when it is never bound. */
  at(obj: Node): T[] | undefined {
    const name = dotted(obj);
    const all = name === undefined ? undefined : this.byName.get(name);
    if (!all) return undefined;
    const here = enclosingScope(obj);
    const same = all.filter((b) => enclosingScope(b.at).id === here.id);
    if (same.length) {
      const before = same.filter((b) => b.at.startIndex < obj.startIndex);
      return this.distinct(before.length ? before : same);
    }
    const module = all.filter((b) => enclosingScope(b.at).type === "module");
    if (module.length) return this.distinct(module);
    const cls = classOf(obj);
    const inClass = name!.startsWith("self.") && cls ? all.filter((b) => classOf(b.at)?.id === cls.id) : [];
    if (inClass.length) return this.distinct(inClass);
    const elsewhere = this.distinct(all);
    return elsewhere.length === 1 ? elsewhere : [];
  }

  private distinct(bindings: readonly { value: T }[]): T[] {
    const out = new Map<string, T>();
    for (const b of bindings) out.set(this.key(b.value), b.value);
    return [...out.values()];
  }
}

/** The class whose body holds `n`. */
export function classOf(n: Node): Node | undefined {
  for (let p = n.parent; p; p = p.parent) if (p.type === "class_definition") return p;
  return undefined;
}

/** The name a call's value is bound to: `b = BPF(...)`, `self.bpf = BPF(...)`, `with BPF(...) as b`. */
export function boundName(call: Node): string | undefined {
  const parent = call.parent;
  if (parent?.type === "assignment") {
    const left = field(parent, "left");
    return left ? dotted(left) : undefined;
  }
  if (parent?.type === "as_pattern") {
    const alias = field(parent, "alias");
    const target = alias?.namedChild(0);
    return alias ? dotted(alias) ?? (target ? dotted(target) : undefined) : undefined;
  }
  return undefined;
}
