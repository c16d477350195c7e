import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isAggregate, sizeOf } from "../../../src/ir/graph.js";
import { alignOf } from "../../../src/ir/layout/aggregate.js";
import { TARGETS } from "../../../src/ir/targets.js";
import type { AggregateType } from "../../../src/ir/types.js";
import { readBtfFile } from "../../../src/readers/btf/index.js";
import { readCSource } from "../../../src/readers/c/index.js";

// Kernel types a program names without defining come from the BTF given,
// with BTF's size, alignment and members; what the source defines wins.

const VMLINUX = "/sys/kernel/btf/vmlinux";

describe.skipIf(!existsSync(VMLINUX))("--btf resolves kernel types the source does not define", () => {
  it("takes size and members from BTF and lays out the rest from source", async () => {
    const btf = readBtfFile(VMLINUX);
    const path = "/virtual/uses-kernel.c";
    const src = `struct list_head;\nstruct event { u32 pid; struct list_head node; struct task_struct *task; pid_t tgid; };\n`;
    const r = await readCSource(path, { target: TARGETS.x86_64, btf, files: { [path]: src } });
    expect(r.unresolved).toEqual([]);
    const ev = r.graph.type(r.graph.find("event").find((id) => isAggregate(r.graph.type(id)))!) as AggregateType;
    const lh = r.graph.type(r.graph.find("list_head").find((id) => isAggregate(r.graph.type(id)))!) as AggregateType;
    const kernelLhId = btf.find("list_head").find((id) => btf.type(id).kind === "struct")!;
    const kernelLh = btf.type(kernelLhId) as AggregateType;
    expect({ size: lh.size, members: lh.members.map((m) => [m.name, m.bitOffset]) }).toEqual({ size: kernelLh.size, members: kernelLh.members.map((m) => [m.name, m.bitOffset]) });
    const pidT = btf.find("pid_t").find((id) => btf.type(id).kind === "typedef")!;
    const node = ev.members.find((m) => m.name === "node")!;
    const tgid = ev.members.find((m) => m.name === "tgid")!;
    expect(sizeOf(r.graph, tgid.type)).toBe(sizeOf(btf, pidT));
    // After the 4-byte pid, at the first multiple of list_head's alignment in the kernel.
    const lhAlign = alignOf(btf, kernelLhId);
    expect(node.bitOffset).toBe(Math.ceil(4 / lhAlign) * lhAlign * 8);
    expect(ev.members.find((m) => m.name === "task")!.bitOffset).toBe(node.bitOffset + kernelLh.size * 8);
  });
});
