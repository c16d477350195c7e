// The map type table (src/ir/map-types.ts) against `enum bpf_map_type` in the
// running kernel's BTF, as bpftool dumps it: every enumerator the kernel
// knows has its value and name in the table, both ways.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mapTypeName, mapTypeValue } from "../../../src/ir/map-types.js";
import { bpftoolDump, HAVE_BPFTOOL } from "../../oracles/bpftool.js";

const VMLINUX = "/sys/kernel/btf/vmlinux";

describe.skipIf(!HAVE_BPFTOOL || !existsSync(VMLINUX))("map types against enum bpf_map_type of the kernel (skipped without bpftool or kernel BTF)", () => {
  it("names every BPF_MAP_TYPE_* the kernel defines", () => {
    const e = bpftoolDump(VMLINUX).find((r) => r.kind === "ENUM" && r.name === "bpf_map_type");
    expect(e, "enum bpf_map_type in vmlinux").toBeDefined();
    const wrong: string[] = [];
    for (const v of e!.values!) {
      if (v.name.startsWith("__MAX_")) continue;
      const short = v.name.replace(/^BPF_MAP_TYPE_/, "").toLowerCase();
      const value = Number(v.value);
      if (short.endsWith("_deprecated")) {
        if (mapTypeValue(v.name) !== value) wrong.push(`${v.name}: mapTypeValue gives ${mapTypeValue(v.name)}, kernel ${value}`);
        continue;
      }
      if (mapTypeName(value) !== short) wrong.push(`${value}: mapTypeName gives ${mapTypeName(value)}, kernel ${v.name}`);
      if (mapTypeValue(v.name) !== value) wrong.push(`${v.name}: mapTypeValue gives ${mapTypeValue(v.name)}, kernel ${value}`);
    }
    expect(e!.values!.length).toBeGreaterThan(20);
    expect(wrong.join("\n")).toBe("");
  });
});
