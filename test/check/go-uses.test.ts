import { readFileSync } from "node:fs";
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
});
