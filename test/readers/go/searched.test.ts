import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseGo } from "../../../src/readers/go/parser.js";
import { BLOCKS, Searched } from "../../../src/readers/go/syntax.js";

// The Go reader searches each file's tree once and answers each later
// search with a slice of that one: every slice must be the very nodes, in
// the very order, that the tree's own search of that node gives.

function goFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) goFiles(path, out);
    else if (name.endsWith(".go")) out.push(path);
  }
  return out;
}

const ASKED: ReadonlySet<string>[] = [
  BLOCKS,
  new Set(["comment"]),
  new Set(["call_expression"]),
  new Set(["call_expression", "index_expression"]),
  new Set(["composite_literal", "call_expression", "assignment_statement"]),
  new Set(["parameter_declaration", "var_declaration", "short_var_declaration", "assignment_statement", "call_expression"]),
  new Set(["var_spec"]),
  new Set(["import_spec"]),
];

// Nodes of these types are searched below too, not only the root and its children.
const NESTED = [...BLOCKS, "var_declaration", "call_expression", "composite_literal"];

// Nodes nested in searched nodes that start where they do: chained calls, a
// call on a literal, a var inside a func literal inside a var.
const NESTING = `package p

func f() {
	a.b(c.d()).e()
	x := T{}.m()
	var v = func() { var w, z = g(), h(); _ = w }
	if y := k()(); y {
		for {}
	}
}
`;

describe("a Go file searched once", () => {
  it("answers each search of the root, a top-level declaration or a node it found as the tree does", async () => {
    let files = 0;
    let nested = 0;
    for (const path of ["(nesting)", ...goFiles(join(import.meta.dirname, "../../../fixtures"))]) {
      const tree = await parseGo(path === "(nesting)" ? NESTING : readFileSync(path, "utf8"));
      try {
        const root = tree.rootNode;
        if (root.hasError) continue;
        files++;
        const searched = new Searched(root);
        for (const below of [root, ...root.namedChildren, ...root.descendantsOfType(NESTED)]) {
          if (!below) continue;
          for (const types of ASKED) {
            const got: number[] = [];
            searched.walk(below, types, (n) => got.push(n.id));
            expect(got, `${path} ${below.type}@${below.startIndex} ${[...types].join(",")}`).toEqual(below.descendantsOfType([...types]).map((n) => n!.id));
          }
          if (below.parent?.id !== root.id && below.id !== root.id) nested++;
        }
      } finally {
        tree.delete();
      }
    }
    expect(files).toBeGreaterThan(20);
    expect(nested).toBeGreaterThan(100);
  });
});
