import { MAX_CHAIN, type TypeGraph } from "./graph.js";
import type { TypeId } from "./types.js";

// The byte order a member is stored in. C has no syntax for it; the kernel's
// headers spell it in the typedef (`__be32`, `__le16`, sparse's __bitwise
// types), and BTF keeps typedef names, so the chain of typedefs from the
// member to its integer says it. Everything else is in the object's order.

export type ByteOrder = "little" | "big";

const EXPLICIT = /^__(be|le)(16|32|64)$/;

/** `big` for a `__be32` (however typedef'd on top), `little` for `__le16`; undefined when no typedef on the chain names an order. */
export function declaredByteOrder(graph: TypeGraph, id: TypeId): ByteOrder | undefined {
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    const t = graph.type(id);
    if (t.kind === "typedef") {
      const m = EXPLICIT.exec(t.name);
      if (m) return m[1] === "be" ? "big" : "little";
      id = t.target;
    } else if (t.kind === "const" || t.kind === "volatile" || t.kind === "restrict" || t.kind === "type_tag") {
      id = t.target;
    } else {
      return undefined;
    }
  }
  return undefined;
}

/** The order the integer `id` is stored in: the declared one, else the graph's target order. */
export function byteOrderOf(graph: TypeGraph, id: TypeId): ByteOrder {
  return declaredByteOrder(graph, id) ?? graph.target.byteOrder;
}
