import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check } from "../../../src/check/run.js";
import { PRELUDE } from "../../../src/readers/python/embedded-c.js";
import { messageOf } from "../../../src/report/findings/words.js";
import { CLANG, clangAvailable, tempSource } from "../../oracles/clang.js";
import { pythonMissing, toolClasses } from "../../oracles/python.js";

// A BCC program that defines the record it emits inside the emitting
// function (`struct { ... } data = {}; events.perf_submit(ctx, &data, ...)`),
// anonymous or tagged: the ctypes class decoded from that buffer pairs with
// it. clang lays out the program's own text (the map macros stand in as
// objects with the method BCC gives them) and CPython the classes; the one
// member where they differ must be the one finding.

const DIR = "fixtures/check/bcc-anonymous-record";
const TOOL = join(DIR, "tool.py");

/** The C text and every ctypes class's (offset, size) by field, from CPython reading the tool. */
function fromPython(): { prog: string; classes: Record<string, [string, number, number][]> } {
  const line = toolClasses(
    TOOL,
    `{"prog": prog, "classes": {c.name: [(f[0], getattr(ns[c.name], f[0]).offset, getattr(ns[c.name], f[0]).size) for f in ns[c.name]._fields_] for c in classes}}`,
  );
  return JSON.parse(line) as { prog: string; classes: Record<string, [string, number, number][]> };
}

/** Every record clang lays out for the program, by `struct exit_t` or `struct (unnamed at F:L:C)`: byte offsets of its fields. */
function fromClang(prog: string): Map<string, number[]> {
  const stubs = [
    "#define BPF_PERF_OUTPUT(n) struct { int (*perf_submit)(void *, void *, u32); } n",
    "#define BPF_RINGBUF_OUTPUT(n, p) struct { int (*ringbuf_output)(void *, u64, u64); } n",
    "u64 bpf_get_current_pid_tgid(void); u64 bpf_ktime_get_ns(void);",
  ].join("\n");
  const path = tempSource(`${PRELUDE}\n${stubs}\n${prog}`);
  const r = spawnSync(CLANG, ["-target", "bpfel", "-S", "-emit-llvm", "-o", "/dev/null", "-w", "-Xclang", "-fdump-record-layouts-simple", path], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  const out = new Map<string, number[]>();
  for (const m of r.stdout.matchAll(/Type: (struct [^\n]*)\n\nLayout: <ASTRecordLayout\n(?:\s+\w+:\d+\n)*?\s+FieldOffsets: \[([^\]]*)\]>/g)) {
    out.set(m[1]!, m[2]!.split(",").map((s) => Number(s.trim()) / 8));
  }
  return out;
}

describe.skipIf(!clangAvailable || pythonMissing !== "")(`records defined in the emitting function ${pythonMissing || (clangAvailable ? "" : "(clang-16 not found)")}`, () => {
  it("pair with the ctypes class decoded from their buffer, and differ only where clang and CPython do", async () => {
    const { prog, classes } = fromPython();
    const clang = fromClang(prog);
    const anonymous = [...clang.entries()].find(([name]) => name.includes("unnamed"));
    const exit = clang.get("struct exit_t");
    expect(anonymous && exit).toBeTruthy();

    const r = await check({ paths: [DIR], lock: false });
    const pairs = r.pairing.types.map((t) => `${t.twin.name} = ${t.c.name} by ${t.reason.by}`);
    expect(pairs.sort()).toEqual([expect.stringMatching(/^Data = struct anon_data_at_line_\d+ by record$/), "Exit = struct exit_t by record"]);

    // The first member where the oracles differ, per class: what follows it moves with it.
    const text = readFileSync(TOOL, "utf8");
    const expected: string[] = [];
    for (const [twin, offsets] of [["Data", anonymous![1]], ["Exit", exit!]] as const) {
      const i = classes[twin]!.findIndex(([, offset], j) => offset !== offsets[j]);
      if (i >= 0) expected.push(`struct-mismatch ${twin}.${classes[twin]![i]![0]} is at offset ${classes[twin]![i]![1]}, but C's at ${offsets[i]}`);
    }
    expect(expected).toHaveLength(1);
    const found = r.findings.map((f) => {
      // Where the sizes differ the message leads with them; the member detail follows.
      const m = /(?:^|; )(\w+\.\w+) is at offset (\d+), but .*'s \w+ is at offset (\d+)/.exec(messageOf(f));
      return m ? `${f.code} ${m[1]} is at offset ${m[2]}, but C's at ${m[3]}` : `${f.code} ${messageOf(f)}`;
    });
    expect(found).toEqual(expected);
    // The C side is the member's own line in the Python file.
    const c = r.findings[0]!.locations.find((l) => l.role === "c")!;
    expect(text.split("\n")[c.line! - 1]).toContain("u64 ts;");
  });
});
