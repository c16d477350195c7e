import { dirname } from "node:path";
import type { Finding, FindingLocation } from "../rules/finding.js";

// BTF says where a type is in the object, not in the source: it has no line
// numbers for types or maps. When the C source that built an object is in
// the check, a finding's C span moves to the declaration there (the struct,
// its member, the map), which is where the reader of a report wants to look.

import { programStem } from "../match/scope.js";

export { programStem };

/**
 * The C sources of a check by program stem and by directory, so that the
 * source of each object and of each finding is a lookup: a scan of every
 * source per lookup made a check of a thousand programs quadratic.
 */
export class SourceIndex<T extends { file: string }> {
  private readonly byStem = new Map<string, T>();
  private readonly byDir = new Map<string, T[]>();

  constructor(readonly all: readonly T[]) {
    for (const c of all) {
      const stem = programStem(c.file);
      // The first source with a stem is the one an object pairs with.
      if (!this.byStem.has(stem)) this.byStem.set(stem, c);
      if (c.file.endsWith(".h")) continue;
      const dir = dirname(c.file);
      const beside = this.byDir.get(dir);
      if (beside) beside.push(c);
      else this.byDir.set(dir, [c]);
    }
  }

  /** The C source an object was built from: the one with its stem, else the only one beside it. */
  sourceFor(object: string): T | undefined {
    const same = this.byStem.get(programStem(object));
    if (same) return same;
    const beside = this.byDir.get(dirname(object));
    return beside?.length === 1 ? beside[0] : undefined;
  }
}

/** `s` matched literally inside a RegExp. */
export const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function position(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) {
    line++;
    last = i;
  }
  return { line, column: index - last };
}

/** Where `symbol` (`struct k`, `struct k.member`, `map m`, a typedef name) is declared in C text. */
export function findDeclaration(text: string, symbol: string): { line: number; column: number } | undefined {
  const map = /^map (\S+)$/.exec(symbol);
  if (map) {
    const at = declarationsIn(text).maps.get(map[1]!);
    return at === undefined ? undefined : position(text, at);
  }
  const agg = /^(?:(struct|union) )?([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?$/.exec(symbol);
  if (!agg) return undefined;
  const [, tag, name, member] = agg;
  const decls = declarationsIn(text);
  const head = tag ? decls.tagged.get(`${tag} ${name!}`) : decls.typedefs.get(name!);
  if (head === undefined) return undefined;
  if (!member) return position(text, head);
  const open = text.indexOf("{", head);
  let depth = 0;
  let close = open;
  for (; close < text.length; close++) {
    if (text[close] === "{") depth++;
    else if (text[close] === "}" && --depth === 0) break;
  }
  const m = new RegExp(`\\b${escape(member)}\\s*(?:\\[|;|:|,)`).exec(text.slice(open, close));
  return position(text, m ? open + m.index : head);
}

/** Where each name is first declared in one C text, by kind: offsets of `struct k {`, of `k` in `} k;` and of a map's name. */
interface Declarations {
  tagged: Map<string, number>;
  typedefs: Map<string, number>;
  maps: Map<string, number>;
}

// A report asks where each of its pairs' types and maps is declared, a
// thousand programs' worth: each text is scanned once for all of them.
const scanned = new Map<string, Declarations>();
const SCANNED_TEXTS = 64;

function declarationsIn(text: string): Declarations {
  let d = scanned.get(text);
  if (d) return d;
  d = { tagged: new Map(), typedefs: new Map(), maps: new Map() };
  const first = (into: Map<string, number>, name: string, at: number): void => {
    if (!into.has(name)) into.set(name, at);
  };
  for (const m of text.matchAll(/\b(struct|union)\s+([A-Za-z_]\w*)\s*\{/g)) first(d.tagged, `${m[1]!} ${m[2]!}`, m.index!);
  for (const m of text.matchAll(/\}\s*([A-Za-z_]\w*)\s*;/g)) first(d.typedefs, m[1]!, m.index!);
  for (const m of text.matchAll(/\}\s*(\w+)\s+SEC\s*\(|\bBPF_[A-Z_]+\(\s*(\w+)\b|SEC\s*\(\s*"maps"\s*\)\s*(\w+)\b/g)) {
    const name = m[1] ?? m[2] ?? m[3]!;
    first(d.maps, name, m.index! + m[0].indexOf(name));
  }
  if (scanned.size >= SCANNED_TEXTS) scanned.delete(scanned.keys().next().value!);
  scanned.set(text, d);
  return d;
}

/** Moves C spans that point into objects to the declarations in their sources. */
export function locateInSource(findings: readonly Finding[], index: SourceIndex<{ file: string; text: string }>): Finding[] {
  if (!findings.length) return [];
  const move = (l: FindingLocation): FindingLocation => {
    if (l.role !== "c" || l.line !== undefined || !l.symbol) return l;
    const src = index.sourceFor(l.file);
    const at = src && findDeclaration(src.text, l.symbol);
    return at && src ? { role: l.role, symbol: l.symbol, file: src.file, ...at } : l;
  };
  return findings.map((f) => ({ ...f, locations: f.locations.map(move) }));
}
