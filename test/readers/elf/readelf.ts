// The llvm-readelf oracle: `llvm-readelf-16 --elf-output-style=JSON --wide
// -h -S -s --dyn-syms` over many files in one run, parsed into the raw
// numbers it reports, so the test never maps names to numbers itself.
import { spawnSync } from "node:child_process";

export const READELF = "llvm-readelf-16";
export const CLANG = "clang-16";

export function hasTool(cmd: string): boolean {
  return spawnSync(cmd, ["--version"], { stdio: "ignore" }).status === 0;
}

export interface OracleSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
  addralign: number;
}

export interface OracleSymbol {
  /** As llvm-readelf prints it: section symbols carry their section's name, dynamic ones `@VERSION`. */
  name: string;
  nameOffset: number;
  value: number;
  size: number;
  bind: number;
  type: number;
  /** st_shndx, SHN_XINDEX resolved. */
  shndx: number;
  /** The section's name, or Undefined, Absolute, Common... */
  sectionName: string;
}

export interface OracleFile {
  file: string;
  bits: number;
  little: boolean;
  type: number;
  machine: number;
  shoff: number;
  shnum: number;
  shentsize: number;
  sections: OracleSection[];
  symbols: OracleSymbol[];
  dynamicSymbols: OracleSymbol[];
}

interface Raw {
  Value: string;
  RawValue: number;
}
interface JsonSection {
  Section: {
    Index: number; Name: Raw; Type: Raw; Flags: { RawFlags: number }; Address: number; Offset: number;
    Size: number; Link: number; Info: number; AddressAlignment: number; EntrySize: number;
  };
}
interface JsonSymbol {
  Symbol: { Name: Raw; Value: number; Size: number; Binding: Raw; Type: Raw; Section: Raw };
}
interface JsonFile {
  FileSummary: { File: string };
  ElfHeader: {
    Ident: { Class: Raw; DataEncoding: Raw };
    Type: string; Machine: Raw; SectionHeaderOffset: number; SectionHeaderCount: string; SectionHeaderEntrySize: number;
  };
  Sections?: JsonSection[];
  Symbols?: JsonSymbol[];
  DynamicSymbols?: JsonSymbol[];
}

function symbol({ Symbol: s }: JsonSymbol): OracleSymbol {
  return {
    name: s.Name.Value, nameOffset: s.Name.RawValue, value: s.Value, size: s.Size,
    bind: s.Binding.RawValue, type: s.Type.RawValue, shndx: s.Section.RawValue, sectionName: s.Section.Value,
  };
}

/** Runs llvm-readelf once over `files`; throws with its stderr if it fails. */
export function readelf(files: string[]): OracleFile[] {
  const run = spawnSync(READELF, ["--elf-output-style=JSON", "--wide", "-h", "-S", "-s", "--dyn-syms", ...files], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  if (run.status !== 0) throw new Error(`${READELF} failed: ${run.stderr}`);
  const parsed = JSON.parse(run.stdout) as JsonFile[];
  return parsed.map((f) => {
    const h = f.ElfHeader;
    const type = /\((0x[0-9a-f]+)\)/.exec(h.Type);
    if (type === null) throw new Error(`unexpected e_type text ${h.Type}`);
    return {
      file: f.FileSummary.File,
      bits: h.Ident.Class.RawValue === 1 ? 32 : 64,
      little: h.Ident.DataEncoding.RawValue === 1,
      type: Number(type[1]),
      machine: h.Machine.RawValue,
      shoff: h.SectionHeaderOffset,
      // Extended numbering prints "0 (66008)": the real count is in brackets.
      shnum: Number(/\((\d+)\)/.exec(h.SectionHeaderCount)?.[1] ?? h.SectionHeaderCount),
      shentsize: h.SectionHeaderEntrySize,
      sections: (f.Sections ?? []).map(({ Section: s }) => ({
        index: s.Index, name: s.Name.Value, type: s.Type.RawValue, flags: s.Flags.RawFlags, addr: s.Address,
        offset: s.Offset, size: s.Size, link: s.Link, info: s.Info, entsize: s.EntrySize, addralign: s.AddressAlignment,
      })),
      symbols: (f.Symbols ?? []).map(symbol),
      dynamicSymbols: (f.DynamicSymbols ?? []).map(symbol),
    };
  });
}
