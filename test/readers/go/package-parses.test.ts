import { describe, expect, it, vi } from "vitest";
import { goParser } from "../../../src/readers/go/parser.js";
import { readGo } from "../../../src/readers/go/index.js";
import { sourceTree } from "../../../src/ir/source-tree.js";
import { TARGETS } from "../../../src/ir/targets.js";
import { describeAggregate } from "../../../src/ir/layout/aggregate.js";
import { compileGo, goMissing } from "../../oracles/go.js";

// A check reads every file of a package, and each asks the others for the
// types it names: parsed per read, a package of n files cost n² parses (a
// real repository's check spent most of its time there). The package's
// files are parsed once for all its reads, and a file whose lines only
// mention a name (a struct field, a call) is not parsed to look for it. The
// sharing must not leak one read's types into another's answer.

const N = 12;
const files: [string, string][] = [
  ["pkg/types.go", "package pkg\n\ntype Header struct {\n\tKind uint16\n\tLen  uint16\n}\n\nconst Slots = 6\n"],
  // Lines that start with the names asked for, declaring nothing.
  ["pkg/noise.go", "package pkg\n\ntype Noise struct {\n\tHeader string\n\tSlots  []int\n}\n\nfunc f() {\n\tHeader := 1\n\t_ = Header\n}\n"],
  ...Array.from({ length: N }, (_, i): [string, string] => [`pkg/event${i}.go`, `package pkg\n\ntype Event${i} struct {\n\tH    Header\n\tArgs [Slots + ${i}]uint32\n}\n`]),
];

async function readAll(shared: boolean) {
  const tree = sourceTree(files);
  const out = [];
  for (const [path, text] of files) out.push(await readGo(path, text, { tree: shared ? tree : sourceTree(files) }));
  return out;
}

describe("a package's files are parsed once for all its reads", () => {
  it("each file is parsed once as itself and at most once for its siblings", async () => {
    const parser = await goParser();
    const parse = vi.spyOn(parser, "parse");
    try {
      await readAll(true);
      // Every file once as the file read, types.go once for all twelve events; noise.go never for them.
      expect(parse).toHaveBeenCalledTimes(files.length + 1);
    } finally {
      parse.mockRestore();
    }
  });

  it("reads give the layouts each would give on its own", async () => {
    const shared = await readAll(true);
    const alone = await readAll(false);
    const sizes = (ms: typeof shared) => ms.map((m) => m.twins.map((t) => [t.name, describeAggregate(m.layout(TARGETS.x86_64, "native"), t.typeId).size]));
    expect(sizes(shared)).toEqual(sizes(alone));
    // Every event laid out: its header and its length resolved from types.go.
    for (let i = 0; i < N; i++) expect(sizes(shared)[i + 2]?.[0]?.[0]).toBe(`Event${i}`);
  });
});

describe("a type asked for from another file", () => {
  it("is resolved with the types of its own file it names", async () => {
    const pkg: [string, string][] = [
      ["p/types.go", "package p\n\ntype Data struct {\n\tEv  Event\n\tN   uint16\n}\n\ntype Event struct {\n\tTs  uint64\n\tLen uint32\n}\n"],
      ["p/read.go", "package p\n\ntype Wrap struct {\n\tD   Data\n\tTag uint8\n}\n"],
    ];
    // read.go names Data alone; Data names Event, which nothing asks for by name.
    const m = await readGo("p/read.go", pkg[1]![1], { tree: sourceTree(pkg) });
    expect(m.problems).toEqual([]);
    expect(m.twins.map((t) => t.name)).toEqual(["Wrap"]);
  });
});

describe.skipIf(goMissing !== "")(`a name two files declare, one per architecture ${goMissing}`, () => {
  // bpf2go's way: the same type in one file per byte order, each behind a
  // //go:build line; a hand-written type embeds it. The amd64 build takes
  // the x86 file, as the compiler does.
  const files: Record<string, string> = {
    "kern_x86.go": "//go:build 386 || amd64\n\npackage main\n\ntype KernEvt struct {\n\tTs  uint64\n\tPid uint32\n}\n",
    "kern_arm64.go": "//go:build arm64\n\npackage main\n\ntype KernEvt struct {\n\tTs  uint32\n\tPid uint16\n}\n",
    "types.go": "package main\n\ntype SyscallEvent struct {\n\tKe      KernEvt\n\tBufSize uint32\n}\n",
  };

  it("is the one the linux/amd64 build takes, sized as the Go compiler sizes it", async () => {
    const tree = sourceTree(Object.entries(files).map(([n, t]): [string, string] => [`m/${n}`, t]));
    const m = await readGo("m/types.go", files["types.go"]!, { tree });
    expect(m.problems).toEqual([]);
    const twin = m.twins.find((t) => t.name === "SyscallEvent")!;
    const d = describeAggregate(m.layout(TARGETS.x86_64, "native"), twin.typeId);
    const asserts = [`const _ = unsafe.Sizeof(SyscallEvent{}) - ${d.size}`, `const _ = ${d.size} - unsafe.Sizeof(SyscallEvent{})`];
    for (const f of d.members) asserts.push(`const _ = unsafe.Offsetof(SyscallEvent{}.${f.name}) - ${f.bitOffset / 8}`, `const _ = ${f.bitOffset / 8} - unsafe.Offsetof(SyscallEvent{}.${f.name})`);
    const source = `package main\n\nimport "unsafe"\n\n${asserts.join("\n")}\n\nfunc main() {}\n`;
    expect(compileGo(source, "amd64", files), "the compiler rejects our figures").toBe("");
    // And on arm64 the same figures are wrong: the files differ, so the choice is seen.
    expect(compileGo(source, "arm64", files)).not.toBe("");
  });
});
