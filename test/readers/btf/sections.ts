// Section bytes and symbols of an object as LLVM's own tools see them: the
// oracle for where things sit inside an ELF file.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { hasTool } from "../../oracles/bpftool.js";
import { scratchDir } from "./compile.js";

export const OBJCOPY = "llvm-objcopy-16";
export const READELF = "llvm-readelf-16";
export const HAVE_OBJCOPY = hasTool(OBJCOPY);
export const HAVE_READELF = hasTool(READELF);

/** `llvm-objcopy-16 --dump-section NAME=out FILE`, read back. */
export function sectionBytes(file: string, section: string): Buffer {
  const out = join(scratchDir("section"), "section.bin");
  execFileSync(OBJCOPY, [`--dump-section=${section}=${out}`, file, join(scratchDir("objcopy"), "discard.o")], { stdio: ["ignore", "ignore", "pipe"] });
  return readFileSync(out);
}

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  type: string;
  bind: string;
  /** Section index, or UND/ABS/COM. */
  ndx: string;
}

/** `llvm-readelf-16 -s --wide FILE`. */
export function symbols(file: string): ElfSymbol[] {
  const text = execFileSync(READELF, ["-s", "--wide", file], { encoding: "utf8" });
  const out: ElfSymbol[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*\d+:\s+([0-9a-f]+)\s+(\d+)\s+(\w+)\s+(\w+)\s+\w+\s+(\w+)\s*(\S*)$/.exec(line);
    if (m) out.push({ value: parseInt(m[1]!, 16), size: Number(m[2]), type: m[3]!, bind: m[4]!, ndx: m[5]!, name: m[6]! });
  }
  return out;
}

/** Section names by index, from `llvm-readelf-16 -S --wide FILE`. */
export function sectionNames(file: string): Map<string, string> {
  const text = execFileSync(READELF, ["-S", "--wide", file], { encoding: "utf8" });
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^\s*\[\s*(\d+)\]\s+(\S+)/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}
