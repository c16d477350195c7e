import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// clang as the oracle of C record layout: `-fdump-record-layouts-simple`
// prints every complete record's size, alignment and field offsets in bits,
// one record after another, unnamed bitfields included.

export const CLANG = "clang-16";

export function hasTool(cmd: string, args: string[] = ["--version"]): boolean {
  return spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
}

export const clangAvailable = hasTool(CLANG);

export interface ClangRecord {
  /** `struct A`, `union U`; anonymous records are skipped. */
  name: string;
  size: number;
  align: number;
  /** Bit offsets of every field as declared, unnamed bitfields included. */
  offsets: number[];
}

/** Writes `source` to a temporary file, returning its path. */
export function tempSource(source: string, name = "t.c"): string {
  const dir = mkdtempSync(join(tmpdir(), "abidrift-clang-"));
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

export function runClang(args: string[]): string {
  const r = spawnSync(CLANG, args, { encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${CLANG} ${args.join(" ")} failed:\n${r.stderr}`);
  return r.stdout;
}

/**
 * The layouts of the named records (`struct A`, `union U`) as clang lays them
 * out for `triple`. Each is asked for with a `sizeof` at the end of the file:
 * a layout dumped when the definition closes would miss the attributes
 * written after its brace.
 */
export function clangRecordLayouts(source: string, triple: string, names: readonly string[]): Map<string, ClangRecord> {
  const uses = names.map((n, i) => `typedef char __abidrift_layout_${i}[sizeof(${n})];`).join("\n");
  const path = tempSource(`${source}\n${uses}\n`);
  const out = runClang(["-target", triple, "-fsyntax-only", "-w", "-Xclang", "-fdump-record-layouts-simple", path]);
  const records = new Map<string, ClangRecord>();
  const re = /Type: (struct|union) ([^\n]*)\n\nLayout: <ASTRecordLayout\n\s+Size:(\d+)\n\s+DataSize:\d+\n\s+Alignment:(\d+)\n\s+FieldOffsets: \[([^\]]*)\]>/g;
  for (const m of out.matchAll(re)) {
    const name = m[2]!;
    if (name.includes("(")) continue;
    records.set(`${m[1]} ${name}`, {
      name: `${m[1]} ${name}`,
      size: Number(m[3]) / 8,
      align: Number(m[4]) / 8,
      offsets: m[5]!.trim() === "" ? [] : m[5]!.split(",").map((s) => Number(s.trim())),
    });
  }
  return records;
}

/**
 * The fields of every complete named record of `source` as clang declares
 * them, in order: the name, "" for an unnamed bitfield, "(anon)" for an
 * anonymous struct or union member. Read from `-ast-dump`, where a field's
 * owner is the record one level of the tree above it.
 */
export function clangFieldNames(source: string, triple: string): Map<string, string[]> {
  const out = runClang(["-target", triple, "-fsyntax-only", "-w", "-Xclang", "-ast-dump", "-fno-color-diagnostics", tempSource(source)]);
  const owners = new Map<number, string[] | null>();
  const records = new Map<string, string[]>();
  for (const line of out.split("\n")) {
    const rec = /^([|` ]*)[|`]-RecordDecl .* (struct|union) (?:(\w+) )?definition$/.exec(line);
    if (rec) {
      const fields: string[] = [];
      owners.set(rec[1]!.length, rec[3] ? fields : null);
      if (rec[3]) records.set(`${rec[2]} ${rec[3]}`, fields);
      continue;
    }
    const field = /^([|` ]*)[|`]-FieldDecl 0x\w+ <[^>]*> (?:line:\d+:\d+|col:\d+)((?: [\w]+)*) '/.exec(line);
    if (!field) continue;
    const owner = owners.get(field[1]!.length - 2);
    if (!owner) continue;
    const words = field[2]!.trim().split(" ").filter((w) => w !== "" && w !== "referenced");
    owner.push(words.includes("implicit") ? "(anon)" : (words[words.length - 1] ?? ""));
  }
  return records;
}
