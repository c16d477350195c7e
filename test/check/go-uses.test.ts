import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { check } from "../../src/check/run.js";
import { HAVE_BPFTOOL, HAVE_CLANG, btfStruct, fixtureRepo, lineOf } from "./repo.js";

// What Go code does with BPF bytes, read the way the compiler scopes it:
// each block its own variables, decoders that read field by field, map
// handles kept in struct fields. Objects are built by clang in the test.

describe.skipIf(!HAVE_CLANG)("Go uses on evidence (needs clang-16)", () => {
  let root = "";
  beforeAll(() => {
    root = fixtureRepo();
  });
  const run = (dir: string) => check({ paths: [join(root, dir)], lock: false });

  it.skipIf(!HAVE_BPFTOOL)("decodes each case arm's own v, not the other arm's type at its line", async () => {
    // The oracle: the connection record has tail padding a packed read leaves off, the request record none.
    const conn = btfStruct(join(root, "block-scopes/events.bpf.o"), "conn_event");
    expect(conn.size).toBeGreaterThan(conn.members.get("pid")! + 4);
    const r = await run("block-scopes");
    const go = readFileSync(join(root, "block-scopes/main.go"), "utf8");
    expect(r.findings).toEqual([]);
    const byTwin = Object.fromEntries(r.pairing.types.map((p) => [p.twin.name, p.user.decodes.find((d) => d.typeId === p.twin.typeId)?.loc.line]));
    expect(byTwin).toEqual({
      ReqEvent: lineOf(go, "binary.Read(r, binary.LittleEndian, v)"),
      ConnEvent: lineOf(go, "binary.Read(bytes.NewBuffer(rec.RawSample)"),
    });
  });

  it("pairs a map use through a struct field the file sets from a named map, and no field set from two", async () => {
    const r = await run("map-in-field");
    const go = readFileSync(join(root, "map-in-field/limiter.go"), "utf8");
    const hashLine = lineOf(go, "l.hash.Lookup(&id, &r)");
    const otherLine = lineOf(go, "l.other.Lookup(&id, &r)");
    // limiter.hash is set from cgroup_rate_map alone: its Lookup is that map's, and Rate its value's twin.
    expect(r.pairing.maps.map((m) => [m.map.name, m.ref.loc.line])).toEqual([["cgroup_rate_map", hashLine]]);
    expect(r.pairing.types.map((p) => [p.twin.name, p.c.name, p.reason.by])).toEqual([["Rate", "struct rate", "map"]]);
    // The twin is 4 bytes short of the C value (clang's layout): caught at the Lookup and at the member.
    expect(r.findings.map((f) => [f.code, f.locations[0]!.line]).sort()).toEqual([
      ["map-value-size", hashLine],
      ["struct-mismatch", lineOf(go, "LastNs uint32")],
    ]);
    // limiter.other is set from either map: no pair, and a note names both.
    expect(r.pairing.maps.some((m) => m.ref.loc.line === otherLine)).toBe(false);
    expect(r.notes.filter((n) => n.includes(`limiter.go:${otherLine}:`) && n.includes("drop_count_map") && n.includes("cgroup_rate_map"))).toHaveLength(1);
    // A sync.Map and a cache of the file's own, each set in two places, have a Delete of their own: no note.
    expect(r.notes.filter((n) => n.includes("limiter.seen") || n.includes("limiter.cache"))).toEqual([]);
    expect(r.notes.filter((n) => n.includes("limiter.go:"))).toHaveLength(1);
  });

  it.skipIf(!HAVE_BPFTOOL)("leaves alone a record's header decoded apart from the payload after it, and still holds the header to C", async () => {
    // The oracle: the C record goes on past the header's last member.
    const c = btfStruct(join(root, "header-then-payload/msg.bpf.o"), "msg_event");
    expect(c.members.get("payload")).toBe(c.members.get("len")! + 4);
    const r = await run("header-then-payload");
    expect(r.pairing.types.map((p) => [p.twin.name, p.c.name, p.reason.by])).toEqual([["MsgHeader", "struct msg_event", "record"]]);
    expect(r.findings).toEqual([]);
    // The same header with a member narrowed is still caught, at that member.
    const go = join(root, "header-then-payload/main.go");
    writeFileSync(go, readFileSync(go, "utf8").replace("Len uint32", "Len uint16"));
    const wrong = await run("header-then-payload");
    expect(wrong.findings.map((f) => [f.code, f.locations[0]!.line])).toEqual([["struct-mismatch", lineOf(readFileSync(go, "utf8"), "Len uint16")]]);
  });

  it("takes a second read from the header's reader for the bytes after it, not for the record", async () => {
    // The payload read into a struct of its own after the header: its bytes start past the header, so it is not the record.
    const go = join(root, "header-then-payload/main.go");
    const text = readFileSync(go, "utf8");
    // From the fixture as committed: the test above leaves its copy narrowed.
    const typed = readFileSync("fixtures/check/header-then-payload/main.go", "utf8")
      .replace("type objects struct {", "type Payload struct {\n\tData [64]byte\n}\n\ntype objects struct {")
      .replace("\treturn r.Bytes()[:h.Len], nil", "\tvar p Payload\n\tif err := binary.Read(r, binary.LittleEndian, &p); err != nil {\n\t\treturn nil, err\n\t}\n\treturn p.Data[:h.Len], nil");
    expect(typed).toContain("var p Payload");
    writeFileSync(go, typed);
    try {
      const r = await run("header-then-payload");
      expect(r.pairing.types.map((p) => [p.twin.name, p.c.name, p.reason.by])).toEqual([["MsgHeader", "struct msg_event", "record"]]);
      expect(r.findings).toEqual([]);
    } finally {
      writeFileSync(go, text);
    }
  });

  it("follows a sample into the helper of the file that decodes it, and holds the decode to the record BPF emits there", async () => {
    const r = await run("decode-in-helper");
    const go = readFileSync(join(root, "decode-in-helper/main.go"), "utf8");
    // Sample is named after nothing in the C: the buffer the loop reads and hands over pairs it.
    expect(r.pairing.types.map((p) => [p.twin.name, p.c.name, p.reason.by])).toEqual([["Sample", "struct exec_event", "record"]]);
    expect(r.findings.map((f) => [f.code, f.locations[0]!.line])).toEqual([["struct-mismatch", lineOf(go, "Ppid uint16")]]);
  });
});
