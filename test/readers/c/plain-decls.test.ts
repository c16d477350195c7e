import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TARGETS } from "../../../src/ir/targets.js";
import { parseC } from "../../../src/readers/c/parse-c.js";
import { cParser } from "../../../src/readers/c/parser.js";
import { PlainReader } from "../../../src/readers/c/plain-decls.js";
import { preprocess } from "../../../src/readers/c/preprocess.js";
import { readDecls, ReadWhole } from "../../../src/readers/c/read-decls.js";
import { walkTree } from "../../../src/readers/c/walk.js";
import { HAVE_BPFTOOL, bpftoolDumpC } from "../../oracles/bpftool.js";
import { freshSeed, rng } from "../../oracles/random.js";
import { randomUnit } from "./random-c.js";

// The plain reader stands in for tree-sitter on the declarations bpftool
// writes: read declaration by declaration (plain ones directly, the rest
// by tree-sitter in runs), a text must give the very items, compared as
// JSON, that tree-sitter's tree of the whole text gives, or decline
// (ReadWhole) and be parsed whole. On vmlinux.h, the random records of the
// layout oracle tests, the C fixtures and seeded mutants of them.

const ROOT = join(import.meta.dirname, "../../..");
const target = TARGETS.bpfel;

function preprocessed(path: string, source: string): string {
  return preprocess(path, { target, includeDirs: [join(ROOT, "fixtures/c/include")], defines: {}, files: { [path]: source } }).text;
}

async function whole(text: string): Promise<string[]> {
  const { tree, source } = parseC(await cParser(), text, "t.c");
  try {
    return [...walkTree(tree, source)].map((i) => JSON.stringify(i));
  } finally {
    tree.delete();
  }
}

async function inPieces(text: string): Promise<string[] | "whole"> {
  try {
    return [...readDecls(await cParser(), text, "t.c")].map((i) => JSON.stringify(i));
  } catch (e) {
    if (e instanceof ReadWhole) return "whole";
    throw e;
  }
}

/** How many top-level declarations of `text` the plain reader declines, as it meets them. */
async function declined(text: string): Promise<number> {
  const parser = await cParser();
  const plain = new PlainReader(text, parser.language!);
  let n = 0;
  let at = plain.skipBlanks(0);
  while (at < text.length) {
    const r = plain.declaration(at);
    if (!r) {
      n++;
      const semi = text.indexOf(";\n", at);
      at = semi < 0 ? text.length : semi + 2;
    } else at = r.end;
    at = plain.skipBlanks(at);
  }
  return n;
}

/** Each text taken whole by the plain reader, and read as tree-sitter reads it. */
async function takenAsTreeSitterReads(texts: readonly string[]): Promise<void> {
  for (const text of texts) {
    expect(await declined(text), text).toBe(0);
    expect(await inPieces(text), text).toEqual(await whole(text));
  }
}

describe("declarations read plain or in pieces give tree-sitter's items", () => {
  it.skipIf(!HAVE_BPFTOOL || !existsSync("/sys/kernel/btf/vmlinux"))("this kernel's vmlinux.h", async () => {
    const text = preprocessed("vmlinux.h", bpftoolDumpC("/sys/kernel/btf/vmlinux"));
    const got = await inPieces(text);
    expect(got).not.toBe("whole");
    const want = await whole(text);
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) expect(got[i]).toBe(want[i]);
    // Not equal by falling back: the plain reader takes nearly all of it.
    expect(await declined(text)).toBeLessThan(want.length / 100);
  });

  it("the shapes bpftool writes, each taken by the plain reader", async () => {
    const shapes = [
      "typedef long long unsigned int __u64;",
      "typedef __u64 u64;",
      "typedef _Bool bool;",
      "typedef __int128 unsigned __u128;",
      "struct w { __int128 unsigned a; int unsigned b; char signed c: 3; int long d; };",
      "typedef long unsigned int size_t;",
      "typedef int (*initcall_t)(void);",
      "typedef void (*f_t)(void *, const char *, ...);",
      "typedef struct task_struct * (*pick_f)(struct sched_dl_entity *);",
      "typedef char name_t[16];",
      "typedef struct { int counter; } atomic_t;",
      "typedef int flow_cb_t(struct net_device *, void (*)(struct flow_block_cb *));",
      "struct fwd;",
      "union ufwd;",
      "enum { false = 0, true = 1, };",
      "enum e { A = 0, B = -1, C = 18446744073709551615ULL, D = 0x10, };",
      "struct s {\n\tlong: 64;\n\tunsigned int a: 1;\n\tunsigned int b: 3;\n\tint: 0;\n\tconst struct cred * const c;\n\tvoid (*fn)(struct callback_head *);\n\tchar (*names)[256];\n\tint (* const filter)(const struct kobject *);\n\tstruct dentry * (*mount)(struct file_system_type *, int, const char *, void *);\n\tu8 arr[2][3];\n\tchar flex[0];\n\tstruct { int x; } named;\n\tunion { int y; long int z; };\n\tstruct { char q; } __attribute__((packed)) p[4];\n\tint (*cb)(int (*)(unsigned int, struct hlist_node *), void **);\n};",
      "struct p {\n\tint a;\n} __attribute__((packed));",
      "struct m {\n\tint a __attribute__((aligned(8)));\n\tint b, c __attribute__((mode(QI)));\n\tint d[1 + 2 * 3 - (4 << 1) / 2];\n};",
    ];
    await takenAsTreeSitterReads(shapes);
  });

  it("the shapes libbpf programs define, each taken by the plain reader", async () => {
    // As the preprocessor gives them: __uint(), __type() and SEC() expanded, attributes hoisted before the name.
    const shapes = [
      'struct { int (*type)[BPF_MAP_TYPE_HASH]; int (*max_entries)[1024]; typeof(struct flow_key) *key; typeof(__u64) *value; } __attribute__((section(".maps"), used)) stats;',
      'struct { int (*type)[BPF_MAP_TYPE_RINGBUF]; int (*max_entries)[1 << 24]; } __attribute__((section(".maps"), used)) rb;',
      "struct { int (*type)[2]; typeof(const struct k *) key; __typeof__(int) *value; __typeof(u64 * const *) extra; } m;",
      'char __attribute__((section("license"), used)) LICENSE[] = "GPL";',
      'char LICENSE[] = "Dual BSD/GPL";',
      'const char fmt[] = "a\\"b\\n" "c"   "d";',
      "const volatile int filter_pid = 0;",
      "const volatile __u64 min_us = 10000 * 1000, max = -1;",
    ];
    await takenAsTreeSitterReads(shapes);
  });

  it("constructs tree-sitter reads its own way: declined or the same", async () => {
    const cases = [
      "typedef __int128 unsigned long __u128; typedef foo_t long x; typedef int long long unsigned y; typedef int unsigned const z;",
      "struct s { long x; unsigned y; unsigned z: 3; long f2 __attribute__((x)); };",
      "struct s { int a; int b[sizeof(int)]; int c[(N)]; int d[(N) + 1]; int e[-N]; int f[1 -1]; int g[1-1]; int h[- 1]; };",
      "enum __attribute__((packed)) e { A }; enum f : unsigned char { B }; enum g { C } __attribute__((packed));",
      "struct __attribute__((packed)) s { int a; };",
      "struct s { _Atomic int a; _Alignas(8) char b; int c: 3, : 4, d: 1; u8_t : 2; enum e : 2; };",
      "int x = 3; static int y; extern int z; int f(int a) { return a; }",
      "struct s { int a; } v __attribute__((section(\".maps\")));",
      "struct s { int a; /* c */ int b; };\n#pragma pack(push, 1)\nstruct t { int a; char b; };\n#pragma pack(pop)\n",
      "struct s { int a; int b[0x1e+1]; int c[1e5]; float d; double _Complex e; };",
      "struct s { int (*f)(int (int)); int (*g)(int [3]); int (*h)(int x); };",
      "typedef int bool; typedef int true; struct true { int false; };",
      "struct s { int a; ; };",
      "struct s { int a: 1 __attribute__((packed)); unsigned int b: 3 __attribute__((aligned(4))); };",
      "struct { typeof(x + 1) *a; typeof(int[4]) *b; __typeof(unsigned long long) *u; typeof(int (*)(void)) c; MACRO(int) *d; _Atomic(int) e; } m;",
      'char s[] = "a" MACRO "b"; char t[] = "é"; char u[] = "open',
      "int x = { 1 }; struct s y = {}; int z __attribute__((a)) = 1; typedef int t = 1;",
      'static const char tag[] __attribute__((aligned(8))) = "x";',
      'int a __attribute__((section(".data"))), b = 2; char c = \'x\'; int d = sizeof(int);',
    ];
    let compared = 0;
    for (const text of cases) {
      const got = await inPieces(text);
      if (got === "whole") continue;
      expect(got, text).toEqual(await whole(text));
      compared++;
    }
    // Declining everything would hold nothing: most of these are read in pieces.
    expect(compared).toBeGreaterThan(cases.length / 2);
  });

  const seeds = [1, 2, 3, 0xc0ffee, freshSeed()];
  it(`random records of the layout oracle tests (seeds ${seeds.join(", ")})`, async () => {
    for (const name of ["bpfel", "x86_64", "i386"] as const) {
      for (const seed of seeds) {
        const text = preprocessed("random.c", randomUnit(seed, TARGETS[name], 250).source);
        const got = await inPieces(text);
        expect(got, `${name}, seed ${seed}`).not.toBe("whole");
        expect(got, `${name}, seed ${seed}`).toEqual(await whole(text));
      }
    }
  });

  const fixtures = [
    ...readdirSync(join(ROOT, "fixtures/c")).filter((f) => /\.[ch]$/.test(f)).map((f) => `fixtures/c/${f}`),
    ...readdirSync(join(ROOT, "fixtures/bpf")).filter((f) => f.endsWith(".c")).map((f) => `fixtures/bpf/${f}`),
  ];

  it("the C fixtures", async () => {
    let compared = 0;
    for (const f of fixtures) {
      const text = preprocessed(f, readFileSync(join(ROOT, f), "latin1"));
      const got = await inPieces(text);
      if (got === "whole") continue;
      expect(got, f).toEqual(await whole(text));
      compared++;
    }
    expect(compared).toBeGreaterThan(fixtures.length / 2);
  });

  const seed = freshSeed();
  it(`seeded mutants of the C fixtures (seed ${seed})`, async () => {
    const { mutate } = (await import(join(ROOT, "scripts/fuzz.mjs"))) as { mutate: (text: string, r: () => number) => { what: string; text: string } };
    const r = rng(seed);
    let compared = 0;
    for (const f of fixtures) {
      const original = readFileSync(join(ROOT, f), "latin1");
      for (let i = 0; i < 4; i++) {
        const m = mutate(original, r);
        const text = preprocessed(f, m.text);
        const got = await inPieces(text);
        if (got === "whole") continue;
        expect(got, `${f} case ${i} (${m.what})`).toEqual(await whole(text));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(fixtures.length);
  });
});
