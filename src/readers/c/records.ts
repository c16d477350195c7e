import type { Node } from "web-tree-sitter";
import type { RecordEmit } from "../../ir/bindings.js";
import { scanFunctions, type FunctionNodes } from "./parser.js";

// Where BPF C hands a record to userspace through a ring or perf buffer, and
// the record's declared C type: `struct event *e = bpf_ringbuf_reserve(&rb,
// sizeof(*e), 0)`, `bpf_ringbuf_output(&rb, &ev, sizeof(ev), 0)`,
// `bpf_perf_event_output(ctx, &events, F, &ev, sizeof(ev))`, and BCC's
// `events.perf_submit(ctx, &data, sizeof(data))`, `rb.ringbuf_output(...)`,
// `rb.ringbuf_reserve(sizeof(struct event))`. Only the syntax tree of the
// file as written is read: these calls sit in function bodies, which the
// declaration reader skips.
//
// BCC programs often emit a record whose struct is defined in the function
// itself (`struct { u32 pid; char comm[16]; } data = {};`), which the
// declaration reader never sees. `liftLocalRecords` gives the text with each
// such emitted struct moved to file scope at its own place (the function is
// closed before it and resumed after), so it is laid out like any other and
// its members keep their lines; an anonymous one is named after its variable.

/** Which argument of each libbpf helper is the map and which the record (or its size, for reserve). */
const HELPERS: Record<string, { map: number; record: number }> = {
  bpf_ringbuf_reserve: { map: 0, record: 1 },
  bpf_ringbuf_output: { map: 0, record: 1 },
  bpf_perf_event_output: { map: 1, record: 3 },
};
const BCC_METHODS: Record<string, number> = { perf_submit: 1, perf_submit_skb: 1, ringbuf_output: 0, ringbuf_reserve: 0 };

/** A helper or method `emitSite` takes, as a whole word: a text or a call that has none emits nothing. */
const NAMES_EMITTER = new RegExp(`\\b(?:${[...Object.keys(HELPERS), ...Object.keys(BCC_METHODS)].join("|")})\\b`);

export async function findRecordEmits(file: string, text: string): Promise<RecordEmit[]> {
  if (!NAMES_EMITTER.test(text)) return [];
  return (await scanFunctions<Found>(text, (fn, out) => scanFunction(file, fn, out))).map((f) => f.emit);
}

/** `text` with the structs defined in functions and emitted from there moved to file scope, in place. */
export async function liftLocalRecords(text: string): Promise<string> {
  if (!NAMES_EMITTER.test(text) || !/\}\s*\**\s*\w+\s*[=;]/.test(text)) return text;
  const lifts = new Map<number, LocalStruct>();
  for (const f of await scanFunctions<Found>(text, (fn, out) => scanFunction("", fn, out))) if (f.local) lifts.set(f.local.start, f.local);
  if (lifts.size === 0) return text;
  let out = "";
  let at = 0;
  for (const l of [...lifts.values()].sort((a, b) => a.start - b.start)) {
    if (l.start < at) continue;
    // Close the blocks around the declaration, define the struct, resume with a function of the same depth whose first declaration is the variable's.
    out += text.slice(at, l.start) + `${"}".repeat(l.depth)} struct ${l.tag} ${l.body}; void __abidrift_resume_${l.start}(void) ${"{".repeat(l.depth)} struct ${l.tag}`;
    at = l.end;
  }
  return out + text.slice(at);
}

/** A struct defined in a function for the variable it emits, and where its specifier is. */
interface LocalStruct {
  tag: string;
  body: string;
  start: number;
  end: number;
  /** Blocks between the declaration and file scope, the function body included. */
  depth: number;
}

interface Found {
  emit: RecordEmit;
  local?: LocalStruct;
}

/** A variable's declared type and how many pointers deep it is. */
interface VarType {
  type: string;
  pointers: number;
  local?: LocalStruct;
}

function scanFunction(file: string, fn: FunctionNodes, out: Found[]): void {
  const vars = new Map<string, VarType>();
  const declare = (typeNode: Node | null, declarator: Node | null): void => {
    if (!typeNode || !declarator) return;
    let d: Node | null = declarator;
    let pointers = 0;
    for (let i = 0; d && i < 16; i++) {
      if (d.type === "init_declarator") d = d.childForFieldName("declarator");
      else if (d.type === "pointer_declarator") {
        pointers++;
        d = d.childForFieldName("declarator");
      } else break;
    }
    if (d?.type !== "identifier") return;
    const local = localStruct(typeNode, d.text);
    vars.set(d.text, local ? { type: `struct ${local.tag}`, pointers, local } : { type: typeText(typeNode), pointers });
  };
  const recordType = (arg: Node | undefined, isSize: boolean): VarType | undefined => {
    if (!arg) return undefined;
    arg = strip(arg);
    if (arg.type === "sizeof_expression") {
      const typeDesc = arg.childForFieldName("type");
      if (typeDesc) return { type: typeText(typeDesc.childForFieldName("type") ?? typeDesc), pointers: 0 };
      const v = arg.childForFieldName("value");
      return v ? valueType(strip(v), 0) : undefined;
    }
    return isSize ? undefined : valueType(arg, 1);
  };
  // The type of the object an expression points at (`&ev`, `e`) or is (`*e`, `ev`).
  const valueType = (n: Node, deref: number): VarType | undefined => {
    n = strip(n);
    if (n.type === "pointer_expression") {
      const op = n.child(0)?.type;
      const inner = n.childForFieldName("argument");
      if (!inner) return undefined;
      return valueType(inner, op === "&" ? deref - 1 : deref + 1);
    }
    if (n.type !== "identifier") return undefined;
    const v = vars.get(n.text);
    return v && v.pointers === deref ? v : undefined;
  };

  // Declarations and calls in source order, the declarator's first: a variable is declared before a call names it.
  // Only a call naming a helper or method can emit, and only such a call reads the variables: the declarations before it are read then.
  let read = 0;
  fn.nodes.forEach((n, i) => {
    if (fn.types[i] !== "call_expression" || !NAMES_EMITTER.test(n.text)) return;
    for (; read < i; read++) {
      const type = fn.types[read];
      if (type !== "declaration" && type !== "parameter_declaration") continue;
      const d = fn.nodes[read]!;
      const t = d.childForFieldName("type");
      for (const declarator of d.childrenForFieldName("declarator")) declare(t, declarator);
    }
    const site = emitSite(n, recordType);
    if (site) {
      // `struct event *e = bpf_ringbuf_reserve(...)`: the declaration names the type best.
      const declared = reservedInto(n, vars) ?? site.type;
      const emit = { ...site, type: declared?.type ?? "", loc: { file, line: n.startPosition.row + 1, column: n.startPosition.column + 1 } };
      out.push(declared?.local ? { emit, local: declared.local } : { emit });
    }
  });
}

function emitSite(call: Node, recordType: (arg: Node | undefined, isSize: boolean) => VarType | undefined): (Omit<RecordEmit, "loc" | "type"> & { type?: VarType }) | undefined {
  const f = call.childForFieldName("function");
  const args = (call.childForFieldName("arguments")?.namedChildren ?? []).filter((a): a is Node => a !== null);
  let callee: { map: string | undefined; record: number; call: string };
  if (f?.type === "identifier" && Object.hasOwn(HELPERS, f.text)) {
    const h = HELPERS[f.text]!;
    callee = { map: addressed(args[h.map]), record: h.record, call: f.text };
  } else if (f?.type === "field_expression") {
    const method = f.childForFieldName("field")?.text;
    const object = f.childForFieldName("argument");
    if (!method || !Object.hasOwn(BCC_METHODS, method) || object?.type !== "identifier") return undefined;
    callee = { map: object.text, record: BCC_METHODS[method]!, call: `${object.text}.${method}` };
  } else {
    return undefined;
  }
  if (!callee.map) return undefined;
  // A reserve call has only the size; the others take the record, then its size.
  const reserve = callee.call.endsWith("ringbuf_reserve");
  const type = recordType(args[callee.record], reserve) ?? (reserve ? undefined : recordType(args[callee.record + 1], true));
  return { map: callee.map, call: callee.call, ...(type ? { type } : {}) };
}

/** The pointee type of the variable a reserve call's result is stored in. */
function reservedInto(call: Node, vars: Map<string, VarType>): VarType | undefined {
  let p = call.parent;
  while (p && (p.type === "cast_expression" || p.type === "parenthesized_expression")) p = p.parent;
  if (!p) return undefined;
  let name: Node | null = null;
  if (p.type === "init_declarator") {
    name = p.childForFieldName("declarator");
    while (name?.type === "pointer_declarator") name = name.childForFieldName("declarator");
  } else if (p.type === "assignment_expression") {
    name = p.childForFieldName("left");
  }
  const v = name?.type === "identifier" ? vars.get(name.text) : undefined;
  return v && v.pointers === 1 ? v : undefined;
}

/**
 * The struct a function-local declaration defines for variable `name`
 * (`struct { ... } name`, `struct tag { ... } name`), when it can be moved
 * out whole: the struct is the declaration's first word.
 */
function localStruct(typeNode: Node, name: string): LocalStruct | undefined {
  if (typeNode.type !== "struct_specifier") return undefined;
  const body = typeNode.childForFieldName("body");
  const decl = typeNode.parent;
  if (!body || decl?.type !== "declaration" || decl.startIndex !== typeNode.startIndex) return undefined;
  let depth = 0;
  for (let p: Node | null = decl.parent; p && p.type !== "function_definition"; p = p.parent) if (p.type === "compound_statement") depth++;
  if (depth === 0) return undefined;
  const tag = typeNode.childForFieldName("name")?.text ?? `anon_${name}_at_line_${typeNode.startPosition.row + 1}`;
  return { tag, body: body.text, start: typeNode.startIndex, end: typeNode.endIndex, depth };
}

function strip(n: Node): Node {
  for (let i = 0; i < 16 && (n.type === "parenthesized_expression" || n.type === "cast_expression"); i++) {
    const inner = n.type === "cast_expression" ? n.childForFieldName("value") : n.namedChildren[0];
    if (!inner) break;
    n = inner;
  }
  return n;
}

function addressed(n: Node | undefined): string | undefined {
  if (!n) return undefined;
  n = strip(n);
  if (n.type === "pointer_expression" && n.child(0)?.type === "&") {
    const inner = n.childForFieldName("argument");
    return inner ? addressed(inner) : undefined;
  }
  return n.type === "identifier" ? n.text : undefined;
}

/** `struct  event` → `struct event`; a bare type name as it is. */
function typeText(n: Node): string {
  return n.text.replace(/\s+/g, " ").trim();
}
