// The language-neutral type model. Every reader (BTF, C, Go, Python, TS)
// produces these nodes; every consumer (layout, rules, codegen, snapshots)
// reads only these. References between nodes are numeric ids into a
// TypeGraph, never object pointers, so graphs can be cyclic, serialised and
// compared structurally. Id 0 is always `void`.
//
// The node kinds mirror BTF's (the richest of our inputs); source readers
// use the subset they need. Offsets on aggregate members are always final:
// readers of source run a layout engine (src/ir/layout/) before they build
// these nodes, and BTF carries the compiler's own offsets.

export type TypeId = number;

/** Where a node came from: a source line, or a byte offset in a binary. */
export interface SourceLoc {
  file: string;
  /** 1-based line and column, for text inputs. */
  line?: number;
  column?: number;
  /** Byte offset in `file`, for binary inputs (ELF, raw BTF). */
  offset?: number;
}

export interface VoidType {
  kind: "void";
}

export interface IntType {
  kind: "int";
  name: string;
  /** Bytes of storage. */
  size: number;
  signed: boolean;
  /** BTF_INT_CHAR / BTF_INT_BOOL, or a plain integer. */
  encoding: "char" | "bool" | "none";
  /** Value bits, normally size*8 (BTF INT may declare fewer, or an offset). */
  bits: number;
  bitOffset: number;
  loc?: SourceLoc;
}

export interface FloatType {
  kind: "float";
  name: string;
  size: number;
  loc?: SourceLoc;
}

export interface PointerType {
  kind: "ptr";
  target: TypeId;
  loc?: SourceLoc;
}

export interface ArrayType {
  kind: "array";
  elem: TypeId;
  count: number;
  loc?: SourceLoc;
}

export interface Member {
  /** "" for an anonymous struct/union member or an unnamed bitfield. */
  name: string;
  type: TypeId;
  /** Absolute offset of the member within its parent, in bits. */
  bitOffset: number;
  /** Width of a bitfield in bits; 0 for a plain member. */
  bitSize: number;
  loc?: SourceLoc;
  /** The other side's member this one mirrors, where its declaration names it (Go's `align:"c_member"` tag). */
  mirrors?: string;
}

export interface AggregateType {
  kind: "struct" | "union";
  /** "" when anonymous. */
  name: string;
  size: number;
  members: Member[];
  /**
   * Alignment in bytes when the reader knows it (source with its attributes);
   * absent for BTF, which does not record it: see layout/aggregate.ts.
   */
  align?: number;
  loc?: SourceLoc;
}

export interface EnumValue {
  name: string;
  value: bigint;
}

export interface EnumType {
  kind: "enum";
  name: string;
  size: number;
  signed: boolean;
  values: EnumValue[];
  loc?: SourceLoc;
}

export interface TypedefType {
  kind: "typedef";
  name: string;
  target: TypeId;
  loc?: SourceLoc;
}

/** const, volatile, restrict, and BTF type tags (`__attribute__((btf_type_tag("user")))`). */
export interface QualifierType {
  kind: "const" | "volatile" | "restrict" | "type_tag";
  target: TypeId;
  /** The tag's text, for type_tag only. */
  tag?: string;
  loc?: SourceLoc;
}

export interface Param {
  name: string;
  type: TypeId;
}

export interface FuncProtoType {
  kind: "func_proto";
  ret: TypeId;
  params: Param[];
  variadic: boolean;
  loc?: SourceLoc;
}

/** A forward declaration (`struct foo;`) whose body this graph does not have. */
export interface FwdType {
  kind: "fwd";
  name: string;
  union: boolean;
  loc?: SourceLoc;
}

export type Linkage = "static" | "global" | "extern";

export interface FuncType {
  kind: "func";
  name: string;
  proto: TypeId;
  linkage: Linkage;
  loc?: SourceLoc;
}

export interface VarType {
  kind: "var";
  name: string;
  type: TypeId;
  linkage: Linkage;
  loc?: SourceLoc;
}

export interface DatasecVar {
  /** Id of a `var` (or `func` for .ksyms) node. */
  type: TypeId;
  offset: number;
  size: number;
}

/** A section of global variables (.data, .bss, .rodata, .maps, .kconfig). */
export interface DatasecType {
  kind: "datasec";
  name: string;
  size: number;
  vars: DatasecVar[];
  loc?: SourceLoc;
}

/** `__attribute__((btf_decl_tag("x")))` on a type, or on one of its members or params. */
export interface DeclTagType {
  kind: "decl_tag";
  tag: string;
  target: TypeId;
  /** Member or parameter index, or -1 for the target itself. */
  component: number;
  loc?: SourceLoc;
}

export type Type =
  | VoidType
  | IntType
  | FloatType
  | PointerType
  | ArrayType
  | AggregateType
  | EnumType
  | TypedefType
  | QualifierType
  | FuncProtoType
  | FwdType
  | FuncType
  | VarType
  | DatasecType
  | DeclTagType;

export type TypeKind = Type["kind"];

export const VOID: VoidType = { kind: "void" };

/** Where a node came from, for any kind (void has no place). */
export function locOf(t: Type): SourceLoc | undefined {
  return t.kind === "void" ? undefined : t.loc;
}
