import { describe, expect, it } from "vitest";
import { errorFromWire, errorToWire, readFromWire, readToWire } from "../../src/check/read-wire.js";
import { InputError } from "../../src/ir/errors.js";
import { TARGETS } from "../../src/ir/targets.js";
import { readCSource } from "../../src/readers/c/index.js";

// What crosses between a check and its reading threads survives structured
// clone whole: a read's graph, maps, records and problems, and an input
// error as the same one-line message; anything else stays our bug, with
// the thread's stack.

const C = `#include <nowhere.h>
struct event { unsigned int pid; char comm[16]; unsigned long long ts; };
struct { int (*type)[1]; int (*max_entries)[64]; struct event *value; unsigned int *key; } events __attribute__((section(".maps")));
int emit(void *ctx) { struct event e = {}; bpf_ringbuf_output(&events, &e, sizeof(e), 0); return 0; }
`;

describe("read-wire", () => {
  it("gives back the read as the reader gave it, its graph's types and all", async () => {
    for (const target of [TARGETS.bpfel, TARGETS.bpfeb]) {
      const r = await readCSource("prog.bpf.c", { target, files: { "prog.bpf.c": C }, partial: true });
      expect(r.problems.length, "the missing header is a problem that must cross too").toBeGreaterThan(0);
      expect(r.maps.length).toBe(1);
      const back = readFromWire(structuredClone(readToWire(r)), target);
      expect(back.graph.count).toBe(r.graph.count);
      for (let id = 0; id < r.graph.count; id++) expect(back.graph.type(id)).toEqual(r.graph.type(id));
      expect(back.graph.find("event")).toEqual(r.graph.find("event"));
      expect(back.graph.target).toBe(target);
      expect({ maps: back.maps, records: back.records, unresolved: back.unresolved, problems: back.problems, file: back.file }).toEqual({ maps: r.maps, records: r.records, unresolved: r.unresolved, problems: r.problems, file: r.file });
    }
  });

  it("keeps an input error one, with its file, detail and position", () => {
    for (const e of [new InputError("a.c", "nothing usable", { line: 3 }), new InputError("b.o", "truncated", { offset: 64 }), new InputError("c.h", "too big")]) {
      const back = errorFromWire(structuredClone(errorToWire(e)));
      expect(back).toBeInstanceOf(InputError);
      expect(back.message).toBe(e.message);
    }
  });

  it("keeps any other error a bug, saying it came from a reading thread, with its stack", () => {
    const back = errorFromWire(structuredClone(errorToWire(new TypeError("x is undefined"))));
    expect(back).not.toBeInstanceOf(InputError);
    expect(back.message).toBe("reading thread: x is undefined");
    expect(back.stack).toContain("at the reading thread:");
    expect(back.stack).toContain("read-wire.test.ts");
  });
});
