import type { Inventory } from "../../audit/inventory.js";

// schemas/audit.schema.json describes this document: the inventory itself.

export function jsonAuditReport(inv: Inventory): string {
  return `${JSON.stringify(inv, null, 2)}\n`;
}
