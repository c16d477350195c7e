import type { Node } from "web-tree-sitter";
import { scanFunctions, type FunctionNodes } from "../readers/c/parser.js";
import type { ClockKeyWrite } from "../rules/rule.js";

// Finds map keys with a field taken from a clock, in BPF C source: within one
// function, `key.ts = bpf_ktime_get_ns()` (directly, through a local that
// holds the clock, or in a designated initializer) followed by the key's
// address passed to a map update or lookup, libbpf style
// (`bpf_map_update_elem(&m, &key, ...)`) or BCC style (`m.update(&key, ...)`).
// Only the syntax tree is read; nothing is preprocessed or compiled.

const CLOCKS = new Set(["bpf_ktime_get_ns", "bpf_ktime_get_boot_ns", "bpf_ktime_get_coarse_ns", "bpf_ktime_get_tai_ns", "bpf_jiffies64"]);
const LIBBPF_CALLS = new Set(["bpf_map_update_elem", "bpf_map_lookup_elem", "bpf_map_lookup_and_delete_elem", "bpf_map_lookup_percpu_elem"]);
const BCC_CALLS = new Set(["update", "insert", "lookup", "lookup_or_init", "lookup_or_try_init", "increment", "atomic_increment"]);

const BOUNDING = new Set(["%", ">>", "&"]);

/**
 * A clock helper's name as a whole word before its call's parenthesis
 * (spaces or a comment between): what the search of the tree finds. A
 * kernel's vmlinux.h names every helper (`btf_bpf_ktime_get_ns`) and calls
 * none, and is not parsed for its functions.
 */
const CALLS_CLOCK = new RegExp(`(?<![\\w$])(?:${[...CLOCKS].join("|")})[\\s\\\\]*(?:\\(|/[*/])`);

/** Cheap test before parsing: a file that calls no clock helper has nothing to find. */
export function mentionsClock(text: string): boolean {
  return CALLS_CLOCK.test(text);
}

export async function findClockKeys(file: string, text: string): Promise<ClockKeyWrite[]> {
  if (!mentionsClock(text)) return [];
  return scanFunctions<ClockKeyWrite>(text, (fn, out) => scanFunction(file, fn, out));
}

interface Write {
  field: string;
  helper: string;
  node: Node;
}

function scanFunction(file: string, fn: FunctionNodes, out: ClockKeyWrite[]): void {
  const clockVars = new Map<string, string>();
  const writes = new Map<string, Write>();
  const loc = (n: Node) => ({ file, line: n.startPosition.row + 1, column: n.startPosition.column + 1 });

  const clockIn = (n: Node | null): string | undefined => {
    if (!n) return undefined;
    // `ts % 1024`, `ts >> 20`, `ts & 0xff`: a bucket of the clock takes few values, not one per call.
    if (n.type === "binary_expression" && BOUNDING.has(n.childForFieldName("operator")?.text ?? "")) return undefined;
    if (n.type === "call_expression") {
      const f = n.childForFieldName("function");
      if (f?.type === "identifier" && CLOCKS.has(f.text)) return f.text;
    }
    if (n.type === "identifier") return clockVars.get(n.text);
    for (const c of n.namedChildren) {
      const h = c && clockIn(c);
      if (h) return h;
    }
    return undefined;
  };

  // A clock is read only where its helper or a local holding it is named: a declaration or assignment whose text names neither has nothing to do.
  const namesClock = (n: Node): boolean => {
    const text = n.text;
    for (const name of CLOCKS) if (text.includes(name)) return true;
    for (const name of clockVars.keys()) if (text.includes(name)) return true;
    return false;
  };

  const visit = (n: Node, type: string): void => {
    switch (type) {
      case "init_declarator": {
        if (!namesClock(n)) break;
        const name = n.childForFieldName("declarator");
        const value = n.childForFieldName("value");
        if (name?.type === "identifier" && value) {
          if (value.type === "initializer_list") {
            for (const pairNode of value.namedChildren) {
              if (pairNode?.type !== "initializer_pair") continue;
              const designator = pairNode.childForFieldName("designator");
              const helper = clockIn(pairNode.childForFieldName("value"));
              const field = designator?.namedChildren[0]?.text;
              if (helper && field && designator?.type === "field_designator") writes.set(name.text, { field, helper, node: pairNode });
            }
          } else {
            const helper = clockIn(value);
            if (helper) clockVars.set(name.text, helper);
          }
        }
        break;
      }
      case "assignment_expression": {
        // Nor does it drop a local holding a clock: its text would name the local.
        if (!namesClock(n)) break;
        const left = n.childForFieldName("left");
        const helper = clockIn(n.childForFieldName("right"));
        if (left?.type === "identifier") {
          if (helper) clockVars.set(left.text, helper);
          else clockVars.delete(left.text);
        } else if (left?.type === "field_expression" && helper) {
          const base = left.childForFieldName("argument");
          const field = left.childForFieldName("field");
          if (base?.type === "identifier" && field) writes.set(base.text, { field: field.text, helper, node: n });
        }
        break;
      }
      case "call_expression": {
        // Only a key whose field holds a clock is looked for.
        if (writes.size === 0) break;
        const use = mapUse(n);
        const w = use && writes.get(use.key);
        if (use && w) {
          out.push({ map: use.map, keyVar: use.key, field: w.field, helper: w.helper, call: use.call, assign: loc(w.node), use: loc(n) });
          writes.delete(use.key);
        }
        break;
      }
    }
  };
  // The body's, in source order: a clock is read into a key before the key is used.
  for (let i = fn.inDeclarator; i < fn.nodes.length; i++) visit(fn.nodes[i]!, fn.types[i]!);
}

/** `&key` or `key` (a pointer to it): the variable's name. */
function addressed(n: Node | null | undefined): string | undefined {
  if (!n) return undefined;
  if (n.type === "pointer_expression" && n.child(0)?.type === "&") return addressed(n.childForFieldName("argument"));
  if (n.type === "parenthesized_expression" || n.type === "cast_expression") return addressed(n.namedChildren[n.namedChildren.length - 1]);
  return n.type === "identifier" ? n.text : undefined;
}

function mapUse(call: Node): { map: string; key: string; call: string } | undefined {
  const f = call.childForFieldName("function");
  const args = call.childForFieldName("arguments")?.namedChildren ?? [];
  if (f?.type === "identifier" && LIBBPF_CALLS.has(f.text)) {
    const map = addressed(args[0]);
    const key = addressed(args[1]);
    return map && key ? { map, key, call: f.text } : undefined;
  }
  if (f?.type === "field_expression") {
    const method = f.childForFieldName("field")?.text;
    const map = f.childForFieldName("argument");
    const key = addressed(args[0]);
    if (method && BCC_CALLS.has(method) && map?.type === "identifier" && key) return { map: map.text, key, call: `${map.text}.${method}` };
  }
  return undefined;
}
