import type { Suppression } from "./bindings.js";

// What comments say to abidrift, in every language: `abidrift:mirrors
// struct dns_key` on a declaration, and `abidrift-ignore-next-line RULE[,
// RULE]` (every rule when none is named) above a line. One grammar, so a
// comment means the same in C, Go, Python and TypeScript; each reader finds
// its own comments.

const MIRRORS = /abidrift:mirrors\s+((?:struct|union|enum)\s+)?([A-Za-z_]\w*)/;
// A block comment's `*/` ends the rule list.
const IGNORE = /abidrift-ignore-next-line\b([^\n*]*)/;
const RULE = /^[a-z][a-z0-9-]*$/;

/** The C type an `abidrift:mirrors` directive in `text` names, and the index where it starts. */
export function mirrorsIn(text: string): { name: string; index: number } | undefined {
  const m = MIRRORS.exec(text);
  return m ? { name: `${m[1] ?? ""}${m[2]}`.replace(/\s+/g, " "), index: m.index } : undefined;
}

/** The rules an ignore directive in `text` names (none: every rule), and the index where it starts. */
export function ignoreIn(text: string): { rules: string[]; index: number } | undefined {
  const m = IGNORE.exec(text);
  return m ? { rules: m[1]!.split(/[\s,]+/).filter((r) => RULE.test(r)), index: m.index } : undefined;
}

/** The suppressions an ignore directive's rules make of `line`. */
export function suppressing(line: number, rules: readonly string[]): Suppression[] {
  return rules.length ? rules.map((rule) => ({ line, rule })) : [{ line }];
}
