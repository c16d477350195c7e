import type { LayoutMode, UserspaceModule } from "../../ir/bindings.js";
import type { ListGraph, TypeGraph } from "../../ir/graph.js";
import { buildGoGraph, GO_ARCHES, GoLayoutError, type GoArch, type GoLength, type GoType } from "../../ir/layout/go.js";
import type { Target } from "../../ir/targets.js";
import type { Type } from "../../ir/types.js";
import { withReadTwins } from "./read-twins.js";

// What a Go module's `layout` is made from: the roots whose order fixes the
// type ids, the types that cannot be laid out, the field-by-field decoders'
// structs, and the file. A check reading Go on another thread sends it
// frozen (`frozenSpec`): a syntax tree does not cross threads, so each
// array's length goes as the reader evaluated it for every Go architecture
// (validation lays out every type that is not broken on all of them while
// the tree lives), and nothing is evaluated anew. Thawed, it lays out what
// the live one does.

export interface GoLayoutSpec {
  roots: readonly GoType[];
  broken: ReadonlySet<GoType>;
  extra: readonly Type[];
  file: string;
}

/** A spec whose array lengths are plain data: not one to lay out until thawed. */
export interface FrozenGoLayout {
  frozen: GoLayoutSpec;
}

/** A Go module as plain data, to cross threads: all but its layout, and what that is made from, frozen. */
export interface PortableGoModule {
  module: Omit<UserspaceModule, "layout">;
  spec: FrozenGoLayout;
}

/** The module a portable one stands for, laying out what the reader's own would. */
export function fromPortable(p: PortableGoModule): UserspaceModule {
  return { ...p.module, layout: goLayout(thawedSpec(p.spec)) };
}

/** A module's `layout`: each target and mode laid out once, on first ask. */
export function goLayout(spec: GoLayoutSpec): (target: Target, mode: LayoutMode) => TypeGraph {
  const graphs = new Map<string, ListGraph>();
  return (target, mode) => {
    const key = `${target.name}/${mode}`;
    let g = graphs.get(key);
    if (!g) graphs.set(key, (g = withReadTwins(buildGoGraph(spec.roots, spec.broken, target, mode, spec.file).graph, spec.extra)));
    return g;
  };
}

/** An array length as it crosses: per architecture of GO_ARCHES, the length, or null where it was never evaluated (in a broken type). */
type FrozenLength = (number | null)[];

/** The spec as plain data: the types copied, each array's length as evaluated for every architecture. */
export function frozenSpec(spec: GoLayoutSpec): FrozenGoLayout {
  const copies = new Map<GoType, GoType>();
  const copy = (t: GoType): GoType => {
    let c = copies.get(t);
    if (c) return c;
    switch (t.kind) {
      case "named": {
        const n = { ...t };
        copies.set(t, n);
        n.target = copy(t.target);
        return n;
      }
      case "array": {
        const a = { ...t, len: frozenLength(t.len) as unknown as GoLength };
        copies.set(t, a);
        a.elem = copy(t.elem);
        return a;
      }
      case "struct": {
        const s = { ...t, fields: [] as typeof t.fields };
        copies.set(t, s);
        s.fields = t.fields.map((f) => ({ ...f, type: copy(f.type) }));
        return s;
      }
      case "pointer": {
        const p = { ...t };
        copies.set(t, p);
        p.elem = t.elem && copy(t.elem);
        return p;
      }
      case "slice": {
        const s = { ...t };
        copies.set(t, s);
        s.elem = copy(t.elem);
        return s;
      }
      default:
        c = { ...t };
        copies.set(t, c);
        return c;
    }
  };
  const roots = spec.roots.map(copy);
  return { frozen: { roots, broken: new Set([...spec.broken].map(copy)), extra: spec.extra, file: spec.file } };
}

/** A frozen spec, come across, with its lengths answering again. */
export function thawedSpec({ frozen: spec }: FrozenGoLayout): GoLayoutSpec {
  const seen = new Set<GoType>();
  const visit = (t: GoType): void => {
    if (seen.has(t)) return;
    seen.add(t);
    switch (t.kind) {
      case "named":
        return visit(t.target);
      case "array":
        t.len = thawedLength(t.len as unknown as FrozenLength);
        return visit(t.elem);
      case "struct":
        for (const f of t.fields) visit(f.type);
        return;
      case "pointer":
        if (t.elem) visit(t.elem);
        return;
      case "slice":
        return visit(t.elem);
    }
  };
  for (const t of spec.roots) visit(t);
  for (const t of spec.broken) visit(t);
  return spec;
}

function frozenLength(len: GoLength): FrozenLength {
  return GO_ARCHES.map((arch) => (len.evaluated ? (len.evaluated(arch) ?? null) : len.at(arch)));
}

function thawedLength(frozen: FrozenLength): GoLength {
  return {
    at: (arch: GoArch) => {
      const v = frozen[GO_ARCHES.indexOf(arch)];
      if (typeof v === "number") return v;
      throw new GoLayoutError("array length not evaluated while its file's syntax tree was alive");
    },
  };
}
