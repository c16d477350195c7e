import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TARGETS } from "../../../src/ir/targets.js";
import { readCSource } from "../../../src/readers/c/index.js";

// libbpf's BPF_PROG and BPF_KPROBE expand into functions whose heads
// tree-sitter errs on when it parses the whole text, and BPF_CORE_READ into
// statement expressions that make the blanked reading mend too: where both
// readings find as many declarations, the one with fewer errors is kept.

const HEADERS = "/usr/include/bpf/bpf_tracing.h";

const PROGRAM = `#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

struct file { unsigned int f_flags; };
struct inode { unsigned long i_ino; };

SEC("kprobe/vfs_open")
int BPF_KPROBE(open_probe, struct file *f)
{
	unsigned int flags = BPF_CORE_READ(f, f_flags);
	return flags != 0;
}

SEC("fentry/iput")
int BPF_PROG(iput_entry, struct inode *inode, long unused)
{
	return 0;
}
`;

describe.skipIf(!existsSync(HEADERS))("a libbpf program's macro-made functions (skipped without libbpf-dev)", () => {
  it("read without a problem", async () => {
    const r = await readCSource("prog.bpf.c", { target: TARGETS.bpfel, defines: { __TARGET_ARCH_x86: "1" }, files: { "prog.bpf.c": PROGRAM } });
    expect(r.problems.map((p) => p.message)).toEqual([]);
    expect(r.graph.find("inode")).not.toEqual([]);
  });
});
