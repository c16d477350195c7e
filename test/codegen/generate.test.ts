// What `gen ts` promises about a module's surface, for a type with one of
// each thing: nested and anonymous aggregates get interfaces, enums come out
// with the values the C compiler gives them, --camel-case renames members
// and nothing else, --raw-chars keeps bytes, and the header names the type,
// the source and the layout hash that `check` compares.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { camelCase } from "../../src/codegen/ts/names.js";
import { findAggregate, GENERATED_MARKER, generateTs, layoutHash } from "../../src/codegen/ts/index.js";
import { InputError } from "../../src/ir/errors.js";
import { readBpfObjects } from "../../src/readers/object/index.js";
import { compileBpfText, HAVE_CLANG, scratchDir } from "../readers/btf/compile.js";
import { flatten, HAVE_GCC, transpileAndLoad, tscStrict } from "./harness.js";
import { freshSeed, rng } from "./records.js";

const ENUMS = {
  task_state: ["TASK_RUNNING", "TASK_STOPPED", "TASK_DEAD", "TASK_BIG"],
  wide_flags: ["WIDE_LOW", "WIDE_HIGH"],
  port_class: ["PORT_WELL_KNOWN", "PORT_EPHEMERAL"],
};

const HEADER = `#include <linux/types.h>
enum task_state { TASK_RUNNING, TASK_STOPPED = 4, TASK_DEAD = -1, TASK_BIG = 0x7fffffff };
enum wide_flags { WIDE_LOW = 1, WIDE_HIGH = 0x100000000ULL };
enum port_class { PORT_WELL_KNOWN = 1, PORT_EPHEMERAL = 0x80000000u };
struct flow_key { __be32 src_addr; __be16 dst_port; __u8 ip_proto; };
struct task_event {
	__u64 start_ns;
	enum task_state prev_state;
	enum wide_flags wide;
	enum port_class port_class;
	struct flow_key flow_key;
	struct flow_key recent_flows[2];
	union { __u32 raw_value; struct { __u16 low_half; __u16 high_half; } halves; } payload;
	unsigned int is_kernel : 1, cpu_id : 12;
	char task_comm[16];
	__u8 mac_addr[6];
	__s8 deltas[3];
};
`;
const BPF = `${HEADER}struct task_event keep;\n`;

function compile(): { graph: ReturnType<typeof readBpfObjects>[number]["graph"] } {
  const dir = scratchDir("codegen-generate");
  const obj = compileBpfText("task", BPF, "bpfel", dir);
  return readBpfObjects(readFileSync(obj), obj)[0]!;
}

describe.skipIf(!HAVE_CLANG)("a generated module's surface (skipped without clang-16)", () => {
  it("declares an interface per aggregate, nested and anonymous ones included, with the TypeScript type of each member", () => {
    const [m] = generateTs(compile().graph, ["task_event"], { source: "task.bpf.c" });
    const iface = (name: string): string => new RegExp(`export interface ${name} \\{\\n([^}]*)\\}`).exec(m!.text)?.[1] ?? "";
    expect(iface("TaskEvent")).toBe(
      [
        "start_ns: bigint;",
        "prev_state: TaskState;",
        "wide: bigint;",
        "port_class: PortClass;",
        "flow_key: FlowKey;",
        "recent_flows: FlowKey[];",
        "payload: TaskEventPayload;",
        "is_kernel: number;",
        "cpu_id: number;",
        "task_comm: string;",
        "mac_addr: Uint8Array;",
        "deltas: Int8Array;",
      ]
        .map((l) => `  ${l}\n`)
        .join(""),
    );
    expect(iface("FlowKey")).toBe("  src_addr: number;\n  dst_port: number;\n  ip_proto: number;\n");
    expect(iface("TaskEventPayload")).toBe("  raw_value?: number;\n  halves?: TaskEventPayloadHalves;\n");
    expect(iface("TaskEventPayloadHalves")).toBe("  low_half: number;\n  high_half: number;\n");
    const [raw] = generateTs(compile().graph, ["task_event"], { source: "task.bpf.c", rawChars: true });
    expect(raw!.text).toContain("  task_comm: Uint8Array;\n");
  });

  it.skipIf(!HAVE_GCC)("declares every enum with the values gcc gives its constants", async () => {
    const dir = scratchDir("codegen-enums");
    writeFileSync(join(dir, "task.h"), HEADER);
    const names = Object.values(ENUMS).flat();
    writeFileSync(
      join(dir, "print.c"),
      `#include <stdio.h>\n#include "task.h"\nint main(void) {\n${names.map((n, i) => `\tprintf("%s\\"${n}\\": \\"%lld\\"", ${i ? '","' : '"{"'}, (long long)${n});`).join("\n")}\n\tprintf("}\\n");\n\treturn 0;\n}\n`,
    );
    execFileSync("gcc", ["-w", "-o", join(dir, "print"), join(dir, "print.c")]);
    const values = JSON.parse(execFileSync(join(dir, "print"), { encoding: "utf8" })) as Record<string, string>;
    const m = (await transpileAndLoad("task", BPF, ["task_event"])).get("struct task_event")!;
    for (const [cName, constants] of Object.entries(ENUMS)) {
      const tsEnum = m[cName.split("_").map((p) => p[0]!.toUpperCase() + p.slice(1)).join("")] as Record<string, number | bigint>;
      const declared = Object.fromEntries(Object.entries(tsEnum).filter(([k]) => Number.isNaN(Number(k))));
      expect(Object.keys(declared), cName).toEqual(constants);
      for (const c of constants) expect(BigInt(declared[c]!), c).toBe(BigInt(values[c]!));
    }
  });

  it("renames members with --camel-case and nothing else: the same values, the same hash, the same bytes back", async () => {
    const seed = freshSeed();
    const r = rng(seed);
    const [plain, camel] = await Promise.all([
      transpileAndLoad("task", BPF, ["task_event"]),
      transpileAndLoad("task", BPF, ["task_event"], "bpfel", { camelCase: true }),
    ]).then((ms) => ms.map((x) => x.get("struct task_event")!));
    const [size, decode, decodeCamel, encodeCamel] = [plain!.TASK_EVENT_SIZE as number, plain!.decodeTaskEvent, camel!.decodeTaskEvent, camel!.encodeTaskEvent] as [
      number,
      (b: Uint8Array) => Record<string, unknown>,
      (b: Uint8Array) => Record<string, unknown>,
      (v: Record<string, unknown>) => Uint8Array,
    ];
    const { graph } = compile();
    const text = generateTs(graph, ["task_event"], { source: "task.bpf.c", camelCase: true })[0]!.text;
    const event = graph.type(findAggregate(graph, "task_event")!.id);
    const member = event.kind === "struct" ? event.members.find((m) => m.name === "task_comm") : undefined;
    const array = member ? graph.type(member.type) : undefined;
    const [comm, n] = member && array?.kind === "array" ? [member.bitOffset / 8, array.count] : [-1, 0];
    expect(n).toBeGreaterThan(1);
    for (const p of ["startNs", "prevState", "flowKey", "recentFlows", "rawValue", "lowHalf", "isKernel", "cpuId", "taskComm", "macAddr", "srcAddr", "dstPort", "ipProto"]) {
      expect(text, p).toContain(`  ${p}`);
    }
    expect(text).toContain("TASK_RUNNING = 0");
    expect(generateTs(graph, ["task_event"], { source: "task.bpf.c", camelCase: true })[0]!.layoutHash).toBe(generateTs(graph, ["task_event"], { source: "task.bpf.c" })[0]!.layoutHash);
    for (let k = 0; k < 20; k++) {
      const bytes = Uint8Array.from({ length: size }, () => Math.floor(r() * 256));
      // The name is text and its NUL, so strings mode gives its bytes back.
      bytes.fill(0x61, comm, comm + n - 1);
      bytes[comm + n - 1] = 0;
      const want = new Map([...flatten(decode(bytes))].map(([key, v]) => [key.split(".").map(camelCase).join("."), v]));
      expect(flatten(decodeCamel(bytes)), `seed ${seed}`).toEqual(want);
      expect(decode(encodeCamel(decodeCamel(bytes))), `seed ${seed}`).toEqual(decode(bytes));
    }
  });

  it("heads the module with the type, the source, the target and the layout hash, and imports nothing", () => {
    const { graph } = compile();
    for (const opts of [{}, { camelCase: true }, { rawChars: true }]) {
      const [m] = generateTs(graph, ["task_event"], { source: "task.bpf.c", command: "abidrift gen ts task.bpf.o --type task_event", ...opts });
      const lines = m!.text.split("\n");
      expect(lines[0]).toContain("struct task_event in task.bpf.c (bpfel, little-endian)");
      expect(lines[1]).toBe("// Regenerate with: abidrift gen ts task.bpf.o --type task_event");
      const meta = JSON.parse(lines[2]!.slice(lines[2]!.indexOf(GENERATED_MARKER) + GENERATED_MARKER.length)) as Record<string, string>;
      expect(meta).toEqual({ cName: "struct task_event", source: "task.bpf.c", target: "bpfel", layoutHash: layoutHash(graph, findAggregate(graph, "task_event")!.id) });
      expect(m!.text).not.toMatch(/^\s*import\b|\brequire\(/m);
    }
  });

  it("refuses --camel-case when two members would get one name", () => {
    const dir = scratchDir("codegen-clash");
    const obj = compileBpfText("clash", "struct clash { int ts_ns; int tsNs; } keep;\n", "bpfel", dir);
    const { graph } = readBpfObjects(readFileSync(obj), obj)[0]!;
    expect(() => generateTs(graph, ["clash"], { source: "clash.bpf.c", camelCase: true })).toThrow(InputError);
    expect(() => generateTs(graph, ["clash"], { source: "clash.bpf.c" })).not.toThrow();
  });

  it.skipIf(!HAVE_GCC)("decodes arrays too long to unroll in a loop, and arrays of strings, as gcc wrote them, and encodes them back", async () => {
    const header = `#include <linux/types.h>
struct hist_key { __u32 cpu; __be16 port; };
struct histogram { __u64 total; __u32 slots[100]; struct hist_key keys[70]; __be16 ports[2][80]; __s8 small[3]; char names[3][8]; };
`;
    const seed = freshSeed();
    const dir = scratchDir("codegen-long");
    writeFileSync(join(dir, "hist.h"), header);
    writeFileSync(
      join(dir, "writer.c"),
      `#include <endian.h>
#include <stdio.h>
#include "hist.h"
static unsigned long long x = ${seed}ULL;
static unsigned long long next(void) { x = x * 6364136223846793005ULL + 1442695040888963407ULL; return x >> 11; }
int main(int argc, char **argv) {
	static struct histogram h;
	h.total = next();
	for (int i = 0; i < 100; i++) h.slots[i] = next();
	for (int i = 0; i < 70; i++) { h.keys[i].cpu = next(); h.keys[i].port = htobe16(next()); }
	for (int i = 0; i < 2; i++) for (int j = 0; j < 80; j++) h.ports[i][j] = htobe16(next());
	for (int i = 0; i < 3; i++) h.small[i] = next();
	for (int i = 0; i < 3; i++) snprintf(h.names[i], sizeof h.names[i], "n%llu", next() % 100000);
	FILE *f = fopen(argv[1], "wb");
	fwrite(&h, sizeof h, 1, f);
	fclose(f);
	printf("{\\"total\\":\\"%llu\\"", (unsigned long long)h.total);
	for (int i = 0; i < 100; i++) printf(",\\"slots.%d\\":\\"%u\\"", i, h.slots[i]);
	for (int i = 0; i < 70; i++) printf(",\\"keys.%d.cpu\\":\\"%u\\",\\"keys.%d.port\\":\\"%u\\"", i, h.keys[i].cpu, i, be16toh(h.keys[i].port));
	for (int i = 0; i < 2; i++) for (int j = 0; j < 80; j++) printf(",\\"ports.%d.%d\\":\\"%u\\"", i, j, be16toh(h.ports[i][j]));
	for (int i = 0; i < 3; i++) printf(",\\"small.%d\\":\\"%d\\"", i, h.small[i]);
	for (int i = 0; i < 3; i++) printf(",\\"names.%d\\":\\"%s\\"", i, h.names[i]);
	printf("}\\n");
	return 0;
}
`,
    );
    execFileSync("gcc", ["-w", "-o", join(dir, "writer"), join(dir, "writer.c")]);
    const printed = JSON.parse(execFileSync(join(dir, "writer"), [join(dir, "hist.bin")], { encoding: "utf8" })) as Record<string, string>;
    const bytes = new Uint8Array(readFileSync(join(dir, "hist.bin")));
    const m = (await transpileAndLoad("hist", `${header}struct histogram keep;\n`, ["histogram"])).get("struct histogram")!;
    const decode = m.decodeHistogram as (b: Uint8Array) => Record<string, unknown>;
    const encode = m.encodeHistogram as (v: Record<string, unknown>) => Uint8Array;
    const flat = flatten(decode(bytes));
    for (const [key, want] of Object.entries(printed)) expect(String(flat.get(key)), `seed ${seed}: ${key}`).toBe(want);
    expect(Buffer.compare(encode(decode(bytes)), bytes), `seed ${seed}`).toBe(0);
    // The long arrays went through loops, not literals: the test covers the path it names.
    expect(generateTs(readBpfObjects(readFileSync(compileBpfText("hist2", `${header}struct histogram keep;\n`, "bpfel", dir)), "hist")[0]!.graph, ["histogram"], { source: "hist" })[0]!.text).toMatch(/function read_array_\d/);
  });

  it("types with no member to read (struct {}, only unnamed bitfields) compile under every strict flag, nested or not", async () => {
    const dir = scratchDir("codegen-empty");
    const c = "struct pad { int : 3; };\nstruct empty {};\nstruct holder { struct empty e; struct pad p; int x; char s[4]; };\nstruct holder k1; struct pad k2; struct empty k3;\n";
    const obj = compileBpfText("empty", c, "bpfel", dir);
    const { graph } = readBpfObjects(readFileSync(obj), obj)[0]!;
    const src = join(dir, "src");
    mkdirSync(src);
    const modules = generateTs(graph, ["holder", "pad", "empty"], { source: "empty.bpf.c" });
    for (const m of modules) writeFileSync(join(src, m.fileName), m.text);
    tscStrict(modules.map((m) => join(src, m.fileName)), src, join(dir, "out"));
    writeFileSync(join(dir, "out", "package.json"), '{"type":"module"}');
    const holder = (await import(pathToFileURL(join(dir, "out", "holder.js")).href)) as Record<string, (...a: unknown[]) => unknown>;
    const bytes = Uint8Array.from({ length: holder.HOLDER_SIZE as unknown as number }, (_, i) => (i % 3 === 0 ? 0 : 0x41 + i));
    const value = holder.decodeHolder!(bytes) as Record<string, unknown>;
    expect(value.e).toEqual({});
    expect(value.p).toEqual({});
    expect(holder.decodeHolder!(holder.encodeHolder!(value))).toEqual(value);
  });

  it("C names that would shadow a global or one of the module's own functions get other names", async () => {
    const dir = scratchDir("codegen-names");
    // data_view, uint8_array: globals the module uses; array1 beside a long array: its loop helper;
    // foo_strings beside foo: the string writer of foo.
    const c = `struct data_view { int a; };
struct uint8_array { char s[3]; };
struct array1 { short b; };
struct foo { char s[2]; };
struct foo_strings { char t[2]; };
struct outer { struct data_view d; struct uint8_array u; struct array1 a; struct foo f; struct foo_strings fs; int many[65]; };
struct outer k1; struct data_view k2;
`;
    const obj = compileBpfText("names", c, "bpfel", dir);
    const { graph } = readBpfObjects(readFileSync(obj), obj)[0]!;
    const src = join(dir, "src");
    mkdirSync(src);
    const modules = generateTs(graph, ["outer", "data_view"], { source: "names.bpf.c" });
    for (const m of modules) writeFileSync(join(src, m.fileName), m.text);
    tscStrict(modules.map((m) => join(src, m.fileName)), src, join(dir, "out"));
    writeFileSync(join(dir, "out", "package.json"), '{"type":"module"}');
    const outer = (await import(pathToFileURL(join(dir, "out", "outer.js")).href)) as Record<string, (...a: unknown[]) => unknown>;
    const value = { d: { a: -5 }, u: { s: "ab" }, a: { b: 7 }, f: { s: "x" }, fs: { t: "y" }, many: Array.from({ length: 65 }, (_, i) => i * 3) };
    expect(outer.decodeOuter!(outer.encodeOuter!(value))).toEqual(value);
    expect(modules[1]!.tsName).not.toBe("DataView");
  });

  it("arrays of many dimensions generate loops, not one literal per element: the text stays small and decodes what encode wrote", async () => {
    const seed = freshSeed();
    const r = rng(seed);
    const c = "struct cube { int a[64][64][64]; short b[3][30]; unsigned char tag; } keep;\n";
    const dir = scratchDir("codegen-cube");
    const obj = compileBpfText("cube", c, "bpfel", dir);
    const { graph } = readBpfObjects(readFileSync(obj), obj)[0]!;
    const [gen] = generateTs(graph, ["cube"], { source: "cube.bpf.c" });
    expect(gen!.text.length).toBeLessThan(20_000);
    const m = (await transpileAndLoad("cube", c, ["cube"])).get("struct cube")!;
    const size = m.CUBE_SIZE as number;
    const bytes = Uint8Array.from({ length: size }, () => Math.floor(r() * 256));
    const value = (m.decodeCube as (b: Uint8Array) => { a: number[][][]; b: number[][] })(bytes);
    const dv = new DataView(bytes.buffer);
    const [i, j, k] = [Math.floor(r() * 64), Math.floor(r() * 64), Math.floor(r() * 64)];
    expect(value.a[i]![j]![k], `seed ${seed}`).toBe(dv.getInt32(((i * 64 + j) * 64 + k) * 4, true));
    const again = (m.encodeCube as (v: unknown) => Uint8Array)(value);
    // The padding after the last member is the only difference encode may make.
    const cube = graph.type(findAggregate(graph, "cube")!.id);
    const end = cube.kind === "struct" ? cube.members.at(-1)!.bitOffset / 8 + 1 : 0;
    expect(Buffer.compare(again.subarray(0, end), bytes.subarray(0, end)), `seed ${seed}`).toBe(0);
  });
});
