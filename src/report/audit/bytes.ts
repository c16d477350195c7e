import type { AuditStruct } from "../../audit/inventory.js";
import { count } from "../../words.js";

// A struct as ranges of whole bytes, for the byte bars: each member (bitfields
// sharing bytes merged into one range), each hole and the tail padding. A
// union is one range, since all its members start at 0.

export interface ByteRange {
  start: number;
  end: number;
  kind: "member" | "hole" | "padding";
  /** Member names, or the hole's size in words. */
  label: string;
  /** What the range holds, for a tooltip: `__u32 pid (offset 0, 4 bytes)`. */
  detail: string;
}

export function byteRanges(s: AuditStruct): ByteRange[] {
  if (s.kind === "union") {
    const names = s.members.map((m) => m.name || "(anonymous)");
    return s.size ? [{ start: 0, end: s.size, kind: "member", label: `union: ${names.join(" | ")}`, detail: `${s.type} (${s.size} bytes)` }] : [];
  }
  const out: ByteRange[] = [];
  const gap = (start: number, end: number, kind: "hole" | "padding"): void => {
    if (end <= start) return;
    const n = end - start;
    out.push({ start, end, kind, label: `${count(n, "byte")} ${kind}`, detail: `${kind === "hole" ? "hole" : "tail padding"} at ${start}, ${count(n, "byte")}` });
  };
  let end = 0;
  for (const m of s.members) {
    const width = m.bitSize || m.size * 8;
    const start = Math.floor(m.bitOffset / 8);
    const stop = Math.max(start, Math.ceil((m.bitOffset + width) / 8));
    const name = m.name || "(anonymous)";
    const detail = `${m.type} ${name}${m.bitSize ? `:${m.bitSize}` : ""} (offset ${start}${m.bitSize ? ` bit ${m.bitOffset % 8}` : ""}, ${m.bitSize ? `${m.bitSize} bits` : `${m.size} bytes`})`;
    const last = out[out.length - 1];
    if (last && last.kind === "member" && start < last.end) {
      // Bitfields sharing a byte, or a member overlapping the one before it.
      last.end = Math.max(last.end, stop);
      last.label += `, ${name}`;
      last.detail += `; ${detail}`;
    } else {
      gap(end, start, "hole");
      out.push({ start, end: stop, kind: "member", label: name, detail });
    }
    end = Math.max(end, stop);
  }
  gap(end, s.size, "padding");
  return out;
}
