import { InputError } from "../../ir/errors.js";
import { isAggregate, resolve, type TypeGraph } from "../../ir/graph.js";
import type { TypeId } from "../../ir/types.js";
import { generateModule, type GenOptions, type GeneratedModule } from "./emit.js";

export { generateModule, GENERATED_MARKER, type GenOptions, type GeneratedModule } from "./emit.js";
export { layoutHash } from "../../ir/layout-hash.js";

/**
 * The struct, union or typedef of one called `name` (`probe_event`,
 * `struct probe_event`, `event_t`), with the C spelling the module names it by.
 */
export function findAggregate(graph: TypeGraph, name: string): { id: TypeId; cName: string } | undefined {
  const m = /^(struct|union)\s+(\S+)$/.exec(name.trim());
  const tag = m?.[1];
  const bare = m ? m[2]! : name.trim();
  let typedef: { id: TypeId; cName: string } | undefined;
  for (const id of graph.find(bare)) {
    const t = graph.type(id);
    if (isAggregate(t) && (!tag || t.kind === tag)) return { id, cName: `${t.kind} ${bare}` };
    if (!tag && t.kind === "typedef" && !typedef && isAggregate(graph.type(resolve(graph, id)))) typedef = { id, cName: bare };
  }
  return typedef;
}

/** One module per requested type, in the order asked. */
export function generateTs(graph: TypeGraph, names: readonly string[], opts: GenOptions): GeneratedModule[] {
  return names.map((name) => {
    const found = findAggregate(graph, name);
    if (!found) throw new InputError(graph.file, `no struct, union or typedef of one named "${name}"`);
    return generateModule(graph, found.id, found.cName, opts);
  });
}
