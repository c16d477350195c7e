import { describe, expect, it } from "vitest";
import { parseGo } from "../../../src/readers/go/parser.js";
import { fieldReads } from "../../../src/readers/go/field-reads.js";
import { Searched } from "../../../src/readers/go/syntax.js";

const SRC = `package main

import (
	"encoding/binary"
	"unsafe"
)

type Event struct {
	Pid   uint32
	Flags uint8
}

func decode(b []byte) Event {
	var ev Event
	ev.Pid = binary.LittleEndian.Uint32(b[4:8])
	ev.Flags = b[12]
	port := binary.BigEndian.Uint16(b[14 : 14+2])
	ts := *(*uint64)(unsafe.Pointer(&b[16]))
	tail := binary.LittleEndian.Uint64(b[24:])
	other := binary.LittleEndian.Uint32(x[0:4])
	_ = Event{Pid: binary.LittleEndian.Uint32(b[0:4])}
	_, _, _, _ = port, ts, tail, other
	return ev
}
`;

describe("Go decoders that read field by field", () => {
  it("lists each read of the sample with its offset, width, order, line and target", async () => {
    const tree = await parseGo(SRC);
    const fn = tree.rootNode.descendantsOfType("function_declaration")[0]!;
    const reads = fieldReads("d.go", fn, new Searched(tree.rootNode), (b) => b.text === "b");
    expect(reads.map((r) => [r.offset, r.read.size, r.read.order ?? "-", r.loc.line, r.into ?? "-"])).toEqual([
      [4, 4, "little", 15, "Pid"],
      [12, 1, "-", 16, "Flags"],
      [14, 2, "big", 17, "port"],
      [16, 8, "-", 18, "ts"],
      [24, 8, "little", 19, "tail"],
      [0, 4, "little", 21, "Pid"],
    ]);
  });
});
