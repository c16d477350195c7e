import { basename } from "node:path";
import type { Node } from "web-tree-sitter";
import type { SourceLoc } from "../../ir/types.js";
import { GoLayoutError, underlying, type GoType } from "../../ir/layout/go.js";
import { COLLECTION_LITERAL, MAPSPEC_LITERAL, type DecodeSite, type MapRef, type Spanned } from "../../ir/bindings.js";
import { addVars, fieldOf, type GoDecls, type Problem, type Scope, type VarInfo } from "./decls.js";
import { FieldMaps } from "./field-maps.js";
import { fieldReads, type FieldRead } from "./field-reads.js";
import { BlockScopes } from "./scopes.js";
import { dotted, field, listItems, stringValue, unparen, type Searched } from "./syntax.js";

// What the code of a Go file says about maps and bytes: MapSpec literals,
// map methods called with typed keys and values, ring and perf buffer
// samples decoded into structs. Names are followed through local variables
// (`m := objs.DnsQueries`, `rd, _ := ringbuf.NewReader(m)`), each in the
// block that declares it (scopes.ts), not through calls into other functions.

const EBPF = "github.com/cilium/ebpf";
const RINGBUF = "github.com/cilium/ebpf/ringbuf";
const PERF = "github.com/cilium/ebpf/perf";
const BINARY = "encoding/binary";
const UNSAFE = "unsafe";

/** A MapRef whose key and value types are still Go types, laid out later per target. */
export interface GoMapRef extends Omit<MapRef, "keyType" | "valueType"> {
  keyType?: Spanned<GoType>;
  valueType?: Spanned<GoType>;
}

/** A DecodeSite whose type is still a Go type; Go readers always know the byte order. */
export interface GoDecode extends Omit<DecodeSite, "typeId" | "byteOrder"> {
  type: GoType;
  byteOrder: NonNullable<DecodeSite["byteOrder"]>;
}

/** A function that reads a ring or perf sample field by field (field-reads.ts): its reads are its twin. */
export interface GoFieldDecoder {
  /** The function's name. */
  fn: string;
  loc: SourceLoc;
  mapName: string;
  reads: FieldRead[];
}

interface MapName {
  name: string;
  via: string;
}

/** Argument positions of the *ebpf.Map methods whose keys and values have the map's types. */
interface MethodArgs {
  keys: number[];
  values: number[];
  /** Keys and values are slices of them (the batch calls). */
  batch?: boolean;
}

const ONE: MethodArgs = { keys: [0], values: [1] };
// A Map, not an object: a Go method may be called `toString` or `constructor`.
const METHODS = new Map<string, MethodArgs>([
  ["Lookup", ONE],
  ["LookupWithFlags", ONE],
  ["LookupAndDelete", ONE],
  ["LookupAndDeleteWithFlags", ONE],
  ["Update", ONE],
  ["Put", ONE],
  ["Delete", { keys: [0], values: [] }],
  ["NextKey", { keys: [0, 1], values: [] }],
  ["BatchUpdate", { keys: [0], values: [1], batch: true }],
  ["BatchDelete", { keys: [0], values: [], batch: true }],
]);

const BATCH_LOOKUPS = new Set(["BatchLookup", "BatchLookupAndDelete"]);

// cilium/ebpf 0.9 takes (prevKey, nextKeyOut, keys, values, opts); later
// versions (cursor, keys, values, opts). The argument count tells them apart.
function batchLookup(argc: number): MethodArgs {
  return argc >= 5 ? { keys: [2], values: [3], batch: true } : { keys: [1], values: [2], batch: true };
}

const MAX_FOLLOW = 16;
/** Calls followed back from a parameter to what is passed for it. */
const MAX_CALLERS = 4;

const SCANNED = new Set(["composite_literal", "call_expression", "assignment_statement"]);
const FIELD_SETS = new Set(["composite_literal", "assignment_statement"]);
const DECLARING = ["parameter_declaration", "var_declaration", "short_var_declaration", "assignment_statement"];
const LOCALS = new Set([...DECLARING, "call_expression"]);
// In a file that never says ReadInto no call fills a variable: its calls are not visited for it.
const LOCALS_WITHOUT_READINTO = new Set(DECLARING);
const CALLS = new Set(["call_expression"]);

export class UseScanner {
  readonly maps: GoMapRef[] = [];
  readonly decodes: GoDecode[] = [];
  readonly fieldDecoders: GoFieldDecoder[] = [];
  /** The blocks of the function being scanned. */
  private blocks?: BlockScopes;
  readonly fieldMaps = new FieldMaps();
  /** Map calls on struct fields, resolved once every assignment of the file is seen. */
  private readonly onFields: (() => void)[] = [];

  // The top-level declaration being scanned, and where in it each variable is first read from.
  private decl?: Node;
  private readsFrom?: Map<string, number>;

  constructor(
    private readonly d: GoDecls,
    private readonly generated: boolean,
    private readonly problems: Problem[],
  ) {}

  /** With `fieldSetsOnly`, only where the file sets struct fields, as another file of its package asks. */
  scan(fieldSetsOnly = false): void {
    for (const decl of this.d.root.namedChildren) {
      this.decl = decl;
      this.readsFrom = undefined;
      if (decl.type === "function_declaration" || decl.type === "method_declaration") {
        this.blocks = new BlockScopes(decl, this.d.fileScope, this.d.searched);
        collectLocals(decl, this.blocks, this.d.searched, this.localTypes());
      } else {
        this.blocks = undefined;
      }
      this.d.searched.walk(decl, fieldSetsOnly ? FIELD_SETS : SCANNED, (n, type) => {
        const scope = this.scopeAt(n, this.d.fileScope);
        if (type === "composite_literal") this.compositeLiteral(n, scope);
        else if (type === "assignment_statement") this.fieldAssignment(n, scope);
        else this.call(n, scope);
      });
      if (this.blocks) this.fieldDecoder(decl);
    }
    this.blocks = undefined;
    if (fieldSetsOnly) return;
    for (const use of this.onFields) use();
    this.structTags();
  }

  private locals?: ReadonlySet<string>;

  /** The nodes collectLocals visits in this file. */
  private localTypes(): ReadonlySet<string> {
    this.locals ??= this.d.root.text.includes("ReadInto") ? LOCALS : LOCALS_WITHOUT_READINTO;
    return this.locals;
  }

  /** The scope of the block holding `node`: where a variable's value is followed, its names mean what they meant there. */
  private scopeAt(node: Node, fallback: Scope): Scope {
    return this.blocks?.at(node) ?? fallback;
  }

  isUnsafe(node: Node | undefined): boolean {
    return this.pkg(node, UNSAFE);
  }

  private pkg(node: Node | undefined, path: string): boolean {
    return node?.type === "identifier" && this.d.isPackage(node.text, path) && !this.d.fileScope.lookup(node.text);
  }

  /** `ebpf.MapSpec` as a type node. */
  private isMapSpecType(t: Node | undefined): boolean {
    if (!t || t.type !== "qualified_type") return false;
    const pkg = field(t, "package")?.text;
    return field(t, "name")?.text === "MapSpec" && pkg !== undefined && this.d.isPackage(pkg, EBPF);
  }

  private compositeLiteral(lit: Node, scope: Scope): void {
    const type = field(lit, "type");
    if (type?.type === "type_identifier") this.fieldLiteral(lit, type, scope);
    if (this.isMapSpecType(type)) {
      this.mapSpec(lit, field(lit, "body"), undefined, scope);
      return;
    }
    // map[string]*ebpf.MapSpec{"name": {...}}: the element literals elide their type.
    if (type?.type === "map_type") {
      const value = field(type, "value");
      const target = value?.type === "pointer_type" ? value.firstNamedChild : value;
      if (!this.isMapSpecType(target ?? undefined)) return;
      for (const el of field(lit, "body")?.namedChildren ?? []) {
        if (el.type !== "keyed_element") continue;
        const key = field(el, "key")?.firstNamedChild;
        const body = field(el, "value")?.firstNamedChild;
        const keyName = key ? this.stringOf(key) : undefined;
        if (body?.type === "literal_value") this.mapSpec(el, body, keyName, scope, COLLECTION_LITERAL);
      }
    }
  }

  private stringOf(node: Node): string | undefined {
    const n = unparen(node);
    const s = stringValue(n);
    if (s !== undefined) return s;
    if (n.type === "identifier") {
      const spec = this.d.constExpr(n.text);
      return spec ? stringValue(unparen(spec)) : undefined;
    }
    return undefined;
  }

  private mapSpec(at: Node, body: Node | undefined, keyName: string | undefined, scope: Scope, via = MAPSPEC_LITERAL): void {
    const ref: Partial<GoMapRef> = { loc: this.d.loc(at), via };
    let name = keyName;
    for (const el of body?.namedChildren ?? []) {
      if (el.type !== "keyed_element") continue;
      const key = field(el, "key")?.text;
      const value = field(el, "value")?.firstNamedChild;
      if (!key || !value) continue;
      if (key === "Name") name = this.stringOf(value) ?? name;
      else if (key === "KeySize") ref.keySize = this.size(value, scope, key);
      else if (key === "ValueSize") ref.valueSize = this.size(value, scope, key);
      else if (key === "MaxEntries") ref.maxEntries = this.size(value, scope, key);
    }
    if (name === undefined) {
      this.problems.push({ message: "ebpf.MapSpec without a Name: cannot tell which C map it describes", loc: this.d.loc(at) });
      return;
    }
    this.maps.push({ ...ref, name, loc: ref.loc ?? this.d.loc(at), via });
  }

  // Sizes are read as on amd64: the machine BPF userspace nearly always runs on.
  private size(value: Node, scope: Scope, key: string): Spanned<number> | undefined {
    try {
      const v = this.d.evaluator.value(value, "amd64", { runtime: true, scope });
      return { value: Number(v), loc: this.d.loc(value) };
    } catch (e) {
      if (!(e instanceof GoLayoutError)) throw e;
      this.problems.push({ message: `${key}: ${e.message}`, loc: e.loc ?? this.d.loc(value) });
      return undefined;
    }
  }

  private call(call: Node, scope: Scope): void {
    const raw = field(call, "function") ?? call;
    if (raw.type === "parenthesized_expression" || raw.type === "parenthesized_type") {
      this.unsafeCast(call, raw, field(call, "arguments")?.namedChildren ?? [], scope);
      return;
    }
    const fn = unparen(raw);
    if (fn.type === "selector_expression") {
      const operand = field(fn, "operand");
      const method = field(fn, "field")?.text;
      // Most calls are of no method followed here: their arguments are not worth asking the tree for.
      if (!operand || !method || !(method === "Read" || method === "Next" || METHODS.has(method) || BATCH_LOOKUPS.has(method))) return;
      const args = field(call, "arguments")?.namedChildren ?? [];
      if (method === "Read" && this.pkg(operand, BINARY)) {
        this.binaryRead(call, args, scope);
        return;
      }
      this.mapMethod(call, operand, method, args, scope);
    }
  }

  private mapMethod(call: Node, operand: Node, method: string, args: Node[], scope: Scope): void {
    let target: MapName | undefined;
    let positions: MethodArgs | undefined;
    if (method === "Next") {
      const iter = this.follow(operand, scope);
      const fn = iter?.type === "call_expression" ? unparen(field(iter, "function") ?? iter) : undefined;
      const base = fn?.type === "selector_expression" && field(fn, "field")?.text === "Iterate" ? field(fn, "operand") : undefined;
      if (!base) return;
      target = this.mapOf(base, this.scopeAt(base, scope), 0);
      positions = ONE;
    } else {
      positions = BATCH_LOOKUPS.has(method) ? batchLookup(args.length) : METHODS.get(method);
      if (!positions) return;
      target = this.mapOf(operand, scope, 0);
    }
    if (!target) {
      const held = this.heldIn(operand, scope);
      const pos = positions;
      if (held) this.onFields.push(() => this.fieldUse(held, call, operand, method, args, pos, scope));
      else this.unnamedMap(operand, method, args, positions, scope);
      return;
    }
    this.mapRef(call, target, method, args, positions, scope);
  }

  /** A map call on a struct field: the map the file sets that field to, when it sets it to one. */
  private fieldUse(held: { owner: string; field: string }, call: Node, operand: Node, method: string, args: Node[], positions: MethodArgs, scope: Scope): void {
    const m = this.fieldMaps.of(held.owner, held.field, this.d.fieldSourcesElsewhere(held.owner, held.field));
    if (m && "name" in m) {
      this.mapRef(call, m, method, args, positions, scope);
      return;
    }
    // A cache or client with its own Update or Delete is no map whose pairing was lost.
    if (m && mayHoldMap(this.d.exprType(operand, scope))) {
      const given = m.ambiguous.map((s) => `${s.map ?? "a value not traced"} (${s.loc.file === this.d.file ? "line " : `${basename(s.loc.file)}:`}${s.loc.line})`).join(", ");
      this.problems.push({ message: `${held.owner}.${held.field} is set to ${given}: the ${method} on it is paired with no map`, loc: this.d.loc(call) });
    }
    this.unnamedMap(operand, method, args, positions, scope);
  }

  /** `x.field` of a named struct: where a map handle may be kept. */
  private heldIn(operand: Node, scope: Scope): { owner: string; field: string } | undefined {
    const sel = unparen(operand);
    const base = sel.type === "selector_expression" ? field(sel, "operand") : undefined;
    const name = field(sel, "field")?.text;
    const owner = base && this.d.exprType(base, scope);
    const ownerName = owner && typeName(owner);
    return ownerName && name ? { owner: ownerName, field: name } : undefined;
  }

  /** `x.field = coll.Maps["name"]`, `x.field, err = ebpf.NewMap(spec)`. */
  private fieldAssignment(n: Node, scope: Scope): void {
    const left = listItems(field(n, "left"));
    const right = listItems(field(n, "right"));
    left.forEach((l, i) => {
      const value = left.length === right.length ? right[i] : i === 0 ? right[0] : undefined;
      const held = value && this.heldIn(l, scope);
      if (held && value) this.fieldSet(held.owner, held.field, value, scope);
    });
  }

  /** `T{hash: objs.RateMap}`, `&T{hash: m}`. */
  private fieldLiteral(lit: Node, type: Node, scope: Scope): void {
    const owner = typeName(this.d.resolveType(type));
    if (!owner) return;
    for (const el of field(lit, "body")?.namedChildren ?? []) {
      const key = el.type === "keyed_element" ? field(el, "key")?.text : undefined;
      const value = field(el, "value")?.firstNamedChild;
      if (key && value && /^[A-Za-z_]\w*$/.test(key)) this.fieldSet(owner, key, value, scope);
    }
  }

  private fieldSet(owner: string, fieldName: string, value: Node, scope: Scope): void {
    // Clearing a handle (`r.hash = nil` on Close) gives it no other map.
    if (unparen(value).type === "nil") return;
    const m = this.mapOf(value, scope, 0);
    this.fieldMaps.add(owner, fieldName, { ...(m ? { map: m.name, via: m.via } : {}), loc: this.d.loc(value) });
  }

  private mapRef(call: Node, target: MapName, method: string, args: Node[], positions: MethodArgs, scope: Scope): void {
    const ref: GoMapRef = { name: target.name, loc: this.d.loc(call), via: `${method} on ${target.via}` };
    const pick = (idx: number[]): Spanned<GoType> | undefined => {
      for (const i of idx) {
        const a = args[i];
        const t = a && this.argType(a, scope, positions?.batch ?? false);
        if (a && t) return { value: t, loc: this.d.loc(a) };
      }
      return undefined;
    };
    ref.keyType = pick(positions.keys);
    ref.valueType = pick(positions.values);
    if ([...positions.keys, ...positions.values].some((i) => args[i] && isUnsafePointer(args[i]!, this))) ref.encoding = "native";
    this.maps.push(ref);
  }

  /**
   * A map whose name the file does not show (a `*ebpf.Map` parameter): its
   * keys and values still cross the kernel boundary, as cilium/ebpf
   * marshals them, so they are decodes of no known map.
   */
  private unnamedMap(operand: Node, method: string, args: Node[], positions: MethodArgs, scope: Scope): void {
    const owner = this.d.exprType(operand, scope);
    const made = this.follow(operand, scope);
    const fn = made?.type === "call_expression" ? unparen(field(made, "function") ?? made) : undefined;
    const fromGetMap = fn?.type === "selector_expression" && field(fn, "field")?.text === "GetMap";
    if (!fromGetMap && (!owner || typeName(owner) !== "ebpf.Map")) return;
    for (const i of [...positions.keys, ...positions.values]) {
      const a = args[i];
      const t = a && this.argType(a, scope, positions.batch ?? false);
      const kind = t && underlying(t).kind;
      if (!a || !t || (kind !== "struct" && kind !== "unknown")) continue;
      // unsafe.Pointer hands the kernel the value's memory; cilium/ebpf marshals a typed value packed.
      const mode = isUnsafePointer(a, this) ? "native" : "packed";
      this.decodes.push({ type: t, loc: this.d.loc(a), method: `Map.${method}`, mode, byteOrder: "native" });
    }
  }

  /**
   * The type of the value behind a key or value argument: `&k`, a pointer
   * variable, `unsafe.Pointer(&k)`, a typed value (`uint32(0)`), or the
   * element of a slice (batch calls, per-CPU values).
   */
  private argType(arg: Node, scope: Scope, batch: boolean): GoType | undefined {
    let a = unparen(arg);
    const fn = a.type === "call_expression" ? unparen(field(a, "function") ?? a) : undefined;
    if (fn?.type === "selector_expression" && field(fn, "field")?.text === "Pointer" && this.pkg(field(fn, "operand"), UNSAFE)) {
      const inner = field(a, "arguments")?.firstNamedChild;
      if (!inner) return undefined;
      a = unparen(inner);
    }
    let t: GoType | undefined;
    if (a.type === "unary_expression" && field(a, "operator")?.text === "&") {
      const operand = field(a, "operand");
      // `&buf[0]` is the start of a buffer whose length the element does not tell.
      if (operand && unparen(operand).type === "index_expression") return undefined;
      t = operand && this.d.exprType(operand, scope);
    } else {
      t = this.d.exprType(a, scope);
      const u = t && underlying(t);
      if (u?.kind === "pointer") t = u.elem ?? undefined;
    }
    if (!t) return undefined;
    const u = underlying(t);
    if (u.kind === "slice") {
      const e = underlying(u.elem);
      // A []byte is a raw buffer of any length, not a typed value.
      if (e.kind === "basic" && (e.name === "byte" || e.name === "uint8")) return undefined;
      return u.elem;
    }
    if (batch || u.kind === "interface" || (u.kind === "basic" && u.name === "unsafe.Pointer")) return undefined;
    return t;
  }

  /** The expression a variable was last given, through chains of plain variables. */
  private follow(node: Node, scope: Scope): Node | undefined {
    let n = unparen(node);
    for (let i = 0; i < MAX_FOLLOW && n.type === "identifier"; i++) {
      const v = scope.lookup(n.text);
      if (!v?.value) return n;
      n = unparen(v.value);
      scope = this.scopeAt(n, scope);
    }
    return n;
  }

  /** Which C map an expression is: a bpf2go field, `coll.Maps["x"]`, a MapSpec, ebpf.NewMap of one. */
  mapOf(node: Node, scope: Scope, depth: number): MapName | undefined {
    if (depth > MAX_FOLLOW) return undefined;
    const n = unparen(node);
    switch (n.type) {
      case "identifier": {
        const v = scope.lookup(n.text);
        return v?.value && v.index === 0 ? this.mapOf(v.value, this.scopeAt(v.value, scope), depth + 1) : undefined;
      }
      case "unary_expression":
        return field(n, "operator")?.text === "&" ? this.mapOf(field(n, "operand") ?? n, scope, depth + 1) : undefined;
      case "selector_expression":
        return this.fieldMap(n, scope);
      case "index_expression": {
        const operand = field(n, "operand");
        const index = field(n, "index");
        if (operand?.type !== "selector_expression" || field(operand, "field")?.text !== "Maps" || !index) return undefined;
        const name = this.stringOf(index);
        return name === undefined ? undefined : { name, via: `Maps[${JSON.stringify(name)}]` };
      }
      case "call_expression": {
        const fn = unparen(field(n, "function") ?? n);
        const name = fn.type === "selector_expression" ? field(fn, "field")?.text : undefined;
        const arg = field(n, "arguments")?.firstNamedChild;
        if (fn.type === "selector_expression" && this.pkg(field(fn, "operand"), EBPF) && arg && (name === "NewMap" || name === "NewMapWithOptions")) {
          return this.mapOf(arg, scope, depth + 1);
        }
        // libbpfgo: `module.GetMap("proc_info_map")`.
        if (name === "GetMap" && arg) {
          const mapName = this.stringOf(arg);
          return mapName === undefined ? undefined : { name: mapName, via: `GetMap(${JSON.stringify(mapName)})` };
        }
        return undefined;
      }
      case "composite_literal": {
        if (!this.isMapSpecType(field(n, "type"))) return undefined;
        for (const el of field(n, "body")?.namedChildren ?? []) {
          const value = field(el, "value")?.firstNamedChild;
          if (el.type === "keyed_element" && field(el, "key")?.text === "Name" && value) {
            const name = this.stringOf(value);
            if (name !== undefined) return { name, via: MAPSPEC_LITERAL };
          }
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  private fieldMap(sel: Node, scope: Scope): MapName | undefined {
    const operand = field(sel, "operand");
    const name = field(sel, "field")?.text;
    if (!operand || !name) return undefined;
    const owner = this.d.exprType(operand, scope);
    const f = owner && fieldOf(owner, name);
    const tag = f?.tag && ebpfTag(f.tag);
    if (tag) return { name: tag, via: `${name} \`ebpf:"${tag}"\`` };
    // bpf2go's objects are usually declared in another file of the package:
    // their field names are the C names run through bpf2go's Identifier.
    const ownerName = owner ? typeName(owner) : operand.type === "selector_expression" ? field(operand, "field")?.text : undefined;
    if (ownerName && /(Objects|Maps|MapSpecs|Specs)$/.test(ownerName) && /^[A-Z]/.test(name)) {
      return { name: snakeFromIdentifier(name), via: `bpf2go field ${ownerName}.${name}` };
    }
    return undefined;
  }

  private binaryRead(call: Node, args: Node[], scope: Scope): void {
    const [reader, order, data] = args;
    if (!reader || !order || !data) return;
    const t = this.argType(data, scope, false);
    if (!t || !isDecodable(t)) return;
    // After an earlier read from the same reader the bytes start past the record's head: not the record emitted.
    const atStart = !this.readBefore(reader, call);
    this.decodes.push({
      type: t,
      loc: this.d.loc(call),
      method: "binary.Read",
      mode: "packed",
      byteOrder: this.byteOrder(order, scope),
      mapName: atStart ? this.sampleMap(reader, scope) : undefined,
      ...(freshBuffer(reader) ? { single: true } : {}),
    });
  }

  /** Whether the function reads from `reader` (a variable) before `call`: binary.Read(r, ...), r.Read, r.Next, io.ReadFull(r, ...). */
  private readBefore(reader: Node, call: Node): boolean {
    const r = unparen(reader);
    if (r.type !== "identifier" || !this.decl) return false;
    if (!this.readsFrom) {
      this.readsFrom = new Map();
      this.d.searched.walk(this.decl, CALLS, (c) => {
        const fn = unparen(field(c, "function") ?? c);
        const first = field(c, "arguments")?.firstNamedChild;
        const name = fn.type === "selector_expression" ? field(fn, "field")?.text : undefined;
        const operand = fn.type === "selector_expression" ? field(fn, "operand") : undefined;
        let from: string | undefined;
        if ((name === "Read" && operand && this.pkg(operand, BINARY)) || (name === "ReadFull" && operand?.text === "io")) from = first ? unparen(first).text : undefined;
        else if (name && READER_METHODS.has(name) && operand?.type === "identifier") from = operand.text;
        if (from !== undefined) this.readsFrom!.set(from, Math.min(this.readsFrom!.get(from) ?? Infinity, c.startIndex));
      });
    }
    return (this.readsFrom.get(r.text) ?? Infinity) < call.startIndex;
  }

  private byteOrder(order: Node, scope: Scope): "little" | "big" | "native" {
    const n = this.follow(order, scope);
    const name = n && dotted(n);
    if (name?.endsWith(".LittleEndian")) return "little";
    if (name?.endsWith(".BigEndian")) return "big";
    return "native";
  }

  /** `(*Event)(unsafe.Pointer(&record.RawSample[0]))`. */
  private unsafeCast(call: Node, fn: Node, args: Node[], scope: Scope): void {
    const arg = args[0];
    if (args.length !== 1 || !arg) return;
    const a = unparen(arg);
    const afn = a.type === "call_expression" ? unparen(field(a, "function") ?? a) : undefined;
    if (afn?.type !== "selector_expression" || field(afn, "field")?.text !== "Pointer" || !this.pkg(field(afn, "operand"), UNSAFE)) return;
    const source = field(a, "arguments")?.firstNamedChild;
    if (!source) return;
    // Only casts of bytes: an element of a buffer, or a sample.
    const fromBytes = source.descendantsOfType("index_expression").length > 0 || source.text.includes("RawSample");
    if (!fromBytes) return;
    const inner = unparen(fn);
    let target: Node | undefined;
    if (inner.type === "unary_expression" && field(inner, "operator")?.text === "*") target = field(inner, "operand");
    else if (inner.type === "pointer_type") target = inner.firstNamedChild ?? undefined;
    if (!target) return;
    const t = this.d.resolveType(target);
    if (!isDecodable(t)) return;
    this.decodes.push({
      type: t,
      loc: this.d.loc(call),
      method: "unsafe cast",
      mode: "native",
      byteOrder: "native",
      mapName: this.sampleMap(source, scope),
    });
  }

  /** Reads of a sample at constant offsets in `fn`, one decoder per map they read from. */
  private fieldDecoder(fn: Node): void {
    const maps = new Map<string, string | undefined>();
    const mapOf = (buf: Node): string | undefined => {
      if (!maps.has(buf.text)) {
        const scope = this.scopeAt(buf, this.d.fileScope);
        const value = buf.type === "identifier" ? scope.lookup(buf.text)?.value : undefined;
        // `b := record.RawSample[8:]` counts its offsets from 8: left alone rather than read wrong.
        const shifted = value && unparen(value).type === "slice_expression" && field(unparen(value), "start") !== undefined;
        maps.set(buf.text, shifted ? undefined : this.sampleMap(buf, scope));
      }
      return maps.get(buf.text);
    };
    const byMap = new Map<string, FieldRead[]>();
    for (const r of fieldReads(this.d.loc(fn).file, fn, this.d.searched, (b) => mapOf(b) !== undefined)) {
      const map = maps.get(r.buffer)!;
      byMap.set(map, [...(byMap.get(map) ?? []), r]);
    }
    const name = field(fn, "name")?.text ?? "";
    for (const [mapName, reads] of byMap) this.fieldDecoders.push({ fn: name, loc: this.d.loc(fn), mapName, reads });
  }

  /** The map a ring or perf buffer sample came from, traced from `record.RawSample`. */
  private sampleMap(expr: Node, scope: Scope, depth = 0): string | undefined {
    let n: Node | undefined = expr;
    for (let i = 0; n && i < MAX_FOLLOW; i++) {
      const sample = [n, ...n.descendantsOfType("selector_expression")].find(
        (s) => s.type === "selector_expression" && field(s, "field")?.text === "RawSample",
      );
      if (sample) {
        const record = field(sample, "operand");
        return record ? this.recordMap(record, scope, depth) : undefined;
      }
      const ident = unparen(n);
      if (ident.type === "call_expression") {
        n = field(ident, "arguments")?.firstNamedChild ?? undefined;
        continue;
      }
      // `&b[0]`, `b[4:]`: bytes of the same buffer.
      if (ident.type === "unary_expression" || ident.type === "slice_expression" || ident.type === "index_expression") {
        n = field(ident, "operand") ?? undefined;
        continue;
      }
      if (ident.type !== "identifier") return undefined;
      const v = scope.lookup(ident.text);
      // A parameter: the samples its callers in this file pass.
      if (v && !v.value) return this.fromCallers(ident, v, depth, (arg, at) => this.sampleMap(arg, at, depth + 1));
      n = v?.value;
      if (n) scope = this.scopeAt(n, scope);
    }
    return undefined;
  }

  /**
   * What every call in this file of the function that declares parameter
   * `v` passes for it, where all those calls agree (a decode in a helper
   * handed `record.RawSample`).
   */
  private fromCallers(ident: Node, v: VarInfo, depth: number, of: (arg: Node, scope: Scope) => string | undefined): string | undefined {
    const callee = v.typeNode && paramOf(v.typeNode, ident.text);
    if (!callee || depth >= MAX_CALLERS) return undefined;
    const found = new Set<string | undefined>();
    for (const call of this.callsOf(callee.fn)) {
      const arg = field(call, "arguments")?.namedChildren[callee.index];
      if (arg) found.add(of(arg, this.scopeOfCall(arg)));
    }
    return found.size === 1 ? [...found][0] : undefined;
  }

  private calls?: Map<string, Node[]>;

  /** Calls of a function or method by its name: `decode(b)`, `t.decode(b)`. */
  private callsOf(name: string): Node[] {
    if (!this.calls) {
      this.calls = new Map();
      this.d.searched.walk(this.d.root, CALLS, (c) => {
        const fn = unparen(field(c, "function") ?? c);
        const callee = fn.type === "identifier" ? fn.text : fn.type === "selector_expression" ? field(fn, "field")?.text : undefined;
        if (!callee) return;
        const list = this.calls!.get(callee) ?? [];
        list.push(c);
        this.calls!.set(callee, list);
      });
    }
    return this.calls.get(name) ?? [];
  }

  private readonly fnScopes = new Map<number, BlockScopes>();

  /** The scope at a node of any function of the file, its locals read once. */
  private scopeOfCall(node: Node): Scope {
    const fn = this.d.root.namedChildren.find((d) => d.startIndex <= node.startIndex && node.endIndex <= d.endIndex);
    if (!fn || (fn.type !== "function_declaration" && fn.type !== "method_declaration")) return this.d.fileScope;
    let blocks = this.fnScopes.get(fn.id);
    if (!blocks) {
      blocks = new BlockScopes(fn, this.d.fileScope, this.d.searched);
      collectLocals(fn, blocks, this.d.searched, this.localTypes());
      this.fnScopes.set(fn.id, blocks);
    }
    return blocks.at(node) ?? this.d.fileScope;
  }

  private recordMap(record: Node, scope: Scope, depth = 0): string | undefined {
    const r = unparen(record);
    if (r.type !== "identifier") return undefined;
    const v = scope.lookup(r.text);
    // A record handed in: the record its callers read.
    if (v?.typeNode && !v.value && !v.filledBy) return this.fromCallers(r, v, depth, (arg, at) => this.recordMap(arg, at, depth + 1));
    let reader = v?.filledBy;
    if (!reader && v?.value) {
      const call = unparen(v.value);
      const fn = call.type === "call_expression" ? unparen(field(call, "function") ?? call) : undefined;
      if (fn?.type === "selector_expression" && field(fn, "field")?.text === "Read") reader = field(fn, "operand") ?? undefined;
    }
    if (!reader) return undefined;
    const made = this.follow(reader, this.scopeAt(reader, scope));
    const fn = made?.type === "call_expression" ? unparen(field(made, "function") ?? made) : undefined;
    if (fn?.type !== "selector_expression" || !field(fn, "field")?.text.startsWith("NewReader")) return undefined;
    const pkg = field(fn, "operand");
    if (!this.pkg(pkg, RINGBUF) && !this.pkg(pkg, PERF)) return undefined;
    const m = made && field(made, "arguments")?.firstNamedChild;
    return m ? this.mapOf(m, this.scopeAt(m, scope), 0)?.name : undefined;
  }

  /** Struct fields tagged `ebpf:"name"` that hold maps: bpf2go's objects, or the same written by hand. */
  private structTags(): void {
    for (const { named } of this.d.types) {
      const u = underlying(named);
      if (u.kind !== "struct") continue;
      for (const f of u.fields) {
        const tag = f.tag && ebpfTag(f.tag);
        const held = f.type.kind === "pointer" && f.type.elem ? typeName(f.type.elem) : undefined;
        if (!tag || (held !== "ebpf.Map" && held !== "ebpf.MapSpec")) continue;
        const via = `${this.generated ? "bpf2go field" : "ebpf struct tag"} ${named.name}.${f.name}`;
        this.maps.push({ name: tag, loc: f.loc, via });
      }
    }
  }
}

/**
 * Whether a struct field of this type may hold a map handle: cilium's
 * `*ebpf.Map`, libbpfgo's `*BPFMap`, an interface, or a type not known here.
 * A Go map, a struct, `sync.Map`, or another package's type not named for a
 * map is not.
 */
function mayHoldMap(t: GoType | undefined): boolean {
  if (!t) return true;
  const inner = t.kind === "pointer" ? t.elem : t;
  if (!inner) return false;
  if (inner.kind === "interface") return true;
  if (inner.kind === "named") return inner.name.endsWith("Map") || underlying(inner).kind === "interface" || underlying(inner).kind === "unknown";
  if (inner.kind === "unknown") return inner.name.endsWith("Map") && inner.name !== "sync.Map";
  return false;
}

/** Declarations in a function that later calls refer to, each in its block: parameters, var, :=, = and ReadInto targets. */
function collectLocals(fn: Node, blocks: BlockScopes, searched: Searched, types: ReadonlySet<string>): void {
  searched.walk(fn, types, (n, type) => {
    const scope = blocks.at(n) ?? blocks.root;
    switch (type) {
      case "parameter_declaration": {
        const typeNode = field(n, "type");
        for (const name of n.childrenForFieldName("name")) scope.vars.set(name.text, { typeNode, index: 0 });
        break;
      }
      case "var_declaration":
        addVars(n, scope, searched);
        break;
      case "short_var_declaration":
      case "assignment_statement": {
        const left = listItems(field(n, "left"));
        const right = listItems(field(n, "right"));
        const single = left.length === right.length;
        left.forEach((l, i) => {
          if (l.type !== "identifier" || l.text === "_") return;
          const value = single ? right[i] : right[0];
          if (!value) return;
          // `=` gives the variable an outer block declared; `:=` declares one here, shadowing any outer one.
          const prior = n.type === "assignment_statement" ? blocks.local(n, l.text) : undefined;
          // A plain `=` keeps a declared type; it only adds a value to follow.
          if (prior) prior.value ??= value;
          // `=` to a name no block of the function declares sets a package variable: its value holds for the whole function.
          else (n.type === "assignment_statement" ? blocks.root : scope).vars.set(l.text, { value, index: single ? 0 : i });
        });
        break;
      }
      case "call_expression": {
        const f = unparen(field(n, "function") ?? n);
        const arg = field(n, "arguments")?.firstNamedChild;
        if (f.type === "selector_expression" && field(f, "field")?.text === "ReadInto" && arg) {
          const target = unparen(arg);
          const name = target.type === "unary_expression" ? field(target, "operand") : undefined;
          const v = name?.type === "identifier" ? blocks.local(n, name.text) : undefined;
          const reader = field(f, "operand");
          if (v && reader) v.filledBy = reader;
        }
        break;
      }
    }
  });
}

/** The function a parameter belongs to, and its position among the parameters (not the receiver). */
function paramOf(typeNode: Node, name: string): { fn: string; index: number } | undefined {
  const decl = typeNode.parent;
  const list = decl?.parent;
  const fn = list?.parent;
  if (decl?.type !== "parameter_declaration" || !list || !fn || field(fn, "parameters")?.id !== list.id) return undefined;
  if (fn.type !== "function_declaration" && fn.type !== "method_declaration") return undefined;
  const names = list.namedChildren.flatMap((p) => (p.type === "parameter_declaration" ? p.childrenForFieldName("name").map((n) => n.text) : []));
  const index = names.indexOf(name);
  const fnName = field(fn, "name")?.text;
  return fnName && index >= 0 ? { fn: fnName, index } : undefined;
}

/** `bytes.NewReader(b)` or `bytes.NewBuffer(b)` written in the call: a reader no other read shares. */
function freshBuffer(reader: Node): boolean {
  const r = unparen(reader);
  const fn = r.type === "call_expression" ? unparen(field(r, "function") ?? r) : undefined;
  return fn !== undefined && /^bytes\.New(Reader|Buffer)$/.test(dotted(fn) ?? "");
}

// Methods of bytes.Reader, bytes.Buffer and bufio.Reader that move past bytes.
const READER_METHODS = new Set(["Read", "ReadByte", "ReadBytes", "ReadRune", "ReadString", "Next", "Discard", "Seek"]);

/** `unsafe.Pointer(&v)`. */
function isUnsafePointer(arg: Node, scanner: { isUnsafe(n: Node | undefined): boolean }): boolean {
  const a = unparen(arg);
  const fn = a.type === "call_expression" ? unparen(field(a, "function") ?? a) : undefined;
  return fn?.type === "selector_expression" && field(fn, "field")?.text === "Pointer" && scanner.isUnsafe(field(fn, "operand"));
}

function isDecodable(t: GoType): boolean {
  const u = underlying(t);
  return u.kind !== "interface" && u.kind !== "pointer" && !(u.kind === "basic" && u.name === "unsafe.Pointer");
}

function typeName(t: GoType): string | undefined {
  let cur: GoType = t;
  for (let i = 0; i < 4 && cur.kind === "pointer" && cur.elem; i++) cur = cur.elem;
  return cur.kind === "named" || cur.kind === "unknown" ? cur.name : undefined;
}

/** The map or program name in a struct tag: `ebpf:"dns_queries"`. */
function ebpfTag(tag: string): string | undefined {
  const m = /(?:^|\s)ebpf:"([^"]*)"/.exec(tag);
  return m?.[1] || undefined;
}

/** The C name bpf2go's Identifier most likely came from: `DnsQueries` → `dns_queries`. */
export function snakeFromIdentifier(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

