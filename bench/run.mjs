#!/usr/bin/env node
// `npm run bench`: runs every bench/*.mjs (or the ones named on the command
// line, with or without .mjs) one after another, each in its own node
// process so one bench's heap never slows the next.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(here)
  .filter((f) => f.endsWith(".mjs") && !f.startsWith(".") && f !== basename(fileURLToPath(import.meta.url)))
  .sort();
const wanted = process.argv.slice(2).map((a) => (a.endsWith(".mjs") ? a : `${a}.mjs`));
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) {
  process.stderr.write(`bench: no ${unknown.join(", ")} here; have ${all.join(", ")}\n`);
  process.exit(2);
}

let failed = 0;
for (const file of wanted.length ? wanted : all) {
  process.stdout.write(`\n== ${file}\n`);
  const r = spawnSync(process.execPath, [join(here, file)], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
