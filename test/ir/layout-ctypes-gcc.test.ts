import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CTYPES_SCALARS, layoutCtypes, type CtypesRecord, type CtypesTypeRef } from "../../src/ir/layout/ctypes.js";
import { TARGETS } from "../../src/ir/targets.js";
import { C_NAMES } from "../oracles/ctypes-c-names.js";
import { freshSeed, rng } from "../oracles/python.js";

// CPython 3.14's default layout off Windows ('gcc-sysv', Lib/ctypes/_layout.py)
// is gcc's, bitfields included; its 'ms' layout (`_layout_ = "ms"`, or implied
// by `_pack_`) is MSVC's, which gcc gives with -mms-bitfields and #pragma pack.
// No 3.14 runs here, so gcc answers for it on this x86_64 machine: sizeof,
// _Alignof, each plain member's offsetof, and the bytes each bitfield sets
// when all its bits are set, against the IR.

const GCC = "gcc";
const missing = spawnSync(GCC, ["--version"]).status !== 0 || process.arch !== "x64";
const PY314 = { major: 3, minor: 14 };
// c_bool bitfields are left out: what 3.14's bool getter does with a shift is not known here.
const INTS = Object.keys(CTYPES_SCALARS).filter((n) => CTYPES_SCALARS[n]!.bitfield && n !== "c_bool");
const PLAIN = Object.keys(CTYPES_SCALARS).filter((n) => n !== "c_longdouble");

function generate(seed: number, count: number, ms: boolean): CtypesRecord[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const records: CtypesRecord[] = [];
  for (let i = 0; i < count; i++) {
    const fields: CtypesRecord["fields"] = [];
    const n = 1 + Math.floor(r() * 10);
    for (let j = 0; j < n; j++) {
      const name = `r${i}f${j}`;
      const x = r();
      if (x < 0.7) {
        const t = pick(INTS);
        const size = TARGETS.x86_64.scalars[CTYPES_SCALARS[t]!.kind as "int"].size;
        fields.push({ name, type: { kind: "scalar", name: t }, bits: 1 + Math.floor(r() * (r() < 0.6 ? Math.min(7, size * 8) : size * 8)) });
      } else {
        let t: CtypesTypeRef = x < 0.8 && records.length ? { kind: "record", index: records.length - 1 - Math.floor(r() * Math.min(8, records.length)) } : { kind: "scalar", name: pick(PLAIN) };
        if (r() < 0.2) t = { kind: "array", elem: t, count: 1 + Math.floor(r() * 3) };
        fields.push({ name, type: t });
      }
    }
    const pack = ms && r() < 0.6 ? pick([1, 2, 4, 8, 16]) : undefined;
    const rules = ms ? (pack === undefined || r() < 0.5 ? { layout: "ms" as const } : {}) : {};
    // gcc -mms-bitfields makes `union { unsigned long a : 2; }` 4 bytes where _layout.py's ms rules make it 8: structs only there.
    records.push({ name: `R${i}`, kind: !ms && r() < 0.2 ? "union" : "struct", byteOrder: "native", pack, ...rules, fields });
  }
  return records;
}

function cDecl(ref: CtypesTypeRef, name: string): string {
  if (ref.kind === "scalar") return `${C_NAMES[ref.name]} ${name}`;
  if (ref.kind === "record") return `T${ref.index} ${name}`;
  if (ref.kind === "array") return cDecl(ref.elem, `${name}[${ref.count}]`);
  return `void *${name}`;
}

/** One line per record: sizeof, _Alignof, then per field its offsetof or, for a bitfield, the bytes it sets. */
function cProgram(records: CtypesRecord[]): string {
  const out = ["#include <stddef.h>", "#include <stdio.h>", "#include <string.h>", "#include <wchar.h>"];
  records.forEach((rec, i) => {
    const members = rec.fields.map((f) => `  ${cDecl(f.type, f.name)}${f.bits !== undefined ? ` : ${f.bits}` : ""};`);
    if (rec.pack !== undefined) out.push(`#pragma pack(push, ${rec.pack})`);
    out.push(`typedef ${rec.kind} {\n${members.join("\n")}\n} T${i};`);
    if (rec.pack !== undefined) out.push("#pragma pack(pop)");
  });
  out.push("static void dump(const unsigned char *p, size_t n) { printf(\" \"); for (size_t i = 0; i < n; i++) printf(\"%02x\", p[i]); }", "int main(void) {");
  records.forEach((rec, i) => {
    out.push(`  { T${i} v; printf("%zu %zu", sizeof(T${i}), _Alignof(T${i}));`);
    for (const f of rec.fields) {
      if (f.bits !== undefined) out.push(`    memset(&v, 0, sizeof v); v.${f.name} = -1; dump((const unsigned char *)&v, sizeof v);`);
      else out.push(`    printf(" %zu", offsetof(T${i}, ${f.name}));`);
    }
    out.push('    printf("\\n"); }');
  });
  out.push("  return 0;", "}");
  return out.join("\n") + "\n";
}

function compare(seed: number, ms: boolean): void {
  const records = generate(seed, 150, ms);
  const dir = mkdtempSync(join(tmpdir(), "abidrift-ctypes-gcc-"));
  let lines: string[];
  try {
    writeFileSync(join(dir, "r.c"), cProgram(records));
    const cc = spawnSync(GCC, ["-w", "-O0", ...(ms ? ["-mms-bitfields"] : []), "r.c", "-o", "r"], { cwd: dir, encoding: "utf8" });
    if (cc.status !== 0) throw new Error(`gcc failed:\n${cc.stderr}`);
    lines = spawnSync(join(dir, "r"), [], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }).stdout.trim().split("\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const { records: ours, graph, ids } = layoutCtypes(records, TARGETS.x86_64, "random.py", [], undefined, PY314);
  records.forEach((rec, i) => {
    const [size, align, ...rest] = lines[i]!.split(" ");
    const t = graph.type(ids[i]!);
    const members = t.kind === "struct" || t.kind === "union" ? t.members : [];
    const where = `seed ${seed}, R${i}:\n${cProgram([rec]).split("int main")[0]}`;
    expect([ours[i]!.size, ours[i]!.align], where).toEqual([Number(size), Number(align)]);
    rec.fields.forEach((f, j) => {
      const m = members.find((x) => x.name === f.name)!;
      if (f.bits === undefined) return expect(ours[i]!.fields[j]!.offset, `${where}\n${f.name}`).toBe(Number(rest[j]));
      const bytes = new Uint8Array(ours[i]!.size);
      for (let b = m.bitOffset; b < m.bitOffset + m.bitSize; b++) bytes[b >> 3]! |= 1 << (b & 7);
      expect(Buffer.from(bytes).toString("hex"), `${where}\n${f.name}`).toBe(rest[j]);
    });
  });
}

describe.skipIf(missing)(`ctypes 3.14 layouts against gcc on x86_64${missing ? " (needs gcc on an x86_64 machine)" : ""}`, () => {
  for (const seed of [5, 0xfeed, freshSeed()]) {
    it(`gcc-sysv: 150 random classes, seed ${seed}`, () => compare(seed, false));
    it(`ms (-mms-bitfields, #pragma pack): 150 random classes, seed ${seed}`, () => compare(seed, true));
  }
});
