import { createHash } from "node:crypto";
import { InputError } from "./errors.js";
import { MAX_CHAIN, resolve, type TypeGraph } from "./graph.js";
import type { TypeId } from "./types.js";
import { byteOrderOf } from "./byte-order.js";

// A stable fingerprint of everything a generated decoder depends on: member
// names, offsets, widths, signedness, byte order, element counts, enum
// values. Typedef names drop out (renaming `u32` to `__u32` changes no byte)
// except where they carry a byte order. Type ids and file names drop out too,
// so the same C compiled twice, or read from source and from BTF, hashes the
// same. `gen ts` writes it into the module header; `check` recomputes it
// from the C to tell a stale module.

/** `sha256:` and the first 16 hex digits of the hash of the canonical layout of `id`. */
export function layoutHash(graph: TypeGraph, id: TypeId): string {
  const text = canonical(graph, id, 0);
  return `sha256:${createHash("sha256").update(text).digest("hex").slice(0, 16)}`;
}

function canonical(graph: TypeGraph, id: TypeId, depth: number): string {
  if (depth > MAX_CHAIN) throw new InputError(graph.file, `type id ${id}: types nested deeper than ${MAX_CHAIN} (a cycle?)`);
  const order = byteOrderOf(graph, id) === "big" ? "be" : "le";
  const t = graph.type(resolve(graph, id));
  switch (t.kind) {
    case "int":
      // Readers disagree on BTF's char flag; what the decoder shows (text or
      // number) follows plain `char` by name, and bool by its encoding.
      return `i${t.size}${t.signed ? "s" : "u"}${t.encoding === "bool" ? "bool" : t.name === "char" ? "char" : ""}${t.bits !== t.size * 8 || t.bitOffset ? `:${t.bitOffset}+${t.bits}` : ""}${order}`;
    case "enum":
      return `e${t.size}${t.signed ? "s" : "u"}${order}{${t.values.map((v) => `${v.name}=${v.value}`).join(",")}}`;
    case "float":
      return `f${t.size}${order}`;
    case "ptr":
      return `p${graph.target.scalars.pointer.size}${order}`;
    case "array":
      return `[${t.count}]${canonical(graph, t.elem, depth + 1)}`;
    case "struct":
    case "union": {
      const members = t.members.map((m) => `${m.name}@${m.bitOffset}${m.bitSize ? `:${m.bitSize}` : ""}=${canonical(graph, m.type, depth + 1)}`);
      return `${t.kind}${t.size}{${members.join(";")}}`;
    }
    default:
      return t.kind;
  }
}
