// Bad input: every truncation, flipped byte or inconsistent header of a
// compiled object is an InputError that names the file and a byte offset
// inside it, never a raw exception. The targeted cases check the offset is
// the field holding the bad value, located with llvm-readelf and <elf.h>.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/ir/errors.js";
import { findEmbeddedObjects, readElf } from "../../../src/readers/elf/index.js";
import { WIRE, type Wire } from "../../../src/readers/elf/wire.js";
import { elfHeaderLayouts, type Layout } from "./elf-h.js";
import { BPF_PROGRAM, compileAll, freshSeed, rng, scratchDir, type Target } from "./objects.js";
import { CLANG, READELF, hasTool, readelf, type OracleFile } from "./readelf.js";

const haveGcc = hasTool("gcc");
const haveTools = hasTool(CLANG) && hasTool(READELF) && haveGcc;

describe.skipIf(!haveGcc)("the reader's record offsets (needs gcc and <elf.h>)", () => {
  it("equal sizeof/offsetof of Elf32_* and Elf64_* from <elf.h>", () => {
    const layouts = elfHeaderLayouts();
    const wireOnly = ({ ePhentsize: _e, ePhnum: _n, eShnum: _s, ...wire }: Layout): Wire => wire;
    expect(WIRE).toEqual({ 32: wireOnly(layouts[32]), 64: wireOnly(layouts[64]) });
  });
});

/** Reads everything the reader offers; returns the InputError if one is thrown. */
function attempt(bytes: Uint8Array, file: string, base = 0): InputError | undefined {
  try {
    const elf = readElf(bytes, file, base);
    elf.symbols();
    findEmbeddedObjects(elf);
    return undefined;
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
}

function expectWellFormed(error: InputError, file: string, base: number, length: number, context: string): void {
  expect(error.file, context).toBe(file);
  expect(error.message.includes("\n"), `${context}: one line`).toBe(false);
  expect(error.at.offset, context).toBeGreaterThanOrEqual(base);
  expect(error.at.offset, context).toBeLessThanOrEqual(base + length);
}

interface Subject {
  target: Target;
  bytes: Uint8Array;
  oracle: OracleFile;
}

function compileSubjects(): Subject[] {
  const dir = scratchDir();
  const targets: Target[] = ["bpfel", "mips-linux-gnu"];
  const paths = compileAll(
    dir,
    targets.map((target) => ({ name: target, target, flags: ["-O2", "-g"], source: BPF_PROGRAM })),
  );
  const oracles = readelf(paths);
  return targets.map((target, i) => ({ target, bytes: readFileSync(paths[i]), oracle: oracles[i] }));
}

describe.skipIf(!haveTools)(`corrupt objects (needs ${CLANG}, ${READELF} and gcc)`, () => {
  const subjects = haveTools ? compileSubjects() : [];
  const layouts = haveTools ? elfHeaderLayouts() : undefined;

  it.each(subjects.map((s) => [s.target, s] as const))("%s: every short read of the header and 200 random truncations", (_target, s) => {
    const { bytes, oracle } = s;
    // clang writes the section header table last: any truncation cuts it.
    expect(oracle.shoff + oracle.shnum * oracle.shentsize).toBe(bytes.length);
    const seed = freshSeed();
    const next = rng(seed);
    const lengths = [...Array.from({ length: 80 }, (_, i) => i), ...Array.from({ length: 200 }, () => Math.floor(next() * bytes.length))];
    for (const length of lengths) {
      const context = `seed ${seed}, truncated to ${length} bytes`;
      const error = attempt(bytes.subarray(0, length), "cut.o");
      expect(error, context).toBeInstanceOf(InputError);
      if (error !== undefined) expectWellFormed(error, "cut.o", 0, length, context);
    }
  });

  const flipSeeds = [1, 2, freshSeed()];
  it.each(subjects.flatMap((s) => flipSeeds.map((seed) => [s.target, seed, s] as const)))(
    "%s: 500 objects with 1-3 flipped bytes, seed %i, read fully or refused with an InputError",
    (_target, seed, s) => {
      const { bytes, oracle } = s;
      const next = rng(seed);
      const tableStart = oracle.shoff;
      let refused = 0;
      for (let round = 0; round < 500; round++) {
        const copy = Uint8Array.from(bytes);
        const flips: string[] = [];
        for (let n = 1 + Math.floor(next() * 3); n > 0; n--) {
          // Half the flips land in the header or section header table, where they matter most.
          const at = next() < 0.5
            ? (next() < 0.3 ? Math.floor(next() * 64) : tableStart + Math.floor(next() * (bytes.length - tableStart)))
            : Math.floor(next() * bytes.length);
          const mask = 1 + Math.floor(next() * 255);
          copy[at] ^= mask;
          flips.push(`0x${at.toString(16)}^0x${mask.toString(16)}`);
        }
        const context = `seed ${seed}, round ${round}, flips ${flips.join(" ")}`;
        const base = 0x1000;
        const error = attempt(copy, "flipped.o", base);
        if (error !== undefined) {
          refused++;
          expectWellFormed(error, "flipped.o", base, copy.length, context);
        }
      }
      // The loop must exercise the error paths, not only the happy one.
      expect(refused).toBeGreaterThan(0);
    },
  );

  interface Case {
    name: string;
    corrupt(c: Corruptor): Uint8Array;
    /** Where the error must point, and what it must say. */
    blame(c: Corruptor): number;
    says: RegExp;
  }

  /** Writes fields of one subject's copy in its own byte order and class. */
  class Corruptor {
    readonly bytes: Uint8Array;
    readonly view: DataView;
    readonly w: Layout;
    constructor(readonly s: Subject) {
      this.bytes = Uint8Array.from(s.bytes);
      this.view = new DataView(this.bytes.buffer);
      if (layouts === undefined) throw new Error("no <elf.h> layouts");
      this.w = layouts[s.oracle.bits as 32 | 64];
    }
    get little(): boolean {
      return this.s.oracle.little;
    }
    u16(at: number, v: number): Uint8Array {
      this.view.setUint16(at, v, this.little);
      return this.bytes;
    }
    u32(at: number, v: number): Uint8Array {
      this.view.setUint32(at, v, this.little);
      return this.bytes;
    }
    /** An address-sized field: 4 bytes in ELF32, 8 in ELF64. */
    word(at: number, v: number): Uint8Array {
      if (this.s.oracle.bits === 32) return this.u32(at, v);
      this.view.setBigUint64(at, BigInt(v), this.little);
      return this.bytes;
    }
    index(name: string): number {
      const found = this.s.oracle.sections.find((s) => s.name === name);
      if (found === undefined) throw new Error(`no section ${name}`);
      return found.index;
    }
    /** Offset of section `index`'s header. */
    sh(index: number): number {
      return this.s.oracle.shoff + index * this.s.oracle.shentsize;
    }
    symbol(i: number): number {
      return this.s.oracle.sections[this.index(".symtab")].offset + i * this.w.symSize;
    }
  }

  const cases: Case[] = [
    { name: "bad magic", corrupt: (c) => { c.bytes[1] = 0x45 ^ 0x20; return c.bytes; }, blame: () => 0, says: /bad magic/ },
    { name: "truncated ELF identification", corrupt: (c) => c.bytes.subarray(0, 10), blame: () => 10, says: /truncated ELF identification/ },
    { name: "truncated ELF header", corrupt: (c) => c.bytes.subarray(0, 30), blame: () => 30, says: /ELF(32|64) header/ },
    { name: "unknown ELF class", corrupt: (c) => { c.bytes[4] = 7; return c.bytes; }, blame: () => 4, says: /ELF class 7/ },
    { name: "unknown byte order", corrupt: (c) => { c.bytes[5] = 0; return c.bytes; }, blame: () => 5, says: /data encoding 0/ },
    { name: "e_shentsize not the section header size", corrupt: (c) => c.u16(c.w.eShentsize, c.w.shdrSize - 1), blame: (c) => c.w.eShentsize, says: /e_shentsize/ },
    {
      name: "section header table past the end",
      corrupt: (c) => c.word(c.w.eShoff, c.bytes.length - 10),
      blame: (c) => c.w.eShoff,
      says: /section header table \(\d+ entries\).*runs past the end/,
    },
    {
      name: "a section's data starts past the end",
      corrupt: (c) => c.word(c.sh(c.index(".debug_info")) + c.w.shOffset, c.bytes.length + 1),
      blame: (c) => c.sh(c.index(".debug_info")) + c.w.shOffset,
      says: /section \d+ data .* runs past the end/,
    },
    {
      name: "a section's data runs past the end",
      corrupt: (c) => c.word(c.sh(c.index(".debug_info")) + c.w.shSize, c.bytes.length),
      blame: (c) => c.sh(c.index(".debug_info")) + c.w.shSize,
      says: /section \d+ data .* runs past the end/,
    },
    {
      name: "an extended section count far past the end (e_shnum 0, count in section 0)",
      corrupt: (c) => { c.u16(c.w.eShnum, 0); return c.word(c.sh(0) + c.w.shSize, 0xffffffff); },
      blame: (c) => c.w.eShoff,
      says: /section header table \(4294967295 entries\)/,
    },
    {
      name: "an extended e_shstrndx (SHN_XINDEX) whose section 0 link is past the sections",
      corrupt: (c) => { c.u16(c.w.eShstrndx, 0xffff); return c.u32(c.sh(0) + c.w.shLink, c.s.oracle.shnum); },
      blame: (c) => c.w.eShstrndx,
      says: /e_shstrndx \d+ does not name/,
    },
    { name: "e_shstrndx past the sections", corrupt: (c) => c.u16(c.w.eShstrndx, c.s.oracle.shnum + 3), blame: (c) => c.w.eShstrndx, says: /e_shstrndx/ },
    { name: "e_shstrndx names a PROGBITS section", corrupt: (c) => c.u16(c.w.eShstrndx, c.index(".debug_info")), blame: (c) => c.w.eShstrndx, says: /not SHT_STRTAB/ },
    { name: "a section name outside the name table", corrupt: (c) => c.u32(c.sh(2), 0xfffff), blame: (c) => c.sh(2), says: /section 2: name offset 0xfffff is outside/ },
    {
      name: "the name table does not end with NUL",
      corrupt: (c) => { const t = c.s.oracle.sections[c.index(".strtab")]; c.bytes[t.offset + t.size - 1] = 0x41; return c.bytes; },
      blame: (c) => { const t = c.s.oracle.sections[c.index(".strtab")]; return t.offset + t.size - 1; },
      says: /does not end with a NUL/,
    },
    { name: "symbol table entry size wrong", corrupt: (c) => c.word(c.sh(c.index(".symtab")) + c.w.shEntsize, c.w.symSize + 1), blame: (c) => c.sh(c.index(".symtab")) + c.w.shEntsize, says: /sh_entsize/ },
    {
      name: "symbol table size not a whole number of entries",
      corrupt: (c) => c.word(c.sh(c.index(".symtab")) + c.w.shSize, c.s.oracle.sections[c.index(".symtab")].size - 1),
      blame: (c) => c.sh(c.index(".symtab")) + c.w.shSize,
      says: /not a multiple/,
    },
    { name: "symbol table linked to a PROGBITS section", corrupt: (c) => c.u32(c.sh(c.index(".symtab")) + c.w.shLink, c.index(".debug_info")), blame: (c) => c.sh(c.index(".symtab")) + c.w.shLink, says: /not SHT_STRTAB/ },
    { name: "symbol table linked past the sections", corrupt: (c) => c.u32(c.sh(c.index(".symtab")) + c.w.shLink, 999), blame: (c) => c.sh(c.index(".symtab")) + c.w.shLink, says: /sh_link 999/ },
    { name: "a symbol name outside the string table", corrupt: (c) => c.u32(c.symbol(3) + c.w.stName, 0xfffff), blame: (c) => c.symbol(3) + c.w.stName, says: /symbol 3: name offset 0xfffff is outside/ },
    { name: "a symbol's section index past the sections", corrupt: (c) => c.u16(c.symbol(3) + c.w.stShndx, c.s.oracle.shnum + 5), blame: (c) => c.symbol(3) + c.w.stShndx, says: /section index \d+ is past/ },
    { name: "SHN_XINDEX without SHT_SYMTAB_SHNDX", corrupt: (c) => c.u16(c.symbol(3) + c.w.stShndx, 0xffff), blame: (c) => c.symbol(3) + c.w.stShndx, says: /SHN_XINDEX/ },
    {
      name: "program header table past the end",
      corrupt: (c) => { c.word(c.w.ePhoff, c.bytes.length); c.u16(c.w.ePhentsize, 32); return c.u16(c.w.ePhnum, 1); },
      blame: (c) => c.w.ePhoff,
      says: /program header table/,
    },
  ];

  it.each(subjects.flatMap((s) => cases.map((k) => [s.target, k.name, s, k] as const)))("%s: %s", (_target, _name, s, k) => {
    const c = new Corruptor(s);
    const bytes = k.corrupt(c);
    for (const base of [0, 0x4000]) {
      const error = attempt(bytes, "bad.o", base);
      expect(error).toBeInstanceOf(InputError);
      expect({ offset: error?.at.offset, detail: error?.detail }).toEqual({ offset: base + k.blame(c), detail: expect.stringMatching(k.says) });
      expect(error?.message).toMatch(/^bad\.o: offset 0x[0-9a-f]+: /);
    }
  });
});
