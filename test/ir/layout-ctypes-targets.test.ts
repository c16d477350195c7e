import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CTYPES_SCALARS, layoutCtypes, type CtypesRecord, type CtypesTypeRef } from "../../src/ir/layout/ctypes.js";
import { TARGETS, type TargetName } from "../../src/ir/targets.js";
import { C_NAMES } from "../oracles/ctypes-c-names.js";
import { freshSeed, rng } from "../oracles/python.js";

// CPython only lays out the host's classes, so for the other targets the
// rules ctypes shares with C (scalar widths and alignments per arch,
// `_pack_` as `#pragma pack`, arrays, nesting, base classes as a leading
// member) are checked against clang: each figure becomes the size of a
// global char array, read back from the object's symbol table.

const CLANG = "clang-16";
const READELF = "llvm-readelf-16";
const toolsMissing = [CLANG, READELF].filter((t) => spawnSync(t, ["--version"]).status !== 0);

function generate(seed: number, count: number): CtypesRecord[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const scalars = Object.keys(CTYPES_SCALARS);
  const records: CtypesRecord[] = [];
  for (let i = 0; i < count; i++) {
    const kind = r() < 0.2 ? "union" : "struct";
    const pack = r() < 0.3 ? pick([1, 2, 4, 8, 16]) : undefined;
    const elem = (): CtypesTypeRef => {
      const x = r();
      if (x < 0.15 && records.length) return { kind: "record", index: Math.max(0, records.length - 1 - Math.floor(r() * 8)) };
      if (x < 0.22) return { kind: "pointer", to: { kind: "scalar", name: pick(scalars) } };
      return { kind: "scalar", name: pick(scalars) };
    };
    const fields: CtypesRecord["fields"] = [];
    const n = 1 + Math.floor(r() * 8);
    for (let j = 0; j < n; j++) {
      let t = elem();
      if (r() < 0.25) t = { kind: "array", elem: t, count: 1 + Math.floor(r() * 4) };
      fields.push({ name: `f${j}`, type: t });
    }
    // C has no base classes: a leading member stands for one, which matches
    // ctypes only when `_pack_` does not clamp the base's alignment.
    const base = kind === "struct" && pack === undefined && i > 0 && r() < 0.1 ? records.findIndex((b) => b.kind === "struct" && b.pack === undefined && b.base === undefined) : -1;
    records.push({ name: `R${i}`, kind, byteOrder: "native", pack, fields, base: base >= 0 ? base : undefined });
  }
  return records;
}

function cDecl(ref: CtypesTypeRef, name: string): string {
  switch (ref.kind) {
    case "scalar":
      return `${C_NAMES[ref.name]} ${name}`;
    case "record":
      return `struct_R${ref.index} ${name}`;
    case "pointer":
      return `${C_NAMES[(ref.to as { name: string }).name]} *${name}`;
    case "array":
      return cDecl(ref.elem, `${name}[${ref.count}]`);
  }
}

function cSource(records: CtypesRecord[]): string {
  const out = ["#include <stddef.h>"];
  records.forEach((rec, i) => {
    if (rec.pack !== undefined) out.push(`#pragma pack(push, ${rec.pack})`);
    const members = rec.fields.map((f) => `  ${cDecl(f.type, f.name)};`);
    if (rec.base !== undefined) members.unshift(`  struct_R${rec.base} base;`);
    out.push(`typedef ${rec.kind} R${i} {\n${members.join("\n")}\n} struct_R${i};`);
    if (rec.pack !== undefined) out.push("#pragma pack(pop)");
    out.push(`char s_${i}[sizeof(struct_R${i})];`, `char a_${i}[_Alignof(struct_R${i})];`);
    rec.fields.forEach((f, j) => out.push(`char o_${i}_${j}[offsetof(struct_R${i}, ${f.name}) + 1];`));
  });
  return out.join("\n") + "\n";
}

function clangFigures(source: string, target: TargetName): Map<string, number> {
  const dir = mkdtempSync(join(tmpdir(), "abidrift-ctypes-"));
  try {
    writeFileSync(join(dir, "r.c"), source);
    const cc = spawnSync(CLANG, ["-target", TARGETS[target].triple, "-w", "-c", "r.c", "-o", "r.o"], { cwd: dir, encoding: "utf8" });
    if (cc.status !== 0) throw new Error(`clang failed:\n${cc.stderr}`);
    const syms = spawnSync(READELF, ["-s", "r.o"], { cwd: dir, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const figures = new Map<string, number>();
    for (const line of syms.stdout.split("\n")) {
      const m = /^\s*\d+:\s+[0-9a-f]+\s+(\d+)\s+OBJECT\s+GLOBAL\s+\S+\s+\S+\s+(\S+)$/.exec(line);
      if (m) figures.set(m[2]!, Number(m[1]));
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function compare(seed: number, target: TargetName): void {
  const records = generate(seed, 200);
  const figures = clangFigures(cSource(records), target);
  const { records: ours } = layoutCtypes(records, TARGETS[target], "random.py");
  records.forEach((rec, i) => {
    const mine = ours[i]!;
    const where = `seed ${seed}, target ${target}, class R${i}`;
    expect({ size: mine.size, align: mine.align }, where).toEqual({ size: figures.get(`s_${i}`), align: figures.get(`a_${i}`) });
    expect(mine.fields.map((f) => f.offset), where).toEqual(rec.fields.map((_, j) => figures.get(`o_${i}_${j}`)! - 1));
  });
}

const targets: TargetName[] = ["x86_64", "i386", "aarch64", "armhf"];

describe.skipIf(toolsMissing.length > 0)(`ctypes non-bitfield layout per target against clang ${toolsMissing.length ? `(missing: ${toolsMissing.join(", ")})` : ""}`, () => {
  const fresh = freshSeed();
  for (const target of targets) {
    for (const seed of [7, 0xbadc0de, fresh]) {
      it(`${target}: 200 random classes, seed ${seed}`, () => compare(seed, target));
    }
  }
});
