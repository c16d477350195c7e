import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { check } from "../../src/check/run.js";
import { HAVE_BPFTOOL, HAVE_CLANG, btfStruct, fixtureRepo, lineOf } from "./repo.js";

// A Go function that reads a ring buffer sample field by field is a twin
// made of its reads, paired with the C record through the buffer it reads
// (never its name) and held to it read by read. The object is built by clang.

describe.skipIf(!HAVE_CLANG || !HAVE_BPFTOOL)("Go decoders that read field by field (needs clang-16, bpftool)", () => {
  let root = "";
  beforeAll(() => {
    root = fixtureRepo();
  });

  it("pairs each decoder with the record by its buffer: the right one is clean, a read 4 bytes late, a read past the end and a __be16 read little-endian are caught at their lines", async () => {
    // The oracle: where clang puts the members the decoders read.
    const c = btfStruct(join(root, "field-by-field-decoder/conn.bpf.o"), "conn_event");
    expect([c.members.get("pid"), c.members.get("dport"), c.members.get("proto"), c.members.get("saddr"), c.size]).toEqual([8, 12, 14, 16, 24]);
    const r = await check({ paths: [join(root, "field-by-field-decoder")], lock: false });
    const go = readFileSync(join(root, "field-by-field-decoder/main.go"), "utf8");
    const reads = r.pairing.types.filter((p) => p.twin.reads).map((p) => [p.twin.name, p.c.name, p.reason.by]);
    expect(reads.sort()).toEqual([
      ["reads of decodeConn", "struct conn_event", "record"],
      ["reads of decodeLate", "struct conn_event", "record"],
      ["reads of decodePastEnd", "struct conn_event", "record"],
      ["reads of decodePort", "struct conn_event", "record"],
    ]);
    expect(r.findings.map((f) => [f.code, f.locations[0]!.line, f.messageId]).sort()).toEqual([
      ["struct-mismatch", lineOf(go, "c.Pid = binary.LittleEndian.Uint32(b[12:16])"), "width"],
      ["struct-mismatch", lineOf(go, "c.Saddr = binary.LittleEndian.Uint32(b[24:28])"), "extra"],
      ["struct-mismatch", lineOf(go, "return binary.LittleEndian.Uint16(b[12:14])"), "order"],
    ]);
  });
});
