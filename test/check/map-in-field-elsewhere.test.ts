import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check } from "../../src/check/run.js";
import { HAVE_CLANG, fixtureRepo, lineOf } from "./repo.js";

// A map handle kept in a struct field that another file of the package
// sets: Go compiles the package as one, so the field's map is what any of
// its files gives it. Objects are built by clang in the test.

describe.skipIf(!HAVE_CLANG)("a map handle field set in another file of the package (needs clang-16)", () => {
  let root = "";
  beforeAll(() => {
    root = fixtureRepo();
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });
  const run = () => check({ paths: [join(root, "map-in-field-elsewhere")], lock: false });
  const text = (f: string) => readFileSync(join(root, "map-in-field-elsewhere", f), "utf8");

  it("pairs a Lookup through a field the package sets from one map, and no field set from two, naming each source", async () => {
    const r = await run();
    const go = text("limiter.go");
    const setup = text("setup.go");
    const hashLine = lineOf(go, "l.hash.Lookup(&id, &r)");
    const otherLine = lineOf(go, "l.other.Lookup(&id, &r)");
    expect(r.findings).toEqual([]);
    expect(r.pairing.maps.map((m) => [m.map.name, m.ref.loc.line])).toEqual([["cgroup_rate_map", hashLine]]);
    expect(r.pairing.types.map((p) => [p.twin.name, p.c.name, p.reason.by])).toEqual([["Rate", "struct rate", "map"]]);
    // limiter.other is set in setup.go from either map: a note names both, each at its line there.
    const note = r.notes.filter((n) => n.includes(`limiter.go:${otherLine}:`));
    expect(note).toHaveLength(1);
    expect(note[0]).toContain(`drop_count_map (setup.go:${lineOf(setup, `coll.Maps["drop_count_map"]`)})`);
    expect(note[0]).toContain(`cgroup_rate_map (setup.go:${lineOf(setup, `l.other = coll.Maps["cgroup_rate_map"]`)})`);
  });

  it("catches a twin narrowed against the map's value (clang's layout)", async () => {
    const file = join(root, "map-in-field-elsewhere/limiter.go");
    writeFileSync(file, readFileSync(file, "utf8").replace("LastNs uint64", "LastNs uint32"));
    const r = await run();
    const go = text("limiter.go");
    expect(r.findings.map((f) => [f.code, f.locations[0]!.line]).sort()).toEqual([
      ["map-value-size", lineOf(go, "l.hash.Lookup(&id, &r)")],
      ["struct-mismatch", lineOf(go, "LastNs uint32")],
    ]);
  });
});
