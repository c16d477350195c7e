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
    const n = escape(map[1]!);
    const m = new RegExp(`\\}\\s*(${n})\\s+SEC\\s*\\(|\\bBPF_[A-Z_]+\\(\\s*(${n})\\b|SEC\\s*\\(\\s*"maps"\\s*\\)\\s*(${n})\\b`).exec(text);
    if (!m) return undefined;
    const name = m[1] ?? m[2] ?? m[3]!;
    return position(text, m.index + m[0].indexOf(name));
  }
  const agg = /^(?:(struct|union) )?([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?$/.exec(symbol);
  if (!agg) return undefined;
  const [, tag, name, member] = agg;
  const head = tag ? new RegExp(`\\b${tag}\\s+${escape(name!)}\\s*\\{`).exec(text) : new RegExp(`\\}\\s*${escape(name!)}\\s*;`).exec(text);
  if (!head) return undefined;
  if (!member) return position(text, head.index);
  const open = text.indexOf("{", head.index);
  let depth = 0;
  let close = open;
  for (; close < text.length; close++) {
    if (text[close] === "{") depth++;
    else if (text[close] === "}" && --depth === 0) break;
  }
  const m = new RegExp(`\\b${escape(member)}\\s*(?:\\[|;|:|,)`).exec(text.slice(open, close));
  return position(text, m ? open + m.index : head.index);
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
