import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check } from "../../src/check/run.js";
import { HAVE_BPFTOOL, HAVE_CLANG, btfStruct, fixtureRepo, lineOf } from "./repo.js";

// A map's value declared in another package of the module (internal/types)
// and used by the loader's LookupAndDelete: the use pairs the twin where it
// is declared, as a use in the same package does. Objects are built by
// clang in the test.

describe.skipIf(!HAVE_CLANG || !HAVE_BPFTOOL)("a map value type from another package of the module (needs clang-16, bpftool)", () => {
  let root = "";
  beforeAll(() => {
    root = fixtureRepo();
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });
  const dir = () => join(root, "map-value-other-package");

  it("pairs types.Rec with struct rec through the map use in main.go, and catches its swapped members", async () => {
    const r = await check({ paths: [dir()], lock: false });
    expect(r.pairing.types.map((p) => [p.twin.name, p.c.name, p.reason.by])).toEqual([["Rec", "struct rec", "map"]]);
    const types = readFileSync(join(dir(), "internal/types/types.go"), "utf8");
    expect(r.findings.map((f) => [f.code, f.locations[0]!.file.endsWith("map-value-other-package/internal/types/types.go"), f.locations[0]!.line])).toEqual([
      ["struct-mismatch", true, lineOf(types, "When uint64")],
    ]);
    // The C side as clang laid it out: pid where Go has When.
    const rec = btfStruct(join(dir(), "recs.bpf.o"), "rec");
    const d = r.findings[0]!.data;
    expect([d.twinMember, d.cMember, d.twinOffset, d.cOffset]).toEqual(["When", "pid", rec.members.get("pid"), rec.members.get("pid")]);
  });

  it("is clean once the members are in C's order", async () => {
    const file = join(dir(), "internal/types/types.go");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace("\tWhen uint64\n\tPid  uint32\n", "\tPid  uint32\n\tWhen uint64\n"));
    try {
      const r = await check({ paths: [dir()], lock: false });
      expect(r.findings).toEqual([]);
      expect(r.pairing.types).toHaveLength(1);
    } finally {
      writeFileSync(file, text);
    }
  });
});
