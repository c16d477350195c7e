// Every libbpf-tools binary (Debian's /usr/sbin/execsnoop and siblings
// carry their BPF object inside, as `bpftool gen skeleton` embeds it): the
// objects abidrift finds are where an independent scan of the file finds
// them, their BTF equals bpftool's dump of the extracted bytes, and their
// maps equal what libbpf reads from the same bytes.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readBpfObjects } from "../../../src/readers/object/index.js";
import { bpftoolDump, HAVE_BPFTOOL } from "../../oracles/bpftool.js";
import { HAVE_LIBBPF, libbpfMaps } from "../../oracles/libbpf.js";
import { scratchDir } from "../btf/compile.js";
import { diffByName, diffGraph, report, uniqueAggregates } from "../btf/compare.js";
import { diffMaps } from "./compare-maps.js";

function libbpfTools(): string[] {
  try {
    return execFileSync("dpkg", ["-L", "libbpf-tools"], { encoding: "utf8" })
      .split("\n")
      .filter((p) => p.startsWith("/usr/sbin/"));
  } catch {
    return [];
  }
}

/**
 * Embedded EM_BPF objects found without abidrift's ELF reader: each ELF
 * header in the file whose machine is EM_BPF (247), 64-bit little-endian,
 * spanning up to the end of its section header table.
 */
function scanEmbedded(bytes: Buffer): { offset: number; length: number }[] {
  const out: { offset: number; length: number }[] = [];
  for (let at = bytes.indexOf("\x7fELF", 1, "latin1"); at !== -1; at = bytes.indexOf("\x7fELF", at + 1, "latin1")) {
    if (at + 64 > bytes.length || bytes[at + 4] !== 2 || bytes[at + 5] !== 1 || bytes.readUInt16LE(at + 18) !== 247) continue;
    const shoff = Number(bytes.readBigUInt64LE(at + 0x28));
    out.push({ offset: at, length: shoff + bytes.readUInt16LE(at + 0x3a) * bytes.readUInt16LE(at + 0x3c) });
  }
  return out;
}

const TOOLS = libbpfTools();

describe.skipIf(TOOLS.length === 0 || !HAVE_BPFTOOL)("libbpf-tools binaries against bpftool and libbpf (skipped without libbpf-tools or bpftool)", () => {
  interface Tool {
    path: string;
    bytes: Buffer;
    found: { offset: number; length: number }[];
  }
  let tools: Tool[];
  beforeAll(() => {
    tools = TOOLS.map((path) => {
      const bytes = readFileSync(path);
      return { path, bytes, found: scanEmbedded(bytes) };
    });
  });

  it("finds the embedded objects where a scan of the file finds them", () => {
    const diffs: string[] = [];
    for (const t of tools) {
      const ours = readBpfObjects(t.bytes, t.path).map((m) => m.offset);
      const theirs = t.found.map((f) => f.offset);
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) diffs.push(`${t.path}: abidrift at ${ours}, scan at ${theirs}`);
    }
    expect(tools.filter((t) => t.found.length > 0).length).toBeGreaterThan(50);
    expect(report(diffs)).toBe("");
  });

  it("reads every embedded object's BTF with bpftool's figures", () => {
    const dir = scratchDir("libbpf-tools");
    const diffs: string[] = [];
    for (const t of tools) {
      const modules = readBpfObjects(t.bytes, t.path);
      t.found.forEach((f, i) => {
        const extracted = join(dir, `${basename(t.path)}.${i}.o`);
        writeFileSync(extracted, t.bytes.subarray(f.offset, f.offset + f.length));
        const records = bpftoolDump(extracted);
        const graph = modules[i]!.graph;
        for (const d of diffGraph(graph, records, { full: true })) diffs.push(`${t.path}#${i}: ${d}`);
        for (const d of diffByName(graph, uniqueAggregates(records))) diffs.push(`${t.path}#${i}: ${d}`);
      });
    }
    expect(report(diffs)).toBe("");
  });

  it.skipIf(!HAVE_LIBBPF)("reads every embedded object's maps as libbpf does (skipped without gcc or libbpf-dev)", () => {
    const diffs: string[] = [];
    for (const t of tools) {
      const modules = readBpfObjects(t.bytes, t.path);
      t.found.forEach((f, i) => {
        // The skeleton opens its object as `<tool>_bpf`, which names its global maps.
        const theirs = libbpfMaps(t.path, { ...f, name: `${basename(t.path)}_bpf` });
        diffs.push(...diffMaps(modules[i]!.maps, theirs, `${t.path}#${i}`));
      });
    }
    expect(report(diffs)).toBe("");
  });
});
