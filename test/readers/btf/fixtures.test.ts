// Every fixture in fixtures/bpf, compiled here for little- and big-endian
// BPF, read from its object's .BTF section and compared with bpftool's dump
// of the same object.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { parseBtf } from "../../../src/readers/btf/index.js";
import { readBpfObjects } from "../../../src/readers/object/index.js";
import { bpftoolDump, HAVE_BPFTOOL } from "../../oracles/bpftool.js";
import { compileAllFixtures, HAVE_CLANG, scratchDir, type CompiledFixture } from "./compile.js";
import { diffByName, diffGraph, report, uniqueAggregates } from "./compare.js";
import { sectionBytes, HAVE_OBJCOPY } from "./sections.js";

describe.skipIf(!HAVE_CLANG || !HAVE_BPFTOOL)("fixtures/bpf compiled by clang-16 against bpftool (skipped without clang-16 or bpftool)", () => {
  let fixtures: CompiledFixture[];
  beforeAll(() => {
    fixtures = compileAllFixtures(scratchDir("fixtures"));
  });

  it("compiles every fixture for both byte orders", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(16);
  });

  it("reads every object's BTF with bpftool's figures for every type", () => {
    const diffs: string[] = [];
    for (const f of fixtures) {
      const records = bpftoolDump(f.path);
      const [mod] = readBpfObjects(readFileSync(f.path), f.path);
      for (const d of diffGraph(mod!.graph, records, { full: true })) diffs.push(`${f.name}.${f.target}: ${d}`);
      for (const d of diffByName(mod!.graph, uniqueAggregates(records))) diffs.push(`${f.name}.${f.target}: ${d}`);
    }
    expect(report(diffs)).toBe("");
  });

  it("reads big-endian BTF as big-endian and little as little", () => {
    for (const f of fixtures) {
      const [mod] = readBpfObjects(readFileSync(f.path), f.path);
      expect(mod!.graph.target.byteOrder, `${f.name}.${f.target}`).toBe(f.target === "bpfeb" ? "big" : "little");
    }
  });

  it.skipIf(!HAVE_OBJCOPY)("parses the .BTF section alone, as parseBtf, to the same figures (skipped without llvm-objcopy-16)", () => {
    const diffs: string[] = [];
    for (const f of fixtures) {
      const btf = parseBtf(sectionBytes(f.path, ".BTF"), { file: f.path });
      for (const d of diffGraph(btf, bpftoolDump(f.path), { full: true })) diffs.push(`${f.name}.${f.target}: ${d}`);
    }
    expect(report(diffs)).toBe("");
  });

  it("covers every BTF kind across the fixtures, in both byte orders", () => {
    for (const target of ["bpfel", "bpfeb"]) {
      const kinds = new Set(fixtures.filter((f) => f.target === target).flatMap((f) => bpftoolDump(f.path).map((r) => r.kind)));
      expect([...kinds].sort()).toEqual(
        ["ARRAY", "CONST", "DATASEC", "DECL_TAG", "ENUM", "ENUM64", "FLOAT", "FUNC", "FUNC_PROTO", "FWD", "INT", "PTR", "RESTRICT", "STRUCT", "TYPEDEF", "TYPE_TAG", "UNION", "VAR", "VOLATILE"].sort(),
      );
    }
  });
});
