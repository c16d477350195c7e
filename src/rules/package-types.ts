import { dirname } from "node:path";
import type { BpfModule, TwinType, UserspaceModule } from "../ir/bindings.js";
import { resolve, type TypeGraph } from "../ir/graph.js";
import type { TypeId } from "../ir/types.js";
import type { RuleContext } from "./rule.js";

// Go reads one file at a time, but a package is a directory: a loader passes
// `bpfDnsKey` to Lookup while bpf2go declares it in bpf_bpfel.go beside it.
// The reader leaves such a name as a forward declaration; here it is found
// among the twins of the other files of the same directory.

export interface TypeInModule {
  user: UserspaceModule;
  graph: TypeGraph;
  typeId: TypeId;
  twin?: TwinType;
}

/**
 * Where `id` of `user`'s `graph` is laid out: in place, or in the sibling
 * file that declares it, preferring the file paired with `bpf` (bpf2go writes
 * one per byte order). Undefined when no file of the package declares it.
 */
export function typeInPackage(ctx: RuleContext, user: UserspaceModule, graph: TypeGraph, id: TypeId, bpf: BpfModule, mode: Parameters<RuleContext["layout"]>[2]): TypeInModule | undefined {
  const t = graph.type(resolve(graph, id));
  if (t.kind !== "fwd") return { user, graph, typeId: id, ...twinOf(user, id) };
  if (user.language !== "go" || !t.name) return undefined;
  const dir = dirname(user.file);
  const found = ctx.user.flatMap((u) => (u !== user && u.language === "go" && dirname(u.file) === dir ? u.twins.filter((w) => w.name === t.name).map((twin) => ({ u, twin })) : []));
  const best = found.find(({ u, twin }) => ctx.pairing.types.some((p) => p.user === u && p.twin === twin && p.c.module === bpf)) ?? (found.length === 1 ? found[0] : undefined);
  if (!best) return undefined;
  return { user: best.u, graph: ctx.layout(best.u, ctx.baseTarget, mode), typeId: best.twin.typeId, twin: best.twin };
}

function twinOf(user: UserspaceModule, id: TypeId): { twin?: TwinType } {
  const twin = user.twins.find((t) => t.typeId === id);
  return twin ? { twin } : {};
}
