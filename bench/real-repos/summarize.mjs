#!/usr/bin/env node
// summarize.mjs <outdir> [--list [repo] [--severity error|warning|note]]
// Reads <outdir>/runs.tsv and <outdir>/<repo>.json written by run-all.sh.
// Default: one table row per repo (json exit, seconds, errors, warnings, notes, pairs) and counts per rule.
// --list: every finding (severity, code, first location, message) for triage, one per line, numbered.
// --verdicts <tsv>: score against triaged findings (verdicts.tsv): per repo, errors/warnings that are known
//   TRUE, known FALSE or new (untriaged), and known TRUE findings no longer reported. A finding matches a
//   verdict of the same repo when any of its locations (file:line) is one of the verdict's locations.
//   Verdict MISS marks a true bug no build has reported yet (a false negative); catching it counts as true.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const out = args[0];
if (!out) { console.error('usage: summarize.mjs <outdir> [--list [repo]] [--severity s]'); process.exit(2); }
const list = args.includes('--list');
const sevIdx = args.indexOf('--severity');
const sevFilter = sevIdx >= 0 ? args[sevIdx + 1] : null;
const listRepo = list ? args[args.indexOf('--list') + 1] : null;
const vIdx = args.indexOf('--verdicts');
const verdicts = vIdx >= 0 ? readFileSync(args[vIdx + 1], 'utf8').split('\n').filter((l) => l && !l.startsWith('#'))
  .map((l) => { const [repo, severity, code, first, verdict, cause, all] = l.split('\t'); return { repo, severity, code, first, verdict, cause, locs: new Set(all.split(' ')) }; }) : null;
// Locations are relative to the checked directory; an absolute one (an include dir given absolute) is made so too.
// A run's name is repo[~sub~path][@config]; a verdict names the tree, whatever the config.
const tree = (name) => name.split('@')[0];
const rel = (name, file) => {
  const [repo, ...sub] = tree(name).split('~');
  const root = `/work/eval/repos/${repo}/${sub.length ? sub.join('/') + '/' : ''}`;
  return file.startsWith(root) ? file.slice(root.length) : file;
};
const keys = (name, f) => f.locations.map((l) => `${rel(name, l.file)}:${l.line ?? '?'}`);

const runs = readFileSync(join(out, 'runs.tsv'), 'utf8').trim().split('\n').slice(1)
  .map((l) => l.split('\t')).filter((r) => r[1] === 'json');

function load(name) {
  const p = join(out, `${name}.json`);
  if (!existsSync(p)) return null;
  const text = readFileSync(p, 'utf8');
  try { return JSON.parse(text); } catch { return null; }
}

const loc = (l) => (l ? `${l.file}:${l.line ?? '?'}` : '?');

if (verdicts) {
  const tot = { 'error TRUE': 0, 'error FALSE': 0, 'error new': 0, 'warning TRUE': 0, 'warning FALSE': 0, 'warning new': 0, lostTrue: 0 };
  for (const [name, , exit] of runs) {
    const r = load(name);
    const mine = verdicts.filter((v) => v.repo === tree(name));
    const seen = new Set();
    const c = { 'error TRUE': 0, 'error FALSE': 0, 'error new': 0, 'warning TRUE': 0, 'warning FALSE': 0, 'warning new': 0 };
    const fresh = [];
    for (const f of r ? r.findings : []) {
      if (f.severity === 'note') continue;
      const ks = keys(name, f);
      // Prefer the verdict whose first location and rule are this finding's, then its first location only, then an unused one sharing any location
      // (two findings may share their C location).
      const v = mine.find((x) => x.first === ks[0] && x.code === f.code) ?? mine.find((x) => x.first === ks[0]) ?? mine.find((x) => !seen.has(x) && ks.some((k) => x.locs.has(k)))
        ?? mine.find((x) => ks.some((k) => x.locs.has(k)));
      if (v) seen.add(v);
      const k = `${f.severity} ${v ? (v.verdict === 'MISS' ? 'TRUE' : v.verdict) : 'new'}`;
      if (v?.verdict === 'MISS') fresh.push(`    caught a known miss: ${v.first} (${v.cause})`);
      c[k] += 1; tot[k] += 1;
      if (!v) fresh.push(`    new ${f.severity} ${f.code} ${ks.join(' ')}: ${f.message.replace(/\n/g, ' ').slice(0, 140)}`);
    }
    const lost = mine.filter((v) => v.verdict === 'TRUE' && !seen.has(v));
    tot.lostTrue += lost.length;
    tot.missed = (tot.missed ?? 0) + mine.filter((v) => v.verdict === 'MISS' && !seen.has(v)).length;
    console.log(`${name}: exit ${exit}${r ? '' : ' NO REPORT'}; errors ${c['error TRUE']} true / ${c['error FALSE']} known-false / ${c['error new']} new; warnings ${c['warning TRUE']} true / ${c['warning FALSE']} known-false / ${c['warning new']} new${lost.length ? `; LOST TRUE: ${lost.map((v) => v.first).join(', ')}` : ''}`);
    for (const l of fresh) console.log(l);
  }
  console.log(`total: errors ${tot['error TRUE']} true, ${tot['error FALSE']} known-false, ${tot['error new']} new (triage them); warnings ${tot['warning TRUE']} true, ${tot['warning FALSE']} known-false, ${tot['warning new']} new; known-true no longer reported: ${tot.lostTrue}; known misses still missed: ${tot.missed ?? 0}`);
  process.exit(0);
}

if (list) {
  for (const [name] of runs) {
    if (listRepo && !listRepo.startsWith('--') && name !== listRepo) continue;
    const r = load(name);
    if (!r) { console.log(`== ${name}: no JSON report`); continue; }
    console.log(`== ${name}`);
    let i = 0;
    for (const f of r.findings) {
      if (sevFilter && f.severity !== sevFilter) continue;
      i += 1;
      const locs = f.locations.map((l) => `${l.role ?? ''}${l.role ? '=' : ''}${loc(l)}`).join(' ');
      console.log(`${String(i).padStart(3)} ${f.severity[0].toUpperCase()} ${f.code} ${locs}\n      ${f.message.replace(/\n/g, ' ')}`);
    }
  }
  process.exit(0);
}

const rows = [];
const perRule = {};
for (const [name, , exit, secs] of runs) {
  const r = load(name);
  const c = { error: 0, warning: 0, note: 0 };
  if (r) for (const f of r.findings) {
    c[f.severity] += 1;
    const k = `${f.severity}:${f.code}`;
    (perRule[name] ??= {})[k] = (perRule[name][k] ?? 0) + 1;
  }
  // Notes go to stderr as `abidrift: note: ...` lines; count them too.
  const errPath = join(out, `${name}.json.err`);
  const err = existsSync(errPath) ? readFileSync(errPath, 'utf8').split('\n') : [];
  // Later builds print one line "N notes on inputs read in part ..." instead of each note (unless --verbose).
  const noteSummary = err.map((l) => /(\d+) notes? on inputs read in part/.exec(l)).find(Boolean);
  const stderrNotes = err.filter((l) => l.includes('note:')).length + (noteSummary ? Number(noteSummary[1]) : 0);
  const fatal = err.find((l) => l.trim() && !l.includes('note:') && !/notes? on inputs read in part/.test(l)) ?? '';
  rows.push({ name, exit, secs, report: r ? 'yes' : 'NO', ...c, pairs: r ? r.pairs.length : '-', stderrNotes, fatal: fatal.slice(0, 90) });
}
const cols = ['name', 'exit', 'secs', 'report', 'error', 'warning', 'note', 'pairs', 'stderrNotes'];
const w = cols.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
const line = (vals) => vals.map((v, i) => String(v).padEnd(w[i])).join('  ');
console.log(line(cols));
for (const r of rows) console.log(line(cols.map((k) => r[k])));
const tot = rows.reduce((a, r) => ({ error: a.error + r.error, warning: a.warning + r.warning, note: a.note + r.note }), { error: 0, warning: 0, note: 0 });
for (const r of rows) if (r.exit === '2' || r.report === 'NO') console.log(`${r.name}: ${r.fatal}`);
console.log(`total: ${tot.error} errors, ${tot.warning} warnings, ${tot.note} notes; ${rows.filter((r) => r.exit === '2').length} runs exit 2, ${rows.filter((r) => r.exit === '124').length} timed out`);
console.log('\nfindings per rule (severity:code count):');
for (const [name, m] of Object.entries(perRule)) {
  console.log(`  ${name}: ${Object.entries(m).sort().map(([k, v]) => `${k}=${v}`).join(' ')}`);
}
