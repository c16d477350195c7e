import { describe, expect, it } from "vitest";
import type { LayoutMode, UserspaceModule } from "../../../src/ir/bindings.js";
import { sourceTree } from "../../../src/ir/source-tree.js";
import { TARGET_NAMES, TARGETS } from "../../../src/ir/targets.js";
import { readGo, readGoPortable } from "../../../src/readers/go/index.js";
import { fromPortable } from "../../../src/readers/go/layout-spec.js";

// A Go module read on a check's reading thread crosses as plain data and is
// made whole again: it must lay out, on every target and in every mode,
// exactly what the module read on the check's own thread lays out. The
// package below has lengths only the syntax tree gives (a constant of
// another file, unsafe.Sizeof per architecture, int's size), a length that
// cannot be evaluated, a struct reached only through a pointer, a recursive
// type and an alias.

const FILES: [string, string][] = [
  [
    "p/consts.go",
    `package p

const CommLen = 16
`,
  ],
  [
    "p/main.go",
    `package p

import (
	"encoding/binary"
	"unsafe"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/ringbuf"
)

type Inner struct {
	A uint16
	B [unsafe.Sizeof(uintptr(0))]byte
}

type Event struct {
	Pid   uint32
	Comm  [CommLen]int8
	Words [unsafe.Sizeof(int(0)) / 4]uint32
	In    Inner
	_     [3]byte
}

type Holder struct {
	Ev   *Event
	Next *Node
}

type Node struct {
	Val  uint64
	Next *Node
}

type Bad struct {
	X [Missing]byte
}

type Alias = Event

func run(m *ebpf.Map, rd *ringbuf.Reader) error {
	var k uint32
	var v Event
	if err := m.Lookup(&k, &v); err != nil {
		return err
	}
	var b Bad
	_ = m.Lookup(&k, &b)
	var h Holder
	_ = m.Lookup(&k, &h)
	rec, _ := rd.Read()
	raw := rec.RawSample
	var e Alias
	e.Pid = binary.LittleEndian.Uint32(raw[0:4])
	e.In.A = binary.BigEndian.Uint16(raw[24:26])
	return nil
}
`,
  ],
];

function layouts(m: UserspaceModule): unknown[] {
  const out: unknown[] = [];
  for (const name of TARGET_NAMES) {
    for (const mode of ["native", "packed"] satisfies LayoutMode[]) {
      const g = m.layout(TARGETS[name], mode);
      const types = [];
      for (let id = 0; id < g.count; id++) types.push(g.type(id));
      out.push({ name, mode, count: g.count, target: g.target.name, types });
    }
  }
  return out;
}

describe("a Go module across threads", () => {
  it("lays out on every target and mode what the module read here does", async () => {
    const text = FILES[1]![1];
    const here = await readGo("p/main.go", text, { tree: sourceTree(FILES) });
    const there = fromPortable(structuredClone(await readGoPortable("p/main.go", text, sourceTree(FILES), true)));
    const { layout: _a, ...hereData } = here;
    const { layout: _b, ...thereData } = there;
    expect(thereData).toEqual(hereData);
    // What the package gives must be there to compare: twins, the lookups as decodes, a problem for Bad.
    expect(here.twins.map((t) => t.name)).toEqual(expect.arrayContaining(["Inner", "Event"]));
    expect(here.decodes.length).toBeGreaterThanOrEqual(3);
    expect(here.problems.some((p) => p.message.includes("Missing"))).toBe(true);
    expect(layouts(there)).toEqual(layouts(here));
  });
});
