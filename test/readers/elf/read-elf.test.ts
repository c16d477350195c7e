// readElf against llvm-readelf: every section header field and every symbol
// of objects clang compiles here (each class and byte order), of seeded
// random translation units, and of real host binaries.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isElf, readElf } from "../../../src/readers/elf/index.js";
import { expectSameAsReadelf } from "./expect-readelf.js";
import { BPF_PROGRAM, TARGETS, compileAll, freshSeed, randomFlags, randomUnit, rng, scratchDir, type Target } from "./objects.js";
import { CLANG, READELF, hasTool, readelf } from "./readelf.js";

const haveTools = hasTool(CLANG) && hasTool(READELF);
const why = `needs ${CLANG} and ${READELF}`;

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
