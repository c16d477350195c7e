import type { Finding } from "../rules/finding.js";

// `// abidrift-ignore-next-line RULE[, RULE]` in C silences those rules, or
// every rule when none is named, on the line below (userspace readers find
// their own, in real comments only). A finding
// is silenced when any of its spans is on such a line, so the comment can go
// on whichever side the user owns.

const COMMENT = /(?:\/\/|#|\/\*)\s*abidrift-ignore-next-line\b([^\n*]*)/;

/** line → rules (empty set: every rule) silenced on that line. */
export type Silenced = Map<number, Set<string>>;

export function scanSuppressions(text: string): Silenced {
  const out: Silenced = new Map();
  if (!text.includes("abidrift-ignore-next-line")) return out;
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const m = COMMENT.exec(line);
    if (!m) return;
    const rules = m[1]!.split(/[\s,]+/).filter((r) => /^[a-z][a-z0-9-]*$/.test(r));
    out.set(i + 2, new Set(rules));
  });
  return out;
}

export function isSilenced(f: Finding, byFile: ReadonlyMap<string, Silenced>): boolean {
  return f.locations.some((l) => {
    const rules = l.line !== undefined ? byFile.get(l.file)?.get(l.line) : undefined;
    return rules !== undefined && (rules.size === 0 || rules.has(f.code));
  });
}
