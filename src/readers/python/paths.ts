import { existsSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import type { Node } from "web-tree-sitter";
import { callArgs, dotted, field, unparen } from "./syntax.js";
import type { Evaluator } from "./values.js";

// The file a `BPF(src_file=...)` or an `open(...)` names, as the Python
// builds the path: a literal (BCC looks beside the script when it is not in
// the working directory), `__file__` and `os.path.join/dirname/abspath/
// realpath` of it, `+` of those, `.encode()`. Anything else (`sys.argv[1]`)
// is only known at run time. A relative literal found nowhere beside the
// file is looked for from the directories above it: a module the script
// of its parent directory loads names its files from there.

const PATH_FUNCTIONS = new Set(["join", "dirname", "abspath", "realpath"]);

/** How many directories above the Python file a relative path is looked for from. */
const UP = 2;

/** The path `n` evaluates to, for the Python file `file`; undefined when run time decides. */
export function pathOf(n: Node, file: string, evaluator: Evaluator): string | undefined {
  const p = rawPath(n, file, evaluator, 0);
  if (!p) return undefined;
  if (p.anchored) return normalize(p.path);
  const beside = join(dirname(file), p.path);
  for (let dir = dirname(dirname(file)), i = 0; i < UP && !existsSync(beside); dir = dirname(dir), i++) {
    const above = join(dir, p.path);
    if (existsSync(above)) return above;
  }
  return beside;
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
  if (x.type === "binary_operator" && field(x, "operator")?.type === "+") {
    const l = field(x, "left");
    const r = field(x, "right");
    const a = l && rawPath(l, file, evaluator, depth + 1);
    const b = r && rawPath(r, file, evaluator, depth + 1);
    if (a && b) return { path: a.path + b.path, anchored: a.anchored || a.path.startsWith("/") };
  }
  const v = evaluator.eval(x);
  if (v.k !== "str" || v.unresolved.length) return undefined;
  return { path: v.v, anchored: v.v.startsWith("/") };
}
