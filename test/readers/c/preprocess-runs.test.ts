import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TARGETS } from "../../../src/ir/targets.js";
import { HeaderCache } from "../../../src/readers/c/index.js";
import { preprocess } from "../../../src/readers/c/preprocess.js";
import { HAVE_BPFTOOL, bpftoolDumpC } from "../../oracles/bpftool.js";

// The preprocessor gives runs of lines it leaves unchanged in one piece,
// found with native searches; read line by line, every text must come out
// the same: the same characters, the same file and line for each output
// line, the same problems and the same places of cached headers.

const FIXTURES = join(import.meta.dirname, "../../../fixtures");

function both(path: string, files: Record<string, string>, headers?: () => HeaderCache): void {
  const read = (runs: boolean) => {
    const p = preprocess(path, { target: TARGETS.bpfel, includeDirs: [], defines: {}, files, runs, ...(headers ? { headers: headers() } : {}) });
    return { ...p, chunks: p.chunks.map((c) => [c.at, c.end]) };
  };
  expect(read(true)).toEqual(read(false));
}

function cFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return cFiles(p);
    return /\.[ch]$/.test(name) ? [p] : [];
  });
}

describe("the preprocessor's runs of unchanged lines", () => {
  it("give what reading each line by itself gives", () => {
    const files = {
      "/t/a.c": [
        "#define A 1",
        "int x = A;",
        "int y;\\",
        " int z;",
        "#if 0",
        "int q;",
        "#endif",
        "  # define B(x) x+\\",
        " 1",
        "int w = B(",
        "2);",
        "struct s { enum e : 3; enum f",
        " : 3; float _Complex c; int __attribute__((aligned(8))) al; };",
        "char L[] __attribute__((section(\"license\"))) = \"GPL\";",
        "/* a comment",
        "   over lines */ int after_comment;",
        "_Pragma(\"pack(1)\") int p;",
        "BPF_HASH(counts, u32, u64);",
        "#include \"b.h\"",
        "#ifdef NOPE",
        "int nope;",
        "#else",
        "int yes;",
        "int end\\",
      ].join("\n"),
      "/t/b.h": "struct from_b { int a; };\r\n#define C 3\r\nint c = C;\r\n\r\n",
      "/t/open.c": "#if 1\nint a;\n",
    };
    for (const path of Object.keys(files)) both(path, files);
  });

  it("give what reading each line by itself gives, with macros deep in long runs", () => {
    const filler = (tag: string) => Array.from({ length: 400 }, (_, i) => `int ${tag}${i};`);
    const text = [
      "#define MAC 7",
      "#define F(x) (x + 1)",
      ...filler("a"),
      "int near = xMAC + MACx + _MAC + 0MAC + MAC_;",
      ...filler("b"),
      "int deep = MAC;",
      ...filler("c"),
      "int call = F(",
      "  2);",
      ...filler("d"),
      "#undef MAC",
      ...filler("e"),
      "int gone = MAC;",
      "#define LATE 9",
      ...filler("f"),
      "int late = LATE;",
      ...filler("g"),
    ].join("\n");
    both("/t/long.c", { "/t/long.c": text });
  });

  it("give what reading each line by itself gives, through a cache of headers", () => {
    const big = [...Array.from({ length: 3000 }, (_, i) => `struct s${i} { int a; long b; };`), "#define IN_BIG 1", "int big = IN_BIG;", ...Array.from({ length: 3000 }, (_, i) => `typedef int t${i};`)].join("\n") + "\n";
    const files = { "/t/big.h": big, "/t/p.c": '#include "big.h"\nint mine;\n#include "big.h"\n' };
    const cache = new HeaderCache({ minSize: 1024 });
    both("/t/p.c", files, () => new HeaderCache({ minSize: 1024 }));
    both("/t/p.c", files, () => cache);
  });

  it("give what reading each line by itself gives, on every C file of the fixtures", () => {
    for (const path of cFiles(FIXTURES)) both(path, { [path]: readFileSync(path, "latin1") });
  });

  it.skipIf(!HAVE_BPFTOOL || !existsSync("/sys/kernel/btf/vmlinux"))("give what reading each line by itself gives, on this kernel's vmlinux.h", () => {
    both("/t/vmlinux.h", { "/t/vmlinux.h": bpftoolDumpC("/sys/kernel/btf/vmlinux") });
  });
});
