import { InputError } from "./errors.js";
import type { Target } from "./targets.js";
import type { AggregateType, Type, TypeId } from "./types.js";
import { VOID } from "./types.js";

/**
 * A set of types addressed by id. BTF graphs decode nodes on first use
 * (vmlinux has 130,000 types and most runs need a few hundred); source
 * readers hand over a finished list.
 */
export interface TypeGraph {
  /** The machine these types are laid out for: pointer and `long` widths. */
  readonly target: Target;
  /** Ids run from 0 (void) to count - 1. */
  readonly count: number;
  /** The file the types came from, for messages. */
  readonly file: string;
  type(id: TypeId): Type;
  /** Ids of the named types (struct, union, enum, typedef, int, fwd, ...) called `name`. */
  find(name: string): readonly TypeId[];
}

/** Builds the name index of a graph in one pass; graphs call it on first `find`. */
export function indexNames(graph: Pick<TypeGraph, "count" | "type">): Map<string, TypeId[]> {
  const index = new Map<string, TypeId[]>();
  for (let id = 1; id < graph.count; id++) {
    const t = graph.type(id);
    const name = "name" in t ? t.name : "";
    if (!name) continue;
    const ids = index.get(name);
    if (ids) ids.push(id);
    else index.set(name, [id]);
  }
  return index;
}

/** A graph over a finished array of nodes; index 0 must be void. */
export class ListGraph implements TypeGraph {
  readonly count: number;
  constructor(
    readonly target: Target,
    readonly file: string,
    private readonly types: readonly Type[],
  ) {
    if (types[0]?.kind !== "void") throw new Error("ListGraph: id 0 must be void");
    this.count = types.length;
  }

  private names?: Map<string, TypeId[]>;

  type(id: TypeId): Type {
    const t = this.types[id];
    if (t === undefined) throw new InputError(this.file, `type id ${id} out of range (have ${this.count})`);
    return t;
  }

  find(name: string): readonly TypeId[] {
    this.names ??= indexNames(this);
    return this.names.get(name) ?? [];
  }
}

/** A list builder for readers of source: push nodes, get ids back. */
export class GraphBuilder {
  readonly types: Type[] = [VOID];
  add(t: Type): TypeId {
    this.types.push(t);
    return this.types.length - 1;
  }
  /** Reserve an id to fill later, so self-referencing types can point at themselves. */
  reserve(): TypeId {
    return this.add(VOID);
  }
  set(id: TypeId, t: Type): void {
    this.types[id] = t;
  }
  build(target: Target, file: string): ListGraph {
    return new ListGraph(target, file, this.types);
  }
}

// Chains of typedefs and qualifiers longer than this are cycles in corrupt
// input; real code never nests a fraction as deep.
export const MAX_CHAIN = 64;

/** Follows typedefs and qualifiers to the type that decides the layout. */
export function resolve(graph: TypeGraph, id: TypeId): TypeId {
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    const t = graph.type(id);
    switch (t.kind) {
      case "typedef":
      case "const":
      case "volatile":
      case "restrict":
      case "type_tag":
        id = t.target;
        continue;
      default:
        return id;
    }
  }
  throw new InputError(graph.file, `type id ${id}: typedef or qualifier chain deeper than ${MAX_CHAIN} (a cycle?)`);
}

/** Bytes of storage of a type; 0 for void, functions and forward declarations. */
export function sizeOf(graph: TypeGraph, id: TypeId): number {
  let count = 1;
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    const t = graph.type(resolve(graph, id));
    switch (t.kind) {
      case "int":
      case "float":
      case "enum":
      case "struct":
      case "union":
      case "datasec":
        return count * t.size;
      case "ptr":
        return count * graph.target.scalars.pointer.size;
      case "array":
        count *= t.count;
        id = t.elem;
        continue;
      default:
        return 0;
    }
  }
  throw new InputError(graph.file, `type id ${id}: array nesting deeper than ${MAX_CHAIN}`);
}

export function isAggregate(t: Type): t is AggregateType {
  return t.kind === "struct" || t.kind === "union";
}
