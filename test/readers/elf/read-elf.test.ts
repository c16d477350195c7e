// readElf against llvm-readelf: every section header field and every symbol
// of objects clang compiles here (each class and byte order), of seeded
// random translation units, and of real host binaries.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SHT_NOBITS, SHT_NULL, SHT_SYMTAB, STT_SECTION, isElf, readElf, type ElfFile } from "../../../src/readers/elf/index.js";
import { BPF_PROGRAM, TARGETS, compileAll, freshSeed, randomFlags, randomUnit, rng, scratchDir, type Target } from "./objects.js";
import { CLANG, READELF, hasTool, readelf, type OracleFile } from "./readelf.js";

const haveTools = hasTool(CLANG) && hasTool(READELF);
const why = `needs ${CLANG} and ${READELF}`;

/** Asserts that `elf` says what llvm-readelf says about the same bytes. */
export function expectSameAsReadelf(elf: ElfFile, oracle: OracleFile): void {
  const where = `${oracle.file} (base 0x${elf.baseOffset.toString(16)})`;
  expect({ bits: elf.bits, little: elf.byteOrder === "little", type: elf.type, machine: elf.machine }, where).toEqual({
    bits: oracle.bits,
    little: oracle.little,
    type: oracle.type,
    machine: oracle.machine,
  });
  expect(elf.sections.length, where).toBe(oracle.shnum);
  expect(
    elf.sections.map(({ data: _data, ...header }) => header),
    where,
  ).toEqual(oracle.sections);
  // Each section's data is a view into the image at its offset, not a copy.
  const views = elf.sections.map((s) => ({
    length: s.data.length,
    shared: s.data.length === 0 || s.data.buffer === elf.bytes.buffer,
    at: s.data.length === 0 ? s.offset : s.data.byteOffset - elf.bytes.byteOffset,
  }));
  expect(views, `${where}: section data`).toEqual(
    oracle.sections.map((s) => ({
      length: s.type === SHT_NOBITS || s.type === SHT_NULL ? 0 : s.size,
      shared: true,
      at: s.offset,
    })),
  );
  const fromSymtab = oracle.sections.some((s) => s.type === SHT_SYMTAB);
  const expected = fromSymtab ? oracle.symbols : oracle.dynamicSymbols;
  // One comparison for the whole table: tens of thousands of expect() calls are slow.
  const ours = elf.symbols().map((sym) => ({ ...sym, section: sym.section ?? null }));
  const theirs = expected.map((o) => {
    const sectionSymbol = o.type === STT_SECTION && o.nameOffset === 0;
    const section = oracle.sections[o.shndx];
    return {
      // llvm-readelf prints a section symbol under its section's name, and a
      // dynamic symbol with its version (name@VER, name@@VER).
      name: sectionSymbol ? "" : fromSymtab ? o.name : o.name.replace(/@.*$/, ""),
      value: o.value,
      size: o.size,
      bind: o.bind,
      type: o.type,
      shndx: o.shndx,
      section: o.shndx !== 0 && section !== undefined && section.name === o.sectionName ? o.sectionName : null,
    };
  });
  expect(ours, `${where}: symbols`).toEqual(theirs);
}

function checkFiles(paths: string[]): void {
  const oracles = readelf(paths);
  paths.forEach((path, i) => {
    const bytes = readFileSync(path);
    expect(isElf(bytes)).toBe(true);
    const elf = readElf(bytes, path);
    expect(elf.extent, path).toBeLessThanOrEqual(bytes.length);
    expectSameAsReadelf(elf, oracles[i]);
  });
}

describe.skipIf(!haveTools)(`readElf matches llvm-readelf (${why})`, () => {
  it.each(Object.entries(TARGETS))("the BPF program compiled for %s (%s), with and without -g", (target) => {
    const dir = scratchDir();
    checkFiles(
      compileAll(dir, [
        { name: "plain", target: target as Target, flags: ["-O2"], source: BPF_PROGRAM },
        { name: "debug", target: target as Target, flags: ["-O2", "-g"], source: BPF_PROGRAM },
      ]),
    );
  });

  const runSeed = freshSeed();
  it.each([1, 2, 3, runSeed])("random translation units for every target, seed %i", (seed) => {
    const next = rng(seed);
    const dir = scratchDir();
    const targets = Object.keys(TARGETS) as Target[];
    const units = Array.from({ length: 24 }, (_, i) => {
      const target = targets[i % targets.length];
      return { name: `u${i}`, target, flags: randomFlags(next), source: randomUnit(next, target) };
    });
    checkFiles(compileAll(dir, units));
  });

  it("a host executable with both .symtab and .dynsym (gcc, not stripped)", () => {
    const dir = scratchDir();
    const src = join(dir, "host.c");
    writeFileSync(src, `#include <stdio.h>\nint counter = 3;\nstatic int twice(int x) { return 2 * x; }\nint main(void) { printf("%d\\n", twice(counter)); return 0; }\n`);
    const out = join(dir, "host");
    const cc = spawnSync("gcc", ["-g", "-o", out, src], { encoding: "utf8" });
    if (cc.status !== 0) throw new Error(`gcc failed: ${cc.stderr}`);
    checkFiles([out]);
  });

  it("more than 0xff00 sections: extended numbering and SHT_SYMTAB_SHNDX", () => {
    const dir = scratchDir();
    const source = Array.from({ length: 66_000 }, (_, i) => `int g${i} = ${i};`).join("\n");
    const [path] = compileAll(dir, [{ name: "many", target: "x86_64-linux-gnu", flags: ["-fdata-sections"], source }]);
    const [oracle] = readelf([path]);
    expect(oracle.shnum).toBeGreaterThan(0xff00);
    const bytes = readFileSync(path);
    expectSameAsReadelf(readElf(bytes, path), oracle);
    // clang never moves the name table past 0xff00; do it by hand: e_shstrndx
    // = SHN_XINDEX and the real index in section 0's sh_link.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const shstrndx = view.getUint16(62, true);
    view.setUint16(62, 0xffff, true);
    view.setUint32(oracle.shoff + 40, shstrndx, true);
    const patched = join(dir, "patched.o");
    writeFileSync(patched, bytes);
    const [patchedOracle] = readelf([patched]);
    expectSameAsReadelf(readElf(bytes, patched), patchedOracle);
  });
});

const LIBBPF_TOOLS = ["execsnoop", "opensnoop", "biolatency", "fsdist", "tcpconnect"].map((t) => `/usr/sbin/${t}`);
const haveHosts = haveTools && LIBBPF_TOOLS.every((p) => existsSync(p));

describe.skipIf(!haveHosts)(`readElf on libbpf-tools binaries (needs ${READELF} and Debian libbpf-tools)`, () => {
  it("stripped PIE executables: sections and .dynsym", () => {
    checkFiles([...new Set(LIBBPF_TOOLS.map((p) => realpathSync(p)))]);
  });
});
