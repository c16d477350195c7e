import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Parser } from "web-tree-sitter";
import { describe, expect, it, vi } from "vitest";
import { cParser, hasBodyAfterParams, scanFunctions } from "../../../src/readers/c/parser.js";

// A text in which no `)` is followed by a `{` defines no function and is not
// parsed for its functions (vmlinux.h: 3 MB of records). Every C text of the
// fixtures in which the parser finds a function definition must still be
// scanned, function for function.

function cFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) cFiles(path, out);
    else if (/\.(c|h)$/.test(name)) out.push(path);
  }
  return out;
}

async function definitions(text: string): Promise<number> {
  const tree = (await cParser()).parse(text)!;
  const n = tree.rootNode.descendantsOfType("function_definition").length;
  tree.delete();
  return n;
}

describe("scanning a C text's functions", () => {
  it("scans every function definition of every fixture", async () => {
    let withFunctions = 0;
    for (const path of cFiles(join(import.meta.dirname, "../../../fixtures"))) {
      const text = readFileSync(path, "utf8");
      const expected = await definitions(text);
      if (expected) withFunctions++;
      const found = await scanFunctions<number>(text, (_fn, out) => out.push(1));
      expect(found.length, path).toBe(expected);
    }
    expect(withFunctions).toBeGreaterThan(10);
  });

  it("finds a body after comments, attributes and SEC(), and none in records of function pointers", async () => {
    const count = async (text: string) => (await scanFunctions<number>(text, (_fn, out) => out.push(1))).length;
    expect(await count('SEC("tp/x")\nint BPF_PROG(h, struct task_struct *t) /* { */ // }\n{ return 0; }\n')).toBe(1);
    expect(await count("static int g(int x) __attribute__((noinline)) __weak\n{\n\treturn x;\n}\n")).toBe(1);
    expect(await count("struct ops { void (*f)(int); int (*g)(struct ops *o); };\ntypedef void (*cb_t)(void);\n")).toBe(0);
  });

  it("does not parse a header of records and function pointers", async () => {
    const parse = vi.spyOn(Parser.prototype, "parse");
    const header = "struct ops { void (*f)(int); int (*g)(struct ops *o); } __attribute__((packed));\ntypedef void (*cb_t)(void);\nenum { A = (1 << 2) };\n";
    expect(await scanFunctions<number>(header, (_fn, out) => out.push(1))).toEqual([]);
    expect(parse).not.toHaveBeenCalled();
    parse.mockRestore();
  });

  it("reads lines of directives after a `)` in one pass", async () => {
    // The regular expression this scan replaced backtracked for minutes where directives
    // follow a `)` and no body comes (a real header's per-architecture SEC() choices).
    const block = '#if defined(__ARCH_A)\n#define PROBE_SEC() SEC("kprobe/sys_a")\n#elif defined(__ARCH_B)\n#define PROBE_SEC() SEC("kprobe/sys_b")\n#else\n#error unknown architecture for this probe\n#endif\n\n';
    const none = block.repeat(8) + "typedef int (*cb_t)(void);\n";
    expect(hasBodyAfterParams(none)).toBe(false);
    expect(await scanFunctions<number>(none, (_fn, out) => out.push(1))).toEqual([]);
    const one = none + "static inline int empty(void)\n{\n\treturn 0;\n}\n";
    expect(await scanFunctions<number>(one, (_fn, out) => out.push(1))).toHaveLength(1);
  });
});
