import { describe, expect, it } from "vitest";
import { readGo } from "../../../src/readers/go/index.js";

// Go locals are block-scoped: `:=` in an inner block shadows the outer name
// there only, `=` gives the outer variable its value, and sibling case arms
// each hold their own variable.

const HEAD = `package main

import "github.com/cilium/ebpf"

type objects struct {
	Outer *ebpf.Map \`ebpf:"outer_map"\`
	Inner *ebpf.Map \`ebpf:"inner_map"\`
	Arm   *ebpf.Map \`ebpf:"arm_map"\`
}
`;

const lineOf = (text: string, needle: string): number => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

async function lookups(body: string): Promise<[string, number][]> {
  const text = `${HEAD}\nfunc run(objs *objects, kind int) {\n${body}\n}\n`;
  const m = await readGo("/x/main.go", text, {});
  return m.maps.filter((r) => r.via.startsWith("Lookup")).map((r) => [r.name, r.loc.line!]);
}

describe("Go block scopes", () => {
  it("resolves a shadowing := in an inner block there only", async () => {
    const body = `	var k, v uint32
	m := objs.Outer
	if kind > 0 {
		m := objs.Inner
		m.Lookup(&k, &v) // inner
	}
	m.Lookup(&k, &v) // outer`;
    const text = `${HEAD}\nfunc run(objs *objects, kind int) {\n${body}\n}\n`;
    expect(await lookups(body)).toEqual([
      ["inner_map", lineOf(text, "// inner")],
      ["outer_map", lineOf(text, "// outer")],
    ]);
  });

  it("gives `=` in an inner block to the outer variable", async () => {
    const body = `	var k, v uint32
	var m *ebpf.Map
	if kind > 0 {
		m = objs.Inner
	}
	m.Lookup(&k, &v) // outer`;
    const text = `${HEAD}\nfunc run(objs *objects, kind int) {\n${body}\n}\n`;
    expect(await lookups(body)).toEqual([["inner_map", lineOf(text, "// outer")]]);
  });

  it("keeps the variables of two case arms apart, and a func literal's own", async () => {
    const body = `	var k, v uint32
	switch kind {
	case 1:
		m := objs.Arm
		m.Lookup(&k, &v) // arm
	default:
		m := objs.Outer
		go func() {
			m := objs.Inner
			m.Lookup(&k, &v) // literal
		}()
		m.Lookup(&k, &v) // default
	}`;
    const text = `${HEAD}\nfunc run(objs *objects, kind int) {\n${body}\n}\n`;
    expect(await lookups(body)).toEqual([
      ["arm_map", lineOf(text, "// arm")],
      ["inner_map", lineOf(text, "// literal")],
      ["outer_map", lineOf(text, "// default")],
    ]);
  });

  it("gives a package variable assigned in an inner block its value for the rest of the function", async () => {
    // A handle kept in a package variable, fetched on first use inside an if.
    const text = `package main

import "github.com/cilium/ebpf"

var cached *ebpf.Map

func lookup(coll *ebpf.Collection, key uint32) {
	if cached == nil {
		var ok bool
		cached, ok = coll.Maps["cached_map"]
		if !ok {
			return
		}
	}
	var v [16]byte
	cached.Lookup(key, &v) // use
}
`;
    const m = await readGo("/x/main.go", text, {});
    expect(m.maps.filter((r) => r.via.startsWith("Lookup")).map((r) => [r.name, r.loc.line!])).toEqual([["cached_map", lineOf(text, "// use")]]);
  });
});

