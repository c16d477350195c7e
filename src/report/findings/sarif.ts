import type { Finding, FindingLocation } from "../../rules/finding.js";
import { ruleDocsUrl } from "../../rules/docs-url.js";
import { RULES } from "../../rules/index.js";
import type { ReportContext } from "./context.js";
import { cSnippet, fixOf, messageOf, sortFindings } from "./words.js";

// SARIF 2.1.0, as GitHub code scanning reads it: one run, the rules as the
// driver's reportingDescriptors, one result per finding with the reported
// span as its location and the other side as a related location.

const LEVEL = { error: "error", warning: "warning", note: "note" } as const;

function uri(file: string): string {
  return encodeURI(file.split("\\").join("/"));
}

function physical(l: FindingLocation): Record<string, unknown> {
  const region: Record<string, number> = {};
  if (l.line !== undefined) {
    region.startLine = l.line;
    if (l.column !== undefined) region.startColumn = l.column;
  } else if (l.offset !== undefined) {
    region.byteOffset = l.offset;
  }
  return { artifactLocation: { uri: uri(l.file) }, ...(Object.keys(region).length ? { region } : {}) };
}

export function sarifReport(findings: readonly Finding[], ctx: ReportContext): string {
  const rules = RULES.map((r) => ({
    id: r.id,
    name: r.title.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : "")),
    shortDescription: { text: r.description },
    fullDescription: { text: r.docs },
    defaultConfiguration: { level: LEVEL[r.severity] },
    helpUri: ruleDocsUrl(r.id),
    help: { text: r.docs },
  }));
  const results = sortFindings(findings).map((f) => {
    const [first, ...rest] = f.locations;
    const fix = fixOf(f);
    return {
      ruleId: f.code,
      ruleIndex: RULES.findIndex((r) => r.id === f.code),
      level: LEVEL[f.severity],
      message: { text: fix ? `${messageOf(f)}. Fix: ${fix}` : messageOf(f) },
      locations: first ? [{ physicalLocation: physical(first) }] : [],
      relatedLocations: rest.map((l, i) => {
        const snippet = cSnippet(l, ctx);
        return { id: i + 1, physicalLocation: physical(l), message: { text: l.role === "c" ? `C side${snippet ? `: ${snippet}` : ""}` : "userspace" } };
      }),
      properties: { messageId: f.messageId, data: f.data },
    };
  });
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "abidrift", version: ctx.version, informationUri: "https://github.com/abidrift/abidrift", rules } },
        columnKind: "unicodeCodePoints",
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
