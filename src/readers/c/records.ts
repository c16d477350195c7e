import type { Node } from "web-tree-sitter";
import type { RecordEmit } from "../../ir/bindings.js";
import { scanFunctions } from "./parser.js";

// Where BPF C hands a record to userspace through a ring or perf buffer, and
// the record's declared C type: `struct event *e = bpf_ringbuf_reserve(&rb,
// sizeof(*e), 0)`, `bpf_ringbuf_output(&rb, &ev, sizeof(ev), 0)`,
// `bpf_perf_event_output(ctx, &events, F, &ev, sizeof(ev))`, and BCC's
// `events.perf_submit(ctx, &data, sizeof(data))`, `rb.ringbuf_output(...)`,
// `rb.ringbuf_reserve(sizeof(struct event))`. Only the syntax tree of the
// file as written is read: these calls sit in function bodies, which the
// declaration reader skips.

/** Which argument of each libbpf helper is the map and which the record (or its size, for reserve). */
const HELPERS: Record<string, { map: number; record: number }> = {
  bpf_ringbuf_reserve: { map: 0, record: 1 },
  bpf_ringbuf_output: { map: 0, record: 1 },
  bpf_perf_event_output: { map: 1, record: 3 },
};
const BCC_METHODS: Record<string, number> = { perf_submit: 1, perf_submit_skb: 1, ringbuf_output: 0, ringbuf_reserve: 0 };

const MENTIONS = /\b(?:bpf_ringbuf_reserve|bpf_ringbuf_output|bpf_perf_event_output|perf_submit|ringbuf_output|ringbuf_reserve)\b/;

export async function findRecordEmits(file: string, text: string): Promise<RecordEmit[]> {
  if (!MENTIONS.test(text)) return [];
  return scanFunctions<RecordEmit>(text, (fn, out) => scanFunction(file, fn, out));
}

/** A variable's declared type and how many pointers deep it is. */
interface VarType {
  type: string;
  pointers: number;
}

function scanFunction(file: string, fn: Node, out: RecordEmit[]): void {
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
    if (d?.type === "identifier") vars.set(d.text, { type: typeText(typeNode), pointers });
  };
  const recordType = (arg: Node | undefined, isSize: boolean): string | undefined => {
    if (!arg) return undefined;
    arg = strip(arg);
    if (arg.type === "sizeof_expression") {
      const typeDesc = arg.childForFieldName("type");
      if (typeDesc) return typeText(typeDesc.childForFieldName("type") ?? typeDesc);
      const v = arg.childForFieldName("value");
      return v ? valueType(strip(v), 0) : undefined;
    }
    return isSize ? undefined : valueType(arg, 1);
  };
  // The type of the object an expression points at (`&ev`, `e`) or is (`*e`, `ev`).
  const valueType = (n: Node, deref: number): string | undefined => {
    n = strip(n);
    if (n.type === "pointer_expression") {
      const op = n.child(0)?.type;
      const inner = n.childForFieldName("argument");
      if (!inner) return undefined;
      return valueType(inner, op === "&" ? deref - 1 : deref + 1);
    }
    if (n.type !== "identifier") return undefined;
    const v = vars.get(n.text);
    return v && v.pointers === deref ? v.type : undefined;
  };

  const visit = (n: Node): void => {
    if (n.type === "declaration" || n.type === "parameter_declaration") {
      const t = n.childForFieldName("type");
      for (const d of n.childrenForFieldName("declarator")) declare(t, d);
    }
    if (n.type === "call_expression") {
      const site = emitSite(n, recordType);
      if (site) {
        // `struct event *e = bpf_ringbuf_reserve(...)`: the declaration names the type best.
        const declared = reservedInto(n, vars);
        out.push({ ...site, type: declared ?? site.type, loc: { file, line: n.startPosition.row + 1, column: n.startPosition.column + 1 } });
      }
    }
    for (const c of n.namedChildren) if (c) visit(c);
  };
  const params = fn.childForFieldName("declarator");
  if (params) visit(params);
  const body = fn.childForFieldName("body");
  if (body) visit(body);
}

function emitSite(call: Node, recordType: (arg: Node | undefined, isSize: boolean) => string | undefined): Omit<RecordEmit, "loc"> | undefined {
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
  return { map: callee.map, type: type ?? "", call: callee.call };
}

/** The pointee type of the variable a reserve call's result is stored in. */
function reservedInto(call: Node, vars: Map<string, VarType>): string | undefined {
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
  return v && v.pointers === 1 ? v.type : undefined;
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
