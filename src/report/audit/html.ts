import type { AuditFinding, AuditSpan, AuditStruct, Inventory, Place } from "../../audit/inventory.js";
import { byteRanges } from "./bytes.js";
import { SEVERITIES, summaryRows } from "./summary.js";
import { count } from "../../words.js";

// The audit as one HTML file a person reads in any browser, offline: inline
// CSS, no script, no font or image fetched. Every text from the inventory
// (type, member and file names, source lines) goes through `esc`. Each
// struct is drawn as a byte bar, one row per 64-byte cacheline, beside
// pahole's text.

const ROW = 64;
/** Rows drawn per struct; a bigger struct's bar stops there and says so. */
const MAX_ROWS = 64;

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const where = (p: Place): string => (p.line !== null ? `${p.file}:${p.line}` : p.file);

const CSS = `
:root{--fg:#1d2330;--dim:#5b6478;--line:#d9dee8;--bg:#fff;--panel:#f6f8fb;--err:#c62828;--warn:#b26a00;--note:#1f6fb2;--m1:#4f7cc9;--m2:#6aa386;--hole:#e0524b;--pad:#9aa3b5}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1180px;margin:0 auto;padding:24px 28px 64px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:36px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}h3{font-size:15px;margin:20px 0 8px}
.sub{color:var(--dim);margin:0}
code,pre,.mono{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12.5px}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;margin:18px 0}
.tile{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.tile b{display:block;font-size:22px}.tile span{color:var(--dim);font-size:12.5px}
.tile.error b{color:var(--err)}.tile.warning b{color:var(--warn)}.tile.note b{color:var(--note)}
.status{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600;color:#fff}
.status.fail{background:var(--err)}.status.pass{background:#2e7d32}
.finding{border:1px solid var(--line);border-left:4px solid var(--dim);border-radius:6px;padding:10px 14px;margin:10px 0;background:#fff}
.finding.error{border-left-color:var(--err)}.finding.warning{border-left-color:var(--warn)}.finding.note{border-left-color:var(--note)}
.finding .msg{font-weight:600}.code{color:var(--dim);font-weight:400;margin-left:8px}
.span{display:grid;grid-template-columns:88px 1fr;gap:2px 10px;margin-top:6px}
.role{color:var(--dim);font-size:12px;text-transform:uppercase;letter-spacing:.04em;padding-top:2px}
.src{margin:2px 0 0;padding:4px 8px;background:var(--panel);border-radius:4px;white-space:pre-wrap;overflow-wrap:anywhere}
.fix{margin-top:8px;color:#2e5d32}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--panel);font-weight:600;font-size:12.5px}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.none{color:var(--dim);font-style:italic}
.orphan td{background:#fff4f3}
.struct{border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:16px 0}
.struct h3{margin:0 0 4px}
.facts{color:var(--dim);margin:0 0 10px}
.facts b{color:var(--fg)}
.bar{display:grid;grid-template-columns:44px repeat(${ROW},1fr);grid-auto-rows:26px;gap:0;margin:8px 0 4px}
.bar .off{grid-column:1;color:var(--dim);font-size:11px;text-align:right;padding-right:6px;line-height:26px;font-family:ui-monospace,monospace}
.bar .cl{grid-column:2/-1;border-top:1px dashed #7d8699;height:0;align-self:start}
.seg{border:1px solid #fff;border-radius:3px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis;font-size:11px;line-height:24px;padding:0 3px;color:#fff;font-family:ui-monospace,monospace}
.seg.m0{background:var(--m1)}.seg.m1{background:var(--m2)}
.seg.hole{background:repeating-linear-gradient(45deg,var(--hole) 0 4px,#f7b3ae 4px 8px);color:#5a0b07}
.seg.padding{background:repeating-linear-gradient(45deg,var(--pad) 0 4px,#dfe3ea 4px 8px);color:#262b36}
.legend{font-size:12px;color:var(--dim);margin:0 0 6px}
.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:-2px;margin:0 4px 0 10px}
.pahole{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:8px 12px;overflow-x:auto;tab-size:8;margin:8px 0 0}
.arch{margin:6px 0}
`;

export function htmlReport(inv: Inventory): string {
  const out: string[] = [];
  const s = inv.summary;
  // Anchors are positions in `structs`, so no name ends up in an id.
  const anchors = new Map(inv.structs.map((x, i) => [x.key, i]));
  const typeRef = (type: string, key: string | null): string => {
    const i = key !== null ? anchors.get(key) : undefined;
    return i !== undefined ? `<a href="#struct-${i}"><code>${esc(type)}</code></a>` : `<code>${esc(type)}</code>`;
  };
  out.push(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<title>abidrift audit</title><style>${CSS}</style></head><body><main>`,
    `<h1>abidrift audit</h1>`,
    `<p class="sub">abidrift ${esc(inv.version)} · ${count(s.files.bpf, "BPF input")}, ${count(s.files.user, "userspace file")} · 32-bit targets: ${esc(inv.narrowTargets.join(", ") || "none")} · `,
    s.exitStatus ? `<span class="status fail" id="exit-status">check fails (exit 1)</span>` : `<span class="status pass" id="exit-status">check passes (exit 0)</span>`,
    `</p>`,
  );
  out.push(`<section id="summary"><h2>Summary</h2><div class="tiles">`);
  for (const row of summaryRows(inv)) {
    out.push(`<div class="tile ${row.id.startsWith("findings-") ? row.id.slice(9) : ""}" data-count="${row.id}"><b>${row.value}</b><span>${esc(row.label)}</span></div>`);
  }
  out.push(`</div></section>`);

  out.push(`<section id="findings"><h2>Findings</h2>`);
  if (!inv.findings.length) out.push(`<p class="none">No findings.</p>`);
  for (const sev of SEVERITIES) {
    const list = inv.findings.filter((f) => f.severity === sev);
    if (!list.length) continue;
    out.push(`<h3>${count(list.length, sev)}</h3>`);
    for (const f of list) out.push(finding(f));
  }
  out.push(`</section>`);

  out.push(`<section id="maps"><h2>Maps</h2>`);
  if (!inv.maps.length) out.push(`<p class="none">No maps.</p>`);
  else {
    out.push(`<table><thead><tr><th>map</th><th>type</th><th>key</th><th>value</th><th>max entries</th><th>defined at</th><th>used by</th></tr></thead><tbody>`);
    for (const m of inv.maps) {
      const slot = (x: typeof m.key): string => `${x.type ? typeRef(x.type, x.struct) : `<span class="none">no type</span>`} <span class="sub">(${x.size} B)</span>`;
      const users = m.users.length ? m.users.map((u) => `<code>${esc(where(u))}</code> <span class="sub">${esc(u.via)}</span>`).join("<br>") : `<span class="none">no userspace code names it</span>`;
      out.push(`<tr data-map="${esc(m.name)}"><td><code>${esc(m.name)}</code></td><td>${esc(m.type)}</td><td>${slot(m.key)}</td><td>${slot(m.value)}</td><td class="n">${m.maxEntries}</td><td><code>${esc(where(m.at))}</code></td><td>${users}</td></tr>`);
    }
    out.push(`</tbody></table>`);
  }
  out.push(`</section>`);

  out.push(`<section id="events"><h2>Events</h2>`);
  if (!inv.events.length) out.push(`<p class="none">No ring or perf buffer records found.</p>`);
  else {
    out.push(`<table><thead><tr><th>record</th><th>buffer</th><th>emitted (BPF)</th><th>decoded (userspace)</th></tr></thead><tbody>`);
    for (const e of inv.events) {
      const sites = (side: "bpf" | "user"): string => {
        const l = e.sites.filter((x) => x.side === side);
        return l.length ? l.map((x) => `<code>${esc(where(x))}</code> <span class="sub">${esc(x.how)}</span>`).join("<br>") : `<span class="none">not found</span>`;
      };
      out.push(`<tr data-event="${esc(e.struct)}"><td>${typeRef(e.type, e.struct)}</td><td>${e.maps.map((m) => `<code>${esc(m)}</code>`).join(", ") || `<span class="none">unknown</span>`}</td><td>${sites("bpf")}</td><td>${sites("user")}</td></tr>`);
    }
    out.push(`</tbody></table>`);
  }
  out.push(`</section>`);

  out.push(`<section id="twins"><h2>Userspace twins</h2>`);
  if (!inv.twins.length) out.push(`<p class="none">No userspace declarations found.</p>`);
  else {
    out.push(`<table><thead><tr><th>twin</th><th>language</th><th>declared at</th><th>C side</th><th>paired by</th></tr></thead><tbody>`);
    for (const t of inv.twins) {
      const c = t.c ? `${typeRef(t.c.type, t.c.struct)}<br><code>${esc(where(t.c))}</code>` : `<span class="none">no C side</span>`;
      out.push(`<tr class="${t.c ? "" : "orphan"}" data-twin="${esc(t.name)}"><td><code>${esc(t.name)}</code></td><td>${esc(t.language)}</td><td><code>${esc(where(t.at))}</code></td><td>${c}</td><td>${esc(t.reason ?? "")}</td></tr>`);
    }
    out.push(`</tbody></table>`);
  }
  out.push(`</section>`);

  out.push(`<section id="unmirrored"><h2>Shared C types no twin mirrors</h2>`);
  const byKey = new Map(inv.structs.map((x) => [x.key, x]));
  if (!inv.unmirrored.length) out.push(`<p class="none">Every shared C type has a userspace twin.</p>`);
  else {
    out.push(`<ul>`);
    for (const k of inv.unmirrored) {
      const st = byKey.get(k)!;
      out.push(`<li>${typeRef(st.type, st.key)} <code>${esc(where(st.at))}</code> <span class="sub">${esc(st.sharedAs.join("; "))}</span></li>`);
    }
    out.push(`</ul>`);
  }
  out.push(`</section>`);

  out.push(`<section id="structs"><h2>Struct layouts</h2>`);
  out.push(`<p class="legend">One row per 64-byte cacheline, one column per byte.<i style="background:var(--m1)"></i>member<i style="background:var(--hole)"></i>hole<i style="background:var(--pad)"></i>tail padding</p>`);
  if (!inv.structs.length) out.push(`<p class="none">No shared structs.</p>`);
  inv.structs.forEach((st, i) => out.push(struct(st, i)));
  out.push(`</section>`);

  if (inv.notes.length) {
    out.push(`<section id="notes"><h2>Notes</h2><ul>${inv.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul></section>`);
  }
  out.push(`</main></body></html>\n`);
  return out.join("\n");
}

function finding(f: AuditFinding): string {
  const spans = f.spans.map(span).join("");
  const fix = f.fix ? `<div class="fix">fix: ${esc(f.fix)}</div>` : "";
  return `<article class="finding ${f.severity}" data-code="${esc(f.code)}"><div class="msg">${esc(f.message)}<span class="code">${esc(f.code)}</span></div>${spans}${fix}</article>`;
}

function span(s: AuditSpan): string {
  const label = s.role === "c" ? "C side" : "userspace";
  const loc = s.line !== null ? `${s.file}:${s.line}${s.column !== null ? `:${s.column}` : ""}` : s.file;
  const text = s.text !== null ? `<pre class="src">${esc(s.text)}</pre>` : "";
  return `<div class="span" data-role="${s.role}"><div class="role">${label}</div><div><code class="loc">${esc(loc)}</code>${s.symbol ? ` <span class="sub">${esc(s.symbol)}</span>` : ""}${text}</div></div>`;
}

function struct(st: AuditStruct, i: number): string {
  const p = st.packing;
  const facts = [
    `<b>${st.size}</b> bytes, align ${st.align}, ${count(st.cachelines, "cacheline")}`,
    `wasted <b>${p.wasted}</b> (${p.holeBytes} in holes, ${p.tailPadding} tail padding${p.holeBits ? `, ${p.holeBits} bits around bitfields` : ""}) = ${p.wastedPercent}%`,
    p.saves ? `reordered by alignment: <b>${p.reorderedSize}</b> bytes, saves ${p.saves}` : `reordering saves nothing`,
  ];
  const order = p.order ? `<p class="facts">order that reaches ${p.reorderedSize}: <code>${esc(p.order.join(", "))}</code></p>` : "";
  const out = [
    `<article class="struct" id="struct-${i}" data-struct="${esc(st.key)}">`,
    `<h3><code>${esc(st.type)}</code></h3>`,
    `<p class="facts"><code>${esc(where(st.at))}</code>${st.sharedAs.length ? ` · ${esc(st.sharedAs.join("; "))}` : ""}${st.twins.length ? ` · mirrored by ${st.twins.map((t) => `<code>${esc(t)}</code>`).join(", ")}` : ""}</p>`,
    `<p class="facts">${facts.join(" · ")}</p>`,
    order,
    bar(st),
    arch(st),
    `<pre class="pahole">${esc(st.pahole)}</pre>`,
    `</article>`,
  ];
  return out.join("\n");
}

function bar(st: AuditStruct): string {
  const rows = Math.min(Math.max(1, Math.ceil(st.size / ROW)), MAX_ROWS);
  const limit = rows * ROW;
  const cells: string[] = [];
  for (let r = 0; r < rows; r++) {
    cells.push(`<div class="off" style="grid-row:${r + 1}">${r * ROW}</div>`);
    if (r > 0) cells.push(`<div class="cl" style="grid-row:${r + 1}"></div>`);
  }
  let shade = 0;
  for (const range of byteRanges(st)) {
    const cls = range.kind === "member" ? `m${shade++ % 2}` : range.kind;
    for (let at = range.start; at < Math.min(range.end, limit); ) {
      const row = Math.floor(at / ROW);
      const stop = Math.min(range.end, (row + 1) * ROW, limit);
      const col = (at % ROW) + 2;
      cells.push(`<div class="seg ${cls}" style="grid-row:${row + 1};grid-column:${col}/span ${stop - at}" title="${esc(range.detail)}">${esc(range.label)}</div>`);
      at = stop;
    }
  }
  const more = st.size > limit ? `<p class="legend">The bar shows the first ${limit} of ${st.size} bytes; the text below has all of them.</p>` : "";
  return `<div class="bar" role="img" aria-label="${esc(`byte map of ${st.type}`)}">${cells.join("")}</div>${more}`;
}

function arch(st: AuditStruct): string {
  const a = st.arch;
  if (!a) return "";
  const sizes = a.sizes.map((x) => `${esc(x.target)}: ${x.size}`).join(", ");
  const head = `<p class="facts">On 32-bit userspace the same declaration is ${sizes} bytes (${st.size} on the BPF side).</p>`;
  if (!a.members.length) return `<div class="arch">${head}</div>`;
  const targets = a.sizes.map((x) => x.target);
  const rows = a.members
    .map((m) => `<tr><td><code>${esc(m.name)}</code></td><td><code>${esc(m.type)}</code></td><td>${m.why === "word" ? "changes size" : "moves"}</td><td class="n">${m.offset} / ${m.size}</td>${m.on.map((o) => `<td class="n">${o.offset} / ${o.size}</td>`).join("")}</tr>`)
    .join("");
  return `<div class="arch">${head}<table><thead><tr><th>arch-dependent member</th><th>type</th><th>why</th><th>BPF offset / size</th>${targets.map((t) => `<th>${esc(t)}</th>`).join("")}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

