// The TypeScript reader against the compiler: twins read from hand-written
// decoders, binary-parser chains and abidrift's generated modules are laid
// side by side with clang's BTF of the C they mirror, through the same
// comparison `check` runs (rules/layout-diff.ts).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { findAggregate, generateTs, layoutHash } from "../../../src/codegen/ts/index.js";
import { byteOrderOf, declaredByteOrder } from "../../../src/ir/byte-order.js";
import type { BpfModule, UserspaceModule } from "../../../src/ir/bindings.js";
import { TARGETS } from "../../../src/ir/targets.js";
import { readBpfObjects } from "../../../src/readers/object/index.js";
import { readTypeScript } from "../../../src/readers/ts/index.js";
import { firstDifference, slotsOf } from "../../../src/rules/layout-diff.js";
import { freshSeed, recordProgram } from "../../codegen/records.js";
import { compileBpf, compileBpfText, FIXTURES_OBJECTS, HAVE_CLANG, scratchDir } from "../btf/compile.js";

const FIXTURES_TS = join(FIXTURES_OBJECTS, "../ts/");

function diffOf(bpf: BpfModule, cName: string, user: UserspaceModule, twin: string) {
  const c = findAggregate(bpf.graph, cName)!;
  const t = user.twins.find((x) => x.name === twin);
  expect(t, `twin ${twin} in ${user.file}`).toBeDefined();
  return firstDifference(bpf.graph, c.id, user.layout(TARGETS.x86_64, "native"), t!.typeId, { reads: true });
}

const lineOf = (text: string, needle: string): number => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

describe.skipIf(!HAVE_CLANG)("TypeScript twins against clang-16 BTF of fixtures/objects/dns_key.bpf.c (skipped without clang-16)", () => {
  let bpf: BpfModule;
  const decoderPath = join(FIXTURES_TS, "dns-event-decoder.ts");
  const decoder = readFileSync(decoderPath, "utf8");
  beforeAll(() => {
    const obj = compileBpf(join(FIXTURES_OBJECTS, "dns_key.bpf.c"), "bpfel", scratchDir("ts-reader"));
    bpf = readBpfObjects(readFileSync(obj), obj)[0]!;
  });

  it("reads a correct DataView decoder, bitfields and nested struct included, as equal to the C", async () => {
    const user = await readTypeScript("dns-event-decoder.ts", decoder, {});
    expect(diffOf(bpf, "dns_event", user, "DnsEvent")).toBeUndefined();
    expect(diffOf(bpf, "dns_key", user, "DnsKey")).toBeUndefined();
  });

  it("puts a read at the wrong offset at its line", async () => {
    const text = decoder.replace("getBigUint64(off + 64, true)", "getBigUint64(off + 60, true)");
    const user = await readTypeScript("moved.ts", text, {});
    const d = diffOf(bpf, "dns_event", user, "DnsEvent");
    expect(d?.what).toBe("offset");
    if (d?.what !== "offset") return;
    expect([d.c.path, d.c.offset, d.twin.offset]).toEqual(["latency_ns", 64, 60]);
    expect(d.twin.loc?.line).toBe(lineOf(text, "latency_ns: view"));
  });

  it("tells a read of the wrong width and a missing field", async () => {
    const narrow = await readTypeScript("narrow.ts", decoder.replace("pid: view.getUint32(off + 8, true)", "pid: view.getUint16(off + 8, true)"), {});
    expect(diffOf(bpf, "dns_event", narrow, "DnsEvent")?.what).toBe("width");
    const missing = await readTypeScript("missing.ts", decoder.replace(/\s+truncated: view.getUint8\(off \+ 88\),/, ""), {});
    const d = diffOf(bpf, "dns_event", missing, "DnsEvent");
    expect(d?.what === "missing" && d.c.path).toBe("truncated");
  });

  it("carries the byte order of every read, so a big-endian read of a little-endian field shows", async () => {
    const text = decoder.replace("pid: view.getUint32(off + 8, true)", "pid: view.getUint32(off + 8)");
    const user = await readTypeScript("order.ts", text, {});
    const graph = user.layout(TARGETS.x86_64, "native");
    const twin = user.twins.find((t) => t.name === "DnsEvent")!;
    const pid = slotsOf(graph, twin.typeId).find((s) => s.path === "pid")!;
    const c = slotsOf(bpf.graph, findAggregate(bpf.graph, "dns_event")!.id).find((s) => s.path === "pid")!;
    expect([byteOrderOf(graph, pid.typeId), byteOrderOf(bpf.graph, c.typeId)]).toEqual(["big", "little"]);
    expect(pid.loc?.line).toBe(lineOf(text, "pid: view"));
  });

  it("takes the byte order of a flag fixed in a constant, and none from a flag chosen at run time", async () => {
    const pidOrder = async (text: string) => {
      const user = await readTypeScript("flag.ts", text, {});
      const graph = user.layout(TARGETS.x86_64, "native");
      const twin = user.twins.find((t) => t.name === "DnsEvent")!;
      return declaredByteOrder(graph, slotsOf(graph, twin.typeId).find((s) => s.path === "pid")!.typeId);
    };
    const flagged = (decl: string) => `${decl}\n${decoder.replace("pid: view.getUint32(off + 8, true)", "pid: view.getUint32(off + 8, LE)")}`;
    expect(await pidOrder(flagged("const LE = false;"))).toBe("big");
    expect(await pidOrder(flagged("const LE = true as const;"))).toBe("little");
    expect(await pidOrder(flagged('const LE: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;'))).toBeUndefined();
    const user = await readTypeScript("runtime.ts", flagged('const LE: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;'), {});
    expect(diffOf(bpf, "dns_event", user, "DnsEvent")).toBeUndefined();
  });

  it("reads a binary-parser chain as a packed record equal to the C", async () => {
    const path = join(FIXTURES_TS, "dns-key-parser.ts");
    const text = readFileSync(path, "utf8");
    const user = await readTypeScript("dns-key-parser.ts", text, {});
    expect(diffOf(bpf, "dns_key", user, "DnsKey")).toBeUndefined();
    const short = await readTypeScript("p.ts", text.replace(".seek(1)", ""), {});
    expect(diffOf(bpf, "dns_key", short, "DnsKey")?.what).toBe("size");
    const swapped = await readTypeScript("q.ts", text.replace('.uint16("qtype")\n  .uint8("proto")', '.uint8("proto")\n  .uint16("qtype")'), {});
    const d = diffOf(bpf, "dns_key", swapped, "DnsKey");
    // qtype's two bytes hold proto's one now: the first slot differs in width, at the line that reads it.
    expect(d?.what).toBe("width");
    expect(d && "twin" in d ? [d.twin.path, d.twin.loc?.line] : []).toEqual(["proto", lineOf(text, '.uint16("qtype")')]);
  });
});

describe.skipIf(!HAVE_CLANG)("a decoder that reads a union past its first member (skipped without clang-16)", () => {
  // Found by seed 550002841: the reads of `tail` cannot tell whether it sits
  // in the union's second member or after the union; both put it at byte 32,
  // so both must compare equal to the C.
  const C = `union rec { char head[24]; struct { char a[8]; char b[19]; unsigned long tail; }; };\nunion rec r;\n`;
  const decoder = (tailAt: number) => `export interface Rec { head: Uint8Array; a: Uint8Array; b: Uint8Array; tail: bigint }
export function decodeRec(bytes: Uint8Array, off = 0): Rec {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  return {
    head: bytes.subarray(off, off + 24),
    a: bytes.subarray(off, off + 8),
    b: bytes.subarray(off + 8, off + 27),
    tail: view.getBigUint64(off + ${tailAt}, true),
  };
}
`;
  let bpf: BpfModule;
  beforeAll(() => {
    const dir = scratchDir("ts-union-tail");
    const obj = compileBpfText("rec", C, "bpfel", dir);
    bpf = readBpfObjects(readFileSync(obj), obj)[0]!;
  });

  it("compares the reads past the first member with the member that holds those bytes", async () => {
    const user = await readTypeScript("rec.ts", decoder(32), {});
    expect(diffOf(bpf, "rec", user, "Rec")).toBeUndefined();
  });

  it("still tells a read past the first member at the wrong offset", async () => {
    const text = decoder(28);
    const user = await readTypeScript("rec.ts", text, {});
    const d = diffOf(bpf, "rec", user, "Rec");
    expect(d && "twin" in d ? [d.what, d.twin.offset, d.twin.loc?.line] : d).toEqual(["offset", 28, lineOf(text, "tail: view")]);
  });
});

describe.skipIf(!HAVE_CLANG)("generated modules read back as twins equal to the C they came from (skipped without clang-16)", () => {
  async function check(seed: number): Promise<string[]> {
    const program = recordProgram(seed, 6);
    const dir = scratchDir("ts-generated");
    writeFileSync(join(dir, "records.h"), program.header);
    writeFileSync(join(dir, "records.bpf.c"), program.bpf);
    const obj = compileBpf(join(dir, "records.bpf.c"), "bpfel", dir);
    const bpf = readBpfObjects(readFileSync(obj), obj)[0]!;
    const problems: string[] = [];
    for (const m of generateTs(bpf.graph, program.types.map((t) => t.name), { source: "records.bpf.c" })) {
      const user = await readTypeScript(m.fileName, m.text, {});
      const root = user.twins.find((t) => t.generated);
      if (!root) {
        problems.push(`${m.cName}: no generated twin`);
        continue;
      }
      const c = findAggregate(bpf.graph, m.cName)!;
      if (root.generated?.cName !== m.cName || root.generated.layoutHash !== layoutHash(bpf.graph, c.id)) problems.push(`${m.cName}: header ${JSON.stringify(root.generated)}`);
      const d = firstDifference(bpf.graph, c.id, user.layout(TARGETS.x86_64, "native"), root.typeId, { reads: true });
      if (d) problems.push(`${m.cName}: ${JSON.stringify(d)}`);
    }
    return problems.length ? [`seed ${seed}:\n${program.header}`, ...problems] : [];
  }

  // 1042574445: a union whose first member is only an unnamed bitfield; 1421779573: a
  // bitfield first member, whose type reaches past its bits into another member's read;
  // 3583850140: a member whose union holds nothing but an unnamed bitfield, padding that no decoder reads.
  it.each([3, 11, 99, 550002841, 1042574445, 1421779573, 3583850140])("seed %i", async (seed) => {
    expect((await check(seed)).join("\n")).toBe("");
  });

  it("a fresh seed (printed on failure)", async () => {
    const seed = freshSeed();
    expect((await check(seed)).join("\n"), `seed ${seed}`).toBe("");
  });

  it("a module generated before the C changed is stale: its hash and its reads both say so", async () => {
    const dir = scratchDir("ts-stale");
    const src = readFileSync(join(FIXTURES_OBJECTS, "dns_key.bpf.c"), "utf8");
    writeFileSync(join(dir, "old.bpf.c"), src);
    writeFileSync(join(dir, "new.bpf.c"), src.replace("\tunsigned int pid;\n", "\tunsigned int pid;\n\tunsigned int tid;\n"));
    const [oldObj, newObj] = ["old", "new"].map((n) => readBpfObjects(readFileSync(compileBpf(join(dir, `${n}.bpf.c`), "bpfel", dir)), n)[0]!);
    const [mod] = generateTs(oldObj!.graph, ["dns_event"], { source: "old.bpf.c" });
    const user = await readTypeScript(mod!.fileName, mod!.text, {});
    const twin = user.twins.find((t) => t.generated)!;
    const c = findAggregate(newObj!.graph, "dns_event")!;
    expect(twin.generated?.layoutHash).not.toBe(layoutHash(newObj!.graph, c.id));
    expect(twin.generated?.layoutHash).toBe(layoutHash(oldObj!.graph, findAggregate(oldObj!.graph, "dns_event")!.id));
    expect(firstDifference(newObj!.graph, c.id, user.layout(TARGETS.x86_64, "native"), twin.typeId)).toBeDefined();
  });
});
