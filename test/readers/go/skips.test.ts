import { describe, expect, it } from "vitest";
import { readGo } from "../../../src/readers/go/index.js";

// The reader leaves out questions of the tree whose answer the file's text
// already rules out (a tag where the struct holds no quote, a ReadInto where
// the file never says it). Each case here needs the answer it would skip.

const source = (readInto: string, tag: string): string => `package main

import (
	"bytes"
	"encoding/binary"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/ringbuf"
)

type Event struct {
	Pid uint32
	Len uint32
}

type objects struct {
	Events *ebpf.Map ${tag}
}

func run(objs objects) {
	rd, _ := ringbuf.NewReader(objs.Events)
	var record ringbuf.Record
	for rd.${readInto}(&record) == nil {
		var ev Event
		binary.Read(bytes.NewReader(record.RawSample), binary.LittleEndian, &ev)
	}
}
`;

describe("questions the text rules out", () => {
  for (const tag of ["`ebpf:\"events\"`", '"ebpf:\\"events\\""']) {
    it(`a record filled by ReadInto is read from the map its reader reads, tagged ${tag}`, async () => {
      const m = await readGo("a.go", source("ReadInto", tag), {});
      expect(m.maps.map((r) => r.name)).toEqual(["events"]);
      expect(m.decodes.map((d) => d.mapName)).toEqual(["events"]);
    });
  }

  it("a record no call fills comes from no map", async () => {
    const m = await readGo("a.go", source("Next", "`ebpf:\"events\"`"), {});
    expect(m.decodes.map((d) => d.mapName)).toEqual([undefined]);
  });
});

describe("method names", () => {
  // The methods followed were looked up in an object, where `toString` and `constructor` are found too.
  it("a method named after one of JavaScript's object members is no map method", async () => {
    const text = `package main

import "github.com/cilium/ebpf"

type Key struct{ Pid uint32 }
type Val struct{ N uint64 }

func run(m *ebpf.Map) {
	var k Key
	var v Val
	m.toString(&k, &v)
	m.constructor(&k, &v)
	m.hasOwnProperty(&k, &v)
	m.Lookup(&k, &v)
}
`;
    const m = await readGo("a.go", text, {});
    expect(m.problems).toEqual([]);
    expect([...new Set(m.decodes.map((d) => d.method))]).toEqual(["Map.Lookup"]);
    expect(m.twins.map((t) => t.name).sort()).toEqual(["Key", "Val"]);
  });
});
