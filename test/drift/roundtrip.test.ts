// A lock from a snapshot keeps what bpftool reports: every struct, union and
// enum of the compiled fixtures has bpftool's size, member names, bit offsets
// (anonymous members opened in place, offsets summed as pahole shows them)
// and bitfield widths; every integer, float and typedef the lock records for
// decoders is bpftool's; and the lock text parses back to the same lock.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { formatLock, parseLock, typeLabel, type LockType } from "../../src/drift/lock.js";
import { snapshot } from "../../src/drift/snapshot.js";
import { bpftoolDump, HAVE_BPFTOOL, type BtfRecord } from "../oracles/bpftool.js";
import { buildObjects, clangAvailable, modulesOf } from "./build.js";

const FIXTURES = new URL("../../fixtures/bpf/", import.meta.url).pathname;
const QUALIFIERS = new Set(["TYPEDEF", "CONST", "VOLATILE", "RESTRICT", "TYPE_TAG"]);

/** What bpftool's records say a lock entry must hold. */
function fromBpftool(records: BtfRecord[], t: LockType): unknown {
  const byId = new Map(records.map((r) => [r.id, r]));
  const resolve = (id: number): BtfRecord | undefined => {
    let r = byId.get(id);
    for (let i = 0; r && QUALIFIERS.has(r.kind) && i < 64; i++) r = byId.get(r.typeId!);
    return r;
  };
  const named = records.filter((r) => r.name === t.name);
  const rec = t.typedef ? resolve(named.find((r) => r.kind === "TYPEDEF")!.id) : named.find((r) => r.kind.toLowerCase().startsWith(t.kind));
  if (!rec) return undefined;
  if (t.kind === "enum") return { size: rec.size, values: rec.values!.map((v) => ({ name: v.name, value: v.value.toString() })) };
  const members: { name: string; bitOffset: number; bitSize: number }[] = [];
  const open = (r: BtfRecord, prefix: string, base: number): void => {
    r.members!.forEach((m, i) => {
      const inner = resolve(m.typeId);
      const path = m.name ? `${prefix}${m.name}` : prefix;
      if (inner && (inner.kind === "STRUCT" || inner.kind === "UNION") && !inner.name && m.bitfieldSize === 0) {
        open(inner, m.name ? `${path}.` : path, base + m.bitsOffset);
      } else {
        members.push({ name: path || (m.bitfieldSize ? "" : `(anonymous ${i})`), bitOffset: base + m.bitsOffset, bitSize: m.bitfieldSize });
      }
    });
  };
  open(rec, "", 0);
  return { size: rec.size, members };
}

function fromLock(t: LockType): unknown {
  if (t.kind === "enum") return { size: t.size, values: t.values };
  return { size: t.size, members: t.members.map(({ name, bitOffset, bitSize }) => ({ name, bitOffset, bitSize })) };
}

describe.skipIf(!clangAvailable || !HAVE_BPFTOOL)("lock round trip against bpftool (clang-16 or bpftool missing: skipped)", () => {
  const names = readdirSync(FIXTURES).filter((f) => f.endsWith(".bpf.c")).map((f) => f.replace(/\.bpf\.c$/, ""));
  // Built in beforeAll, not while collecting, so a missing clang skips rather than crashes.
  let dir = "";
  beforeAll(() => {
    dir = buildObjects(Object.fromEntries(names.map((n) => [n, readFileSync(join(FIXTURES, `${n}.bpf.c`), "utf8")])));
  });

  for (const name of names) {
    it(`${name}: every type as bpftool reports it, and the text parses back`, () => {
      const lock = snapshot(modulesOf(dir, name)).lock;
      expect(lock.types.length).toBeGreaterThan(0);
      const records = bpftoolDump(join(dir, `${name}.bpf.o`));
      for (const t of lock.types) expect(fromLock(t), typeLabel(t)).toEqual(fromBpftool(records, t));
      // The scalars a decoder needs: bpftool's size, signedness and bool for each integer, its target for each typedef.
      expect(lock.scalars!.length).toBeGreaterThan(0);
      for (const x of lock.scalars!) {
        const rec = records.find((r) => r.name === x.name && r.kind === x.kind.toUpperCase());
        expect(rec, x.name).toBeDefined();
        if (x.kind === "int") expect({ size: x.size, signed: x.signed, bool: x.encoding === "bool" }, x.name).toEqual({ size: rec!.size, signed: rec!.encoding === "SIGNED", bool: rec!.encoding === "BOOL" });
        else if (x.kind === "float") expect(x.size, x.name).toBe(rec!.size);
        else {
          const target = records.find((r) => r.id === rec!.typeId)!;
          const spelled = ["STRUCT", "UNION", "ENUM"].includes(target.kind) ? `${target.kind.toLowerCase()} ${target.name}` : target.name;
          if (target.name && ["INT", "FLOAT", "TYPEDEF", "STRUCT", "UNION", "ENUM"].includes(target.kind)) expect(x.type, x.name).toBe(spelled);
        }
      }
      const text = formatLock(lock);
      expect(parseLock(text, "abidrift.lock.json")).toEqual(lock);
      // One member, value or map per line: a drift is one line of `git diff`.
      const memberLines = lock.types.reduce((n, t) => n + (t.kind === "enum" ? t.values.length : t.members.length), 0);
      expect(text.split("\n").filter((l) => /^ {6}\{"name"/.test(l)).length).toBe(memberLines);
    });
  }
});
