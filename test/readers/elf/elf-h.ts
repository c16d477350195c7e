// The record layouts of <elf.h>, as the C compiler lays them out: sizeof and
// offsetof for every field the reader's wire table names, so neither the
// reader's table nor the tests' corruptions rest on numbers typed by hand.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import type { Wire } from "../../../src/readers/elf/wire.js";
import { scratchDir } from "./objects.js";

/** The reader's fields and three more that the tests corrupt. */
export type Layout = Wire & { ePhentsize: number; ePhnum: number; eShnum: number };

/** Each field as a C expression over ElfN_* (N replaced per class). */
const FIELDS: Record<keyof Layout, string> = {
  ehdrSize: "sizeof(ElfN_Ehdr)",
  eType: "offsetof(ElfN_Ehdr, e_type)",
  eMachine: "offsetof(ElfN_Ehdr, e_machine)",
  ePhoff: "offsetof(ElfN_Ehdr, e_phoff)",
  ePhentsize: "offsetof(ElfN_Ehdr, e_phentsize)",
  ePhnum: "offsetof(ElfN_Ehdr, e_phnum)",
  eShoff: "offsetof(ElfN_Ehdr, e_shoff)",
  eShentsize: "offsetof(ElfN_Ehdr, e_shentsize)",
  eShnum: "offsetof(ElfN_Ehdr, e_shnum)",
  eShstrndx: "offsetof(ElfN_Ehdr, e_shstrndx)",
  shdrSize: "sizeof(ElfN_Shdr)",
  shName: "offsetof(ElfN_Shdr, sh_name)",
  shType: "offsetof(ElfN_Shdr, sh_type)",
  shFlags: "offsetof(ElfN_Shdr, sh_flags)",
  shAddr: "offsetof(ElfN_Shdr, sh_addr)",
  shOffset: "offsetof(ElfN_Shdr, sh_offset)",
  shSize: "offsetof(ElfN_Shdr, sh_size)",
  shLink: "offsetof(ElfN_Shdr, sh_link)",
  shInfo: "offsetof(ElfN_Shdr, sh_info)",
  shAddralign: "offsetof(ElfN_Shdr, sh_addralign)",
  shEntsize: "offsetof(ElfN_Shdr, sh_entsize)",
  symSize: "sizeof(ElfN_Sym)",
  stName: "offsetof(ElfN_Sym, st_name)",
  stValue: "offsetof(ElfN_Sym, st_value)",
  stSize: "offsetof(ElfN_Sym, st_size)",
  stInfo: "offsetof(ElfN_Sym, st_info)",
  stShndx: "offsetof(ElfN_Sym, st_shndx)",
};

/** Compiles and runs a program printing FIELDS for Elf32 and Elf64 as JSON. */
export function elfHeaderLayouts(cc = "gcc"): Record<32 | 64, Layout> {
  const dir = scratchDir();
  const prints = ([32, 64] as const).map((bits) => {
    const body = Object.entries(FIELDS)
      .map(([name, expr]) => `printf("\\"${name}\\": %zu,", (size_t)${expr.replaceAll("ElfN", `Elf${bits}`)});`)
      .join("\n  ");
    return `printf("\\"${bits}\\": {");\n  ${body}\n  printf("\\"_\\": 0}");`;
  });
  const source = `#include <elf.h>\n#include <stddef.h>\n#include <stdio.h>\nint main(void) {\n  printf("{");\n  ${prints[0]}\n  printf(",");\n  ${prints[1]}\n  printf("}\\n");\n  return 0;\n}\n`;
  writeFileSync(join(dir, "layouts.c"), source);
  const exe = join(dir, "layouts");
  const build = spawnSync(cc, ["-o", exe, join(dir, "layouts.c")], { encoding: "utf8" });
  if (build.status !== 0) throw new Error(`${cc} failed: ${build.stderr}`);
  const run = spawnSync(exe, { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`${exe} failed: ${run.stderr}`);
  const parsed = JSON.parse(run.stdout) as Record<"32" | "64", Layout & { _: number }>;
  const strip = ({ _: _unused, ...layout }: Layout & { _: number }): Layout => layout;
  return { 32: strip(parsed["32"]), 64: strip(parsed["64"]) };
}
