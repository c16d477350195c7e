import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HAVE_BPFTOOL, bpftoolDumpC } from "../../oracles/bpftool.js";
import { indexDeclarations, needsOf, scanProgram, tagKey } from "../../../src/readers/c/decl-index.js";
import { reachable } from "../../../src/readers/c/reachable.js";

// The scan that finds a header's top-level declarations without parsing
// them: where each starts and ends, what it declares, what it needs.

/** Each declaration as its text, what it defines and needs (sorted), and whether every program reads it. */
function scan(text: string) {
  const index = indexDeclarations(text);
  return index.decls.map((d, i) => ({ text: text.slice(d.start, d.end), defines: [...d.defines].sort(), needs: [...new Set(needsOf(index, i))].sort(), root: d.root }));
}

describe("the declaration index", () => {
  it("finds tags, typedef names and the names a typedef needs", () => {
    expect(scan("typedef unsigned int __u32;\ntypedef __u32 u32;\nstruct s { u32 a; struct t *p; struct v w; };\nstruct t;")).toEqual([
      { text: "typedef unsigned int __u32;", defines: ["__u32"], needs: [], root: false },
      { text: "typedef __u32 u32;", defines: ["u32"], needs: ["__u32"], root: false },
      // A member's own name is nobody's; a record named through a pointer is not needed.
      { text: "struct s { u32 a; struct t *p; struct v w; };", defines: ["#s"], needs: ["#v", "u32"], root: false },
      { text: "struct t;", defines: ["#t"], needs: [], root: false },
    ]);
  });

  it("reads `typedef struct {..} name;`, anonymous unions and tags defined inside a record", () => {
    expect(scan("typedef struct { union { int a; long b; }; struct in { char c; } x; } name_t;")).toEqual([
      { text: "typedef struct { union { int a; long b; }; struct in { char c; } x; } name_t;", defines: ["#in", "name_t"], needs: [], root: false },
    ]);
  });

  it("gives an enum's enumerators, and the names its values use", () => {
    expect(scan("enum e { A = 1, B = (A << 2), C };\nenum { D = sizeof(struct s *) };")).toEqual([
      { text: "enum e { A = 1, B = (A << 2), C };", defines: ["#e", "A", "B", "C"], needs: ["A"], root: false },
      // Under sizeof, even a pointer's target is needed.
      { text: "enum { D = sizeof(struct s *) };", defines: ["D"], needs: ["#s"], root: false },
    ]);
  });

  it("reads function pointers, attributes between a tag and its body, and arrays sized by constants", () => {
    expect(scan("typedef int (*cb_t)(struct sk *sk, u32 flags);\nstruct __attribute__((aligned(8))) al { char b[N + 1]; } __attribute__((packed));")).toEqual([
      { text: "typedef int (*cb_t)(struct sk *sk, u32 flags);", defines: ["cb_t"], needs: ["flags", "sk", "u32"], root: false },
      { text: "struct __attribute__((aligned(8))) al { char b[N + 1]; } __attribute__((packed));", defines: ["#al"], needs: ["N", "aligned", "packed"], root: false },
    ]);
  });

  it("skips a function's body, and takes a variable in a section for every program", () => {
    const text = "static inline int f(struct t *t)\n{\n\tstruct local { int x; } l = { 1 };\n\tif (t) { return 1; }\n\treturn 0;\n}\nstruct { int *key; } m __attribute__((section(\".maps\"), used));\n";
    expect(scan(text)).toEqual([
      // A parameter's name counts as used: the scan errs toward reading more.
      { text: text.slice(0, text.indexOf("}\nstruct") + 1), defines: ["f"], needs: ["t"], root: false },
      { text: 'struct { int *key; } m __attribute__((section(".maps"), used));', defines: ["m"], needs: ["used"], root: true },
    ]);
  });

  it("keeps `#pragma pack` lines as declarations every program reads, and skips other directives", () => {
    const text = "#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n#pragma pack(push, 1)\nstruct p { char a; int b; };\n#pragma pack(pop)\n";
    expect(scan(text).map((d) => [d.text, d.root])).toEqual([
      ["#pragma pack(push, 1)", true],
      ["struct p { char a; int b; };", false],
      ["#pragma pack(pop)", true],
    ]);
  });

  it("counts a program's every name, in function bodies too, but not a record named only through pointers", () => {
    const { names } = scanProgram("struct ev { struct task_struct *t; };\nint f(void *ctx) { struct sock *sk = ctx; return BPF_X + sizeof(u64) + sizeof(struct flow *); }");
    for (const k of [tagKey("ev"), tagKey("flow"), "BPF_X", "u64", "f"]) expect(names.has(k), k).toBe(true);
    for (const k of [tagKey("task_struct"), tagKey("sock")]) expect(names.has(k), k).toBe(false);
  });
});

describe("the index's native searches of record and enum bodies", () => {
  // Each body is also read word by word; both must find the same declarations.
  const same = (text: string): void => expect(indexDeclarations(text, true).decls).toEqual(indexDeclarations(text, false).decls);

  it("agree on enums of every shape", () => {
    same(
      [
        "enum a { A1, A2 = 3, A3 = (1 << 2) | A2, A4 = F(1, 2), A5 = ',', A6 = '\\'', A7, };",
        "enum { B1 = sizeof(struct s), B2 = sizeof(struct { int x, y; }) };",
        "enum c { C1 __attribute__((deprecated)), C2 } __attribute__((packed));",
        "enum d { D1 = (2, 3), D2 = (, D3 };",
        "enum e { , E1 };\nenum f {};\nenum g { int G1 };\nenum h { H1 = 1\n#pragma pack(1)\n, H2 };",
        "typedef enum { T1 = \"x,y\" } t_t;\nstruct r { enum { R1, R2 } r; enum q { Q1 } q; int section; };\nenum i { I1 = sizeof(enum j { J1, J2 }) };",
        "enum k { K1 = ",
      ].join("\n"),
    );
  });

  it.skipIf(!HAVE_BPFTOOL || !existsSync("/sys/kernel/btf/vmlinux"))("agree on this kernel's vmlinux.h", () => {
    const text = bpftoolDumpC("/sys/kernel/btf/vmlinux");
    same(text);
  });
});

describe("what a program reaches", () => {
  it("follows needs through typedefs and constants, and stops at pointers", () => {
    const text = "typedef unsigned int u32;\nenum { LEN = 4 };\nstruct far { int x; };\nstruct near { u32 a[LEN]; struct far *f; };\nstruct other { struct near n; };\n#pragma pack(1)\n";
    const index = indexDeclarations(text);
    const [chosen] = reachable([index], [tagKey("near")]);
    expect(chosen!.map((i) => text.slice(index.decls[i]!.start, index.decls[i]!.end).split(" ")[0] + " " + index.decls[i]!.defines.join(","))).toEqual([
      "typedef u32",
      "enum LEN",
      "struct #near",
      "#pragma ",
    ]);
  });
});
