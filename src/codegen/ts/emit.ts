import { cTagName } from "../../ir/c-names.js";
import { InputError } from "../../ir/errors.js";
import { MAX_CHAIN, isAggregate, resolve, sizeOf, type TypeGraph } from "../../ir/graph.js";
import type { AggregateType, EnumType, TypeId } from "../../ir/types.js";
import { byteOrderOf } from "../../ir/byte-order.js";
import { GENERATED_MARKER } from "../../ir/generated.js";
import { layoutHash } from "../../ir/layout-hash.js";
import { camelCase, constantCase, pascalCase, safeIdentifier, safeProperty } from "./names.js";

// One TypeScript module per C type: interfaces, a SIZE constant, decode,
// forEach and encode. Decoders are straight-line DataView reads at
// constant offsets (arrays of up to UNROLL reads unrolled), returning
// object literals whose shape never changes, so V8 keeps one hidden class
// per type; `check` reads these modules back the way it reads hand-written
// decoders. Offsets and bitfield positions come from the IR as they are:
// BTF carries what the compiler placed, nothing is recomputed.
//
// Speed (bench/decode.mjs, 80-byte event, CPU time): a call costs one
// identity check of the array against the last one seen and one bounds
// check; reading `bytes.buffer` on every call instead cost a quarter of
// the hand-written decoder's speed. The batch form is a callback over
// records decoded in place, a new object each: an array of every record
// ran at a seventh of the speed (the objects outlive the young
// generation), a generator at 0.75 and an iterator object at 0.85 of it,
// and one object filled again per record at 0.73 (its stores cost more
// than a fresh literal).

export interface GenOptions {
  /** Member names in camelCase instead of C's spelling. */
  camelCase?: boolean;
  /** `char[N]` as bytes instead of a string. */
  rawChars?: boolean;
  /** What the types came from, for the header: `probe.bpf.o`. */
  source: string;
  /** The command that regenerates the module, for the header. */
  command?: string;
}

export interface GeneratedModule {
  /** `struct probe_event`. */
  cName: string;
  /** `ProbeEvent`. */
  tsName: string;
  /** `probe_event.ts`. */
  fileName: string;
  layoutHash: string;
  text: string;
}

export { GENERATED_MARKER };

// Arrays of more reads than this (all dimensions together) decode in a
// loop instead of one literal, so the text stays small for any shape.
const UNROLL = 64;

interface Field {
  prop: string;
  type: TypeId;
  /** Bits from the start of the aggregate the field's code is emitted for. */
  bitOffset: number;
  bitSize: number;
  /** Part of a union: decode fills it, encode writes it when given. */
  optional: boolean;
}

/**
 * Encoding writes in three passes. Strings that hold U+FFFD were decoded
 * from bytes that are not UTF-8 (a union member over binary data) and
 * cannot be put back as they were: they go first, every number, bitfield
 * and byte array over them next, and the strings that are text last, each
 * with its NUL. Each pass reaches into nested types, so no member of one
 * level overwrites what a member of another level determines.
 */
type Pass = "values" | "strings";

interface Shape {
  id: TypeId;
  name: string;
  kind: "struct" | "union";
  size: number;
  fields: Field[];
}

// Globals the module uses: a C type named `data_view` must not shadow one.
const GLOBALS = ["DataView", "Uint8Array", "Int8Array", "ArrayBuffer", "ArrayBufferLike", "TextDecoder", "TextEncoder", "RangeError", "BigInt", "Math", "Object", "Array", "String", "Number", "Boolean"];

/** Generates the module for the aggregate (or typedef of one) `id`, named `cName`. */
export function generateModule(graph: TypeGraph, id: TypeId, cName: string, opts: GenOptions): GeneratedModule {
  return new Emitter(graph, opts).module(id, cName);
}

class Emitter {
  private readonly shapes = new Map<TypeId, Shape>();
  private readonly order: Shape[] = [];
  private readonly enums = new Map<TypeId, string>();
  private readonly usedNames = new Set<string>(GLOBALS);
  private readonly helpers = new Set<"cString" | "bytes">();
  private readonly arrayReaders: string[] = [];
  private readonly arrayReaderIds = new Map<string, string>();
  private readonly writers = new Map<string, string[]>();
  private readonly writing = new Set<string>();

  constructor(
    private readonly graph: TypeGraph,
    private readonly opts: GenOptions,
  ) {}

  module(id: TypeId, cName: string): GeneratedModule {
    const g = this.graph;
    const rid = resolve(g, id);
    const root = g.type(rid);
    if (!isAggregate(root)) throw new InputError(g.file, `${cName} is a ${root.kind}, not a struct or union`);
    const bare = cName.replace(/^(struct|union)\s+/, "");
    const rootShape = this.shape(rid, pascalCase(bare));
    const tsName = rootShape.name;
    const size = constantCase(`${bare}_SIZE`);
    const hash = layoutHash(g, id);
    // Readers and writers first: they find the nested types, enums and helpers the rest declares.
    const code: string[] = [];
    for (let i = 0; i < this.order.length; i++) {
      const shape = this.order[i]!;
      code.push(this.readerText(shape), this.writerText(shape, "values"), this.writerText(shape, "strings"));
    }
    code.push(...this.arrayReaders);
    const interfaces = this.order.map((s) => this.interfaceText(s));
    const body: string[] = [];
    for (const [eid, name] of this.enums) body.push(this.enumText(g.type(eid) as EnumType, name));
    body.push(...interfaces);
    body.push(`/** Bytes of one ${cName}. */\nexport const ${size} = ${root.size};\n`);
    // Nested types' sizes too: the TS reader takes a twin's size from them.
    for (const s of this.order.slice(1)) body.push(`export const ${constantCase(`${s.name}_SIZE`)} = ${s.size};\n`);
    body.push(this.entryPoints(rootShape, size, cName), RUNTIME);
    if (this.helpers.has("cString")) body.push(C_STRING);
    if (this.helpers.has("bytes")) body.push(BYTES);
    body.push(...code);
    const meta = { cName, source: this.opts.source, target: g.target.name, layoutHash: hash };
    const header = [
      `// Generated by abidrift from ${cName} in ${this.opts.source} (${g.target.name}, ${g.target.byteOrder}-endian). Do not edit.`,
      ...(this.opts.command ? [`// Regenerate with: ${this.opts.command}`] : []),
      `// ${GENERATED_MARKER} ${JSON.stringify(meta)}`,
      "",
    ].join("\n");
    return { cName, tsName, fileName: `${bare}.ts`, layoutHash: hash, text: `${header}\n${body.join("\n")}` };
  }

  private uniqueName(wanted: string): string {
    let name = wanted;
    for (let n = 2; this.usedNames.has(name); n++) name = `${wanted}${n}`;
    this.usedNames.add(name);
    return name;
  }

  /** The interface for an aggregate, made on first use; `hint` names anonymous ones. */
  private shape(id: TypeId, hint: string): Shape {
    const known = this.shapes.get(id);
    if (known) return known;
    const t = this.graph.type(id) as AggregateType;
    // The root is named as asked (a typedef's name, say); nested types by their own C names.
    const name = this.uniqueName(this.order.length && t.name ? pascalCase(t.name) : hint);
    const shape: Shape = { id, name, kind: t.kind, size: t.size, fields: [] };
    this.shapes.set(id, shape);
    this.order.push(shape);
    const seen = new Map<string, string>();
    this.flatten(t, 0, t.kind === "union", shape, seen, 0);
    return shape;
  }

  /** Members of `t` into `shape`, anonymous struct and union members merged in as C merges them. */
  private flatten(t: AggregateType, base: number, optional: boolean, shape: Shape, seen: Map<string, string>, depth: number): void {
    if (depth > MAX_CHAIN) throw new InputError(this.graph.file, `${cTagName(t)}: anonymous members nested deeper than ${MAX_CHAIN}`);
    for (const m of t.members) {
      if (m.name === "") {
        const inner = this.graph.type(resolve(this.graph, m.type));
        if (m.bitSize === 0 && isAggregate(inner)) this.flatten(inner, base + m.bitOffset, optional || inner.kind === "union", shape, seen, depth + 1);
        continue;
      }
      const prop = safeProperty(this.opts.camelCase ? camelCase(m.name) : m.name);
      const clash = seen.get(prop);
      if (clash !== undefined) {
        throw new InputError(this.graph.file, `${cTagName(t)}: members ${clash} and ${m.name} would both be called ${prop}`);
      }
      seen.set(prop, m.name);
      shape.fields.push({ prop, type: m.type, bitOffset: base + m.bitOffset, bitSize: m.bitSize, optional });
    }
  }

  /**
   * The name an enum is declared by, or undefined when it has no name or a
   * value the decoder could never read (outside the range its size and
   * signedness give).
   */
  private enumName(id: TypeId, t: EnumType): string | undefined {
    if (!t.name) return undefined;
    const bits = BigInt(t.size * 8);
    const [lo, hi] = t.signed ? [-(1n << (bits - 1n)), 1n << (bits - 1n)] : [0n, 1n << bits];
    if (t.values.some((v) => v.value < lo || v.value >= hi)) return undefined;
    let name = this.enums.get(id);
    if (!name) this.enums.set(id, (name = this.uniqueName(pascalCase(t.name))));
    return name;
  }

  /**
   * A TS enum, whose values are numbers; an enum wider than 4 bytes decodes
   * to bigint, which a TS enum cannot hold, so its values are a frozen
   * object of bigints instead.
   */
  private enumText(t: EnumType, name: string): string {
    const seen = new Set<string>();
    const wide = t.size > 4;
    const lines = t.values.map((v) => {
      let member = safeIdentifier(v.name);
      while (seen.has(member)) member += "_";
      seen.add(member);
      return wide ? `  ${member}: ${v.value}n,` : `  ${member} = ${v.value},`;
    });
    if (wide) return `/** enum ${t.name} (${t.size} bytes: values are bigints) */\nexport const ${name} = Object.freeze({\n${lines.join("\n")}\n});\n`;
    return `/** enum ${t.name} */\nexport enum ${name} {\n${lines.join("\n")}\n}\n`;
  }

  // ---- TypeScript types ----

  private tsType(id: TypeId, hint: string, bitfield: boolean): string {
    const g = this.graph;
    const rid = resolve(g, id);
    const t = g.type(rid);
    switch (t.kind) {
      case "int":
        if (t.encoding === "bool" && t.size === 1) return "boolean";
        return t.size > 4 ? "bigint" : "number";
      case "enum": {
        const name = this.enumName(rid, t);
        return t.size > 4 ? "bigint" : (name ?? "number");
      }
      case "float":
        return t.size === 4 || t.size === 8 ? "number" : "Uint8Array";
      case "ptr":
        return g.target.scalars.pointer.size > 4 ? "bigint" : "number";
      case "struct":
      case "union":
        return this.shape(rid, hint).name;
      case "array": {
        if (bitfield) break;
        const elem = this.byteElem(t.elem);
        if (elem === "string") return "string";
        if (elem === "u8") return "Uint8Array";
        if (elem === "s8") return "Int8Array";
        const inner = this.tsType(t.elem, hint, false);
        return /^[A-Za-z0-9_$]+$/.test(inner) ? `${inner}[]` : `(${inner})[]`;
      }
      default:
        break;
    }
    throw new InputError(g.file, `cannot decode a ${cTagName(t)} (type id ${rid}) into TypeScript`);
  }

  /** How an array of this element type is shown: a string, a byte view, or an array. */
  private byteElem(elem: TypeId): "string" | "u8" | "s8" | undefined {
    const t = this.graph.type(resolve(this.graph, elem));
    if (t.kind !== "int" || t.size !== 1 || t.encoding === "bool") return undefined;
    // Plain `char` is text; `signed char`, `unsigned char` and `__u8` are bytes.
    const isChar = t.name === "char";
    if (isChar && !this.opts.rawChars) return "string";
    return t.signed && !isChar ? "s8" : "u8";
  }

  private interfaceText(s: Shape): string {
    const lines = s.fields.map((f) => `  ${f.prop}${f.optional ? "?" : ""}: ${this.tsType(f.type, s.name + pascalCase(f.prop), f.bitSize > 0)};`);
    const t = this.graph.type(s.id) as AggregateType;
    const what = t.name ? `${t.kind} ${t.name}` : `An anonymous ${t.kind}`;
    const doc = s.kind === "union" ? `${what}: decode fills every member from the same bytes; encode writes the members given.` : what;
    return `/** ${doc} */\nexport interface ${s.name} {\n${lines.join("\n")}\n}\n`;
  }

  // ---- decode ----

  private readerText(s: Shape): string {
    const lines = s.fields.map((f) => {
      const hint = s.name + pascalCase(f.prop);
      const value = f.bitSize > 0 ? this.readBitfield(f, s.size) : this.readValue(f.type, at("b", f.bitOffset / 8), hint);
      return `    ${f.prop}: ${value},`;
    });
    // A type with no named member (`struct {}`, only unnamed bitfields) reads nothing.
    if (!lines.length) return `function read${s.name}(_dv: DataView, _b: number): ${s.name} {\n  return {};\n}\n`;
    return `function read${s.name}(dv: DataView, b: number): ${s.name} {\n  return {\n${lines.join("\n")}\n  };\n}\n`;
  }

  private readValue(id: TypeId, p: string, hint: string): string {
    const g = this.graph;
    const rid = resolve(g, id);
    const t = g.type(rid);
    const le = byteOrderOf(g, id) === "little";
    switch (t.kind) {
      case "int":
        this.plainInt(t.bits, t.bitOffset, t.size);
        if (t.encoding === "bool" && t.size === 1) return `dv.getUint8(${p}) !== 0`;
        return intRead(t.size, t.signed, p, le);
      case "enum":
        this.plainInt(t.size * 8, 0, t.size);
        return intRead(t.size, t.signed, p, le);
      case "float":
        if (t.size === 4) return `dv.getFloat32(${p}, ${le})`;
        if (t.size === 8) return `dv.getFloat64(${p}, ${le})`;
        return `new Uint8Array(dv.buffer, ${p}, ${t.size})`;
      case "ptr":
        return intRead(g.target.scalars.pointer.size, false, p, le);
      case "struct":
      case "union":
        return `read${this.shape(rid, hint).name}(dv, ${p})`;
      case "array": {
        const byteElem = this.byteElem(t.elem);
        if (byteElem === "string") {
          this.helpers.add("cString");
          return `cString(dv, ${p}, ${t.count})`;
        }
        if (byteElem === "u8") return `new Uint8Array(dv.buffer, ${p}, ${t.count})`;
        if (byteElem === "s8") return `new Int8Array(dv.buffer, ${p}, ${t.count})`;
        const es = sizeOf(g, t.elem);
        if (t.count * this.reads(t.elem) <= UNROLL) {
          const items = Array.from({ length: t.count }, (_, i) => this.readValue(t.elem, plus(p, i * es), hint));
          return `[${items.join(", ")}]`;
        }
        return `${this.arrayReader(rid, t.elem, t.count, es, hint)}(dv, ${p})`;
      }
      default:
        throw new InputError(g.file, `cannot decode a ${cTagName(t)} (type id ${rid}) into TypeScript`);
    }
  }

  /** How many reads one value of `id` unrolls into: arrays multiply, anything else is one. */
  private reads(id: TypeId): number {
    const t = this.graph.type(resolve(this.graph, id));
    if (t.kind !== "array" || this.byteElem(t.elem)) return 1;
    return t.count * this.reads(t.elem);
  }

  /** A whole integer of a width DataView can read; corrupt BTF can claim any other. */
  private plainInt(bits: number, bitOffset: number, size: number): void {
    if (bits !== size * 8 || bitOffset !== 0 || !INT_SIZES.includes(size)) {
      throw new InputError(this.graph.file, `an integer of ${bits} bits at bit ${bitOffset} of ${size} bytes has no TypeScript decoding`);
    }
  }

  /** A loop for a long array, one function per array type. */
  private arrayReader(id: TypeId, elem: TypeId, count: number, es: number, hint: string): string {
    const known = this.arrayReaderIds.get(`${id}`);
    if (known) return known;
    // An underscore: no interface name has one inside, so no `read${Name}` is this.
    const name = `read_array_${this.arrayReaderIds.size + 1}`;
    this.arrayReaderIds.set(`${id}`, name);
    const type = this.tsType(elem, hint, false);
    this.arrayReaders.push(
      `function ${name}(dv: DataView, b: number): ${/^[A-Za-z0-9_$]+$/.test(type) ? type : `(${type})`}[] {\n` +
        `  const out = new Array<${type}>(${count});\n` +
        `  for (let i = 0; i < ${count}; i++) out[i] = ${this.readValue(elem, `b + i * ${es}`, hint)};\n` +
        `  return out;\n}\n`,
    );
    return name;
  }

  private fieldKind(f: Field): "bool" | "number" | "bigint" {
    const t = this.graph.type(resolve(this.graph, f.type));
    if (t.kind === "int" && t.encoding === "bool" && t.size === 1) return "bool";
    return (t.kind === "int" || t.kind === "enum") && t.size > 4 ? "bigint" : "number";
  }

  private fieldSigned(f: Field): boolean {
    const t = this.graph.type(resolve(this.graph, f.type));
    if (t.kind !== "int" && t.kind !== "enum") {
      throw new InputError(this.graph.file, `bitfield ${f.prop} is a ${t.kind}, not an integer`);
    }
    return t.signed && !(t.kind === "int" && t.encoding === "bool");
  }

  private readBitfield(f: Field, aggSize: number): string {
    const w = bitWindow(f.bitOffset, f.bitSize, aggSize, byteOrderOf(this.graph, f.type) === "little");
    const signed = this.fieldSigned(f);
    const kind = this.fieldKind(f);
    const n = f.bitSize;
    const p = at("b", w.start);
    if (w.kind === "number") {
      const x = intRead(w.width, false, p, w.le);
      let v: string;
      if (signed) v = n === 32 ? `(${x} | 0)` : `((${x} << ${32 - w.shift - n}) >> ${32 - n})`;
      else v = n === 32 ? x : `((${x} >>> ${w.shift}) & ${hex(2 ** n - 1)})`;
      if (kind === "bool") return `${v} !== 0`;
      return kind === "bigint" ? `BigInt(${v})` : v;
    }
    let x: string;
    if (w.kind === "bigint") x = `dv.getBigUint64(${p}, ${w.le})`;
    else {
      this.helpers.add("bytes");
      x = `getBytes(dv, ${p}, ${w.width}, ${w.le})`;
    }
    const v = `BigInt.as${signed ? "Int" : "Uint"}N(${n}, ${w.shift ? `${x} >> ${w.shift}n` : x})`;
    if (kind === "bool") return `${v} !== 0n`;
    return kind === "number" ? `Number(${v})` : v;
  }

  // ---- encode ----

  /**
   * The statements that write one shape's members in `pass`, memoized per
   * shape; an empty list means the shape has nothing to write in that pass
   * and no function is emitted for it.
   */
  private passBody(s: Shape, pass: Pass): string[] {
    const key = `${pass}:${s.id}`;
    const known = this.writers.get(key);
    if (known) return known;
    if (this.writing.has(key)) throw new InputError(this.graph.file, `${s.name} contains itself`);
    this.writing.add(key);
    const lines: string[] = [];
    for (const f of s.fields) {
      const hint = s.name + pascalCase(f.prop);
      const value = `v.${f.prop}`;
      let stmts: string[];
      if (f.bitSize > 0) stmts = pass === "values" ? [this.writeBitfield(f, s.size, value)] : [];
      else stmts = this.writeValue(f.type, at("b", f.bitOffset / 8), value, hint, 0, pass);
      if (!stmts.length) continue;
      if (f.optional) lines.push(`if (${value} !== undefined) {`, ...stmts.map((l) => `  ${l}`), "}");
      else lines.push(...stmts);
    }
    this.writing.delete(key);
    this.writers.set(key, lines);
    return lines;
  }

  private writerText(s: Shape, pass: Pass): string {
    const lines = this.passBody(s, pass);
    if (!lines.length) return "";
    const body = lines.map((l) => `  ${l}`).join("\n");
    if (pass === "values") return `function write${s.name}(dv: DataView, b: number, v: ${s.name}): void {\n${body}\n}\n`;
    return `function put${s.name}Strings(dv: DataView, b: number, v: ${s.name}, lossy: boolean): void {\n${body}\n}\n`;
  }

  private writeValue(id: TypeId, p: string, v: string, hint: string, depth: number, pass: Pass): string[] {
    const g = this.graph;
    const rid = resolve(g, id);
    const t = g.type(rid);
    const le = byteOrderOf(g, id) === "little";
    if (pass === "strings" && t.kind !== "struct" && t.kind !== "union" && t.kind !== "array") return [];
    switch (t.kind) {
      case "int":
        if (t.encoding === "bool" && t.size === 1) return [`dv.setUint8(${p}, ${v} ? 1 : 0);`];
        return [intWrite(t.size, t.signed, p, v, le)];
      case "enum":
        return [intWrite(t.size, t.signed, p, v, le)];
      case "float":
        if (t.size === 4) return [`dv.setFloat32(${p}, ${v}, ${le});`];
        if (t.size === 8) return [`dv.setFloat64(${p}, ${v}, ${le});`];
        return [`new Uint8Array(dv.buffer, ${p}, ${t.size}).set(${v}.subarray(0, ${t.size}));`];
      case "ptr":
        return [intWrite(g.target.scalars.pointer.size, false, p, v, le)];
      case "struct":
      case "union": {
        const shape = this.shape(rid, hint);
        if (!this.passBody(shape, pass).length) return [];
        return [pass === "values" ? `write${shape.name}(dv, ${p}, ${v});` : `put${shape.name}Strings(dv, ${p}, ${v}, lossy);`];
      }
      case "array": {
        const byteElem = this.byteElem(t.elem);
        if (byteElem === "string") {
          if (pass === "values") return [];
          this.helpers.add("cString");
          return [`putCString(dv, ${p}, ${t.count}, ${v}, lossy);`];
        }
        if (byteElem) {
          if (pass === "strings") return [];
          return [`new Int8Array(dv.buffer, ${p}, ${t.count}).set(new Int8Array(${v}.buffer, ${v}.byteOffset, Math.min(${v}.length, ${t.count})));`];
        }
        const i = `i${depth}`;
        const es = sizeOf(g, t.elem);
        const inner = this.writeValue(t.elem, `${p} + ${i} * ${es}`, `${v}[${i}]!`, hint, depth + 1, pass);
        if (!inner.length) return [];
        return [`for (let ${i} = 0; ${i} < Math.min(${v}.length, ${t.count}); ${i}++) {`, ...inner.map((l) => `  ${l}`), "}"];
      }
      default:
        throw new InputError(g.file, `cannot encode a ${cTagName(t)} (type id ${rid}) from TypeScript`);
    }
  }

  /**
   * A bitfield's bits replace what the window held there and keep the rest:
   * a union member written earlier (a string decoded from binary data
   * writes other bytes than it read) may have left ones in them.
   */
  private writeBitfield(f: Field, aggSize: number, v: string): string {
    const w = bitWindow(f.bitOffset, f.bitSize, aggSize, byteOrderOf(this.graph, f.type) === "little");
    const kind = this.fieldKind(f);
    const n = f.bitSize;
    const p = at("b", w.start);
    const keep = (1n << BigInt(w.width * 8)) - 1n - (((1n << BigInt(n)) - 1n) << BigInt(w.shift));
    if (w.kind === "number") {
      const x = kind === "bool" ? `(${v} ? 1 : 0)` : kind === "bigint" ? `Number(BigInt.asUintN(${n}, ${v}))` : v;
      const bits = n === 32 ? x : `((${x} & ${hex(2 ** n - 1)}) << ${w.shift})`;
      const old = intRead(w.width, false, p, w.le);
      return intWrite(w.width, false, p, keep === 0n ? bits : `(${old} & 0x${keep.toString(16)}) | ${bits}`, w.le);
    }
    const x = kind === "bool" ? `(${v} ? 1n : 0n)` : kind === "number" ? `BigInt(${v})` : v;
    const bits = `(BigInt.asUintN(${n}, ${x})${w.shift ? ` << ${w.shift}n` : ""})`;
    const old = (read: string): string => (keep === 0n ? bits : `(${read} & 0x${keep.toString(16)}n) | ${bits}`);
    if (w.kind === "bigint") return `dv.setBigUint64(${p}, ${old(`dv.getBigUint64(${p}, ${w.le})`)}, ${w.le});`;
    this.helpers.add("bytes");
    return `setBytes(dv, ${p}, ${w.width}, ${w.le}, ${old(`getBytes(dv, ${p}, ${w.width}, ${w.le})`)});`;
  }

  // ---- entry points ----

  private entryPoints(root: Shape, size: string, cName: string): string {
    const name = root.name;
    const values = this.passBody(root, "values").length > 0;
    const strings = this.passBody(root, "strings").length > 0;
    const writes = [
      strings && `  put${name}Strings(view, b, value, true);`,
      values && `  write${name}(view, b, value);`,
      strings && `  put${name}Strings(view, b, value, false);`,
    ].filter((l) => l);
    return `/** Decodes one ${cName} at \`offset\`. Byte arrays in the result are views of \`bytes\`, not copies. */
export function decode${name}(bytes: Uint8Array, offset = 0): ${name} {
  if (bytes !== last) bind(bytes);
  if (!(offset >= 0 && offset <= length - ${size})) throw outOfRange(offset, ${size});
  return read${name}(view, base + offset);
}

/**
 * Calls \`fn\` with each of \`count\` back-to-back records (a ring buffer
 * drained at once, a batch map lookup), decoded in place: nothing is
 * copied, and each record is a new object that dies young unless kept.
 */
export function forEach${name}(bytes: Uint8Array, fn: (value: ${name}, index: number) => void, offset = 0, count = Math.floor((bytes.length - offset) / ${size})): void {
  if (bytes !== last) bind(bytes);
  if (!(offset >= 0 && count >= 0 && offset <= length - count * ${size})) throw outOfRange(offset, count * ${size});
  // \`fn\` may decode other bytes and move the module's view: keep this one.
  const dv = view;
  for (let i = 0, b = base + offset; i < count; i++, b += ${size}) fn(read${name}(dv, b), i);
}

/** Writes \`value\` at \`offset\` of \`out\` (a new buffer by default); padding and unused bits are zero. */
export function encode${name}(${writes.length ? "value" : "_value"}: ${name}, out: Uint8Array = new Uint8Array(${size}), offset = 0): Uint8Array {
  if (out !== last) bind(out);
  if (!(offset >= 0 && offset <= length - ${size})) throw outOfRange(offset, ${size});
  out.fill(0, offset, offset + ${size});
${writes.length ? `  const b = base + offset;\n${writes.join("\n")}\n` : ""}  return out;
}
`;
  }
}

interface BitWindow {
  kind: "number" | "bigint" | "bytes";
  /** Byte offset of the load, from the aggregate's start. */
  start: number;
  /** Bytes loaded. */
  width: number;
  /** Right shift that brings the field's lowest bit to bit 0. */
  shift: number;
  le: boolean;
}

/**
 * The load that covers a bitfield: the narrowest 1, 2 or 4 bytes for fields
 * of up to 32 bits, 8 bytes for wider ones, kept inside the aggregate, and
 * a byte-by-byte load only where nothing fits (a packed 64-bit field across
 * nine bytes). Little-endian BTF counts bits from the lowest bit of byte 0,
 * big-endian from the highest, as the compiler placed them.
 */
function bitWindow(bitOffset: number, bits: number, aggSize: number, le: boolean): BitWindow {
  const first = Math.floor(bitOffset / 8);
  const end = Math.ceil((bitOffset + bits) / 8);
  const span = end - first;
  const place = (kind: BitWindow["kind"], width: number): BitWindow | undefined => {
    let start = first;
    if (start + width > aggSize) start = end - width;
    if (start < 0) return undefined;
    const within = bitOffset - start * 8;
    return { kind, start, width, shift: le ? within : width * 8 - within - bits, le };
  };
  const byBytes = (): BitWindow => ({ kind: "bytes", start: first, width: span, shift: le ? bitOffset - first * 8 : span * 8 - (bitOffset - first * 8) - bits, le });
  if (bits <= 32 && span <= 4) return place("number", span === 3 ? 4 : span) ?? byBytes();
  if (span <= 8) return place("bigint", 8) ?? byBytes();
  return byBytes();
}

function at(base: string, offset: number): string {
  return offset === 0 ? base : `${base} + ${offset}`;
}

function plus(p: string, n: number): string {
  if (n === 0) return p;
  const m = /^(.*) \+ (\d+)$/.exec(p);
  return m ? `${m[1]} + ${Number(m[2]) + n}` : `${p} + ${n}`;
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

const INT_SIZES: readonly number[] = [1, 2, 4, 8, 16];

function intRead(size: number, signed: boolean, p: string, le: boolean): string {
  const u = signed ? "Int" : "Uint";
  switch (size) {
    case 1:
      return `dv.get${u}8(${p})`;
    case 2:
    case 4:
      return `dv.get${u}${size * 8}(${p}, ${le})`;
    case 8:
      return `dv.getBig${u}64(${p}, ${le})`;
    case 16: {
      const [lo, hi] = le ? [p, plus(p, 8)] : [plus(p, 8), p];
      const v = `(dv.getBigUint64(${hi}, ${le}) << 64n | dv.getBigUint64(${lo}, ${le}))`;
      return signed ? `BigInt.asIntN(128, ${v})` : v;
    }
  }
  throw new Error(`no ${size}-byte integer read`);
}

function intWrite(size: number, signed: boolean, p: string, v: string, le: boolean): string {
  const u = signed ? "Int" : "Uint";
  switch (size) {
    case 1:
      return `dv.set${u}8(${p}, ${v});`;
    case 2:
    case 4:
      return `dv.set${u}${size * 8}(${p}, ${v}, ${le});`;
    case 8:
      return `dv.setBig${u}64(${p}, ${v}, ${le});`;
    case 16: {
      const [lo, hi] = le ? [p, plus(p, 8)] : [plus(p, 8), p];
      return `dv.setBigUint64(${lo}, BigInt.asUintN(64, ${v}), ${le}); dv.setBigUint64(${hi}, BigInt.asUintN(64, ${v} >> 64n), ${le});`;
    }
  }
  throw new Error(`no ${size}-byte integer write`);
}

// The module's one DataView, over the buffer of the last Uint8Array it was
// given (made again only when the buffer changes), and where that array
// sits in it: a stream of calls on one array costs one identity check and
// one bounds check each. An array's offset and length never change unless
// its buffer is resizable; such arrays are looked at again on every call.
const RUNTIME = `let view: DataView = new DataView(new ArrayBuffer(0));
let last: Uint8Array | undefined;
let base = 0;
let length = 0;

function bind(bytes: Uint8Array): void {
  const buffer: ArrayBufferLike & { resizable?: boolean } = bytes.buffer;
  if (buffer !== view.buffer) view = new DataView(buffer);
  last = buffer.resizable ? undefined : bytes;
  base = bytes.byteOffset;
  length = bytes.length;
}

function outOfRange(offset: number, size: number): RangeError {
  return new RangeError(\`need \${size} bytes at offset \${offset}, have \${length}\`);
}
`;

// C strings: UTF-8 up to the first NUL, BOM kept (it is a character of the
// string, not a mark), invalid bytes as U+FFFD: what TextDecoder gives for
// the same bytes, without its call for the ASCII that most names are.
const C_STRING = `const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
const utf8Out = new TextEncoder();

function cString(dv: DataView, p: number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) {
    const c = dv.getUint8(p + i);
    if (c === 0) return s;
    if (c > 0x7f) {
      let end = i + 1;
      while (end < n && dv.getUint8(p + end) !== 0) end++;
      return s + utf8.decode(new Uint8Array(dv.buffer, p + i, end - i));
    }
    s += String.fromCharCode(c);
  }
  return s;
}

// encode writes strings around the other members: first those holding
// U+FFFD (decoded from bytes that were not UTF-8, which cannot be put back),
// last the others, each with its NUL, so every byte a decoded value
// determines comes back. A string too long for its array is cut at a
// character's end.
function putCString(dv: DataView, p: number, n: number, s: string, lossy: boolean): void {
  if (s.includes("\\uFFFD") !== lossy) return;
  let i = 0;
  for (; i < n && i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) break;
    dv.setUint8(p + i, c);
  }
  if (i < n && i < s.length) i += utf8Out.encodeInto(s.slice(i), new Uint8Array(dv.buffer, p + i, n - i)).written;
  if (i < n) dv.setUint8(p + i, 0);
}
`;

// Bitfields no aligned load covers (packed, across nine bytes), byte by byte.
const BYTES = `function getBytes(dv: DataView, p: number, n: number, le: boolean): bigint {
  let x = 0n;
  for (let i = 0; i < n; i++) x = (x << 8n) | BigInt(dv.getUint8(le ? p + n - 1 - i : p + i));
  return x;
}

function setBytes(dv: DataView, p: number, n: number, le: boolean, x: bigint): void {
  for (let i = 0; i < n; i++, x >>= 8n) dv.setUint8(le ? p + i : p + n - 1 - i, Number(x & 0xffn));
}
`;
