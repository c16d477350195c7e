import { describe, expect, it } from "vitest";
import { isAggregate } from "../../../src/ir/graph.js";
import { TARGETS, TARGET_NAMES } from "../../../src/ir/targets.js";
import { readCSource } from "../../../src/readers/c/index.js";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HAVE_BPFTOOL, bpftoolDump } from "../../oracles/bpftool.js";
import { CLANG, clangAvailable, clangRecordLayouts } from "../../oracles/clang.js";
import { freshSeed } from "../../oracles/random.js";
import { randomUnit } from "./random-c.js";

// Random records laid out from source must agree with clang's own layout on
// every target: size, alignment and the offset of every member. One clang
// call per target and seed covers a few hundred records.

const FIXED_SEEDS = [1, 2, 3, 0xc0ffee];
const FRESH = freshSeed();
const PER_UNIT = 250;

describe.skipIf(!clangAvailable)("C records from source agree with clang -fdump-record-layouts", () => {
  for (const name of TARGET_NAMES) {
    const target = TARGETS[name];
    for (const seed of [...FIXED_SEEDS, FRESH]) {
      it(`${name}, seed ${seed}`, async () => {
        const unit = randomUnit(seed, target, PER_UNIT);
        const clang = clangRecordLayouts(unit.source, target.triple, unit.records.map((r) => r.name));
        const path = `/virtual/random-${seed}.c`;
        const ours = await readCSource(path, { target, files: { [path]: unit.source } });
        expect(ours.problems, `seed ${seed}`).toEqual([]);
        const mismatches: string[] = [];
        for (const rec of unit.records) {
          const want = clang.get(rec.name);
          if (!want) throw new Error(`seed ${seed}: clang did not lay out ${rec.name}`);
          const id = ours.graph.find(rec.name.split(" ")[1]!).find((i) => isAggregate(ours.graph.type(i)));
          const got = id === undefined ? undefined : ours.graph.type(id);
          if (!got || !isAggregate(got)) {
            mismatches.push(`${rec.name}: not laid out (${[...new Set(ours.unresolved.map((u) => u.why))].slice(0, 3).join("; ")})`);
            continue;
          }
          const wantOffsets = want.offsets.filter((_, i) => rec.fields[i] !== "");
          const gotOffsets = got.members.map((m) => m.bitOffset);
          if (got.size !== want.size || got.align !== want.align || JSON.stringify(gotOffsets) !== JSON.stringify(wantOffsets)) {
            mismatches.push(`${rec.name}: ours size ${got.size} align ${got.align} offsets [${gotOffsets}], clang size ${want.size} align ${want.align} offsets [${wantOffsets}]`);
          }
        }
        if (mismatches.length) {
          throw new Error(`seed ${seed} on ${name}: ${mismatches.length} of ${unit.records.length} records differ\n${mismatches.slice(0, 8).join("\n")}\n--- source ---\n${unit.source}`);
        }
      });
    }
  }
});

// The same records compiled for BPF with debug info: BTF carries clang's
// own offsets, sizes and bitfield widths for every member.
describe.skipIf(!clangAvailable || !HAVE_BPFTOOL)("C records from source agree with BTF from clang -target bpf -g", () => {
  for (const name of ["bpfel", "bpfeb"] as const) {
    const target = TARGETS[name];
    for (const seed of [...FIXED_SEEDS, FRESH]) {
      it(`${name}, seed ${seed}`, async () => {
        const unit = randomUnit(seed, target, PER_UNIT);
        const dir = mkdtempSync(join(tmpdir(), "abidrift-btf-"));
        const src = join(dir, "random.c");
        writeFileSync(src, `${unit.source}\n${unit.records.map((r, i) => `${r.name} __keep_${i};`).join("\n")}\n`);
        execFileSync(CLANG, ["-target", target.triple, "-g", "-c", "-w", "-o", join(dir, "random.o"), src], { stdio: ["ignore", "ignore", "pipe"] });
        const btf = bpftoolDump(join(dir, "random.o"));
        const ours = await readCSource(src, { target });
        const mismatches: string[] = [];
        for (const rec of unit.records) {
          const [kind, recName] = rec.name.split(" ");
          const want = btf.find((r) => r.kind === kind!.toUpperCase() && r.name === recName)!;
          const id = ours.graph.find(recName!).find((i) => isAggregate(ours.graph.type(i)));
          const got = ours.graph.type(id!);
          if (!isAggregate(got)) continue;
          const w = `${want.size}|${want.members!.map((m) => `${m.name}@${m.bitsOffset}:${m.bitfieldSize}`).join(",")}`;
          const g = `${got.size}|${got.members.map((m) => `${m.name}@${m.bitOffset}:${m.bitSize}`).join(",")}`;
          if (w !== g) mismatches.push(`${rec.name}: BTF ${w}\n  ours ${g}`);
        }
        if (mismatches.length) throw new Error(`seed ${seed} on ${name}: ${mismatches.length} records differ from BTF\n${mismatches.slice(0, 8).join("\n")}`);
      });
    }
  }
});
