import { GraphBuilder, resolve as resolveId, type TypeGraph } from "../../ir/graph.js";
import { alignOf } from "../../ir/layout/aggregate.js";
import { layoutEnum, layoutRecord, type CFieldSpec } from "../../ir/layout/c.js";
import { mapTypeValue } from "../../ir/map-types.js";
import type { Target } from "../../ir/targets.js";
import type { EnumValue, Member, SourceLoc, Type, TypeId } from "../../ir/types.js";
import { binaryInt, cint, parseCharLiteral, parseIntLiteral, unaryInt, type CInt } from "./arith.js";
import { BCC_MARK } from "./bcc.js";
import { builtinTypedef } from "./builtin-types.js";
import { COMPLEX_MARK, type Preprocessed, type SourceProblem } from "./preprocess.js";
import { LineIndex } from "./line-index.js";
import type { Attr, Declarator, Derived, Expr, Item, Pos, Spec, TypeName } from "./syntax.js";

// Gives declarations their meaning in source order, as a C compiler does:
// names to types, constant expressions to numbers, records to layouts (by
// src/ir/layout/c.ts for the target), and global variables to the facts the
// map readers need. A type whose layout the source cannot give becomes an
// `unresolved` fact and a forward declaration in the graph, never a guess.

export interface Unresolved {
  /** `struct task_struct`, `pid_t`. */
  name: string;
  why: string;
  loc: SourceLoc;
}

/** A global variable: what map declarations are made of. */
export interface GlobalVar {
  name: string;
  type: TypeId;
  section?: string;
  init?: Expr;
  loc: SourceLoc;
}

export interface Resolved {
  builder: GraphBuilder;
  unresolved: Unresolved[];
  problems: SourceProblem[];
  vars: GlobalVar[];
  /** Key and leaf type ids and max/flags values of each BCC macro use, by its index. */
  bcc: Map<number, { key?: TypeId; leaf?: TypeId; max?: bigint; flags?: bigint }>;
  eval(e: Expr): bigint | undefined;
}

/** Size and alignment of a complete type; absent for incomplete ones (void, forward, function). */
interface Shape {
  size: number;
  align: number;
}

class Incomplete extends Error {}

const NO_ATTRS: readonly Attr[] = [];
const INT_MIN = -(1n << 31n);
const INT_MAX = (1n << 31n) - 1n;
const ONE = cint(1n);

/** A member's attributes after its declaration's; most members have none, and share no copy. */
function joinAttrs(outer: readonly Attr[], own: readonly Attr[]): readonly Attr[] {
  if (!own.length) return outer;
  if (!outer.length) return own;
  return [...outer, ...own];
}

/**
 * Declarations whose positions count from `base` in the preprocessed text:
 * a header's declarations, parsed once for a run, give the same items to
 * every program, wherever the header sits in each.
 */
export interface ItemRun {
  base: number;
  items: Iterable<Item>;
}

export function resolveItems(items: Iterable<Item>, pre: Preprocessed, target: Target, btf: TypeGraph | undefined): Resolved {
  return resolveRuns([{ base: 0, items }], pre, target, btf);
}

export function resolveRuns(runs: Iterable<ItemRun>, pre: Preprocessed, target: Target, btf: TypeGraph | undefined): Resolved {
  return new Resolver(pre, target, btf).run(runs);
}

class Resolver {
  private readonly b = new GraphBuilder();
  private readonly shapes: (Shape | undefined)[] = [undefined];
  private readonly typedefs = new Map<string, TypeId>();
  private readonly tags = new Map<string, TypeId>();
  private readonly consts = new Map<string, CInt>();
  private readonly prims = new Map<string, TypeId>();
  private readonly ptrs = new Map<TypeId, TypeId>();
  private readonly arrays = new Map<string, TypeId>();
  private readonly fromBtf = new Map<TypeId, TypeId>();
  private readonly unresolved: Unresolved[] = [];
  private readonly unresolvedIds = new Map<TypeId, string>();
  private readonly problems: SourceProblem[] = [];
  private readonly vars: GlobalVar[] = [];
  private readonly bcc = new Map<number, { key?: TypeId; leaf?: TypeId; max?: bigint; flags?: bigint }>();
  private packStack: number[] = [];
  private pack = 0;

  constructor(
    private readonly pre: Preprocessed,
    private readonly target: Target,
    private readonly btf: TypeGraph | undefined,
  ) {}

  /** Added to every position of the items being read. */
  private base = 0;

  run(runs: Iterable<ItemRun>): Resolved {
    for (const run of runs) {
      this.base = run.base;
      for (const item of run.items) {
        try {
          this.item(item);
        } catch (e) {
          if (!(e instanceof Incomplete)) throw e;
          this.problems.push({ ...this.where(item), message: e.message });
        }
      }
    }
    // What is evaluated after the walk (map definitions) has true offsets.
    this.base = 0;
    return {
      builder: this.b,
      unresolved: this.unresolved,
      problems: this.problems,
      vars: this.vars,
      bcc: this.bcc,
      eval: (e) => this.eval(e)?.v,
    };
  }

  private lines?: LineIndex;

  loc(p: Pos): SourceLoc {
    this.lines ??= new LineIndex(this.pre);
    const { line: lo, column } = this.lines.find(p.at + this.base);
    const fi = this.pre.lineFile[lo];
    if (fi === undefined) return { file: this.pre.fileNames[0] ?? "", line: lo + 1, column };
    return { file: this.pre.fileNames[fi]!, line: this.pre.lineNo[lo]!, column };
  }

  /** The type a bare name in an expression stands for: a typedef, or a global variable's type. */
  private namedType(name: string): TypeId | undefined {
    const typedef = this.typedefs.get(name);
    if (typedef !== undefined) return typedef;
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!.type;
    return undefined;
  }

  private where(p: Pos): { file: string; line: number; column?: number } {
    const l = this.loc(p);
    return { file: l.file, line: l.line ?? 0, ...(l.column !== undefined ? { column: l.column } : {}) };
  }

  private add(t: Type, shape: Shape | undefined): TypeId {
    const id = this.b.add(t);
    this.shapes[id] = shape;
    return id;
  }

  private item(item: Item): void {
    switch (item.k) {
      case "pack":
        this.pragmaPack(item.arg);
        return;
      case "error":
        this.problems.push({ ...this.where(item), message: item.text.startsWith("missing ") ? item.text : `cannot parse: ${item.text.replace(/\s+/g, " ")}`, syntax: true });
        return;
      case "decl":
        break;
    }
    const spec = !item.declarators.length && item.spec.k === "record" && item.attrs.length ? { ...item.spec, attrs: [...item.spec.attrs, ...item.attrs] } : item.spec;
    // A function's declaration lays nothing out. Its return type is not
    // looked up: `typeof(name(0))` of libbpf's BPF_PROG reads as a type named
    // after the function, and a name the source lacks would load the kernel's BTF.
    if (!item.typedef && item.declarators.length && item.declarators.every(isFunction) && (spec.k === "name" || spec.k === "typeof")) return;
    const base = this.specType(spec);
    for (const d of item.declarators) {
      if (d.name === "") continue;
      if (item.typedef) this.typedef(d, base, [...item.attrs, ...d.attrs], d);
      else this.variable(d, base, item, item.spec);
    }
  }

  private pragmaPack(arg: string): void {
    const m = /^pack\s*\(\s*(.*?)\s*\)\s*$/.exec(arg);
    if (!m) return;
    const parts = m[1]!.split(",").map((s) => s.trim()).filter((s) => s !== "");
    const num = parts.find((p) => /^\d+$/.test(p));
    if (parts[0] === "push") {
      this.packStack.push(this.pack);
      if (num !== undefined) this.pack = Number(num);
    } else if (parts[0] === "pop") this.pack = this.packStack.pop() ?? 0;
    else this.pack = num !== undefined ? Number(num) : 0;
  }

  private typedef(d: Declarator, base: TypeId, attrs: Attr[], pos: Pos): void {
    if (d.name.startsWith(BCC_MARK)) {
      const m = /^(key|leaf)_(\d+)$/.exec(d.name.slice(BCC_MARK.length));
      if (m) {
        const entry = this.bcc.get(Number(m[2])) ?? {};
        try {
          entry[m[1] as "key" | "leaf"] = this.derive(base, d.derived);
        } catch (e) {
          if (!(e instanceof Incomplete)) throw e;
        }
        this.bcc.set(Number(m[2]), entry);
      }
      return;
    }
    const target = this.derive(this.retype(base, attrs), d.derived);
    const shape = this.shapes[target];
    const align = this.alignAttr(attrs);
    const id = this.add({ kind: "typedef", name: d.name, target, loc: this.loc(pos) }, shape && { size: shape.size, align: align || shape.align });
    const why = this.unresolvedIds.get(target);
    if (why !== undefined) this.unresolvedIds.set(id, why);
    this.typedefs.set(d.name, id);
  }

  private variable(d: Declarator, base: TypeId, item: Extract<Item, { k: "decl" }>, spec: Spec): void {
    if (isFunction(d)) return;
    let type: TypeId;
    try {
      type = this.derive(base, d.derived);
    } catch (e) {
      if (!(e instanceof Incomplete)) throw e;
      return;
    }
    // A section written after a record's brace lands on the record; it is the variable's.
    const attrs = [...item.attrs, ...d.attrs, ...(spec.k === "record" ? spec.attrs : [])];
    const sec = attrs.find((a) => a.name === "section")?.args[0];
    const section = sec?.k === "str" ? stringValue(sec.text) : undefined;
    this.vars.push({ name: d.name, type, ...(section !== undefined ? { section } : {}), ...(d.init ? { init: d.init } : {}), loc: this.loc(d) });
  }

  /** The type a specifier names, defining any struct, union or enum it carries. */
  private specType(spec: Spec): TypeId {
    switch (spec.k) {
      case "prim":
        return this.prim(spec.words);
      case "name":
        return this.named(spec.name, spec.pos);
      case "typeof": {
        // `typeof(fp)` of a variable: the grammar cannot tell a variable's name from a type's.
        const t = spec.type;
        const variable = t.spec.k === "name" && !t.derived.length && !this.typedefs.has(t.spec.name) ? this.namedType(t.spec.name) : undefined;
        return variable ?? this.typeName(t);
      }
      case "record":
        return spec.fields ? this.defineRecord(spec) : this.tagRef(spec.tag, spec.name, spec);
      case "enum":
        return spec.values ? this.defineEnum(spec) : this.tagRef("enum", spec.name, spec);
      case "none":
        throw new Incomplete("declaration without a type");
    }
  }

  typeName(t: TypeName): TypeId {
    return this.derive(this.specType(t.spec), t.derived);
  }

  private derive(base: TypeId, derived: Derived[]): TypeId {
    let t = base;
    for (const d of derived) {
      if (d.k === "ptr") t = this.ptr(t);
      else if (d.k === "array") t = this.array(t, d.len);
      else t = this.func(t, d.params, d.variadic);
    }
    return t;
  }

  private ptr(to: TypeId): TypeId {
    let id = this.ptrs.get(to);
    if (id === undefined) {
      const p = this.target.scalars.pointer;
      id = this.add({ kind: "ptr", target: to }, { size: p.size, align: p.align });
      this.ptrs.set(to, id);
    }
    return id;
  }

  private array(elem: TypeId, len: Expr | undefined): TypeId {
    let count = 0;
    if (len) {
      const v = this.eval(len)?.v;
      if (v === undefined || v < 0n || v > 0xffffffffn) throw new Incomplete(`array length ${exprText(len)} is not a constant this reader can evaluate`);
      count = Number(v);
    }
    const key = `${elem}:${count}:${len ? "" : "flex"}`;
    let id = this.arrays.get(key);
    if (id === undefined) {
      const s = this.shapes[elem];
      id = this.add({ kind: "array", elem, count }, s && { size: s.size * count, align: s.align });
      this.arrays.set(key, id);
      const why = this.unresolvedIds.get(elem);
      if (why !== undefined) this.unresolvedIds.set(id, why);
    }
    return id;
  }

  private func(ret: TypeId, params: { name: string; type: TypeName }[], variadic: boolean): TypeId {
    const ps: { name: string; type: TypeId }[] = [];
    for (const p of params) {
      let t: TypeId;
      try {
        t = this.typeName(p.type);
      } catch (e) {
        if (!(e instanceof Incomplete)) throw e;
        t = 0;
      }
      if (t === 0 && p.type.derived.length === 0 && params.length === 1) break;
      ps.push({ name: p.name, type: t });
    }
    return this.add({ kind: "func_proto", ret, params: ps, variadic }, undefined);
  }

  private prim(words: string[]): TypeId {
    const key = words.join(" ");
    const known = this.prims.get(key);
    if (known !== undefined) return known;
    const id = this.makePrim(words);
    this.prims.set(key, id);
    return id;
  }

  private makePrim(words: string[]): TypeId {
    const s = this.target.scalars;
    const longs = words.filter((w) => w === "long").length;
    const unsigned = words.includes("unsigned");
    const signed = words.includes("signed");
    const base = words.find((w) => w !== "long" && w !== "unsigned" && w !== "signed" && w !== "int" && w !== "short") ?? (words.includes("short") ? "short" : "int");
    const int = (name: string, info: { size: number; align: number } | undefined, isSigned: boolean, encoding: "char" | "bool" | "none" = "none"): TypeId => {
      if (!info) throw new Incomplete(`${words.join(" ")} does not exist on ${this.target.name}`);
      return this.add({ kind: "int", name, size: info.size, signed: isSigned, encoding, bits: info.size * 8, bitOffset: 0 }, info);
    };
    switch (base) {
      case "void":
        return 0;
      case "_Bool":
      case "bool":
        return int("_Bool", s.bool, false, "bool");
      case "char":
        if (unsigned) return int("unsigned char", s.char, false, "char");
        if (signed) return int("signed char", s.char, true, "char");
        return int("char", s.char, this.target.charSigned, "char");
      case "float":
        return this.add({ kind: "float", name: "float", size: s.float.size }, s.float);
      case "_Float16":
        if (!s.float16) throw new Incomplete(`_Float16 does not exist on ${this.target.name}`);
        return this.add({ kind: "float", name: "_Float16", size: s.float16.size }, s.float16);
      case "__fp16":
        return this.add({ kind: "float", name: "__fp16", size: s.half.size }, s.half);
      case "double":
        if (longs) return this.add({ kind: "float", name: "long double", size: s.longdouble.size }, s.longdouble);
        return this.add({ kind: "float", name: "double", size: s.double.size }, s.double);
      case "__int128":
        return int(unsigned ? "unsigned __int128" : "__int128", s.int128, !unsigned);
      case "short":
        return int(unsigned ? "short unsigned int" : "short int", s.short, !unsigned);
      default:
        if (longs >= 2) return int(unsigned ? "long long unsigned int" : "long long int", s.longlong, !unsigned);
        if (longs === 1) return int(unsigned ? "long unsigned int" : "long int", s.long, !unsigned);
        return int(unsigned ? "unsigned int" : "int", s.int, !unsigned);
    }
  }

  /** A typedef name: the source's, else the built-in fixed-width set, else BTF's. */
  private named(name: string, pos: Pos): TypeId {
    const id = this.typedefs.get(name);
    if (id !== undefined) return id;
    const fromBtf = this.btfNamed(name, ["typedef"]);
    if (fromBtf !== undefined) {
      this.typedefs.set(name, fromBtf);
      return fromBtf;
    }
    if (name.startsWith(COMPLEX_MARK)) {
      const words = name.slice(COMPLEX_MARK.length).split("_");
      const elem = this.prim(words);
      const e = this.shapes[elem]!;
      const pair = this.add({ kind: "array", elem, count: 2 }, { size: e.size * 2, align: e.align });
      const cid = this.add({ kind: "typedef", name: `${words.join(" ")} _Complex`, target: pair }, { size: e.size * 2, align: e.align });
      this.typedefs.set(name, cid);
      return cid;
    }
    if (name === "__builtin_va_list") {
      // Opaque here: only its size and alignment matter to a record holding one.
      const va = this.target.vaList;
      const vid = this.add({ kind: "struct", name, size: va.size, align: va.align, members: [] }, va);
      this.typedefs.set(name, vid);
      return vid;
    }
    const builtin = builtinTypedef(name, this.target.scalars.long.size === 8);
    if (builtin) {
      const target = "alias" in builtin ? (builtin.alias === "unsigned" ? this.prim(["unsigned"]) : this.named(builtin.alias, pos)) : this.prim(builtin.words);
      const shape = this.shapes[target];
      const bid = this.add({ kind: "typedef", name, target }, shape);
      this.typedefs.set(name, bid);
      return bid;
    }
    const fwd = this.add({ kind: "fwd", name, union: false, loc: this.loc(pos) }, undefined);
    this.markUnresolved(fwd, name, `${name} is not declared in the source${this.btf ? " nor in the BTF given" : ""}`, pos);
    this.typedefs.set(name, fwd);
    return fwd;
  }

  private markUnresolved(id: TypeId, name: string, why: string, pos: Pos): void {
    this.unresolvedIds.set(id, why);
    this.unresolved.push({ name, why, loc: this.loc(pos) });
  }

  private tagRef(tag: "struct" | "union" | "enum", name: string, pos: Pos): TypeId {
    const key = `${tag} ${name}`;
    const known = this.tags.get(key);
    if (known !== undefined) return known;
    const id = tag === "enum" ? this.add({ kind: "fwd", name, union: false, loc: this.loc(pos) }, undefined) : this.add({ kind: "fwd", name, union: tag === "union", loc: this.loc(pos) }, undefined);
    this.tags.set(key, id);
    return id;
  }

  private defineRecord(spec: Extract<Spec, { k: "record" }>): TypeId {
    const key = `${spec.tag} ${spec.name}`;
    let id: TypeId | undefined;
    if (spec.name) {
      id = this.tags.get(key);
      if (id !== undefined && this.b.types[id]!.kind !== "fwd") {
        this.problems.push({ ...this.where(spec), message: `${key} is defined twice; the first definition stands` });
        return id;
      }
    }
    id ??= this.b.reserve();
    this.shapes[id] = undefined;
    if (spec.name) this.tags.set(key, id);
    const loc = this.loc(spec);
    const pack = this.pack;
    const members: Member[] = [];
    const fields: CFieldSpec[] = [];
    const memberOf: (Member | undefined)[] = [];
    let missing: string | undefined;
    const n = spec.fields!.length;
    spec.fields!.forEach((f, fi) => {
      const declarators: (Declarator | undefined)[] = f.declarators.length ? f.declarators : [undefined];
      let base: TypeId;
      try {
        // `struct { ... } __attribute__((aligned(4)));` with no member name: the attributes are the record's.
        const anon = !f.declarators.length && f.spec.k === "record" && f.attrs.length;
        base = this.specType(anon && f.spec.k === "record" ? { ...f.spec, attrs: [...f.spec.attrs, ...f.attrs] } : f.spec);
      } catch (e) {
        if (!(e instanceof Incomplete)) throw e;
        missing ??= `member at line ${this.loc(f).line}: ${e.message}`;
        return;
      }
      // `struct tag { ... };` inside a struct only declares the tag; an untagged one is an anonymous member.
      if (!f.declarators.length && !(f.spec.k === "record" && !f.spec.name)) return;
      for (const d of declarators) {
        // An anonymous member's attributes went to its record type above.
        const attrs = d ? joinAttrs(f.attrs, d.attrs) : NO_ATTRS;
        let type: TypeId;
        try {
          type = d ? this.derive(this.retype(base, attrs), d.derived) : base;
        } catch (e) {
          if (!(e instanceof Incomplete)) throw e;
          missing ??= `member ${d?.name ?? ""}: ${e.message}`;
          continue;
        }
        const flexible = d?.derived.length ? d.derived[d.derived.length - 1]!.k === "array" && !(d.derived[d.derived.length - 1] as { len?: Expr }).len : false;
        const shapeId = flexible ? (this.b.types[type] as { elem: TypeId }).elem : type;
        const shape = this.shapeOf(shapeId, 0);
        const name = d?.name ?? "";
        if (!shape) {
          missing ??= this.unresolvedIds.get(shapeId) ?? `member ${name || "(anonymous)"} has incomplete type ${this.incompleteName(shapeId)}`;
          continue;
        }
        if (flexible && fi !== n - 1 && spec.tag === "struct") missing ??= `flexible array member ${name} is not last`;
        let bitWidth: number | undefined;
        if (d?.bits) {
          const w = this.eval(d.bits)?.v;
          if (w === undefined || w < 0n || w > BigInt(shape.size * 8)) {
            missing ??= `bitfield ${name || "(unnamed)"}: width ${exprText(d.bits)} is not a constant from 0 to ${shape.size * 8}`;
            continue;
          }
          bitWidth = Number(w);
        }
        const field: CFieldSpec = {
          size: shape.size,
          align: shape.align,
          named: name !== "",
          packed: attrs.length > 0 && attrs.some((a) => a.name === "packed"),
          alignAttr: attrs.length ? this.alignAttr(attrs) : 0,
          flexible,
        };
        if (bitWidth !== undefined) field.bitWidth = bitWidth;
        fields.push(field);
        const keep = bitWidth === undefined || name !== "";
        const m: Member | undefined = keep ? { name, type, bitOffset: 0, bitSize: bitWidth ?? 0, loc: this.loc(d ?? f) } : undefined;
        memberOf.push(m);
        if (m) members.push(m);
      }
    });
    if (missing !== undefined) {
      const name = spec.name ? key : `anonymous ${spec.tag}`;
      this.b.set(id, { kind: "fwd", name: spec.name, union: spec.tag === "union", loc });
      this.markUnresolved(id, name, missing, spec);
      return id;
    }
    const layout = layoutRecord(
      { kind: spec.tag, packed: spec.attrs.some((a) => a.name === "packed"), alignAttr: this.alignAttr(spec.attrs), pack, fields },
      this.target,
    );
    layout.bitOffsets.forEach((off, i) => {
      const m = memberOf[i];
      if (m) m.bitOffset = off;
    });
    this.b.set(id, { kind: spec.tag, name: spec.name, size: layout.size, align: layout.align, members, loc });
    this.shapes[id] = { size: layout.size, align: layout.align };
    return id;
  }

  private defineEnum(spec: Extract<Spec, { k: "enum" }>): TypeId {
    const values: EnumValue[] = [];
    let next = cint(0n);
    let marker = false;
    for (const e of spec.values!) {
      let v = next;
      if (e.value) {
        const got = this.eval(e.value);
        if (got === undefined) {
          this.problems.push({ ...this.where(e), message: `enumerator ${e.name}: ${exprText(e.value)} is not a constant this reader can evaluate` });
        } else v = got;
      }
      // An enumerator that fits in int has type int, as the compiler gives it.
      const asInt = v.v >= INT_MIN && v.v <= INT_MAX ? (v.bits === 32 && !v.unsigned ? v : cint(v.v)) : v;
      this.consts.set(e.name, asInt);
      if (e.name.startsWith(BCC_MARK)) {
        marker = true;
        const m = /^(max|flags)_(\d+)$/.exec(e.name.slice(BCC_MARK.length));
        if (m) {
          const entry = this.bcc.get(Number(m[2])) ?? {};
          if (e.value && this.eval(e.value) !== undefined) entry[m[1] as "max" | "flags"] = v.v;
          this.bcc.set(Number(m[2]), entry);
        }
      }
      values.push({ name: e.name, value: v.v });
      next = binaryInt("+", asInt.bits > 32 ? v : asInt, ONE) ?? cint(0n);
    }
    if (marker) return 0;
    const fixed = spec.underlying && this.fixedType(spec.underlying);
    const { size, signed } =
      fixed ??
      layoutEnum(
        values.map((v) => v.value),
        spec.attrs.some((a) => a.name === "packed"),
        this.target,
      );
    const align = fixed?.align ?? [this.target.scalars.char, this.target.scalars.short, this.target.scalars.int, this.target.scalars.long, this.target.scalars.longlong].find((s) => s.size === size)!.align;
    const t: Type = { kind: "enum", name: spec.name, size, signed, values, loc: this.loc(spec) };
    const key = `enum ${spec.name}`;
    const prior = spec.name ? this.tags.get(key) : undefined;
    if (prior !== undefined && this.b.types[prior]!.kind === "fwd") {
      this.b.set(prior, t);
      this.shapes[prior] = { size, align };
      return prior;
    }
    const id = this.add(t, { size, align });
    if (spec.name) this.tags.set(key, id);
    return id;
  }

  /** `enum e : T`: the enum is T's size, alignment and signedness. */
  private fixedType(underlying: Spec): { size: number; align: number; signed: boolean } {
    const id = this.specType(underlying);
    const shape = this.shapeOf(id, 0);
    const int = this.intOf(id);
    if (!shape || !int) throw new Incomplete(`the fixed type of an enum is not an integer type`);
    return { size: shape.size, align: shape.align, signed: int.signed };
  }

  /** The integer (or enum) a type is, through typedefs and qualifiers. */
  private intOf(id: TypeId): { signed: boolean } | undefined {
    let t = this.b.types[id]!;
    for (let depth = 0; depth < 64 && (t.kind === "typedef" || t.kind === "const" || t.kind === "volatile"); depth++) t = this.b.types[t.target]!;
    return t.kind === "int" || t.kind === "enum" ? { signed: t.signed } : undefined;
  }

  /** `mode(QI)`, `vector_size(N)` and `_Atomic` make a declaration's base type another. */
  private retype(base: TypeId, attrs: readonly Attr[]): TypeId {
    if (!attrs.length) return base;
    let t = base;
    for (const a of attrs) if (a.name === "mode") t = this.mode(t, a);
    for (const a of attrs) if (a.name === "vector_size") t = this.vector(t, a);
    if (attrs.some((a) => a.name === "_Atomic")) t = this.atomic(t);
    return t;
  }

  /** `__attribute__((mode(QI)))`: an integer of the mode's width, signed as the type it replaces. */
  private mode(base: TypeId, a: Attr): TypeId {
    const arg = a.args[0];
    const mode = arg?.k === "id" ? arg.name.replace(/^__(.*)__$/, "$1") : "";
    const s = this.target.scalars;
    const size = ({ QI: 1, HI: 2, SI: 4, DI: 8, TI: 16, byte: 1, word: s.long.size, pointer: s.pointer.size } as Record<string, number>)[mode];
    const int = this.intOf(base);
    if (size === undefined || !int) throw new Incomplete(`mode(${arg ? exprText(arg) : ""}) on a type this reader does not widen`);
    const words = { 1: ["char"], 2: ["short"], 4: ["int"], 8: ["long", "long"], 16: ["__int128"] }[size as 1 | 2 | 4 | 8 | 16];
    return this.prim([int.signed ? "signed" : "unsigned", ...words]);
  }

  /** `__attribute__((vector_size(N)))`: N bytes of the type, aligned to N up to the target's cap. */
  private vector(elem: TypeId, a: Attr): TypeId {
    const n = a.args[0] && this.eval(a.args[0])?.v;
    const e = this.shapeOf(elem, 0);
    if (n === undefined || !e || n <= 0n || Number(n) % e.size !== 0) throw new Incomplete(`vector_size(${a.args[0] ? exprText(a.args[0]) : ""}) is not a multiple of its element's size`);
    const size = Number(n);
    const cap = this.target.maxVectorAlign;
    return this.add({ kind: "array", elem, count: size / e.size }, { size, align: cap ? Math.min(size, cap) : size });
  }

  /**
   * `_Atomic T`: as clang lays it out, a T no wider than the target's atomic
   * promotion width grows to a power of two and is aligned to that size.
   */
  private atomic(t: TypeId): TypeId {
    const s = this.shapeOf(t, 0);
    if (!s || s.size > this.target.atomicPromote) return t;
    let size = 1;
    while (size < s.size) size *= 2;
    // An empty record still takes a byte: an atomic operation needs storage.
    const align = s.size === 0 ? s.align : size;
    if (size === s.size && s.align === align) return t;
    const inner = this.b.types[t]!;
    const name = "name" in inner && inner.name ? (inner.kind === "struct" || inner.kind === "union" || inner.kind === "enum" ? `${inner.kind} ${inner.name}` : inner.name) : inner.kind;
    return this.add({ kind: "typedef", name: `_Atomic(${name})`, target: t }, { size, align });
  }

  /**
   * Size and alignment of a type, completing a forward-declared record from
   * the BTF given when the source never defines it.
   */
  private shapeOf(id: TypeId, depth: number): Shape | undefined {
    const known = this.shapes[id];
    if (known || depth > 64) return known;
    const t = this.b.types[id]!;
    let shape: Shape | undefined;
    if (t.kind === "array") {
      const s = this.shapeOf(t.elem, depth + 1);
      shape = s && { size: s.size * t.count, align: s.align };
    } else if (t.kind === "typedef") shape = this.shapeOf(t.target, depth + 1);
    else if (t.kind === "fwd" && t.name && !this.unresolvedIds.has(id)) {
      const tag = this.tags.get(`${t.union ? "union" : "struct"} ${t.name}`) === id ? (t.union ? "union" : "struct") : "enum";
      const bid = this.btf?.find(t.name).find((b) => this.btf!.type(b).kind === tag);
      if (bid !== undefined) {
        const imported = this.importBtf(bid, 0);
        this.b.set(id, this.b.types[imported]!);
        this.fromBtf.set(bid, id);
        shape = this.shapes[imported];
      }
    }
    this.shapes[id] = shape;
    return shape;
  }

  private incompleteName(id: TypeId): string {
    const t = this.b.types[id]!;
    if (t.kind === "fwd") return `${t.union ? "union" : "struct"} ${t.name}${this.btf ? " (not in the source nor in the BTF given)" : " (declared, never defined; --btf can resolve kernel types)"}`;
    return t.kind;
  }

  private alignAttr(attrs: readonly Attr[]): number {
    let a = 0;
    for (const attr of attrs) {
      if (attr.name !== "aligned") continue;
      const arg = attr.args[0];
      // `_Alignas(__u64)`: the parser cannot tell a typedef name from a constant's.
      const v = arg ? (this.eval(arg)?.v ?? (arg.k === "id" ? this.eval({ k: "alignof", type: { spec: { k: "name", name: arg.name, pos: { at: 0 } }, derived: [] } })?.v : undefined)) : BigInt(this.target.maxAlign);
      if (v !== undefined && v > 0n) a = Math.max(a, Number(v));
    }
    return a;
  }

  /** A type of the BTF given, copied into this graph (pointed-to records as forward declarations). */
  private btfNamed(name: string, kinds: string[]): TypeId | undefined {
    const btf = this.btf;
    if (!btf) return undefined;
    for (const bid of btf.find(name)) {
      if (kinds.includes(btf.type(bid).kind)) return this.importBtf(bid, 0);
    }
    return undefined;
  }

  private importBtf(bid: TypeId, depth: number): TypeId {
    const btf = this.btf!;
    const known = this.fromBtf.get(bid);
    if (known !== undefined) return known;
    if (depth > 64) throw new Incomplete(`BTF type ${bid} nests deeper than 64`);
    const t = btf.type(bid);
    const loc: SourceLoc = { file: btf.file, offset: bid };
    switch (t.kind) {
      case "void":
        return 0;
      case "int":
        return this.cache(bid, { ...t, loc }, { size: t.size, align: alignOf(btf, bid) });
      case "float":
      case "enum":
        return this.cache(bid, { ...t, loc }, { size: t.size, align: alignOf(btf, bid) });
      case "ptr": {
        const to = resolveId(btf, t.target);
        const tt = btf.type(to);
        const target = (tt.kind === "struct" || tt.kind === "union") && tt.name ? this.importFwd(to, tt.name, tt.kind === "union") : this.importBtf(t.target, depth + 1);
        return this.cache(bid, { kind: "ptr", target }, { size: this.target.scalars.pointer.size, align: this.target.scalars.pointer.align });
      }
      case "array": {
        const elem = this.importBtf(t.elem, depth + 1);
        const s = this.shapes[elem];
        return this.cache(bid, { kind: "array", elem, count: t.count }, s && { size: s.size * t.count, align: s.align });
      }
      case "typedef":
      case "const":
      case "volatile":
      case "restrict":
      case "type_tag": {
        const target = this.importBtf(t.target, depth + 1);
        if (t.kind !== "typedef") return target;
        return this.cache(bid, { kind: "typedef", name: t.name, target, loc }, this.shapes[target]);
      }
      case "struct":
      case "union": {
        const id = this.b.reserve();
        this.fromBtf.set(bid, id);
        const members = t.members.map((m) => ({ ...m, type: this.importBtf(m.type, depth + 1) }));
        const align = alignOf(btf, bid);
        this.b.set(id, { kind: t.kind, name: t.name, size: t.size, align, members, loc });
        this.shapes[id] = { size: t.size, align };
        if (t.name) this.tags.set(`${t.kind} ${t.name}`, id);
        return id;
      }
      case "func_proto": {
        const ret = this.importBtf(t.ret, depth + 1);
        const params = t.params.map((p) => ({ name: p.name, type: this.importBtf(p.type, depth + 1) }));
        return this.cache(bid, { kind: "func_proto", ret, params, variadic: t.variadic }, undefined);
      }
      case "fwd":
        return this.cache(bid, { kind: "fwd", name: t.name, union: t.union, loc }, undefined);
      default:
        throw new Incomplete(`BTF type ${bid} is a ${t.kind}, not a type a member can have`);
    }
  }

  private importFwd(bid: TypeId, name: string, union: boolean): TypeId {
    const known = this.fromBtf.get(bid) ?? this.tags.get(`${union ? "union" : "struct"} ${name}`);
    if (known !== undefined) return known;
    const id = this.add({ kind: "fwd", name, union }, undefined);
    this.tags.set(`${union ? "union" : "struct"} ${name}`, id);
    return id;
  }

  private cache(bid: TypeId, t: Type, shape: Shape | undefined): TypeId {
    const id = this.add(t, shape);
    this.fromBtf.set(bid, id);
    return id;
  }

  /** A C integer constant expression, or undefined when it is not one this reader knows. */
  eval(e: Expr): CInt | undefined {
    const longBits = this.target.scalars.long.size * 8;
    switch (e.k) {
      case "num":
        return parseIntLiteral(e.text, longBits);
      case "char":
        return parseCharLiteral(e.text);
      case "id": {
        const v = this.consts.get(e.name);
        if (v !== undefined) return v;
        if (e.name === "true") return cint(1n);
        if (e.name === "false") return cint(0n);
        if (e.name.startsWith("BPF_MAP_TYPE_")) {
          const t = mapTypeValue(e.name);
          return t === undefined ? undefined : cint(BigInt(t));
        }
        return undefined;
      }
      case "unary": {
        const a = this.eval(e.a);
        return a === undefined ? undefined : unaryInt(e.op, a);
      }
      case "binary": {
        const a = this.eval(e.a);
        if (a === undefined) return undefined;
        if (e.op === "&&" && a.v === 0n) return cint(0n);
        if (e.op === "||" && a.v !== 0n) return cint(1n);
        const b = this.eval(e.b);
        return b === undefined ? undefined : binaryInt(e.op, a, b);
      }
      case "cond": {
        const c = this.eval(e.c);
        return c === undefined ? undefined : this.eval(c.v !== 0n ? e.a : e.b);
      }
      case "sizeof":
      case "alignof": {
        // `sizeof(__u32)` parses as an expression: the parser cannot know a typedef name from a variable's.
        const bare = e.k === "sizeof" && e.a?.k === "id" ? e.a.name : undefined;
        const id = e.type ? this.tryType(e.type) : bare !== undefined ? this.namedType(bare) : undefined;
        const s = id === undefined ? undefined : this.shapeOf(id, 0);
        return s ? cint(BigInt(e.k === "sizeof" ? s.size : s.align), true, longBits) : undefined;
      }
      case "cast": {
        const v = this.eval(e.a);
        const id = this.tryType(e.type);
        if (v === undefined || id === undefined) return undefined;
        return this.castTo(v, id);
      }
      case "offsetof": {
        const id = this.tryType(e.type);
        const off = id === undefined ? undefined : this.offsetOf(id, e.member);
        return off === undefined ? undefined : cint(off, true, longBits);
      }
      default:
        return undefined;
    }
  }

  private tryType(t: TypeName | undefined): TypeId | undefined {
    if (!t) return undefined;
    try {
      return this.typeName(t);
    } catch (err) {
      if (err instanceof Incomplete) return undefined;
      throw err;
    }
  }

  private castTo(v: CInt, id: TypeId): CInt {
    let t = this.b.types[id]!;
    for (let i = 0; i < 64 && t.kind === "typedef"; i++) t = this.b.types[t.target]!;
    if (t.kind === "ptr") return cint(v.v, true, this.target.scalars.pointer.size * 8);
    if (t.kind !== "int" && t.kind !== "enum") return v;
    return cint(v.v, !t.signed, t.size * 8);
  }

  private offsetOf(id: TypeId, path: string): bigint | undefined {
    let bits = 0;
    let cur = id;
    for (const part of path.split(".")) {
      let t = this.b.types[cur]!;
      for (let i = 0; i < 64 && t.kind === "typedef"; i++) t = this.b.types[t.target]!;
      if (t.kind !== "struct" && t.kind !== "union") return undefined;
      const m = findMember(this.b.types, t.members, part);
      if (!m) return undefined;
      bits += m.bitOffset;
      cur = m.type;
    }
    return BigInt(Math.floor(bits / 8));
  }
}

/** A member by name, looking into anonymous members, with its offset made absolute. */
function findMember(types: readonly Type[], members: readonly Member[], name: string): Member | undefined {
  for (const m of members) {
    if (m.name === name) return m;
    if (m.name === "") {
      const t = types[m.type];
      if (t && (t.kind === "struct" || t.kind === "union")) {
        const inner = findMember(types, t.members, name);
        if (inner) return { ...inner, bitOffset: inner.bitOffset + m.bitOffset };
      }
    }
  }
  return undefined;
}

function stringValue(text: string): string {
  let out = "";
  for (const m of text.matchAll(/"((?:\\.|[^"\\])*)"/g)) out += m[1]!.replace(/\\(.)/g, "$1");
  return out;
}

export function exprText(e: Expr): string {
  switch (e.k) {
    case "num":
    case "char":
    case "str":
    case "other":
      return e.text;
    case "id":
      return e.name;
    case "unary":
      return `${e.op}${exprText(e.a)}`;
    case "binary":
      return `${exprText(e.a)} ${e.op} ${exprText(e.b)}`;
    case "cond":
      return `${exprText(e.c)} ? ${exprText(e.a)} : ${exprText(e.b)}`;
    case "sizeof":
      return e.a ? `sizeof ${exprText(e.a)}` : "sizeof(...)";
    case "alignof":
      return "_Alignof(...)";
    case "cast":
      return `(...)${exprText(e.a)}`;
    case "offsetof":
      return `offsetof(..., ${e.member})`;
    case "init":
      return "{...}";
  }
}

/**
 * Whether a declarator declares a function: its last derivation is what the
 * name itself is (`int (*fp)(void)` is a pointer, to a function; `int *f(void)`
 * a function, returning a pointer).
 */
function isFunction(d: Declarator): boolean {
  return d.derived[d.derived.length - 1]?.k === "func";
}
