import type { Inventory } from "../../audit/inventory.js";
import { htmlReport } from "./html.js";
import { jsonAuditReport } from "./json.js";
import { markdownReport } from "./markdown.js";

export type AuditReporter = (inv: Inventory) => string;

export const AUDIT_REPORTERS = { html: htmlReport, md: markdownReport, json: jsonAuditReport } as const satisfies Record<string, AuditReporter>;

export type AuditFormat = keyof typeof AUDIT_REPORTERS;

/** The file each format is written to when `-o` is not given. */
export const DEFAULT_OUTPUT: Record<AuditFormat, string> = { html: "abidrift-audit.html", md: "abidrift-audit.md", json: "abidrift-audit.json" };
