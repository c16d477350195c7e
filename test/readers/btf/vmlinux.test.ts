// The running kernel's own BTF against bpftool's raw dump of it: every type's
// kind and name, every figure of every type, and every uniquely named struct
// and union found by name.
import { existsSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { readBtfFile, type Btf } from "../../../src/readers/btf/index.js";
import { bpftoolDump, HAVE_BPFTOOL, type BtfRecord } from "../../oracles/bpftool.js";
import { diffByName, diffGraph, report, uniqueAggregates } from "./compare.js";

const VMLINUX = "/sys/kernel/btf/vmlinux";
const skip = !HAVE_BPFTOOL || !existsSync(VMLINUX);

describe.skipIf(skip)(`${VMLINUX} against bpftool (skipped without bpftool or kernel BTF)`, () => {
  let records: BtfRecord[];
  let btf: Btf;
  beforeAll(() => {
    records = bpftoolDump(VMLINUX);
    btf = readBtfFile(VMLINUX);
  });

  it("has bpftool's kind and name for every type", () => {
    expect(records.length).toBeGreaterThan(1000);
    expect(report(diffGraph(btf, records, { full: false }))).toBe("");
  });

  it("has bpftool's figures for every type: sizes, members, bit offsets, bitfield sizes, enum values, params", () => {
    expect(report(diffGraph(btf, records, { full: true }))).toBe("");
  });

  it("finds every uniquely named struct and union by name with bpftool's size, member names, bit offsets and bitfield sizes", () => {
    const unique = uniqueAggregates(records);
    expect(unique.length).toBeGreaterThan(1000);
    expect(report(diffByName(btf, unique))).toBe("");
  });
});
