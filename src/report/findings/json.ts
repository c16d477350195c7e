import type { Finding } from "../../rules/finding.js";
import type { ReportContext } from "./context.js";
import { fixOf, messageOf, sortFindings } from "./words.js";

// schemas/findings.schema.json describes this document.

export function jsonReport(findings: readonly Finding[], ctx: ReportContext): string {
  const doc = {
    version: ctx.version,
    findings: sortFindings(findings).map((f) => ({
      code: f.code,
      severity: f.severity,
      message: messageOf(f),
      messageId: f.messageId,
      data: f.data,
      locations: f.locations.map((l) => ({ file: l.file, line: l.line ?? null, column: l.column ?? null, role: l.role })),
      fix: f.fix
        ? {
            message: fixOf(f),
            text: f.fix.text ?? null,
            location: f.fix.loc ? { file: f.fix.loc.file, line: f.fix.loc.line ?? null, column: f.fix.loc.column ?? null } : null,
          }
        : null,
    })),
    pairs: ctx.pairs.map((p) => ({
      kind: p.kind,
      c: { name: p.c.name, file: p.c.loc?.file ?? null, line: p.c.loc?.line ?? null },
      twin: { name: p.twin.name, file: p.twin.loc.file, line: p.twin.loc.line ?? null },
      reason: p.reason,
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
