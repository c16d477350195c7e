import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { HAVE_CLI, runCli, type CliResult } from "../cli/run.js";
import { HAVE_BPFTOOL, HAVE_CLANG, fixtureRepo } from "./repo.js";

// `abidrift check` over TypeScript userspace, as a user runs it: the CLI in
// a subprocess over fixtures/check/ts-* whose BPF C clang compiles in this
// run. Every offset, size and byte order expected here is bpftool's reading
// of that object; lines and columns are found in the fixture's own text.


type Run = CliResult;
const abidrift = (cwd: string, ...args: string[]): Run => runCli(args, { cwd });

interface JsonFinding {
  code: string;
  messageId: string;
  message: string;
  data: Record<string, string | number>;
  locations: { file: string; line: number | null; column: number | null; role: string }[];
  fix: { message: string; text: string | null } | null;
}

const findingsOf = (r: Run): JsonFinding[] => (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;

/** A struct member as bpftool prints it: byte offset, bytes, and the byte order its typedef chain names (else the object's, little on bpfel). */
interface BtfMember {
  offset: number;
  size: number;
  signed: boolean;
  order: "little" | "big";
}

function btfMembers(object: string, struct: string): { size: number; members: Map<string, BtfMember> } {
  const lines = execFileSync("bpftool", ["btf", "dump", "file", object], { encoding: "utf8" }).split("\n");
  const types = new Map<number, string>();
  for (const l of lines) {
    const m = /^\[(\d+)\] (.*)$/.exec(l);
    if (m) types.set(Number(m[1]), m[2]!);
  }
  const scalar = (id: number, depth = 0): Omit<BtfMember, "offset"> => {
    const t = types.get(id) ?? "";
    const typedef = /^TYPEDEF '(\w+)' type_id=(\d+)/.exec(t);
    if (typedef && depth < 16) {
      const inner = scalar(Number(typedef[2]), depth + 1);
      const named = /^__(be|le)\d+$/.exec(typedef[1]!);
      return named ? { ...inner, order: named[1] === "be" ? "big" : "little" } : inner;
    }
    const int = /^INT '.*' size=(\d+) .*encoding=(\S+)/.exec(t);
    if (int) return { size: Number(int[1]), signed: int[2] === "SIGNED", order: "little" };
    const agg = /^(?:STRUCT|UNION) '.*' size=(\d+)/.exec(t);
    return { size: agg ? Number(agg[1]) : 0, signed: false, order: "little" };
  };
  const at = lines.findIndex((l) => new RegExp(`STRUCT '${struct}' size=\\d+`).test(l));
  if (at < 0) throw new Error(`bpftool: no struct ${struct} in ${object}`);
  const members = new Map<string, BtfMember>();
  for (let i = at + 1; i < lines.length && lines[i]!.startsWith("\t"); i++) {
    const m = /'(\w+)' type_id=(\d+) bits_offset=(\d+)/.exec(lines[i]!);
    if (m) members.set(m[1]!, { offset: Number(m[3]) / 8, ...scalar(Number(m[2])) });
  }
  return { size: Number(/size=(\d+)/.exec(lines[at]!)![1]), members };
}

/** 1-based line and column of `needle` in `text`. */
function where(text: string, needle: string): { line: number; column: number } {
  const lines = text.split("\n");
  const i = lines.findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not found`);
  return { line: i + 1, column: lines[i]!.indexOf(needle) + 1 };
}

describe.skipIf(!HAVE_CLANG || !HAVE_BPFTOOL || !HAVE_CLI)("abidrift check on TypeScript decoders (needs clang-16, bpftool and `npm run build`)", () => {
  let root = "";
  let wrong: JsonFinding[] = [];
  let wrongRun: Run;
  let event: ReturnType<typeof btfMembers>;
  let tuple: ReturnType<typeof btfMembers>;
  const source = (file: string): string => readFileSync(join(root, file), "utf8");
  const only = (file: string): JsonFinding => {
    const mine = wrong.filter((f) => f.locations[0]?.file === file);
    expect(mine.map((f) => f.message), file).toHaveLength(1);
    return mine[0]!;
  };

  beforeAll(() => {
    root = fixtureRepo();
    const obj = join(root, "ts-wrong/conn.bpf.o");
    event = btfMembers(obj, "conn_event");
    tuple = btfMembers(obj, "conn_tuple");
    wrongRun = abidrift(root, "check", "ts-wrong", "--format", "json");
    wrong = findingsOf(wrongRun);
  });

  it("passes a correct DataView decoder, a flat Buffer decoder, a binary-parser chain and a fresh generated module with exit 0", () => {
    const r = abidrift(root, "check", "ts-correct", "--format", "json");
    expect(r.stderr).toBe("");
    expect(findingsOf(r)).toEqual([]);
    expect(r.status).toBe(0);
    const pairs = (JSON.parse(r.stdout) as { pairs: { twin: { file: string } }[] }).pairs.map((p) => p.twin.file);
    for (const f of ["dataview.ts", "buffer.ts", "parser.ts", "conn_event.ts"]) expect(pairs).toContain(`ts-correct/${f}`);
  });

  it("fails the broken decoders with exit 1, one finding per file, all struct-mismatch", () => {
    expect(wrongRun.status).toBe(1);
    expect(wrong.every((f) => f.code === "struct-mismatch")).toBe(true);
    expect(new Set(wrong.map((f) => f.locations[0]!.file))).toEqual(
      new Set(["offset", "after-tuple", "width", "missing", "order-native", "order-be", "buffer", "parser"].map((n) => `ts-wrong/${n}.ts`)),
    );
  });

  it("puts a read at the wrong offset at its line and column, with the read to write at C's offset", () => {
    const f = only("ts-wrong/offset.ts");
    const text = source("ts-wrong/offset.ts");
    const at = where(text, "view.getUint32(off + 5, false)");
    const daddr = tuple.members.get("daddr")!;
    expect(f.messageId).toBe("offset");
    expect(f.locations[0]).toMatchObject({ ...at, role: "twin" });
    expect(f.locations[1]).toMatchObject({ file: "ts-wrong/conn.bpf.c", line: where(source("ts-wrong/conn.bpf.c"), "__be32 daddr").line, role: "c" });
    expect([f.data.twinOffset, f.data.cOffset]).toEqual([5, daddr.offset]);
    expect(daddr.order).toBe("big");
    expect(f.fix?.text).toBe(`view.getUint32(off + ${daddr.offset}, false)`);
  });

  it("tells a read past a nested struct's members but inside its tail padding as the parent's, at the wrong offset", () => {
    const f = only("ts-wrong/after-tuple.ts");
    const family = event.members.get("family")!;
    expect(f.messageId).toBe("offset");
    expect(f.data.twinMember).toBe("family");
    expect(f.locations[0]).toMatchObject(where(source("ts-wrong/after-tuple.ts"), "view.getUint16(off + 29, true)"));
    // The tuple's members end 3 bytes before its size: that is where the decoder went wrong.
    expect([f.data.twinOffset, f.data.cOffset]).toEqual([event.members.get("tuple")!.offset + tuple.members.get("proto")!.offset + 1, family.offset]);
    expect(f.fix?.text).toBe(`view.getUint16(off + ${family.offset}, true)`);
  });

  it("tells a read narrower than the C member, with the read of the right width", () => {
    const f = only("ts-wrong/width.ts");
    const family = event.members.get("family")!;
    expect(f.messageId).toBe("width");
    expect(f.locations[0]).toMatchObject(where(source("ts-wrong/width.ts"), `view.getUint8(off + ${family.offset})`));
    expect([f.data.twinWidth, f.data.cWidth]).toEqual([1, family.size]);
    expect(f.fix?.text).toBe(`view.getUint${family.size * 8}(off + ${family.offset}, true)`);
  });

  it("tells a field the decoder never reads, at the twin, with the line to add", () => {
    const f = only("ts-wrong/missing.ts");
    const ret = event.members.get("ret")!;
    expect(f.messageId).toBe("missing");
    expect(f.data.cMember).toBe("ret");
    expect(f.data.cOffset).toBe(ret.offset);
    expect(f.locations[0]?.line).toBe(where(source("ts-wrong/missing.ts"), "export interface ConnEvent").line);
    expect(ret.signed).toBe(true);
    expect(f.fix?.text).toBe(`ret: view.getInt${ret.size * 8}(off + ${ret.offset}, true)`);
  });

  it("tells a native-order field read big-endian (DataView without its flag)", () => {
    const f = only("ts-wrong/order-native.ts");
    const pid = event.members.get("pid")!;
    expect(f.messageId).toBe("order");
    expect(f.locations[0]).toMatchObject(where(source("ts-wrong/order-native.ts"), `view.getUint32(off + ${pid.offset})`));
    expect([f.data.twinOrder, f.data.cOrder]).toEqual(["big", pid.order]);
    expect(f.fix?.text).toBe(`view.getUint32(off + ${pid.offset}, true)`);
  });

  it("tells a __be32 field read little-endian", () => {
    const f = only("ts-wrong/order-be.ts");
    const saddr = tuple.members.get("saddr")!;
    expect(f.messageId).toBe("order");
    expect(f.locations[0]).toMatchObject(where(source("ts-wrong/order-be.ts"), "view.getUint32(off, true)"));
    expect([f.data.twinOrder, f.data.cOrder]).toEqual(["little", saddr.order]);
    expect(f.data.cMemberType).toBe("__be32");
  });

  it("checks a Buffer decoder: a signed field read unsigned, fixed with readInt32LE", () => {
    const f = only("ts-wrong/buffer.ts");
    const ret = event.members.get("ret")!;
    expect(f.messageId).toBe("signedness");
    expect(f.locations[0]).toMatchObject(where(source("ts-wrong/buffer.ts"), `buf.readUInt32LE(off + ${ret.offset})`));
    expect(f.fix?.text).toBe(`buf.readInt32LE(off + ${ret.offset})`);
  });

  it("checks a binary-parser chain: the nested tuple without its tail padding, told once, fixed with .seek", () => {
    const f = only("ts-wrong/parser.ts");
    const text = source("ts-wrong/parser.ts");
    // The chain reads its members back to back: its size is where the last ends.
    const last = [...tuple.members.values()].reduce((a, b) => (a.offset > b.offset ? a : b));
    expect(f.messageId).toBe("size");
    expect([f.data.twinSize, f.data.cSize]).toEqual([last.offset + last.size, tuple.size]);
    expect(f.locations[0]).toMatchObject(where(text, "connTupleParser = new Parser()"));
    expect(f.fix?.text).toBe(`.seek(${tuple.size - last.offset - last.size})`);
  });

  it("prints the finding at file:line:col in text, with the C side and the fix", () => {
    const r = abidrift(root, "check", "ts-wrong");
    expect(r.status).toBe(1);
    const at = where(source("ts-wrong/offset.ts"), "view.getUint32(off + 5, false)");
    const daddr = tuple.members.get("daddr")!;
    const block = r.stdout.slice(r.stdout.indexOf("ts-wrong/offset.ts\n"));
    expect(block).toContain(`  ${at.line}:${at.column}  error  ConnTuple.daddr is at offset 5, but struct conn_tuple's daddr is at offset ${daddr.offset}`);
    expect(block).toContain(`view.getUint32(off + ${daddr.offset}, false)`);
  });

  it("reports a stale generated module once, at its header, and its fix regenerates it clean", () => {
    const r = abidrift(root, "check", "ts-stale", "--format", "json");
    expect(r.status).toBe(1);
    const found = findingsOf(r);
    expect(found.map((f) => f.code)).toEqual(["stale-generated"]);
    const f = found[0]!;
    const text = source("ts-stale/conn_event.ts");
    expect(f.locations[0]).toMatchObject({ file: "ts-stale/conn_event.ts", line: where(text, "@abidrift-generated").line, column: 1 });
    const now = btfMembers(join(root, "ts-stale/conn.bpf.o"), "conn_event");
    const old = btfMembers(join(root, "ts-correct/conn.bpf.o"), "conn_event");
    expect(f.message).toContain(`tid (__u32 at offset ${now.members.get("tid")!.offset}) is new`);
    expect(f.message).toContain(`ret moved from offset ${old.members.get("ret")!.offset} to ${now.members.get("ret")!.offset}`);
    expect(f.fix?.text).toBe("abidrift gen ts ts-stale/conn.bpf.o --type conn_event -o ts-stale/conn_event.ts");
    const [, ...args] = f.fix!.text!.split(" ");
    const regen = abidrift(root, ...args);
    expect(regen.stderr).toBe("");
    const again = abidrift(root, "check", "ts-stale", "--format", "json");
    expect(findingsOf(again)).toEqual([]);
    expect(again.status).toBe(0);
  });

  it("notes a half-written .ts file and still checks the files beside it", () => {
    const dir = join(root, "ts-half");
    mkdirSync(dir);
    copyFileSync(join(root, "ts-wrong/conn.bpf.c"), join(dir, "conn.bpf.c"));
    copyFileSync(join(root, "ts-wrong/conn.bpf.o"), join(dir, "conn.bpf.o"));
    copyFileSync(join(root, "ts-wrong/offset.ts"), join(dir, "offset.ts"));
    const full = source("ts-correct/dataview.ts");
    writeFileSync(join(dir, "half.ts"), full.slice(0, full.indexOf("ret: view") + 12));
    const r = abidrift(root, "check", "ts-half", "--format", "json");
    expect(r.stderr).toMatch(/^abidrift: note: ts-half\/half\.ts:\d+: /m);
    expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    expect(findingsOf(r).map((f) => f.locations[0]?.file)).toContain("ts-half/offset.ts");
    expect(r.status).toBe(1);
  });
});
