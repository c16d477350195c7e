import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Parser } from "web-tree-sitter";
import { describe, expect, it, vi, type MockInstance } from "vitest";
import { cParser, hasBodyAfterParams, scanFunctions, SEARCHED } from "../../../src/readers/c/parser.js";
import { findRecordEmits, liftLocalRecords } from "../../../src/readers/c/records.js";
import { findClockKeys } from "../../../src/check/clock-keys.js";
import { freshSeed, rng } from "../../oracles/random.js";

// A text in which no `)` is followed by a `{` defines no function and is not
// parsed for its functions (vmlinux.h: 3 MB of records). Every C text of the
// fixtures in which the parser finds a function definition must still be
// scanned, function for function. Only the function definitions are
// parsed: each must be the very node, with the very scan results, that a
// parse of the whole text gives.

function cFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) cFiles(path, out);
    else if (/\.(c|h)$/.test(name)) out.push(path);
  }
  return out;
}

/** Each function definition of a parse of the whole text: where it is, its tree, and its text. */
async function wholeFunctions(text: string): Promise<string[]> {
  const tree = (await cParser()).parse(text)!;
  const out = tree.rootNode.descendantsOfType("function_definition").map((fn) => `${fn!.startIndex}-${fn!.endIndex} ${fn!.toString()} ${fn!.text}`);
  tree.delete();
  return out;
}

async function scannedFunctions(text: string): Promise<string[]> {
  return scanFunctions<string>(text, ({ fn }, out) => out.push(`${fn.startIndex}-${fn.endIndex} ${fn.toString()} ${fn.text}`));
}

/** What each scan of a BPF program finds in its functions. */
async function scans(text: string): Promise<string> {
  return JSON.stringify([await findRecordEmits("p.bpf.c", text), await findClockKeys("p.bpf.c", text), await liftLocalRecords(text)]);
}

/** The scans as a parse of the whole text gives them: the parse the scanner asks for answered with the whole text's tree. */
async function wholeScans(text: string, parse: MockInstance<Parser["parse"]>): Promise<string> {
  const whole = (await cParser()).parse(text)!;
  try {
    parse.mockImplementationOnce(() => whole.copy());
    return await scans(text);
  } finally {
    whole.delete();
  }
}

describe("scanning a C text's functions", () => {
  it("scans every function definition of every fixture", async () => {
    let withFunctions = 0;
    for (const path of cFiles(join(import.meta.dirname, "../../../fixtures"))) {
      const text = readFileSync(path, "utf8");
      const expected = await wholeFunctions(text);
      if (expected.length) withFunctions++;
      expect(await scannedFunctions(text), path).toEqual(expected);
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

  it("parses as the whole parse does texts whose braces the index could misplace", async () => {
    const texts = [
      // K&R: the parameters' declarations stand between the signature and the body.
      "int f(a) int a; { return a; }\nint g(void) { return 2; }\n",
      "int a;\n}\nint f(void) { return 1; }\nint g(void) { return 2; }\n",
      "int x = (1);\n{ }\nint f(void) { return 0; }\n",
      "#define X 1 /* on\n two lines { */\nint f(void) { return 1; }\n",
      "#error don't\nint f(void) { return 0; }\n",
      "DEFINE(x)\nint f(void) { return 0; }\nint g(void) { return 1; }\n",
      "FOO(x) { int y; }\nint f(void) { return 0; }\n",
      // Parsed past their sections: two of them, an unknown one before attributes, and one after a directive left open.
      'SEC("a") SEC("b") int f(void) { return 0; }\nSEC("c") int g(void) { return 1; }\n',
      '__section("tc") static __always_inline int f(struct __sk_buff *skb) { return skb->len; }\n',
      'SEC("a") int f(void) { return 0; #if X\n}\nSEC("x")\nint BPF_PROG(g) { t(t()); }\n',
    ];
    for (const text of texts) expect(await scannedFunctions(text), text).toEqual(await wholeFunctions(text));
  });

  const seeds = [1, 2, 3, 4, 5, 6, 0x5ca9, freshSeed()];
  it(`parses generated programs' functions as the whole parse does, and scans them alike (seeds ${seeds.join(", ")})`, async () => {
    const parse = vi.spyOn(Parser.prototype, "parse");
    let ranged = 0;
    try {
      for (const seed of seeds) {
        const text = rawProgram(rng(seed));
        parse.mockClear();
        const found = await scannedFunctions(text);
        if (parse.mock.calls.some((c) => c[2]?.includedRanges?.length)) ranged++;
        expect(found, `seed ${seed}`).toEqual(await wholeFunctions(text));
        const got = await scans(text);
        // Another text first, so that the scanner parses this one again.
        await scanFunctions<number>("int reset(void) { return 0; }\n", () => {});
        expect(got, `seed ${seed}`).toBe(await wholeScans(text, parse));
      }
    } finally {
      parse.mockRestore();
    }
    // Most programs have no signature behind a directive, and only their functions are parsed.
    expect(ranged).toBeGreaterThan(seeds.length / 2);
  });

  // One search of the whole tree is split among the functions by where
  // each node starts: in texts broken every way a half-written one is (cut
  // short, a span deleted, a stray token), each function must get what a
  // search of its declarator and then of its body finds.
  const broken = [11, 12, 13, freshSeed()];
  it(`gives each function the nodes a search of its declarator and body finds, in broken texts too (seeds ${broken.join(", ")})`, async () => {
    let functions = 0;
    for (const seed of broken) {
      const r = rng(seed);
      for (let t = 0; t < 60; t++) {
        const text = mangled(rawProgram(r), r);
        const searched = async (bySearch: boolean) =>
          scanFunctions<string>(text, ({ fn, nodes, types, inDeclarator }, out) => {
            const inParts = [fn.childForFieldName("declarator"), fn.childForFieldName("body")].map((p) => p?.descendantsOfType([...SEARCHED]) ?? []);
            const got = bySearch ? inParts.flat() : nodes;
            const declarator = bySearch ? inParts[0]!.length : inDeclarator;
            out.push(`${fn.startIndex}: ${declarator} ${got.map((n, i) => `${n.id}:${bySearch ? n.type : types[i]}`).join(" ")}`);
          });
        const expected = await searched(true);
        functions += expected.length;
        expect(await searched(false), `seed ${seed}, text ${t}: ${JSON.stringify(text)}`).toEqual(expected);
      }
    }
    expect(functions).toBeGreaterThan(broken.length * 60);
  });
});

/** `text` broken a few times over: cut short, a span deleted, a stray token put in. */
function mangled(text: string, r: () => number): string {
  const tokens = ["{", "}", "(", ")", ";", "=", "*", ",", "int", "x", "f(", "struct", '"', "'", "/*", "#if A\n", "[", "]"];
  for (let k = 0; k < 1 + Math.floor(r() * 4); k++) {
    const at = Math.floor(r() * (text.length + 1));
    const how = r();
    if (how < 0.4) text = text.slice(0, at) + tokens[Math.floor(r() * tokens.length)]! + text.slice(at);
    else if (how < 0.9) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 8));
    else text = text.slice(0, at);
  }
  return text;
}

/**
 * A BPF program as written: directives, comments and strings holding
 * braces, map definitions through macros, functions behind SEC() and
 * conditional signatures, and bodies that emit records and write clock keys.
 */
function rawProgram(r: () => number): string {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const tops = [
    "#include <vmlinux.h>\n#include <bpf/bpf_helpers.h>",
    "#define EMIT(x) bpf_ringbuf_output(&rb, &(x), sizeof(x), 0)\n#define MAX 16",
    "/* a comment with { an open brace */",
    "// and one with a closing } brace",
    "struct event { u64 ts; u32 pid; char comm[16]; };",
    "struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 1 << 24); } rb SEC(\".maps\");",
    "struct { __uint(type, BPF_MAP_TYPE_HASH); __type(key, u32); __type(value, u64); __uint(max_entries, 1024); } start SEC(\".maps\");",
    "const volatile int filter_pid = 0;",
    "static const char fmt[] = \"{%d}\";",
    "#if defined(__TARGET_ARCH_x86)\n#define ARG(x) ((x)->di)\n#else\n#define ARG(x) ((x)->regs[0])\n#endif",
  ];
  const statements = [
    "struct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);\n\tif (!e)\n\t\treturn 0;\n\tbpf_ringbuf_submit(e, 0);",
    "struct event ev = {};\n\tbpf_ringbuf_output(&rb, &ev, sizeof(ev), 0);",
    "struct { u32 pid; char comm[16]; } data = {};\n\tbpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &data, sizeof(data));",
    "u64 ts = bpf_ktime_get_ns();\n\tu32 pid = bpf_get_current_pid_tgid();\n\tbpf_map_update_elem(&start, &pid, &ts, BPF_ANY);",
    "char s[] = \"}\"; /* } */ char c = '{';",
    "if (filter_pid) { return 0; } // {",
    "#pragma unroll\n\tfor (int i = 0; i < MAX; i++) { barrier(); }",
  ];
  const signatures = [
    (n: string) => `SEC("tp/sched/sched_switch")\nint ${n}(void *ctx)`,
    (n: string) => `SEC("kprobe/do_sys_open")\nint BPF_KPROBE(${n}, int dfd, const char *name)`,
    (n: string) => `static __always_inline int ${n}(struct pt_regs *ctx)`,
    (n: string) => `#ifdef WIDE\nstatic long ${n}(long x)\n#else\nstatic int ${n}(int x)\n#endif`,
  ];
  // A signature behind `#ifdef` makes the whole text parsed: a few programs have one.
  const conditional = r() < 0.2;
  let out = "";
  for (let i = 0; i < 24; i++) {
    if (r() < 0.5) {
      out += `${pick(tops)}\n`;
      continue;
    }
    const body = Array.from({ length: 1 + Math.floor(r() * 4) }, () => `\t${pick(statements)}`).join("\n");
    out += `${pick(conditional ? signatures : signatures.slice(0, -1))(`fn_${i}`)}\n{\n${body}\n\treturn 0;\n}\n`;
  }
  return out;
}
