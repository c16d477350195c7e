import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkFiles } from "../../src/check/run.js";
import { generateTs } from "../../src/codegen/ts/index.js";
import { readBpfObjects } from "../../src/readers/object/index.js";
import { HAVE_BPFTOOL } from "../check/repo.js";
import { compileBpf, HAVE_CLANG, scratchDir } from "../readers/btf/compile.js";

// stale-generated on a change of byte order alone: a module generated from
// fixtures/check/ts-correct/conn.bpf.c, checked against the same C with
// `pid` made `__be32` and the nested `tuple.dport` made `__u16`. Offsets,
// widths and signedness stay; the finding must name both members and the
// order each is stored in now, as bpftool reads the new object.

const FIXTURE = "fixtures/check/ts-correct/conn.bpf.c";

/** The byte order bpftool's dump gives a member of `struct`: its typedef chain's `__be*`/`__le*`, else the object's (bpfel). */
function storedOrder(object: string, struct: string, member: string): "little" | "big" {
  const lines = execFileSync("bpftool", ["btf", "dump", "file", object], { encoding: "utf8" }).split("\n");
  const types = new Map<number, string>();
  for (const l of lines) {
    const t = /^\[(\d+)\] (.*)$/.exec(l);
    if (t) types.set(Number(t[1]), t[2]!);
  }
  const at = lines.findIndex((l) => l.includes(`STRUCT '${struct}'`));
  const m = lines.slice(at + 1).find((l) => l.includes(`'${member}' type_id=`));
  let id = Number(/type_id=(\d+)/.exec(m ?? "")?.[1]);
  for (let depth = 0; depth < 16; depth++) {
    const typedef = /^TYPEDEF '(\w+)' type_id=(\d+)/.exec(types.get(id) ?? "");
    if (!typedef) break;
    const named = /^__(be|le)\d+$/.exec(typedef[1]!);
    if (named) return named[1] === "be" ? "big" : "little";
    id = Number(typedef[2]);
  }
  return "little";
}

describe.skipIf(!HAVE_CLANG || !HAVE_BPFTOOL)("stale-generated on a byte order change (needs clang-16 and bpftool)", () => {
  it("names each member whose order changed, nested ones by their path, in the order C stores it now", async () => {
    const dir = scratchDir("stale-order");
    const src = readFileSync(FIXTURE, "utf8");
    const changed = src.replace("\t__u32 pid;", "\t__be32 pid;").replace("\t__be16 dport;", "\t__u16 dport;");
    expect(changed).not.toBe(src);
    writeFileSync(join(dir, "old.bpf.c"), src);
    writeFileSync(join(dir, "new.bpf.c"), changed);
    const oldObj = compileBpf(join(dir, "old.bpf.c"), "bpfel", dir);
    const newObj = compileBpf(join(dir, "new.bpf.c"), "bpfel", dir);
    const [mod] = generateTs(readBpfObjects(readFileSync(oldObj), oldObj)[0]!.graph, ["conn_event"], { source: "old.bpf.c" });
    const r = await checkFiles([
      { path: "new.bpf.o", kind: "object", bytes: readFileSync(newObj) },
      { path: mod!.fileName, kind: "typescript", bytes: new TextEncoder().encode(mod!.text) },
    ]);
    expect(r.findings.map((f) => f.code)).toEqual(["stale-generated"]);
    const change = String(r.findings[0]!.data.change);
    const pid = storedOrder(newObj, "conn_event", "pid");
    const dport = storedOrder(newObj, "conn_tuple", "dport");
    expect(pid, "the edit changes pid's order").not.toBe(storedOrder(oldObj, "conn_event", "pid"));
    expect(dport, "the edit changes dport's order").not.toBe(storedOrder(oldObj, "conn_tuple", "dport"));
    expect(change).toContain(`pid is ${pid}-endian now`);
    expect(change).toContain(`tuple.dport is ${dport}-endian now`);
  });
});
