import type { Node } from "web-tree-sitter";
import type { Registration } from "../../ir/bindings.js";
import { underlying } from "../../ir/layout/go.js";
import type { GoDecls } from "./decls.js";
import { dotted, field, stringValue, unparen } from "./syntax.js";

// cilium's alignchecker holds Go types to C structs by name: a map from
// the C struct's name to the reflect.Types that mirror it, handed to
// CheckStructAlignments (pkg/alignchecker); tetragon's copy takes values of
// the types instead (`map[string][]any{"msg_exit": {processapi.MsgExitEvent{}}}`). Such a map is evidence of a
// twin as strong as a comment: the project itself says which C struct the
// type mirrors, and checks it against the object's DWARF.

const CHECK_CALL = /\bCheckStructAlignments\s*\(/;

/** Every `"c_name": {reflect.TypeOf(T{})}` (or `{T{}}`) of a map of C names to types in a file that runs the checker. */
export function alignRegistrations(decls: GoDecls, text: string): Registration[] {
  if (!CHECK_CALL.test(text)) return [];
  const out: Registration[] = [];
  for (const lit of decls.root.descendantsOfType("composite_literal")) {
    if (!isTypeMap(decls, field(lit, "type"))) continue;
    for (const el of field(lit, "body")?.namedChildren ?? []) {
      if (el.type !== "keyed_element") continue;
      const key = element(field(el, "key") ?? el.namedChildren[0]);
      const cName = key ? stringValue(key) : undefined;
      const value = element(field(el, "value") ?? el.namedChildren[1]);
      if (!cName || !value) continue;
      const calls = value.type === "literal_value" ? value.namedChildren.map(element) : [value];
      for (const call of calls) {
        const twin = call && typeOfCall(decls, call);
        if (twin) out.push({ cName, twin, loc: decls.loc(el), via: "alignchecker" });
      }
    }
  }
  return out;
}

/** `map[string][]reflect.Type`, `map[string]reflect.Type`, `map[string][]any`, `map[string][]interface{}`. */
function isTypeMap(decls: GoDecls, t: Node | undefined): boolean {
  if (t?.type !== "map_type" || field(t, "key")?.text !== "string") return false;
  let v = field(t, "value");
  if (v?.type === "slice_type") v = field(v, "element");
  if (v?.type === "interface_type" || v?.text === "any") return true;
  const name = v ? dotted(v) : undefined;
  return name !== undefined && name.endsWith(".Type") && decls.isPackage(name.split(".")[0] ?? "", "reflect");
}

function element(n: Node | null | undefined): Node | undefined {
  if (!n) return undefined;
  return n.type === "literal_element" ? (n.firstNamedChild ?? undefined) : n;
}

/** The named struct of `reflect.TypeOf(T{})`, `reflect.TypeOf(&T{})`, `T{}` or `&T{}`, where the package declares it. */
function typeOfCall(decls: GoDecls, value: Node): Registration["twin"] | undefined {
  let arg: Node | undefined = value;
  if (value.type === "call_expression") {
    const fn = dotted(unparen(field(value, "function") ?? value));
    if (!fn || fn.split(".")[1] !== "TypeOf" || !decls.isPackage(fn.split(".")[0] ?? "", "reflect")) return undefined;
    arg = field(value, "arguments")?.namedChildren[0];
  } else if (value.type !== "composite_literal" && !(value.type === "unary_expression" && field(value, "operator")?.text === "&")) {
    return undefined;
  }
  let t = arg ? decls.exprType(arg, decls.fileScope) : undefined;
  if (t?.kind === "pointer" && t.elem) t = t.elem;
  if (t?.kind !== "named" || !t.loc || underlying(t).kind !== "struct") return undefined;
  return { name: t.name, loc: t.loc };
}
