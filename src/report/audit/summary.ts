import type { Inventory } from "../../audit/inventory.js";
import type { Severity } from "../../rules/finding.js";
import { noun } from "../../words.js";

// The summary's figures, in the order and words every report shows them.

export const SEVERITIES: readonly Severity[] = ["error", "warning", "note"];

export interface SummaryRow {
  /** Stable id: the HTML's `data-count` and the Markdown table's first column. */
  id: string;
  label: string;
  value: number;
}

export function summaryRows(inv: Inventory): SummaryRow[] {
  const s = inv.summary;
  return [
    { id: "findings-error", label: noun(s.findings.error, "error"), value: s.findings.error },
    { id: "findings-warning", label: noun(s.findings.warning, "warning"), value: s.findings.warning },
    { id: "findings-note", label: noun(s.findings.note, "note"), value: s.findings.note },
    { id: "maps", label: noun(s.maps, "map"), value: s.maps },
    { id: "events", label: noun(s.events, "event type"), value: s.events },
    { id: "structs", label: noun(s.structs, "shared struct"), value: s.structs },
    { id: "twins", label: noun(s.twins, "userspace twin"), value: s.twins },
    { id: "orphan-twins", label: noun(s.orphanTwins, "twin") + " with no C side", value: s.orphanTwins },
    { id: "unmirrored", label: noun(s.unmirrored, "C type") + " no twin mirrors", value: s.unmirrored },
    { id: "wasted-bytes", label: "bytes in holes and padding", value: s.wastedBytes },
    { id: "reorder-saves", label: "bytes reordering would save", value: s.reorderSaves },
    { id: "arch-members", label: noun(s.archDependentMembers, "member") + " that differ on 32-bit", value: s.archDependentMembers },
  ];
}
