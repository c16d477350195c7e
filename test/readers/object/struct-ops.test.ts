// struct_ops maps (fixtures/check/struct-ops): the object reader against
// libbpf opening the object, and the C reader against the object reader.
// libbpf 1.1 (Debian 12) knows `.struct_ops` only; `.struct_ops.link` came
// with libbpf 1.2, so where the libbpf here skips that section its map is
// held to the C reader alone, and the test says so.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readCSource } from "../../../src/readers/c/index.js";
import { readBpfObjects } from "../../../src/readers/object/index.js";
import { TARGETS } from "../../../src/ir/targets.js";
import { HAVE_LIBBPF, libbpfMaps } from "../../oracles/libbpf.js";
import { compileBpf, HAVE_CLANG } from "../../check/repo.js";
import { report } from "../btf/compare.js";
import { diffMaps } from "./compare-maps.js";

const SOURCE = "fixtures/check/struct-ops/sched.bpf.c";
const MULTIARCH = "/usr/include/x86_64-linux-gnu";

describe.skipIf(!HAVE_CLANG || !HAVE_LIBBPF)("struct_ops maps (needs clang-16, gcc and libbpf-dev)", () => {
  // Compiled once, while the tests are collected: whether this libbpf knows .struct_ops.link decides a skip.
  const dir = HAVE_CLANG && HAVE_LIBBPF ? mkdtempSync(join(tmpdir(), "abidrift-struct-ops-")) : "";
  const obj = join(dir, "sched.bpf.o");
  if (dir) compileBpf(SOURCE, obj);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const compare = (name: string): string => {
    const theirs = libbpfMaps(obj).filter((m) => m.name === name);
    expect(theirs).toHaveLength(1);
    const [mod] = readBpfObjects(readFileSync(obj), obj);
    // libbpf fills btf_value_type_id at load, from the kernel's BTF of the ops struct.
    return report(diffMaps(mod!.maps.filter((m) => m.name === name), theirs, "sched").filter((d) => !/value type id/.test(d)));
  };
  const libbpfKnowsLink = dir !== "" && libbpfMaps(obj).some((m) => m.name === "minimal_ops");

  it("a .struct_ops variable is the map libbpf makes of it, every figure but the kernel's value type id", () => {
    expect(compare("legacy_ops")).toBe("");
  });

  it.skipIf(!libbpfKnowsLink)(`a .struct_ops.link variable is the map libbpf makes of it${libbpfKnowsLink ? "" : " (skipped: this libbpf predates .struct_ops.link)"}`, () => {
    expect(compare("minimal_ops")).toBe("");
  });

  it("are read alike from the C source and from the object, .struct_ops.link included", async () => {
    const [mod] = readBpfObjects(readFileSync(obj), obj);
    const src = await readCSource(SOURCE, { target: TARGETS.bpfel, includeDirs: [MULTIARCH] });
    const figures = (maps: typeof src.maps) =>
      maps
        .filter((m) => m.type === "struct_ops")
        .map((m) => ({ name: m.name, type: m.typeId, key: m.keySize, value: m.valueSize, max: m.maxEntries, flags: m.flags }))
        .sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(figures(src.maps).map((m) => m.name)).toEqual(["legacy_ops", "minimal_ops"]);
    expect(figures(src.maps)).toEqual(figures(mod!.maps));
  });
});
