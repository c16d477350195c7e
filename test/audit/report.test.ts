import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { beforeAll, describe, expect, it } from "vitest";
import { HAVE_CLI, runCli, type CliResult } from "../cli/run.js";
import type { Inventory } from "../../src/audit/inventory.js";
import { htmlReport } from "../../src/report/audit/html.js";
import { markdownReport } from "../../src/report/audit/markdown.js";
import { summaryRows } from "../../src/report/audit/summary.js";
import { HAVE_CLANG, fixtureRepo } from "../check/repo.js";

// `abidrift audit` as a user runs it, over the check fixtures (their BPF C
// compiled by clang in this run) and the bundled example, and its HTML as
// Chromium renders it: what is on the page is read back from the browser's
// DOM, and every figure is compared with the JSON inventory of the same run.

const CHROMIUM = "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
/** The flags CI needs too: root in a container has no sandbox, and nothing may go to the network. */
const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const abidrift = (cwd: string, ...args: string[]): CliResult => runCli(args, { cwd });

function chromium(...args: string[]): string {
  const profile = mkdtempSync(join(tmpdir(), "abidrift-chromium-"));
  const r = spawnSync(CHROMIUM, [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, ...args], { encoding: "utf8", timeout: 90_000, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`chromium failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

/** The text a reader sees: tags dropped, entities decoded, white space folded. */
function pageText(dom: string): string {
  return dom
    .replace(/<style[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&(#\d+|lt|gt|amp|quot|nbsp);/g, (_, e: string) => ({ lt: "<", gt: ">", amp: "&", quot: '"', nbsp: " " })[e] ?? String.fromCharCode(Number(e.slice(1))))
    .replace(/\s+/g, " ");
}

const fold = (s: string): string => s.replace(/\s+/g, " ").trim();

describe.skipIf(!HAVE_CLANG || !HAVE_CLI)("abidrift audit (needs clang-16 and `npm run build`)", () => {
  let root = "";
  let inv: Inventory;
  beforeAll(() => {
    root = fixtureRepo();
    cpSync("examples/dns-monitor", join(root, "dns-monitor"), { recursive: true });
    const r = abidrift(root, "audit", ".", "--format", "json", "-o", "audit.json", "--verbose");
    // Fixtures whose point is a note (a file that cannot be read, text only run time knows) say it; no other does.
    const noted = ["unreadable-c-beside-tool/", "bcc-runtime-text/appended.py", "bcc-src-file/any_program.py", "unsized-legacy-map/", "bcc-class-attribute-text/", "bcc-text-from-file/", "map-in-field/limiter.go", "map-in-field-elsewhere/limiter.go"];
    expect(r.stderr.split("\n").filter((l) => l !== "" && !noted.some((f) => l.includes(f)))).toEqual([]);
    inv = JSON.parse(readFileSync(join(root, "audit.json"), "utf8")) as Inventory;
  });

  it("writes a JSON inventory the schema accepts, with check's findings and exit status", () => {
    const schema = JSON.parse(readFileSync("schemas/audit.schema.json", "utf8")) as object;
    const validate = new Ajv({ allErrors: true }).compile(schema);
    expect(validate(inv), JSON.stringify(validate.errors)).toBe(true);
    const check = abidrift(root, "check", ".", "--format", "json");
    const findings = (JSON.parse(check.stdout) as { findings: { message: string }[] }).findings;
    expect(inv.findings.map((f) => f.message).sort()).toEqual(findings.map((f) => f.message).sort());
    expect(inv.summary.exitStatus).toBe(check.status);
    expect(abidrift(root, "audit", ".", "-o", "-", "-f", "json").status).toBe(check.status);
  });

  it("lists the example's ring-buffer record with where BPF emits it and where Go decodes it", () => {
    const event = inv.events.find((e) => e.type === "struct dns_event");
    expect(event?.maps).toEqual(["events"]);
    const c = readFileSync(join(root, "dns-monitor/bpf/dnsmon.bpf.c"), "utf8").split("\n");
    const emit = event!.sites.find((s) => s.side === "bpf")!;
    expect(c[emit.line! - 1]).toContain("bpf_ringbuf_reserve(&events");
    const go = readFileSync(join(root, "dns-monitor/loader/main.go"), "utf8").split("\n");
    const decode = event!.sites.find((s) => s.side === "user" && s.file.endsWith("main.go"))!;
    expect(go[decode.line! - 1]).toContain("binary.Read");
  });

  it("exits 0 on warnings only, 2 with one line on a corrupt config, and prints no progress off a terminal", () => {
    const arch = abidrift(root, "audit", "arch", "-o", "-");
    expect(arch.status).toBe(0);
    expect(arch.stderr).not.toMatch(/[\r\x1b]/);
    writeFileSync(join(root, "bad.json"), "{ \"rules\": ");
    const bad = abidrift(root, "audit", ".", "-c", "bad.json");
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toContain("bad.json");
  });

  it("writes Markdown with every finding, both spans with their source line, every map and struct", () => {
    const r = abidrift(root, "audit", ".", "-f", "md", "-o", "-");
    const md = r.stdout.replace(/\\(.)/g, "$1");
    for (const f of inv.findings) {
      expect(md).toContain(fold(f.message));
      for (const s of f.spans) {
        expect(md).toContain(`${s.file}:${s.line}`);
        if (s.text) expect(md).toContain(s.text);
      }
    }
    for (const m of inv.maps) expect(md).toContain(`\`${m.name}\``);
    for (const s of inv.structs) expect(md).toContain(s.pahole);
  });

  describe.skipIf(!HAVE_CHROMIUM)(`rendered by Chromium (needs ${CHROMIUM})`, () => {
    let html = "";
    let text = "";
    let dom = "";
    beforeAll(() => {
      const r = abidrift(root, "audit", ".");
      expect(r.stdout).toContain("abidrift-audit.html");
      html = readFileSync(join(root, "abidrift-audit.html"), "utf8");
      dom = chromium("--dump-dom", `file://${join(root, "abidrift-audit.html")}`);
      text = pageText(dom);
    });

    it("shows the inventory's summary figures", () => {
      for (const row of summaryRows(inv)) {
        const tile = new RegExp(`data-count="${row.id}"[^>]*><b>(\\d+)</b>`).exec(dom);
        expect(Number(tile?.[1]), row.id).toBe(row.value);
      }
      expect(text).toContain(inv.summary.exitStatus ? "check fails (exit 1)" : "check passes (exit 0)");
    });

    it("shows each finding's message, both spans and their source lines", () => {
      expect(dom.match(/<article class="finding /g)).toHaveLength(inv.findings.length);
      for (const f of inv.findings) {
        expect(text).toContain(fold(f.message));
        for (const s of f.spans) {
          expect(text).toContain(`${s.file}:${s.line}`);
          if (s.text) expect(text).toContain(fold(s.text));
        }
      }
    });

    it("draws every shared struct: byte bar, cachelines and pahole's text", () => {
      const pictures = dom.match(/<article class="struct" id="struct-\d+"/g) ?? [];
      expect(pictures).toHaveLength(inv.structs.length);
      expect(dom.match(/<div class="bar"/g)).toHaveLength(inv.structs.length);
      for (const s of inv.structs) {
        expect(text).toContain(fold(s.pahole));
        // One bar row per cacheline.
        const article = dom.slice(dom.indexOf(`data-struct="${s.key}"`));
        const bar = article.slice(0, article.indexOf("</article>"));
        expect(bar.match(/<div class="off"/g), s.key).toHaveLength(Math.max(1, s.cachelines));
      }
      for (const m of inv.maps) expect(text).toContain(m.name);
      for (const t of inv.twins) expect(text).toContain(t.name);
    });

    it("asks nothing of the network and runs no script", () => {
      expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
      expect(html).not.toMatch(/url\(|@import|<script|<link|<img/i);
    });

    it("takes a 1280x2000 screenshot", () => {
      const png = join(root, "audit.png");
      chromium(`--screenshot=${png}`, "--window-size=1280,2000", "--hide-scrollbars", `file://${join(root, "abidrift-audit.html")}`);
      const b = readFileSync(png);
      expect(b.subarray(1, 4).toString()).toBe("PNG");
      expect([b.readUInt32BE(16), b.readUInt32BE(20)]).toEqual([1280, 2000]);
    });
  });
});

/** An inventory whose every name is markup, to see that none of it is taken as markup. */
function hostile(): Inventory {
  const evil = "<script>alert(1)</script>";
  const at = { file: `src/${evil}.c`, line: 3 };
  return {
    format: "abidrift-audit/1",
    version: "0.1.0",
    narrowTargets: ["i386"],
    summary: { files: { bpf: 1, user: 1 }, findings: { error: 1, warning: 0, note: 0 }, maps: 1, events: 0, structs: 1, twins: 1, orphanTwins: 1, unmirrored: 1, wastedBytes: 0, reorderSaves: 0, archDependentMembers: 0, exitStatus: 1 },
    findings: [{ code: "struct-mismatch", severity: "error", message: `member ${evil} moved`, fix: `rename ${evil}`, spans: [{ role: "c", ...at, column: 1, symbol: evil, text: `int ${evil};` }] }],
    maps: [{ name: evil, type: "hash", maxEntries: 1, flags: 0, origin: "btf", key: { type: `struct ${evil}`, size: 4, struct: "k" }, value: { type: null, size: 4, struct: null }, at, users: [{ ...at, via: evil }] }],
    events: [],
    twins: [{ name: evil, language: "go", at, c: null, reason: null }],
    structs: [
      {
        key: "k",
        kind: "struct",
        type: `struct ${evil}`,
        at,
        size: 4,
        align: 4,
        cachelines: 1,
        members: [{ name: evil, type: "int", bitOffset: 0, bitSize: 0, size: 4, line: 3 }],
        holes: [],
        tailPaddingBits: 0,
        packing: { holeBytes: 0, holeBits: 0, tailPadding: 0, wasted: 0, wastedPercent: 0, reorderedSize: 4, saves: 0, order: null },
        sharedAs: [`key of map ${evil}`],
        twins: [],
        arch: null,
        pahole: `struct ${evil} {\n\tint ${evil}; /* 0 4 */\n};`,
      },
    ],
    unmirrored: ["k"],
    notes: [evil],
  };
}

describe("audit reports escape what they show", () => {
  it("HTML: a member called <script> is text, never an element", () => {
    const html = htmlReport(hostile());
    expect(html).not.toContain("<script");
    expect(html).toContain("&#60;script&#62;");
  });

  it.skipIf(!HAVE_CHROMIUM)(`HTML in Chromium: the name reads as written and no script element exists (needs ${CHROMIUM})`, () => {
    const dir = mkdtempSync(join(tmpdir(), "abidrift-escape-"));
    writeFileSync(join(dir, "a.html"), htmlReport(hostile()));
    const dom = chromium("--dump-dom", `file://${join(dir, "a.html")}`);
    expect(dom).not.toMatch(/<script/i);
    expect(pageText(dom)).toContain("member <script>alert(1)</script> moved");
  });

  it("Markdown: the name stays inside code or is escaped", () => {
    const md = markdownReport(hostile());
    const prose = md.replace(/^(`{3,})c\n[\s\S]*?\n\1$/gm, "").replace(/`[^`\n]*`/g, "");
    expect(prose).toContain("\\<script\\>");
    expect(prose).not.toMatch(/(?<!\\)<script/);
  });
});
