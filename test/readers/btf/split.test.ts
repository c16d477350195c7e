// Split BTF: types numbered on from a base. One pair is built here with the
// real tools (a fixture's .BTF as the base; a C file with DWARF from gcc,
// encoded by pahole against that base), and every kernel module's BTF under
// /sys/kernel/btf is read on top of vmlinux. bpftool dumps each the same way.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readBtfFile } from "../../../src/readers/btf/index.js";
import { bpftoolDump, hasTool, HAVE_BPFTOOL } from "../../oracles/bpftool.js";
import { compileBpfText, HAVE_CLANG, scratchDir } from "./compile.js";
import { diffByName, diffGraph, report, uniqueAggregates } from "./compare.js";
import { OBJCOPY, HAVE_OBJCOPY } from "./sections.js";

const HAVE_PAHOLE = hasTool("pahole") && hasTool("gcc");

const BASE_C = `
struct base_key { unsigned int id; unsigned short port; unsigned char proto; };
struct base_node { struct base_key key; struct base_node *next; unsigned long long stamp; };
struct base_node base_node_var;
`;

const SPLIT_C = `
struct base_key { unsigned int id; unsigned short port; unsigned char proto; };
struct base_node { struct base_key key; struct base_node *next; unsigned long long stamp; };
struct split_stats {
  struct base_node head;
  struct base_key keys[4];
  unsigned int kind : 3, urgent : 1;
  union { long long signed_total; unsigned long long total; };
  struct split_stats *parent;
};
struct split_stats split_stats_var;
`;

describe.skipIf(!HAVE_CLANG || !HAVE_BPFTOOL || !HAVE_OBJCOPY || !HAVE_PAHOLE)(
  "split BTF built by pahole --btf_base against bpftool -B (skipped without clang-16, bpftool, llvm-objcopy-16, pahole or gcc)",
  () => {
    it("numbers split types on from the base and resolves references into it", () => {
      const dir = scratchDir("split");
      const base = join(dir, "base.btf");
      const baseObj = compileBpfText("base", BASE_C, "bpfel", dir);
      execFileSync(OBJCOPY, [`--dump-section=.BTF=${base}`, baseObj, join(dir, "discard.o")]);
      writeFileSync(join(dir, "split.c"), SPLIT_C);
      const splitObj = join(dir, "split.o");
      execFileSync("gcc", ["-g", "-c", join(dir, "split.c"), "-o", splitObj]);
      execFileSync("pahole", ["-J", "--btf_base", base, splitObj], { stdio: ["ignore", "ignore", "pipe"] });
      const split = join(dir, "split.btf");
      execFileSync(OBJCOPY, [`--dump-section=.BTF=${split}`, splitObj, join(dir, "discard2.o")]);

      const records = bpftoolDump(split, { base });
      const baseRecords = bpftoolDump(base);
      expect(records[0]!.id, "split ids start after the base").toBe(baseRecords.at(-1)!.id + 1);
      const btf = readBtfFile(split, { base: readBtfFile(base) });
      expect(report(diffGraph(btf, [...baseRecords, ...records], { full: true }))).toBe("");
      expect(report(diffByName(btf, uniqueAggregates([...baseRecords, ...records])))).toBe("");
      // References from the split part into the base resolve to base types.
      const stats = records.find((r) => r.name === "split_stats")!;
      expect(stats.members!.some((m) => m.typeId <= baseRecords.at(-1)!.id)).toBe(true);
    });
  },
);

const MODULES = existsSync("/sys/kernel/btf") ? readdirSync("/sys/kernel/btf").filter((m) => m !== "vmlinux") : [];

describe.skipIf(!HAVE_BPFTOOL || MODULES.length === 0)(
  "kernel modules' split BTF on top of vmlinux against bpftool (skipped without bpftool or loaded modules with BTF)",
  () => {
    it("reads every module's types with bpftool's figures", () => {
      const base = bpftoolDump("/sys/kernel/btf/vmlinux");
      const diffs: string[] = [];
      for (const m of MODULES) {
        const path = `/sys/kernel/btf/${m}`;
        const records = bpftoolDump(path, { base: "/sys/kernel/btf/vmlinux" });
        for (const d of diffGraph(readBtfFile(path), [...base, ...records], { full: true })) diffs.push(`${m}: ${d}`);
      }
      expect(report(diffs)).toBe("");
    });
  },
);
