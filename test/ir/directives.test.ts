import { describe, expect, it } from "vitest";
import { scanSuppressions } from "../../src/check/suppress.js";
import { readGo } from "../../src/readers/go/index.js";
import { readPython } from "../../src/readers/python/index.js";
import { readTypeScript } from "../../src/readers/ts/index.js";

// abidrift's comment directives mean the same in every language: the same
// ignore list silences the same rules on the next line, and a mirrors
// comment names the same C type, whether the comment is C's, Go's,
// Python's or TypeScript's.

const RULES = "map-key-size, struct-mismatch";

describe("comment directives, one grammar for every language", () => {
  it("an ignore list names each of its rules, in C, Go, Python and TypeScript", async () => {
    const go = await readGo("a.go", `package main\n\n// abidrift-ignore-next-line ${RULES}\nvar x = 1\n`, {});
    const py = await readPython("a.py", `import ctypes\n\n# abidrift-ignore-next-line ${RULES}\nx = 1\n`, {});
    const ts = await readTypeScript("a.ts", `const v = new DataView(new ArrayBuffer(8));\n// abidrift-ignore-next-line ${RULES}\nexport const x = v.getUint32(0, true);\n`, {});
    const expected = (line: number) => [
      { line, rule: "map-key-size" },
      { line, rule: "struct-mismatch" },
    ];
    expect(go.suppressions).toEqual(expected(4));
    expect(py.suppressions).toEqual(expected(4));
    expect(ts.suppressions).toEqual(expected(3));
    expect(scanSuppressions(`int a;\n/* abidrift-ignore-next-line ${RULES} */\nint b;\n`)).toEqual(new Map([[3, new Set(["map-key-size", "struct-mismatch"])]]));
  });

  it("an ignore with no rule silences every rule; one outside a comment is no directive", async () => {
    const py = await readPython("b.py", `import ctypes\n# abidrift-ignore-next-line\nx = 1\ns = "abidrift-ignore-next-line map-key-size"\n`, {});
    expect(py.suppressions).toEqual([{ line: 3 }]);
    expect(scanSuppressions(`// abidrift-ignore-next-line\nint b;\nchar *s = "abidrift-ignore-next-line x";\n`)).toEqual(new Map([[2, new Set()]]));
  });

  it("a mirrors comment names the C type, tag and all, in Go, Python and TypeScript", async () => {
    const go = await readGo("m.go", `package main\n\n// abidrift:mirrors struct   dns_key\ntype Key struct {\n\tA uint32\n}\n`, {});
    const py = await readPython("m.py", `import ctypes\n\nclass Key(ctypes.Structure):  # abidrift:mirrors struct dns_key\n    _fields_ = [("a", ctypes.c_uint32)]\n`, {});
    const ts = await readTypeScript(
      "m.ts",
      `// abidrift:mirrors struct dns_key\nexport function decodeKey(b: Uint8Array) {\n  const v = new DataView(b.buffer, b.byteOffset);\n  return { a: v.getUint32(0, true) };\n}\n`,
      {},
    );
    for (const m of [go, py, ts]) expect(m.twins.map((t) => t.mirrors?.name), m.file).toEqual(["struct dns_key"]);
    expect(py.twins[0]!.mirrors!.loc.column).toBe(`class Key(ctypes.Structure):  # `.length + 1);
  });
});
