import { dirname, join } from "node:path";
import type { Node } from "web-tree-sitter";
import { callArgs, dotted, field, unparen } from "./syntax.js";
import type { Evaluator } from "./values.js";

// The file a `BPF(src_file=...)` names, as the Python builds the path: a
// literal (BCC looks beside the script when it is not in the working
// directory), `__file__` and `os.path.join/dirname/abspath/realpath` of
// it, `.encode()`. Anything else (`sys.argv[1]`) is only known at run time.

const PATH_FUNCTIONS = new Set(["join", "dirname", "abspath", "realpath"]);

/** The path `n` evaluates to, for the Python file `file`; undefined when run time decides. */
export function pathOf(n: Node, file: string, evaluator: Evaluator): string | undefined {
  const p = rawPath(n, file, evaluator, 0);
  if (!p) return undefined;
  return p.anchored ? p.path : join(dirname(file), p.path);
}

/** A path and whether it is anchored (absolute, or built from `__file__`) rather than relative to the script. */
function rawPath(n: Node, file: string, evaluator: Evaluator, depth: number): { path: string; anchored: boolean } | undefined {
  if (depth > 16) return undefined;
  const x = unparen(n);
  if (x.type === "identifier" && x.text === "__file__") return { path: file, anchored: true };
  if (x.type === "call") {
    const fn = field(x, "function");
    if (fn?.type === "attribute" && field(fn, "attribute")?.text === "encode") {
      const obj = field(fn, "object");
      return obj ? rawPath(obj, file, evaluator, depth + 1) : undefined;
    }
    const name = fn ? dotted(fn) : undefined;
    const op = name?.slice(name.lastIndexOf(".") + 1);
    if (!name || !/^(os\.)?path\.\w+$/.test(name) || !op || !PATH_FUNCTIONS.has(op)) return undefined;
    const parts = callArgs(x).positional.map((a) => rawPath(a, file, evaluator, depth + 1));
    if (parts.length === 0 || parts.some((p) => p === undefined)) return undefined;
    const ps = parts as { path: string; anchored: boolean }[];
    const anchored = ps.some((p) => p.anchored || p.path.startsWith("/"));
    if (op === "join") return { path: join(...ps.map((p) => p.path)), anchored };
    if (op === "dirname") return { path: dirname(ps[0]!.path), anchored };
    // abspath and realpath name the same file.
    return ps[0];
  }
  const v = evaluator.eval(x);
  if (v.k !== "str" || v.unresolved.length) return undefined;
  return { path: v.v, anchored: v.v.startsWith("/") };
}
