// The import rules of DESIGN.md, checked on the import graph of src/: a
// module may import only what the picture above it allows. Every import is
// read, static and dynamic, type-only included.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SRC = join(ROOT, "src");

/** Every module of src/, as a path relative to src/. */
function modules(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return modules(path);
    return e.name.endsWith(".ts") ? [relative(SRC, path)] : [];
  });
}

const IMPORT = /(?:^|[^\w.])(?:import|export)\s*(?:type\s+)?(?:[^'"`;]*?\sfrom\s*)?\(?\s*["']([^"']+)["']/g;

/** The modules of ours `file` imports, relative to src/ with .ts for .js. */
export function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1]!;
    if (!spec.startsWith(".")) continue;
    out.push(relative(SRC, resolve(SRC, dirname(file), spec)).replace(/\.js$/, ".ts"));
  }
  return out;
}

/** The area of a module: `cli`, `ir`, `readers`, ... or `index.ts` at the top. */
const area = (path: string): string => path.split("/")[0]!;

interface Rule {
  says: string;
  /** Whether `from` importing `to` crosses the line; `api` is the modules src/index.ts re-exports from. */
  forbids(from: string, to: string, api: ReadonlySet<string>): boolean;
}

const RULES: Rule[] = [
  { says: "nothing outside src/cli imports the CLI", forbids: (from, to) => area(from) !== "cli" && area(to) === "cli" },
  // A command imports the API module it needs rather than all of src/index.ts, so that it loads only that.
  {
    says: "the CLI uses only the library's API, src/index.ts or a module it re-exports from",
    forbids: (from, to, api) => area(from) === "cli" && area(to) !== "cli" && to !== "index.ts" && !api.has(to),
  },
  { says: "ir imports nothing of ours", forbids: (from, to) => area(from) === "ir" && area(to) !== "ir" },
  { says: "readers import only ir", forbids: (from, to) => area(from) === "readers" && area(to) !== "ir" && area(to) !== "readers" },
  { says: "rules import no reader and no codegen", forbids: (from, to) => area(from) === "rules" && (area(to) === "readers" || area(to) === "codegen") },
  { says: "drift does not import report", forbids: (from, to) => area(from) === "drift" && area(to) === "report" },
];

/** `from -> to (rule)` for every import that crosses a line. */
export function violations(files: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  const index = files.get("index.ts") ?? "";
  const api = new Set(importsOf("index.ts", index.split("\n").filter((l) => l.startsWith("export")).join("\n")));
  for (const [file, text] of files) {
    for (const to of importsOf(file, text)) {
      for (const r of RULES) if (r.forbids(file, to, api)) out.push(`src/${file} -> src/${to} (${r.says})`);
    }
  }
  return out.sort();
}

describe("the import rules of DESIGN.md", () => {
  it("no module of src/ crosses one", () => {
    const files = new Map(modules().map((f) => [f, readFileSync(join(SRC, f), "utf8")]));
    expect(files.size).toBeGreaterThan(50);
    expect(violations(files)).toEqual([]);
  });

  it("finds each kind of import that crosses a line: static, type-only, re-export, dynamic", () => {
    const files = new Map([
      ["check/cli.ts", `import type { X } from "../cli/commands/check.js";`],
      ["ir/graph.ts", `import { loadLayoutSources } from "../load/layout-sources.js";`],
      ["readers/c/index.ts", `export { snapshot } from "../../drift/snapshot.js";`],
      ["rules/spelling.ts", `const { generateModule } = await import("../codegen/ts/index.js");`],
      ["drift/classify.ts", `import {\n  count,\n} from "../report/words.js";`],
      ["index.ts", `export { styleFor } from "./report/style.js";\nimport { helper } from "./report/layout/text.js";`],
      ["cli/layout.ts", `import { layoutText } from "../report/layout/text.js";\nimport { check } from "../index.js";\nimport { styleFor } from "../report/style.js";`],
      ["readers/go/reader.ts", `import { TARGETS } from "../../ir/targets.js";\nimport { grammarParser } from "../tree-sitter.js";`],
    ]);
    expect(violations(files)).toEqual([
      "src/check/cli.ts -> src/cli/commands/check.ts (nothing outside src/cli imports the CLI)",
      "src/cli/layout.ts -> src/report/layout/text.ts (the CLI uses only the library's API, src/index.ts or a module it re-exports from)",
      "src/drift/classify.ts -> src/report/words.ts (drift does not import report)",
      "src/ir/graph.ts -> src/load/layout-sources.ts (ir imports nothing of ours)",
      "src/readers/c/index.ts -> src/drift/snapshot.ts (readers import only ir)",
      "src/rules/spelling.ts -> src/codegen/ts/index.ts (rules import no reader and no codegen)",
    ]);
  });
});
