// Objects check finds without a `.o` name: cilium/ebpf's `-el.elf` and
// `-eb.elf` test objects, and an executable that embeds its object through a
// libbpf skeleton (fixtures/check/embedded-objects). Each is read with the
// map libbpf reads from the object clang built.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check } from "../../src/check/run.js";
import { HAVE_LIBBPF, libbpfMaps } from "../oracles/libbpf.js";
import { CLANG, HAVE_BPFTOOL, HAVE_CLANG } from "./repo.js";

const FIXTURE = "fixtures/check/embedded-objects";
const MULTIARCH = "/usr/include/x86_64-linux-gnu";

describe.skipIf(!HAVE_CLANG || !HAVE_BPFTOOL || !HAVE_LIBBPF)("objects with other names (needs clang-16, bpftool, gcc and libbpf-dev)", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "abidrift-embedded-"));
    for (const f of ["counter.bpf.c", "loader.c"]) copyFileSync(join(FIXTURE, f), join(dir, f));
    const build = mkdtempSync(join(tmpdir(), "abidrift-embedded-build-"));
    for (const [target, name] of [["bpfel", "counter-el.elf"], ["bpfeb", "counter-eb.elf"]] as const) {
      execFileSync(CLANG, ["-target", target, "-g", "-O2", "-c", join(dir, "counter.bpf.c"), "-o", join(dir, name), `-I${MULTIARCH}`]);
    }
    execFileSync(CLANG, ["-target", "bpfel", "-g", "-O2", "-c", join(dir, "counter.bpf.c"), "-o", join(build, "counter.bpf.o"), `-I${MULTIARCH}`]);
    const skel = execFileSync("bpftool", ["gen", "skeleton", join(build, "counter.bpf.o")], { encoding: "utf8" });
    writeFileSync(join(build, "counter.skel.h"), skel);
    execFileSync("gcc", ["-O1", "-I", build, "-o", join(dir, "counter"), join(dir, "loader.c"), "-lbpf"]);
    rmSync(build, { recursive: true, force: true });
  }, 60_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("reads both byte orders of a -el.elf/-eb.elf pair and the object inside a skeleton executable", async () => {
    const r = await check({ paths: [dir], lock: false });
    const [packets] = libbpfMaps(join(dir, "counter-el.elf")).filter((m) => m.name === "packets");
    const want = { type: packets!.type, key: packets!.key_size, value: packets!.value_size, max: packets!.max_entries };
    const read = r.bpf.map((m) => ({
      file: m.file.split("/").pop(),
      target: m.graph.target.name,
      maps: m.maps.filter((x) => x.origin === "btf").map((x) => ({ name: x.name, type: x.typeId, key: x.keySize, value: x.valueSize, max: x.maxEntries })),
    }));
    expect(read.sort((a, b) => (a.file! < b.file! ? -1 : 1))).toEqual([
      { file: "counter", target: "bpfel", maps: [{ name: "packets", ...want }] },
      { file: "counter-eb.elf", target: "bpfeb", maps: [{ name: "packets", ...want }] },
      { file: "counter-el.elf", target: "bpfel", maps: [{ name: "packets", ...want }] },
    ]);
    expect(r.notes).toEqual([]);
  });
});
