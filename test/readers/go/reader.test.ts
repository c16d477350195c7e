import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readGo, layoutGoFile } from "../../../src/readers/go/index.js";
import { InputError } from "../../../src/ir/errors.js";
import { TARGETS } from "../../../src/ir/targets.js";
import { describeAggregate } from "../../../src/ir/layout/aggregate.js";
import type { TypeGraph } from "../../../src/ir/graph.js";
import type { UserspaceModule } from "../../../src/ir/bindings.js";
import { goMissing, run386Missing, runGo } from "../../oracles/go.js";
import { freshSeed, rng } from "../../oracles/python.js";

// The Go reader's claims on fixtures named after what they show. Expected
// lines are found from the fixture's own text, and sizes from the Go
// compiler, never typed in.

const FIXTURES = join(import.meta.dirname, "../../../fixtures/go");

function fixture(rel: string): { file: string; text: string } {
  const file = join(FIXTURES, rel);
  return { file, text: readFileSync(file, "utf8") };
}

/** 1-based line and column of the first occurrence of `needle` (after `after`, if given). */
function at(text: string, needle: string, after = ""): { line: number; column: number } {
  const start = after ? text.indexOf(after) : 0;
  const i = text.indexOf(needle, start);
  if (i < 0 || start < 0) throw new Error(`fixture lacks ${JSON.stringify(needle)}`);
  const before = text.slice(0, i).split("\n");
  return { line: before.length, column: (before[before.length - 1] ?? "").length + 1 };
}

async function read(rel: string): Promise<{ m: UserspaceModule; text: string; file: string }> {
  const { file, text } = fixture(rel);
  return { m: await readGo(file, text, {}), text, file };
}

function typeName(graph: TypeGraph, id: number): string {
  const t = graph.type(id);
  return "name" in t ? t.name : t.kind;
}

describe("MapSpec literals", () => {
  it("the dns_key case: KeySize 16 at its own line", async () => {
    const { m, text } = await read("maps/dns_key_mismatch.go");
    expect(m.maps).toHaveLength(1);
    const ref = m.maps[0]!;
    expect(ref.name).toBe("dns_queries");
    expect(ref.via).toBe("ebpf.MapSpec literal");
    expect(ref.keySize?.value).toBe(16);
    expect(ref.keySize?.loc).toMatchObject(at(text, "16", "Name:"));
    expect(ref.valueSize?.value).toBe(8);
    expect(ref.maxEntries?.value).toBe(1024);
    expect(ref.loc).toMatchObject(at(text, "ebpf.MapSpec{"));
    expect(m.problems).toEqual([]);
  });

  it.skipIf(goMissing !== "")(`sizes from constants, binary.Size and unsafe.Sizeof agree with Go ${goMissing}`, async () => {
    const { m, text } = await read("maps/sizes.go");
    const byName = new Map(m.maps.map((r) => [r.name, r]));
    const exprs = {
      by_key: ["uint32(unsafe.Sizeof(Key{}))", "uint32(binary.Size(Value{}))", "entries"],
      counts: ["uint32(int(unsafe.Sizeof(k)))", "valueSize", "uint32(entries / 2)"],
    };
    // The same expressions, evaluated by the compiler.
    const body = text.replace(/^package main\n/m, 'package main\n\nimport "fmt"\n');
    const program = `${body}\nfunc main() {\n\tvar k Key\n\t_ = k\n${Object.values(exprs)
      .flat()
      .map((e) => `\tfmt.Println(${e})`)
      .join("\n")}\n}\n`;
    const expected = runGo(program, "amd64")!.map(Number);
    const mine = Object.keys(exprs).flatMap((name) => {
      const r = byName.get(name);
      return [r?.keySize?.value, r?.valueSize?.value, r?.maxEntries?.value];
    });
    expect(mine).toEqual(expected);
    expect(byName.get("by_key")?.keySize?.loc).toMatchObject(at(text, exprs.by_key[0]!));
    expect(byName.get("counts")?.valueSize?.loc).toMatchObject(at(text, "valueSize,"));
    expect(m.problems).toEqual([]);
  });
});

describe("map use", () => {
  it("reveals key and value types through bpf2go objects, Collection.Maps and iterators", async () => {
    const { m, text } = await read("maps/uses.go");
    const g = m.layout(TARGETS.x86_64, "native");
    const calls = m.maps.map((r) => ({
      name: r.name,
      method: r.via.split(" ")[0],
      line: r.loc.line,
      key: r.keyType && typeName(g, r.keyType.value),
      value: r.valueType && typeName(g, r.valueType.value),
    }));
    const line = (needle: string) => at(text, needle).line;
    expect(calls).toEqual([
      { name: "dns_queries", method: "Lookup", line: line("DnsQueries.Lookup"), key: "DnsKey", value: "uint64" },
      { name: "dns_queries", method: "Update", line: line("DnsQueries.Update"), key: "DnsKey", value: "uint64" },
      { name: "dns_queries", method: "Delete", line: line("DnsQueries.Delete"), key: "DnsKey", value: undefined },
      { name: "stats", method: "Lookup", line: line("stats.Lookup"), key: "uint32", value: "Stats" },
      { name: "stats", method: "Put", line: line("stats.Put"), key: "uint32", value: "Stats" },
      { name: "stats", method: "LookupAndDelete", line: line("stats.LookupAndDelete"), key: "uint32", value: "Stats" },
      { name: "dns_queries", method: "BatchLookup", line: line("BatchLookup"), key: "DnsKey", value: "uint64" },
      { name: "dns_queries", method: "Next", line: line("it.Next"), key: "DnsKey", value: "uint64" },
    ]);
    const lookup = m.maps[0]!;
    expect(lookup.keyType?.loc).toMatchObject(at(text, "&key", "DnsQueries.Lookup"));
  });

  it("reads bpf2go's struct tags in the file that declares them", async () => {
    const text = [
      "package main",
      'import "github.com/cilium/ebpf"',
      "type appMaps struct {",
      '\tConnCount *ebpf.Map `ebpf:"conn_count"`',
      '\tProg *ebpf.Program `ebpf:"prog"`',
      "}",
      "func f(o *appMaps) { var k uint32; var v uint64; o.ConnCount.Lookup(&k, &v) }",
    ].join("\n");
    const m = await readGo("tags.go", text, {});
    expect(m.maps.map((r) => [r.name, r.via.split(" ")[0], r.loc.line])).toEqual([
      ["conn_count", "Lookup", 7],
      ["conn_count", "ebpf", 4],
    ]);
    expect(m.twins).toEqual([]);
  });
});

describe("decode sites", () => {
  it("binary.Read of a ring buffer sample: packed, little endian, from the events map", async () => {
    const { m, text } = await read("decode/ringbuf.go");
    expect(m.decodes).toHaveLength(1);
    const d = m.decodes[0]!;
    expect(d).toMatchObject({ method: "binary.Read", mode: "packed", byteOrder: "little", mapName: "events" });
    expect(d.loc).toMatchObject(at(text, "binary.Read("));
    expect(typeName(m.layout(TARGETS.x86_64, "packed"), d.typeId)).toBe("Event");
  });

  it("an unsafe cast of a perf sample is native; binary.Read into an int is a problem", async () => {
    const { m, text } = await read("decode/perf.go");
    const g = m.layout(TARGETS.x86_64, "native");
    expect(m.decodes.map((d) => [d.method, d.mode, d.byteOrder, typeName(g, d.typeId), d.loc.line])).toEqual([
      ["unsafe cast", "native", "native", "Sample", at(text, "(*Sample)").line],
      ["binary.Read", "packed", "big", "Loose", at(text, "binary.Read(").line],
    ]);
    expect(m.problems.map((p) => [p.loc.line, /binary\.Read cannot decode Loose/.test(p.message)])).toEqual([[at(text, "binary.Read(").line, true]]);
  });
});

describe("comments", () => {
  it("abidrift:mirrors above, in a group and at the end of the line; ignore-next-line", async () => {
    const { m, text } = await read("comments/annotated.go");
    expect(m.twins.map((t) => [t.name, t.mirrors?.name, t.mirrors?.loc.line])).toEqual([
      ["FlowKey", "struct flow_key", at(text, "abidrift:mirrors struct flow_key").line],
      ["FlowValue", "struct flow_value", at(text, "abidrift:mirrors struct flow_value").line],
      ["Unrelated", undefined, undefined],
      ["Trailing", "struct trailing", at(text, "type Trailing").line],
      ["AfterTrailing", undefined, undefined],
    ]);
    expect(m.suppressions).toEqual([
      { line: at(text, "KeySize: 4").line, rule: "map-key-size" },
      { line: at(text, "ValueSize: 8").line, rule: "map-value-size" },
      { line: at(text, "ValueSize: 8").line, rule: "struct-mismatch" },
      { line: at(text, "MaxEntries: 16").line },
    ]);
  });
});

describe("half-written Go", () => {
  it("keeps what parsed and records each problem where it is", async () => {
    const { m, text } = await read("broken/half_written.go");
    expect(m.twins.map((t) => t.name)).toEqual(["Good"]);
    expect(m.maps.map((r) => [r.name, r.keySize?.value, r.valueSize?.value])).toEqual([["good", 4, 12]]);
    const lines = m.problems.map((p) => p.loc.line).sort((a, b) => (a ?? 0) - (b ?? 0));
    expect(lines).toEqual(
      [at(text, "T time.Time").line, at(text, "type Loop").line, at(text, "Self + 1").line, at(text, "type Cut").line].sort((a, b) => a - b),
    );
    // Broken types stay in the graph as names without a layout, on every target.
    for (const t of Object.values(TARGETS)) expect(m.layout(t, "native").find("Foreign").length).toBe(1);
    expect(m.problems.some((p) => p.loc.line === at(text, "Every time.Duration").line)).toBe(false);
  });

  const seed = freshSeed();
  it(`every truncation and random corruption of every fixture reads or fails with an InputError (seed ${seed})`, async () => {
    const r = rng(seed);
    const files = ["types/layouts.go", "maps/sizes.go", "maps/uses.go", "decode/ringbuf.go", "decode/perf.go", "comments/annotated.go"];
    for (const rel of files) {
      const { text } = fixture(rel);
      const cases: string[] = [];
      for (let i = 0; i < 40; i++) cases.push(text.slice(0, Math.floor(r() * text.length)));
      for (let i = 0; i < 40; i++) {
        const p = Math.floor(r() * text.length);
        const junk = ["{", "}", "(", "[", "]", "0x", "iota", "<<", "`", '"', "\0", "\n", "type ", "struct {"][Math.floor(r() * 14)]!;
        cases.push(text.slice(0, p) + junk + text.slice(p + Math.floor(r() * 8)));
      }
      for (const c of cases) {
        try {
          const m = await readGo(rel, c, {});
          for (const t of Object.values(TARGETS)) {
            m.layout(t, "native");
            m.layout(t, "packed");
          }
        } catch (e) {
          expect(e, `seed ${seed}, ${rel}:\n${c}`).toBeInstanceOf(InputError);
        }
      }
    }
  });
});

describe.skipIf(goMissing !== "")(`fixture layouts against the Go compiler ${goMissing}`, () => {
  for (const arch of ["amd64", "386"] as const) {
    it.skipIf(arch === "386" && run386Missing !== "")(`types/layouts.go on ${arch} ${arch === "386" ? run386Missing : ""}`, async () => {
      const { file, text } = fixture("types/layouts.go");
      const target = arch === "amd64" ? TARGETS.x86_64 : TARGETS.i386;
      const { graph, types, problems } = await layoutGoFile(file, text, target);
      expect(problems).toEqual([]);
      const mine: string[] = [];
      const prints: string[] = [];
      for (const t of types) {
        const d = describeAggregate(graph, t.typeId);
        const fields = d.members.filter((x) => x.name !== "_");
        mine.push([t.name, d.size, d.align, t.binarySize ?? -1, ...fields.map((f) => f.bitOffset / 8)].join(" "));
        const offs = fields.map((f) => `, unsafe.Offsetof(v.${f.name})`).join("");
        prints.push(`\t{\n\t\tvar v ${t.name}\n\t\tfmt.Println("${t.name}", unsafe.Sizeof(v), unsafe.Alignof(v), binary.Size(&v)${offs})\n\t}`);
      }
      const program = text.replace(/^package main\n/m, 'package main\n\nimport (\n\t"encoding/binary"\n\t"fmt"\n)\n') + `\nfunc main() {\n${prints.join("\n")}\n}\n`;
      expect(mine).toEqual(runGo(program, arch));
      expect(types.map((t) => t.name)).toEqual(["Header", "Packet", "Padded", "ZeroTail", "HostFirst", "HostLast", "Mixed", "Defined", "Alias"]);
    });
  }
});

describe("hostile input", () => {
  it("deep nesting in types, constants and expressions ends in problems, not crashes", async () => {
    const depth = 3000;
    const text = [
      "package main",
      `type Deep ${"[1]".repeat(depth)}byte`,
      `type Wrapped struct { X Deep }`,
      `const N = ${"(".repeat(depth)}1${")".repeat(depth)}`,
      `const M = 1${" + 1".repeat(depth)}`,
      "type UsesN struct { A [N]byte; B [M]byte }",
      `func f() { g(${"h(".repeat(depth)}0${")".repeat(depth)}) }`,
    ].join("\n");
    const m = await readGo("deep.go", text, {});
    for (const t of Object.values(TARGETS)) m.layout(t, "native");
    expect(m.problems.length).toBeGreaterThan(0);
    expect(m.problems.every((p) => p.loc.line !== undefined)).toBe(true);
  });

  it("a NUL byte is an InputError with its offset", async () => {
    await expect(readGo("nul.go", "package main\n\0", {})).rejects.toThrow(/nul\.go: offset 0xd/);
  });
});
