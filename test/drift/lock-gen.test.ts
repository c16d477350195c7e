// `gen ts` from a lock gives the module `gen ts` gives from the object the
// lock was snapshotted from: for every struct and union of every BPF fixture
// (bitfields, anonymous members, unions, enums, floats, packed and aligned
// types, flexible arrays) plus a network header with __be16/__be32 members,
// each built by clang here, the two modules are identical but for the
// source the header names.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { findAggregate, generateModule } from "../../src/codegen/ts/index.js";
import { InputError } from "../../src/ir/errors.js";
import { lockGraph } from "../../src/drift/lock-graph.js";
import { formatLock, parseLock, typeLabel } from "../../src/drift/lock.js";
import { snapshot } from "../../src/drift/snapshot.js";
import { readBpfObjects } from "../../src/readers/object/index.js";
import { compileBpf, HAVE_CLANG } from "../check/repo.js";

const NETWORK = `#include <linux/types.h>
#define SEC(n) __attribute__((section(n), used))
struct flow_event {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__u8 proto;
	unsigned int syn : 1, ack : 1, window : 14;
	union { __u64 bytes; struct { __u32 lo, hi; } halves; };
	__le16 le;
	char ifname[16];
};
struct flow_event *unused_flow_event __attribute__((unused));
SEC("tc") int classify(void *ctx) { return 0; }
char LICENSE[] SEC("license") = "GPL";
`;

function objects(): string[] {
  const dir = mkdtempSync(join(tmpdir(), "abidrift-lockgen-"));
  const sources = readdirSync("fixtures/bpf").filter((f) => f.endsWith(".bpf.c")).map((f) => join("fixtures/bpf", f));
  writeFileSync(join(dir, "network.bpf.c"), NETWORK);
  return [...sources, join(dir, "network.bpf.c")].map((src) => {
    const out = join(dir, basename(src).replace(/\.c$/, ".o"));
    compileBpf(src, out);
    return out;
  });
}

/** A module without the header line that names its source. */
const body = (text: string, source: string): string => text.split(source).join("SOURCE");

describe.skipIf(!HAVE_CLANG)("gen ts from a lock equals gen ts from its object (needs clang-16)", () => {
  const objs = HAVE_CLANG ? objects() : [];

  it.each(objs.map((o) => [basename(o), o]))("%s", (_, object) => {
    const modules = readBpfObjects(readFileSync(object), object);
    const text = formatLock(snapshot(modules).lock);
    const lockFile = `${object}.lock.json`;
    const fromLock = lockGraph(parseLock(text, lockFile), lockFile);
    const graph = modules[0]!.graph;
    let compared = 0;
    for (const t of parseLock(text, lockFile).types) {
      if (t.kind === "enum") continue;
      const label = typeLabel(t);
      const a = findAggregate(graph, label)!;
      const b = findAggregate(fromLock, label);
      expect(b?.cName, label).toBe(a.cName);
      let want: string;
      try {
        want = generateModule(graph, a.id, a.cName, { source: object }).text;
      } catch (e) {
        // What the object cannot give, the lock must refuse too.
        expect(e).toBeInstanceOf(InputError);
        expect(() => generateModule(fromLock, b!.id, b!.cName, { source: lockFile })).toThrow(InputError);
        continue;
      }
      const got = generateModule(fromLock, b!.id, b!.cName, { source: lockFile }).text;
      expect(body(got, lockFile), label).toBe(body(want, object));
      compared++;
    }
    expect(compared).toBeGreaterThan(0);
  });

  it("a lock without scalars, from before they were recorded, says to snapshot again", () => {
    const lock = snapshot(readBpfObjects(readFileSync(objs[0]!), objs[0]!)).lock;
    delete lock.scalars;
    expect(() => lockGraph(lock, "old.lock.json")).toThrow(/snapshot/);
  });
});
