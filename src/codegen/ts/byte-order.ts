import { MAX_CHAIN, type TypeGraph } from "../../ir/graph.js";
import type { TypeId } from "../../ir/types.js";

// The byte order a member is stored in. C has no syntax for it; the kernel's
// headers spell it in the typedef (`__be32`, `__le16`, sparse's __bitwise
// types), and BTF keeps typedef names, so the chain of typedefs from the
// member to its integer says it. Everything else is in the object's order.

const EXPLICIT = /^__(be|le)(16|32|64)$/;

export type ByteOrder = "little" | "big";

/** The order of the integer `id` names: `__be*`/`__le*` anywhere in its typedef chain, else the graph's target order. */
export function byteOrderOf(graph: TypeGraph, id: TypeId): ByteOrder {
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    const t = graph.type(id);
    if (t.kind === "typedef") {
      const m = EXPLICIT.exec(t.name);
      if (m) return m[1] === "be" ? "big" : "little";
      id = t.target;
    } else if (t.kind === "const" || t.kind === "volatile" || t.kind === "restrict" || t.kind === "type_tag") {
      id = t.target;
    } else {
      break;
    }
  }
  return graph.target.byteOrder;
}
