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
