// Differential test of the DWARF line-table reader: seeded random programs
// of headers in folders, including one another, compiled by clang-16 with -g
// for both byte orders and with 32 and 64-bit DWARF; the files and MD5s read
// must be those llvm-dwarfdump-16 prints. An object with DWARF 4 has no MD5
// to read. A damaged table gives fewer checksums, never an exception.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lineTableChecksums } from "../../../src/readers/dwarf/index.js";
import { readBpfObjects } from "../../../src/readers/object/index.js";
import { readElf } from "../../../src/readers/elf/index.js";
import { hasTool } from "../../oracles/bpftool.js";
import { freshSeed, rng } from "../../oracles/random.js";
import { CLANG, ENDIANS, HAVE_CLANG, scratchDir, type Endian } from "../btf/compile.js";

const DWARFDUMP = "llvm-dwarfdump-16";
const HAVE_DWARFDUMP = hasTool(DWARFDUMP);
const SEEDS = [7, 0x5eed, freshSeed()];

interface Program {
  dir: string;
  main: string;
}

/**
 * A program of 2 to 9 headers, some in sub-folders, some included from
 * other headers, each defining a struct the program uses (so its file is in
 * the line table), with comments of random length between.
 */
function randomProgram(seed: number): Program {
  const next = rng(seed);
  const pick = (n: number): number => Math.floor(next() * n);
  const dir = scratchDir(`dwarf-${seed}`);
  const count = 2 + pick(8);
  const headers: string[] = [];
  for (let i = 0; i < count; i++) headers.push(pick(3) === 0 ? `sub${pick(3)}/h${i}.h` : `h${i}.h`);
  const includedBy = new Map<number, number>();
  for (let i = 1; i < count; i++) if (pick(2)) includedBy.set(i, pick(i));
  const comment = (): string => `/* ${"x".repeat(pick(200))} */\n`;
  headers.forEach((h, i) => {
    const inner = [...includedBy].filter(([, by]) => by === i).map(([k]) => `#include "${relativeTo(h, headers[k]!)}"\n`);
    mkdirSync(join(dir, h, ".."), { recursive: true });
    writeFileSync(join(dir, h), `#pragma once\n${comment()}${inner.join("")}struct s${i} { int a${i}; char b[${1 + pick(9)}]; };\n`);
  });
  const top = headers.filter((_, i) => !includedBy.has(i));
  const uses = headers.map((_, i) => `struct s${i} v${i};\n`).join("");
  const main = join(dir, "prog.bpf.c");
  writeFileSync(main, `${top.map((h) => `#include "${h}"\n`).join("")}${comment()}${uses}`);
  return { dir, main };
}

/** `to`, a path from the program's folder, as written in the header at `from`. */
function relativeTo(from: string, to: string): string {
  const up = from.includes("/") ? "../" : "";
  return `${up}${to}`;
}

function compile(p: Program, target: Endian, dwarf: string[]): string {
  const out = join(p.dir, `prog.${target}.${dwarf.join("")}.o`);
  execFileSync(CLANG, ["-target", target, "-g", ...dwarf, "-O2", "-c", "prog.bpf.c", "-o", out], { cwd: p.dir, stdio: ["ignore", "ignore", "pipe"] });
  return out;
}

/** The files llvm-dwarfdump prints with an MD5, each as its folder joined to its name. */
function dwarfdumpChecksums(object: string): { path: string; md5: string }[] {
  const text = execFileSync(DWARFDUMP, ["--debug-line", object], { encoding: "utf8", maxBuffer: 1 << 26 });
  const out: { path: string; md5: string }[] = [];
  for (const unit of text.split(/^debug_line\[/m).slice(1)) {
    const dirs = [...unit.matchAll(/^include_directories\[\s*(\d+)\] = "(.*)"$/gm)].map((m) => m[2]!);
    for (const m of unit.matchAll(/^file_names\[\s*\d+\]:\n\s+name: "(.*)"\n\s+dir_index: (\d+)\n\s+md5_checksum: ([0-9a-f]{32})$/gm)) {
      const [, name, index, md5] = m;
      const dir = dirs[Number(index)]!;
      out.push({ path: name!.startsWith("/") || dir === "" ? name! : `${dir.replace(/\/+$/, "")}/${name}`, md5: md5! });
    }
  }
  return out;
}

describe.skipIf(!HAVE_CLANG || !HAVE_DWARFDUMP)(`DWARF line tables: files and MD5s as llvm-dwarfdump reads them${HAVE_CLANG && HAVE_DWARFDUMP ? "" : ` (skipped: needs ${CLANG} and ${DWARFDUMP})`}`, () => {
  for (const seed of SEEDS) {
    for (const target of ENDIANS) {
      for (const dwarf of [[], ["-gdwarf64"]]) {
        it(`seed ${seed}, ${target}${dwarf.length ? ", 64-bit DWARF" : ""}`, () => {
          const p = randomProgram(seed);
          const object = compile(p, target, dwarf);
          const expected = dwarfdumpChecksums(object);
          // Every header defines a type the program uses, so the program and each header are there.
          expect(expected.length, `seed ${seed}; C in ${p.dir}`).toBeGreaterThan(2);
          const [m] = readBpfObjects(readFileSync(object), object);
          expect(m!.checksums, `seed ${seed}; C in ${p.dir}`).toEqual(expected);
        });
      }
    }
  }

  it("an object with DWARF 4 has no checksums, as llvm-dwarfdump finds none", () => {
    const p = randomProgram(SEEDS[0]!);
    const object = compile(p, "bpfel", ["-gdwarf-4"]);
    expect(dwarfdumpChecksums(object)).toEqual([]);
    expect(readBpfObjects(readFileSync(object), object)[0]!.checksums).toBeUndefined();
  });

  it("a truncated or damaged table gives checksums or none, never an exception", () => {
    const seed = SEEDS[2]!;
    const p = randomProgram(seed);
    const object = compile(p, "bpfel", []);
    const elf = readElf(readFileSync(object), object);
    const line = elf.section(".debug_line")!.data;
    const lineStr = elf.section(".debug_line_str")?.data;
    const whole = lineTableChecksums({ line, lineStr, littleEndian: true });
    expect(whole.length).toBeGreaterThan(2);
    const next = rng(seed);
    for (let cut = 0; cut < line.length; cut++) {
      const got = lineTableChecksums({ line: line.subarray(0, cut), lineStr, littleEndian: true });
      // A unit cut short is not read at all.
      expect(got, `cut at ${cut}`).toEqual([]);
    }
    for (let i = 0; i < 2000; i++) {
      const bad = Uint8Array.from(line);
      for (let k = 0; k < 1 + Math.floor(next() * 4); k++) bad[Math.floor(next() * bad.length)] = Math.floor(next() * 256);
      const got = lineTableChecksums({ line: bad, lineStr: lineStr?.subarray(0, Math.floor(next() * lineStr.length)), littleEndian: true });
      for (const c of got) expect(c.md5, `seed ${seed}, damage ${i}`).toMatch(/^[0-9a-f]{32}$/);
    }
  });
});
