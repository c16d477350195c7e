import { ignoreIn } from "../ir/directives.js";
import type { Finding } from "../rules/finding.js";

// `// abidrift-ignore-next-line RULE[, RULE]` in C silences those rules, or
// every rule when none is named, on the line below (userspace readers find
// their own, in real comments only). A finding
// is silenced when any of its spans is on such a line, so the comment can go
// on whichever side the user owns.


/** line → rules (empty set: every rule) silenced on that line. */
export type Silenced = Map<number, Set<string>>;

export function scanSuppressions(text: string): Silenced {
  const out: Silenced = new Map();
  if (!text.includes("abidrift-ignore-next-line")) return out;
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const m = ignoreIn(line);
    if (!m || !/(?:\/\/|#|\/\*)\s*$/.test(line.slice(0, m.index))) return;
    out.set(i + 2, new Set(m.rules));
  });
  return out;
}

export function isSilenced(f: Finding, byFile: ReadonlyMap<string, Silenced>): boolean {
  return f.locations.some((l) => {
    const rules = l.line !== undefined ? byFile.get(l.file)?.get(l.line) : undefined;
    return rules !== undefined && (rules.size === 0 || rules.has(f.code));
  });
}
