import { InputError } from "../ir/errors.js";
import { ListGraph, type TypeGraph } from "../ir/graph.js";
import { TARGETS } from "../ir/targets.js";
import { VOID, type AggregateType, type Member, type Type, type TypeId } from "../ir/types.js";
import { typeLabel, type Lock, type LockAggregate, type LockMember, type LockScalar, type LockType } from "./lock.js";

// A lock read back as a type graph, so `gen ts` can generate from the ABI a
// repository promised without the object at hand. The lock keeps every
// member's C spelling and the typedefs and base types those spellings name;
// this parses each spelling back into nodes. Pointers point at void: their
// targets never reach a decoder.

/** The types of `lock` as a graph over the target it was built for. */
export function lockGraph(lock: Lock, file: string): TypeGraph {
  if (!lock.scalars) throw new InputError(file, "this lock has no scalars (it predates them): run `abidrift snapshot` again to generate from it");
  return new LockGraphBuilder(lock, file).graph();
}

const QUALIFIER = /^(?:const|volatile|restrict)\s+|\s*\b(?:const|volatile|restrict)$/;

class LockGraphBuilder {
  private readonly nodes: Type[] = [VOID];
  private readonly ids = new Map<string, TypeId>();
  private readonly types = new Map<string, LockType>();
  private readonly scalars = new Map<string, LockScalar>();
  private readonly building = new Set<string>();

  constructor(
    private readonly lock: Lock,
    private readonly file: string,
  ) {
    for (const t of lock.types) this.types.set(typeLabel(t), t);
    for (const s of lock.scalars ?? []) this.scalars.set(s.name, s);
  }

  graph(): TypeGraph {
    for (const t of this.lock.types) this.named(typeLabel(t));
    return new ListGraph(TARGETS[this.lock.target ?? "bpfel"], this.file, this.nodes);
  }

  private add(t: Type): TypeId {
    this.nodes.push(t);
    return this.nodes.length - 1;
  }

  /** The node of a type spelled as cTypeName spells it. */
  private spelled(spelling: string, where: string): TypeId {
    const s = spelling.trim();
    const qualified = QUALIFIER.exec(s);
    if (qualified) return this.spelled(s.replace(QUALIFIER, ""), where);
    // Function pointers and pointers to arrays: `int (*)(int)`, `int (*)[2]`.
    if (/\(\*\)/.test(s)) return this.add({ kind: "ptr", target: 0 });
    const dims = /^(.*?)\s*((?:\[\d+\])+)$/.exec(s);
    if (dims) {
      const counts = [...dims[2]!.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
      let id = this.spelled(dims[1]!, where);
      for (const count of counts.reverse()) id = this.add({ kind: "array", elem: id, count });
      return id;
    }
    if (s.endsWith("*")) return this.add({ kind: "ptr", target: 0 });
    return this.named(s, where);
  }

  /** A named type: a struct, union or enum of the lock, or a scalar. */
  private named(name: string, where = name): TypeId {
    const known = this.ids.get(name);
    if (known !== undefined) return known;
    if (this.building.has(name)) throw new InputError(this.file, `${where}: ${name} contains itself`);
    this.building.add(name);
    const id = this.build(name, where);
    this.building.delete(name);
    this.ids.set(name, id);
    return id;
  }

  private build(name: string, where: string): TypeId {
    const t = this.types.get(name);
    if (t) {
      if (t.kind === "enum") {
        const id = this.add({ kind: "enum", name: t.typedef ? "" : t.name, size: t.size, signed: t.signed, values: t.values.map((v) => ({ name: v.name, value: BigInt(v.value) })) });
        return t.typedef ? this.add({ kind: "typedef", name: t.name, target: id }) : id;
      }
      const id = this.aggregate(t, t.typedef ? "" : t.name);
      return t.typedef ? this.add({ kind: "typedef", name: t.name, target: id }) : id;
    }
    const s = this.scalars.get(name);
    if (!s) throw new InputError(this.file, `${where}: the lock does not say what ${name} is`);
    if (s.kind === "int") return this.add({ kind: "int", name, size: s.size, signed: s.signed, encoding: s.encoding, bits: s.bits ?? s.size * 8, bitOffset: s.bitOffset ?? 0 });
    if (s.kind === "float") return this.add({ kind: "float", name, size: s.size });
    return this.add({ kind: "typedef", name, target: this.spelled(s.type, `typedef ${name}`) });
  }

  /**
   * A struct or union with its anonymous members closed again around the
   * member ranges the lock records, so the graph nests as the compiler's did.
   */
  private aggregate(t: LockAggregate, name: string): TypeId {
    const label = typeLabel(t);
    const id = this.add({ kind: t.kind, name, size: t.size, members: [] });
    // Ranges are listed outermost first, so the first unused one starting at
    // a member is the outermost still open there.
    const anonymous = t.anonymous ?? [];
    const used = new Set<number>();
    const level = (to: number, i: number, base: number, prefix: string): Member[] => {
      const out: Member[] = [];
      while (i < to) {
        const k = anonymous.findIndex((a, j) => !used.has(j) && a.from === i && a.to <= to);
        if (k >= 0) {
          used.add(k);
          const open = anonymous[k]!;
          if (open.to < open.from) throw new InputError(this.file, `${label}: anonymous member ${open.name || k} ends before it starts`);
          const inner: AggregateType = { kind: open.kind, name: "", size: open.size, members: [] };
          const innerId = this.add(inner);
          inner.members = level(open.to, open.from, open.bitOffset, open.name ? `${prefix}${open.name}.` : prefix);
          out.push({ name: open.name, type: innerId, bitOffset: open.bitOffset - base, bitSize: 0 });
          i = open.to;
          continue;
        }
        out.push(this.member(t.members[i]!, prefix, base, label));
        i++;
      }
      return out;
    };
    (this.nodes[id] as AggregateType).members = level(t.members.length, 0, 0, "");
    return id;
  }

  private member(m: LockMember, prefix: string, base: number, label: string): Member {
    if (!m.name.startsWith(prefix)) throw new InputError(this.file, `${label}: member ${m.name} is outside the anonymous member ${prefix.slice(0, -1)} it is listed in`);
    const name = m.name.slice(prefix.length);
    return { name: /^\(anonymous \d+\)$/.test(name) ? "" : name, type: this.spelled(m.type, `${label}.${m.name}`), bitOffset: m.bitOffset - base, bitSize: m.bitSize };
  }
}
