import { describe, expect, it } from "vitest";
import type { LayoutMode, UserspaceModule } from "../../../src/ir/bindings.js";
import { sourceTree } from "../../../src/ir/source-tree.js";
import { TARGETS } from "../../../src/ir/targets.js";
import { readGo } from "../../../src/readers/go/index.js";

// A reader that reads only some of a check's Go files (a reading thread of
// `check --concurrency`) must read each as the reader of all of them does.
// A directory's parsed files are forgotten when the check moves to another
// directory: here `p/a.go`, then `p/q/x.go` (another module, so another
// reader), then `p/z.go`. Reading `p/a.go` parses `p/b.go` and `p/z.go` as
// siblings, `p/b.go`'s Outer holding `p/z.go`'s Inner; read as its own,
// `p/z.go` declares Inner itself. The thread that reads `p/a.go` and `p/z.go`
// only, told that the check moved between them (`afterOtherDir`), gives
// `p/z.go` what the reader of all three gives.

const FILES: [string, string][] = [
  ["p/go.mod", "module example.com/p\n\ngo 1.19\n"],
  [
    "p/a.go",
    `package p

type A struct{ N uint64 }
`,
  ],
  [
    "p/b.go",
    `package p

type Outer struct {
	Y   Inner
	Pad [4]byte
}
`,
  ],
  ["p/q/go.mod", "module example.com/q\n\ngo 1.19\n"],
  [
    "p/q/x.go",
    `package q

type X struct{ A uint32 }
`,
  ],
  [
    "p/z.go",
    `package p

import "github.com/cilium/ebpf"

type Inner struct {
	A uint32
	B uint16
}

func lookup(m *ebpf.Map) {
	var k uint32
	var v Outer
	_ = m.Lookup(&k, &v)
}
`,
  ],
];

function snapshot(m: UserspaceModule): unknown {
  const { layout, ...data } = m;
  const graphs = (["native", "packed"] satisfies LayoutMode[]).map((mode) => {
    const g = layout(TARGETS.x86_64, mode);
    return Array.from({ length: g.count }, (_, id) => g.type(id));
  });
  return { data, graphs };
}

const text = (path: string): string => FILES.find(([p]) => p === path)![1];

describe("Go files read by a reader that reads only some of them", () => {
  it("read a file after the check moved directories as the reader of all of them does", async () => {
    const all = sourceTree(FILES);
    // The reader of all three, in the check's order.
    await readGo("p/a.go", text("p/a.go"), { tree: all, afterOtherDir: true });
    await readGo("p/q/x.go", text("p/q/x.go"), { tree: all, afterOtherDir: true });
    const whole = snapshot(await readGo("p/z.go", text("p/z.go"), { tree: all, afterOtherDir: true }));

    // A reader of p's module alone, on a tree of its own (as a thread has).
    const some = sourceTree(FILES);
    await readGo("p/a.go", text("p/a.go"), { tree: some, afterOtherDir: true });
    const told = snapshot(await readGo("p/z.go", text("p/z.go"), { tree: some, afterOtherDir: true }));
    // What is compared holds both types: Outer from its sibling, Inner as z.go's own.
    expect(JSON.stringify(whole)).toMatch(/"Outer".*"Inner"|"Inner".*"Outer"/s);
    expect(told).toEqual(whole);
  });
});
