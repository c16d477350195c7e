import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check } from "../../src/check/run.js";
import { HAVE_BPFTOOL, HAVE_CLANG, btfStruct, fixtureRepo, lineOf } from "./repo.js";

// A program that sends the bytes of its record before a member only it
// uses (offsetof(struct msg_load, owner)), and a Go type in another package
// of the module that declares just those, decoded with binary.Read in the
// sensor: the decode reads a prefix of the record, right, and a member
// narrowed in it is still caught. Objects are built by clang in the test.

describe.skipIf(!HAVE_CLANG || !HAVE_BPFTOOL)("a record's prefix decoded from another package (needs clang-16, bpftool)", () => {
  let root = "";
  beforeAll(() => {
    root = fixtureRepo();
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });
  const dir = () => join(root, "decoded-prefix");

  it("pairs api.MsgLoad through the decode in main.go and finds nothing wrong with the prefix it reads", async () => {
    // The oracle: the C record goes on past the Go type's last member, with the member the program keeps.
    const c = btfStruct(join(dir(), "loader.bpf.o"), "msg_load");
    expect(c.members.get("owner")).toBe(c.members.get("path")! + 64);
    const r = await check({ paths: [dir()], lock: false });
    expect(r.pairing.types.map((p) => [p.twin.name, p.c.name, p.reason.by])).toEqual([["MsgLoad", "struct msg_load", "crossing"]]);
    expect(r.findings).toEqual([]);
  });

  it("notes a member of the prefix whose signedness differs, without calling the prefix short", async () => {
    const file = join(dir(), "api/msg.go");
    const text = readFileSync(file, "utf8");
    const signed = text.replace("\tPid      uint32", "\tPid      int32");
    expect(signed).not.toBe(text);
    writeFileSync(file, signed);
    try {
      const r = await check({ paths: [dir()], lock: false });
      expect(r.findings.map((f) => [f.code, f.messageId, f.severity, f.data.sizes])).toEqual([["struct-mismatch", "signedness", "note", ""]]);
    } finally {
      writeFileSync(file, text);
    }
  });

  it("still catches a member narrowed in the prefix", async () => {
    const file = join(dir(), "api/msg.go");
    const text = readFileSync(file, "utf8");
    const narrowed = text.replace("\tPid      uint32", "\tPid      uint16");
    expect(narrowed).not.toBe(text);
    writeFileSync(file, narrowed);
    try {
      const r = await check({ paths: [dir()], lock: false });
      expect(r.findings.map((f) => [f.code, f.locations[0]!.line])).toEqual([["struct-mismatch", lineOf(narrowed, "Pid      uint16")]]);
    } finally {
      writeFileSync(file, text);
    }
  });
});
