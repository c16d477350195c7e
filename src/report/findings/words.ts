import type { Finding, FindingLocation } from "../../rules/finding.js";
import { ruleById } from "../../rules/index.js";
import type { SourceLoc } from "../../ir/types.js";
import type { ReportContext } from "./context.js";

// The one place a finding becomes words; every reporter goes through here.

/** The finding's message: its rule's template with the data filled in. */
export function messageOf(f: Finding): string {
  const template = ruleById(f.code)?.messages[f.messageId];
  if (template === undefined) return `${f.code}: ${f.messageId}`;
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const v = f.data[name];
    return v === undefined ? whole : String(v);
  });
}

/** The fix as one line, with the text to write when there is one. */
export function fixOf(f: Finding): string | undefined {
  if (!f.fix) return undefined;
  return f.fix.text && !f.fix.description.includes(f.fix.text) ? `${f.fix.description}: ${f.fix.text}` : f.fix.description;
}

/** The C line a location in a non-C file points at, quoted: `u64 pid;`. */
export function cSnippet(l: FindingLocation, ctx: Pick<ReportContext, "sourceLine">): string | undefined {
  if (l.role !== "c" || l.line === undefined || /\.[ch]$/.test(l.file)) return undefined;
  const text = ctx.sourceLine?.(l.file, l.line)?.trim();
  if (!text) return undefined;
  return `\`${text.length > 80 ? `${text.slice(0, 77)}...` : text}\``;
}

/** A finding's other location as one line: `C side: tool.py:14:5 (\`u64 pid;\`)`. */
export function otherLocation(l: FindingLocation, ctx: Pick<ReportContext, "sourceLine">): string {
  const snippet = cSnippet(l, ctx);
  return `${l.role === "c" ? "C side" : "userspace"}: ${formatLoc(l)}${snippet ? ` ${snippet}` : ""}`;
}

/** Where a finding is reported: its first location. */
export function primary(f: Finding): FindingLocation | undefined {
  return f.locations[0];
}

/** `main.go:12:5`, `dns.bpf.o+0x1a0`. */
export function formatLoc(loc: SourceLoc): string {
  if (loc.line !== undefined) return `${loc.file}:${loc.line}${loc.column !== undefined ? `:${loc.column}` : ""}`;
  if (loc.offset !== undefined) return `${loc.file}+0x${loc.offset.toString(16)}`;
  return loc.file;
}

/** Findings in a stable order: by file, line, column, then code. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const key = (f: Finding): [string, number, number, string] => {
    const l = primary(f);
    return [l?.file ?? "", l?.line ?? 0, l?.column ?? 0, f.code];
  };
  return [...findings].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) {
      if (ka[i]! < kb[i]!) return -1;
      if (ka[i]! > kb[i]!) return 1;
    }
    return 0;
  });
}
