import type { Node } from "web-tree-sitter";
import type { SourceLoc } from "../../ir/types.js";
import type { ScalarRead } from "../../ir/ts-reads.js";
import { field, locOf, unparen, type Searched } from "./syntax.js";

// Decoders that read a sample field by field, as a Go program often does
// instead of one cast or binary.Read:
//   ev.Pid = binary.LittleEndian.Uint32(b[4:8])
//   flags := b[12]
//   ts := *(*uint64)(unsafe.Pointer(&b[16]))
// Each read is an offset, a width and a byte order, like a TypeScript
// DataView call: the decoder is its reads. Only constant offsets count; a
// read at a run-time offset says nothing about the record.

export interface FieldRead {
  /** Bytes from the start of the buffer read. */
  offset: number;
  read: ScalarRead;
  /** The buffer as written (`b`, `record.RawSample`): reads of one buffer form one decoder. */
  buffer: string;
  /** The struct field or variable the value goes into: `Pid`, `flags`. */
  into?: string;
  loc: SourceLoc;
}

const ENDIAN = /(?:^|\.)(LittleEndian|BigEndian|NativeEndian)\.(Uint16|Uint32|Uint64)$/;
const UNSAFE_WIDTH: Record<string, Omit<ScalarRead, "order">> = {
  uint8: { kind: "int", size: 1, signed: false },
  int8: { kind: "int", size: 1, signed: true },
  byte: { kind: "int", size: 1, signed: false },
  uint16: { kind: "int", size: 2, signed: false },
  int16: { kind: "int", size: 2, signed: true },
  uint32: { kind: "int", size: 4, signed: false },
  int32: { kind: "int", size: 4, signed: true },
  uint64: { kind: "int", size: 8, signed: false },
  int64: { kind: "int", size: 8, signed: true },
  float32: { kind: "float", size: 4, signed: true },
  float64: { kind: "float", size: 8, signed: true },
};

const READS = new Set(["call_expression", "index_expression"]);

/**
 * The reads of `fn`'s body (a top-level function of the file `searched`)
 * from byte buffers `isSample` accepts (the caller knows which identifiers
 * hold a ring or perf sample), in source order.
 */
export function fieldReads(file: string, fn: Node, searched: Searched, isSample: (buffer: Node) => boolean): FieldRead[] {
  const out: FieldRead[] = [];
  const push = (n: Node, buf: Node, offset: number, read: ScalarRead): void => {
    if (!isSample(buf)) return;
    const into = target(n);
    out.push({ offset, read, buffer: buf.text, ...(into ? { into } : {}), loc: locOf(file, n) });
  };
  searched.walk(fn, READS, (n, type) => {
    if (type === "call_expression") {
      const callee = unparen(field(n, "function") ?? n);
      const m = ENDIAN.exec(callee.text.replace(/\s+/g, ""));
      const arg = m && field(n, "arguments")?.firstNamedChild;
      if (m && arg) {
        const at = sliceStart(arg);
        const size = Number(m[2]!.slice(4)) / 8;
        // NativeEndian is the host's order: the same as the object's on the hosts BPF runs on, so no order to compare.
        const order = m[1] === "LittleEndian" ? "little" : m[1] === "BigEndian" ? "big" : undefined;
        if (at) push(n, at.buf, at.offset, { kind: "int", size, signed: false, ...(order ? { order } : {}) });
        return;
      }
      const cast = unsafeRead(n, callee);
      // The value is the dereference around the call.
      if (cast) push(n.parent ?? n, cast.buf, cast.offset, cast.read);
    } else if (!insideAddress(n)) {
      // `b[12]`: one byte, unless it is the operand of `&b[8]` or a slice.
      const operand = field(n, "operand");
      const index = field(n, "index");
      const offset = index && constant(index);
      if (operand && offset !== undefined) push(n, unparen(operand), offset, { kind: "int", size: 1, signed: false });
    }
  });
  return out;
}

/** `b[4:8]`, `b[8:]`, `b[off:off+2]` with constant bounds: the buffer and where the read starts. */
function sliceStart(arg: Node): { buf: Node; offset: number } | undefined {
  const s = unparen(arg);
  if (s.type !== "slice_expression") return undefined;
  const operand = field(s, "operand");
  const start = field(s, "start");
  const offset = start ? constant(start) : 0;
  return operand && offset !== undefined ? { buf: unparen(operand), offset } : undefined;
}

/** `*(*uint32)(unsafe.Pointer(&b[8]))`, whose callee `conv` is `(*uint32)`. */
function unsafeRead(call: Node, conv: Node): { buf: Node; offset: number; read: ScalarRead } | undefined {
  const ptr = conv.type === "unary_expression" && field(conv, "operator")?.text === "*" ? field(conv, "operand") : conv.type === "pointer_type" ? conv.firstNamedChild : undefined;
  const width = ptr && Object.hasOwn(UNSAFE_WIDTH, ptr.text) ? UNSAFE_WIDTH[ptr.text] : undefined;
  if (!width) return undefined;
  // Asked only of conversions to a scalar pointer: tree-sitter finds a parent by a descent from the root.
  const deref = call.parent;
  if (deref?.type !== "unary_expression" || field(deref, "operator")?.text !== "*") return undefined;
  const inner = field(call, "arguments")?.firstNamedChild;
  if (!inner || inner.type !== "call_expression" || !/(^|\.)Pointer$/.test(unparen(field(inner, "function") ?? inner).text)) return undefined;
  const addr = inner && unparen(field(inner, "arguments")?.firstNamedChild ?? inner);
  if (addr.type !== "unary_expression" || field(addr, "operator")?.text !== "&") return undefined;
  const el = unparen(field(addr, "operand") ?? addr);
  const operand = el.type === "index_expression" ? field(el, "operand") : undefined;
  const index = el.type === "index_expression" ? field(el, "index") : undefined;
  const offset = index && constant(index);
  // A host-order load: no order of its own.
  return operand && offset !== undefined ? { buf: unparen(operand), offset, read: { ...width } } : undefined;
}

/** `&b[8]`: an address, read by the cast around it. */
function insideAddress(n: Node): boolean {
  return n.parent?.type === "unary_expression" && field(n.parent, "operator")?.text === "&";
}

/** An integer literal, or a sum of them: `4`, `0x10`, `8 + 4`. */
function constant(n: Node): number | undefined {
  const e = unparen(n);
  if (e.type === "int_literal") {
    const v = Number(e.text.replace(/_/g, ""));
    return Number.isSafeInteger(v) ? v : undefined;
  }
  if (e.type === "binary_expression" && field(e, "operator")?.text === "+") {
    const l = field(e, "left");
    const r = field(e, "right");
    const a = l && constant(l);
    const b = r && constant(r);
    return a !== undefined && b !== undefined ? a + b : undefined;
  }
  return undefined;
}

/** `ev.Pid = read`, `Pid: read`, `pid := read`: the field or variable named. */
function target(read: Node): string | undefined {
  let n = read;
  // Through conversions: `int32(binary.LittleEndian.Uint32(b[4:8]))`.
  while (n.parent?.type === "argument_list" && n.parent.parent?.type === "call_expression") n = n.parent.parent;
  const p = n.parent;
  if (p?.type === "literal_element" && p.parent?.type === "keyed_element") {
    const key = p.parent.firstNamedChild;
    return key && key !== p ? key.text : undefined;
  }
  if (p?.type === "keyed_element") return p.firstNamedChild !== n ? p.firstNamedChild?.text : undefined;
  if (p?.type === "expression_list" && (p.parent?.type === "assignment_statement" || p.parent?.type === "short_var_declaration")) {
    const i = p.namedChildren.findIndex((c) => c.id === n.id);
    const left = field(p.parent, "left");
    const l = left?.type === "expression_list" ? left.namedChildren[i] : i === 0 ? left : undefined;
    if (!l) return undefined;
    return l.type === "selector_expression" ? field(l, "field")?.text : l.text;
  }
  return undefined;
}
