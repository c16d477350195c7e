import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { check } from "../../src/check/run.js";
import { goMissing, runGo } from "../oracles/go.js";
import { HAVE_BPFTOOL, HAVE_CLANG, btfStruct, fixtureRepo, lineOf } from "./repo.js";

// Issue 12: cilium's alignchecker says which C struct a Go type mirrors
// (`CheckStructAlignments(obj, map[string][]reflect.Type{"drop_note":
// {reflect.TypeOf(monitor.DropNote{})}})`) and which C member each field
// mirrors (`align:"dport"`). The registration is evidence for the pair,
// from another package than the type; the tags say which member a field
// is held to. Offsets come from bpftool and the Go compiler.

describe.skipIf(!HAVE_CLANG || !HAVE_BPFTOOL || goMissing !== "")("alignchecker registrations and align tags (needs clang-16, bpftool, go)", () => {
  let root = "";
  beforeAll(() => {
    root = fixtureRepo();
  });

  const goOffset = (dir: string, field: string): number => {
    const drop = readFileSync(join(dir, "pkg/monitor/drop.go"), "utf8");
    const program = `package main\n\nimport (\n"fmt"\n"unsafe"\n\n"example.com/agent/pkg/monitor"\n)\n\nfunc main() { fmt.Println(unsafe.Offsetof(monitor.DropNote{}.${field})) }\n`;
    return Number(runGo(program, "amd64", false, { "src/example.com/agent/pkg/monitor/drop.go": drop })![0]);
  };

  it("pairs the registered type with its C struct and says where it was registered", async () => {
    const dir = join(root, "alignchecker-tags");
    const r = await check({ paths: [dir], lock: false });
    expect(r.pairing.types.map((p) => `${p.twin.name} ${p.c.name} ${p.reason.by}`)).toEqual(["DropNote struct drop_note registered"]);
    const reg = readFileSync(join(dir, "pkg/alignchecker/alignchecker.go"), "utf8");
    const pair = r.pairs.find((p) => p.twin.name === "DropNote")!;
    expect(pair.reason).toMatch(new RegExp(`^registered with alignchecker at .*pkg/alignchecker/alignchecker\\.go:${lineOf(reg, '"drop_note":')}$`));
    expect(r.findings).toEqual([]);
  });

  it("holds a tagged field to the C member its tag names, where the bytes alone would not say", async () => {
    const dir = join(root, "alignchecker-tags");
    const path = join(dir, "pkg/monitor/drop.go");
    writeFileSync(path, readFileSync(path, "utf8").replace(/^\tSrcPort .*\n/m, ""));
    const c = btfStruct(join(dir, "notify.bpf.o"), "drop_note");
    const at = goOffset(dir, "DstPort");
    // DstPort now sits where C keeps sport: the same width at the same offset.
    expect(at).toBe(c.members.get("sport"));
    const r = await check({ paths: [dir], lock: false });
    const drop = readFileSync(path, "utf8");
    expect(r.findings.map((f) => [f.code, f.messageId, f.data.twinMember, f.data.twinOffset, f.data.cMember, f.data.cOffset, f.locations[0]!.line])).toEqual([
      ["struct-mismatch", "offset", "DstPort", at, "dport", c.members.get("dport"), lineOf(drop, "DstPort")],
    ]);
  });
});
