import type { AuditFinding, AuditStruct, Inventory, Place } from "../../audit/inventory.js";
import { SEVERITIES, summaryRows } from "./summary.js";
import { count } from "../../words.js";

// The audit as GitHub-flavoured Markdown, for a release pull request: the
// same sections as the HTML, with pahole's text in place of the byte bars.
// Inventory text goes into code spans (or through `text` in prose) and
// table cells have their pipes escaped, so no name can break the layout or
// become markup.

const where = (p: Place): string => (p.line !== null ? `${p.file}:${p.line}` : p.file);

/** Prose: characters Markdown or HTML would act on are escaped. */
function text(s: string): string {
  return s.replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`).replace(/\s*\n\s*/g, " ");
}

/** A code span that holds any text: a fence longer than the longest backtick run inside. */
function code(s: string): string {
  const flat = s.replace(/\s*\n\s*/g, " ");
  const runs = flat.match(/`+/g) ?? [];
  const fence = "`".repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") || flat === "" ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A table cell: pipes escaped, even inside code spans (GFM reads them first). */
const cell = (s: string): string => s.replace(/\|/g, "\\|");

function table(head: string[], rows: string[][]): string[] {
  return [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)];
}

export function markdownReport(inv: Inventory): string {
  const s = inv.summary;
  const out: string[] = [];
  out.push(`# abidrift audit`, "");
  out.push(
    `abidrift ${text(inv.version)}; ${count(s.files.bpf, "BPF input")}, ${count(s.files.user, "userspace file")}; 32-bit targets: ${text(inv.narrowTargets.join(", ") || "none")}. **${s.exitStatus ? "check fails (exit 1)" : "check passes (exit 0)"}**`,
    "",
  );
  out.push(`## Summary`, "", ...table(["figure", "count"], summaryRows(inv).map((r) => [r.label, String(r.value)])), "");

  out.push(`## Findings`, "");
  if (!inv.findings.length) out.push("No findings.", "");
  for (const sev of SEVERITIES) {
    const list = inv.findings.filter((f) => f.severity === sev);
    if (!list.length) continue;
    out.push(`### ${count(list.length, sev)}`, "");
    for (const f of list) out.push(...finding(f), "");
  }

  out.push(`## Maps`, "");
  if (!inv.maps.length) out.push("No maps.", "");
  else {
    const slot = (x: { type: string | null; size: number }): string => `${x.type ? code(x.type) : "no type"} (${x.size} B)`;
    const rows = inv.maps.map((m) => [code(m.name), m.type, slot(m.key), slot(m.value), String(m.maxEntries), code(where(m.at)), m.users.map((u) => `${code(where(u))} ${text(u.via)}`).join("<br>") || "none"]);
    out.push(...table(["map", "type", "key", "value", "max entries", "defined at", "used by"], rows), "");
  }

  out.push(`## Events`, "");
  if (!inv.events.length) out.push("No ring or perf buffer records found.", "");
  else {
    const sites = (e: Inventory["events"][number], side: "bpf" | "user"): string =>
      e.sites
        .filter((x) => x.side === side)
        .map((x) => `${code(where(x))} ${text(x.how)}`)
        .join("<br>") || "not found";
    const rows = inv.events.map((e) => [code(e.type), e.maps.map(code).join(", ") || "unknown", sites(e, "bpf"), sites(e, "user")]);
    out.push(...table(["record", "buffer", "emitted (BPF)", "decoded (userspace)"], rows), "");
  }

  out.push(`## Userspace twins`, "");
  if (!inv.twins.length) out.push("No userspace declarations found.", "");
  else {
    const rows = inv.twins.map((t) => [code(t.name), t.language, code(where(t.at)), t.c ? `${code(t.c.type)} ${code(where(t.c))}` : "**no C side**", t.reason ? text(t.reason) : ""]);
    out.push(...table(["twin", "language", "declared at", "C side", "paired by"], rows), "");
  }

  out.push(`## Shared C types no twin mirrors`, "");
  const byKey = new Map(inv.structs.map((x) => [x.key, x]));
  if (!inv.unmirrored.length) out.push("Every shared C type has a userspace twin.", "");
  else {
    for (const k of inv.unmirrored) {
      const st = byKey.get(k)!;
      out.push(`- ${code(st.type)} at ${code(where(st.at))}: ${text(st.sharedAs.join("; "))}`);
    }
    out.push("");
  }

  out.push(`## Struct layouts`, "");
  for (const st of inv.structs) out.push(...struct(st), "");

  if (inv.notes.length) {
    out.push(`## Notes`, "", ...inv.notes.map((n) => `- ${text(n)}`), "");
  }
  return `${out.join("\n").trimEnd()}\n`;
}

function finding(f: AuditFinding): string[] {
  const lines = [`- **${text(f.message)}** (${code(f.code)})`];
  for (const sp of f.spans) {
    const loc = sp.line !== null ? `${sp.file}:${sp.line}${sp.column !== null ? `:${sp.column}` : ""}` : sp.file;
    lines.push(`  - ${sp.role === "c" ? "C side" : "userspace"}: ${code(loc)}${sp.text !== null ? ` ${code(sp.text)}` : ""}`);
  }
  if (f.fix) lines.push(`  - fix: ${text(f.fix)}`);
  return lines;
}

function struct(st: AuditStruct): string[] {
  const p = st.packing;
  const out = [`### ${code(st.type)}`, ""];
  out.push(`${code(where(st.at))}${st.sharedAs.length ? `; ${text(st.sharedAs.join("; "))}` : ""}${st.twins.length ? `; mirrored by ${st.twins.map(code).join(", ")}` : ""}.`, "");
  out.push(
    `${st.size} bytes, align ${st.align}; wasted ${p.wasted} (${p.holeBytes} in holes, ${p.tailPadding} tail padding) = ${p.wastedPercent}%; ${p.saves ? `reordered by alignment ${p.reorderedSize} bytes, saving ${p.saves}: ${code(p.order?.join(", ") ?? "")}` : "reordering saves nothing"}.`,
    "",
  );
  if (st.arch) {
    out.push(`On 32-bit userspace: ${st.arch.sizes.map((x) => `${x.target} ${x.size} bytes`).join(", ")} (${st.size} on the BPF side).`, "");
    if (st.arch.members.length) {
      const targets = st.arch.sizes.map((x) => x.target);
      const rows = st.arch.members.map((m) => [code(m.name), code(m.type), m.why === "word" ? "changes size" : "moves", `${m.offset} / ${m.size}`, ...m.on.map((o) => `${o.offset} / ${o.size}`)]);
      out.push(...table(["arch-dependent member", "type", "why", "BPF offset / size", ...targets], rows), "");
    }
  }
  const runs = st.pahole.match(/`+/g) ?? [];
  const fence = "`".repeat(Math.max(2, ...runs.map((r) => r.length)) + 1);
  out.push(`${fence}c`, st.pahole, fence);
  return out;
}
