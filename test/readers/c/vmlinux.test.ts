import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isAggregate } from "../../../src/ir/graph.js";
import { TARGETS } from "../../../src/ir/targets.js";
import type { AggregateType } from "../../../src/ir/types.js";
import { readCSource } from "../../../src/readers/c/index.js";
import { HAVE_BPFTOOL, bpftoolDump, bpftoolDumpC, type BtfRecord } from "../../oracles/bpftool.js";
import { clangAvailable, clangRecordLayouts } from "../../oracles/clang.js";

// The running kernel's BTF written out as C by bpftool, read back from
// source and laid out for the kernel's own machine: every named struct and
// union must have the kernel's size, member names, bit offsets and bitfield
// widths, and clang's layout of the same header.
//
// One loss is bpftool's, not ours: `format c` writes every enum without its
// size, so an enum the kernel built as one byte (`enum rw_hint`) comes back
// as four, for clang as for us. Records holding such an enum by value are
// checked against clang only, and counted.

const VMLINUX = "/sys/kernel/btf/vmlinux";
const HAVE_VMLINUX = HAVE_BPFTOOL && existsSync(VMLINUX);
const HOST = process.arch === "arm64" ? TARGETS.aarch64 : process.arch === "x64" ? TARGETS.x86_64 : undefined;

/** Whether a type holds, by value, an enum whose size bpftool's C output cannot carry. */
function holdsResizedEnum(byId: Map<number, BtfRecord>, id: number, seen: Set<number>): boolean {
  if (seen.has(id)) return false;
  seen.add(id);
  const r = byId.get(id);
  if (!r) return false;
  switch (r.kind) {
    case "ENUM":
      return r.size !== 4;
    case "TYPEDEF":
    case "CONST":
    case "VOLATILE":
    case "RESTRICT":
    case "TYPE_TAG":
      return holdsResizedEnum(byId, r.typeId!, seen);
    case "ARRAY":
      return holdsResizedEnum(byId, r.typeId!, seen);
    case "STRUCT":
    case "UNION":
      return r.members!.some((m) => holdsResizedEnum(byId, m.typeId, seen));
    default:
      return false;
  }
}

function signature(size: number, members: { name: string; bitOffset: number; bitSize: number }[]): string {
  return `${size}|${members.map((m) => `${m.name}@${m.bitOffset}:${m.bitSize}`).join(",")}`;
}

describe.skipIf(!HAVE_VMLINUX || !HOST || !clangAvailable)("vmlinux.h from source equals the kernel's BTF and clang", () => {
  it("every named struct and union", async () => {
    const dir = mkdtempSync(join(tmpdir(), "abidrift-vmlinux-"));
    const header = join(dir, "vmlinux.h");
    writeFileSync(header, bpftoolDumpC(VMLINUX));
    const btf = bpftoolDump(VMLINUX);
    const target = HOST!;
    const ours = await readCSource(header, { target });
    expect(ours.problems).toEqual([]);
    const byId = new Map(btf.map((r) => [r.id, r]));

    // bpftool renames the second and later records of one name `name___N`; any of them may be the twin.
    const byName = new Map<string, string[]>();
    for (let id = 1; id < ours.graph.count; id++) {
      const t = ours.graph.type(id);
      if (!isAggregate(t) || !t.name) continue;
      const base = t.name.replace(/___\d+$/, "");
      const sig = signature(t.size, (t as AggregateType).members);
      const list = byName.get(`${t.kind} ${base}`);
      if (list) list.push(sig);
      else byName.set(`${t.kind} ${base}`, [sig]);
    }
    const named = btf.filter((r: BtfRecord) => (r.kind === "STRUCT" || r.kind === "UNION") && r.name !== "");
    const wrong: string[] = [];
    let resized = 0;
    for (const r of named) {
      if (holdsResizedEnum(byId, r.id, new Set())) {
        resized++;
        continue;
      }
      const want = signature(
        r.size!,
        r.members!.map((m) => ({ name: m.name, bitOffset: m.bitsOffset, bitSize: m.bitfieldSize })),
      );
      const got = byName.get(`${r.kind.toLowerCase()} ${r.name}`);
      if (!got?.includes(want)) wrong.push(`${r.kind.toLowerCase()} ${r.name} (id ${r.id}): BTF ${want}\n  ours ${got?.join("\n  ours ") ?? "missing"}`);
    }
    expect(named.length).toBeGreaterThan(1000);
    expect(resized).toBeLessThan(named.length / 10);
    expect(wrong.slice(0, 10).join("\n")).toBe("");

    // Every named record of the header, the resized ones included, as clang lays it out.
    const names: string[] = [];
    for (let id = 1; id < ours.graph.count; id++) {
      const t = ours.graph.type(id);
      if (isAggregate(t) && t.name && t.loc?.file === header) names.push(`${t.kind} ${t.name}`);
    }
    const clang = clangRecordLayouts(`#include "${header}"\n`, target.triple, names);
    const differ: string[] = [];
    for (const name of names) {
      const want = clang.get(name);
      const id = ours.graph.find(name.split(" ")[1]!).find((i) => isAggregate(ours.graph.type(i)));
      const got = ours.graph.type(id!) as AggregateType;
      if (!want) {
        differ.push(`${name}: clang gave no layout`);
        continue;
      }
      // clang lists unnamed bitfields too, which the IR leaves out: ours must be a subsequence.
      const gotOffsets = got.members.map((m) => m.bitOffset);
      let k = 0;
      for (const o of want.offsets) if (o === gotOffsets[k]) k++;
      if (got.size !== want.size || got.align !== want.align || k !== gotOffsets.length) {
        differ.push(`${name}: ours ${got.size}/${got.align} [${gotOffsets}], clang ${want.size}/${want.align} [${want.offsets}]`);
      }
    }
    expect(differ.slice(0, 10).join("\n")).toBe("");
  });
});
