#!/usr/bin/env node
// docs/audit.png: the HTML audit of the bundled example (examples/dns-monitor)
// as headless Chromium draws it. Run after `npm run build`:
//   node scripts/audit-screenshot.mjs [chromium]
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const chromium = process.argv[2] ?? "/usr/bin/chromium";
const work = mkdtempSync(join(tmpdir(), "abidrift-audit-shot-"));
const html = join(work, "audit.html");
const audit = spawnSync("node", ["dist/cli/main.js", "audit", "examples/dns-monitor", "-o", html], { stdio: ["ignore", "ignore", "inherit"] });
// The example plants bugs: exit 1 is the expected answer.
if (audit.status !== 1) throw new Error(`abidrift audit exited ${audit.status}, expected 1`);
const flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"];
const shot = spawnSync(chromium, [...flags, `--user-data-dir=${join(work, "profile")}`, `--screenshot=${resolve("docs/audit.png")}`, "--window-size=1280,2000", `file://${html}`], { encoding: "utf8" });
if (shot.status !== 0) throw new Error(`${chromium} failed: ${shot.stderr}`);
console.log("wrote docs/audit.png");
