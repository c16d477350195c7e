// A BPF source left half-written (a struct with no closing brace) is read
// as far as it goes, and check says where it stopped, in one note line at
// the file and line, whether the C is a file or a BCC tool's string. Headers
// a BCC program gets from the kernel at run time are out of reach here and
// are not reported: the bpfcc-tools corpus checks without a single such note
// (test/readers/python/corpus.test.ts).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HAVE_CLI, runCli } from "../cli/run.js";

const LIBBPF = `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct half { int x;
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");
`;

const BCC = `from bcc import BPF
b = BPF(text="""
struct half { int x;
BPF_HASH(counts, u32, u64);
""")
`;

describe.skipIf(!HAVE_CLI)("check over half-written BPF sources (skipped until `npm run build`)", () => {
  it("notes where the C stops parsing, at its file and line", () => {
    const dir = mkdtempSync(join(tmpdir(), "abidrift-half-"));
    writeFileSync(join(dir, "half.bpf.c"), LIBBPF);
    writeFileSync(join(dir, "tool.py"), BCC);
    const r = runCli(["check", "."], { cwd: dir });
    expect(r.status).toBe(0);
    const notes = r.stderr.split("\n").filter((l) => l.startsWith("abidrift: note:"));
    expect(notes).toEqual([expect.stringMatching(/^abidrift: note: half\.bpf\.c:3: cannot parse: struct half \{ int x;/), expect.stringMatching(/^abidrift: note: tool\.py:3: BPF program: cannot parse: struct half \{ int x;/)]);
  });
});
