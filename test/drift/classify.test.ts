// Drift classes from real objects: each program is built by clang before and
// after one kind of edit, both objects are snapshotted as `snapshot` does,
// and the classification must say what libabigail's abidiff would.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { classify, type Drift } from "../../src/drift/classify.js";
import { snapshot } from "../../src/drift/snapshot.js";
import { buildObjects, clangAvailable, modulesOf, program } from "./build.js";

const EVENT = "struct event { __u32 pid; __u32 tgid; __u64 ts; char comm[16]; };";
const KEY = "struct key { __u32 ifindex; __u16 proto; };";

interface Edit {
  name: string;
  before: string;
  after: string;
  /** Drift expected, as `kind subject[.member] class`. */
  expect: string[];
}

const base = program(`${EVENT}\n${KEY}`);
const EDITS: Edit[] = [
  {
    name: "widen an event member",
    before: base,
    after: program(`struct event { __u64 pid; __u32 tgid; __u64 ts; char comm[16]; };\n${KEY}`),
    expect: ["size-changed struct event breaking", "member-resized struct event.pid breaking", "member-moved struct event.tgid breaking", "member-moved struct event.ts breaking", "member-moved struct event.comm breaking"],
  },
  {
    name: "reorder two event members",
    before: base,
    after: program(`struct event { __u32 tgid; __u32 pid; __u64 ts; char comm[16]; };\n${KEY}`),
    expect: ["member-moved struct event.pid breaking", "member-moved struct event.tgid breaking"],
  },
  {
    name: "remove an event member",
    before: base,
    after: program(`struct event { __u32 pid; __u64 ts; char comm[16]; };\n${KEY}`),
    expect: ["member-removed struct event.tgid breaking"],
  },
  {
    name: "retype a member at the same size",
    before: base,
    after: program(`struct event { __s32 pid; __u32 tgid; __u64 ts; char comm[16]; };\n${KEY}`),
    expect: ["member-retyped struct event.pid breaking"],
  },
  {
    name: "add a member in a hole",
    before: program(`struct event { __u32 pid; __u64 ts; };\n${KEY}`),
    after: program(`struct event { __u32 pid; __u32 flags; __u64 ts; };\n${KEY}`),
    expect: ["member-added-in-padding struct event.flags compatible"],
  },
  {
    name: "add a member in the key's tail padding",
    before: base,
    after: program(`${EVENT}\nstruct key { __u32 ifindex; __u16 proto; __u16 vlan; };`),
    expect: ["member-added-in-padding struct key.vlan compatible"],
  },
  {
    name: "add a member at the end of the event",
    before: base,
    after: program(`struct event { __u32 pid; __u32 tgid; __u64 ts; char comm[16]; __u64 cgroup; };\n${KEY}`),
    expect: ["member-appended struct event.cgroup compatible"],
  },
  {
    name: "add a member at the end of a map key",
    before: base,
    after: program(`${EVENT}\nstruct key { __u32 ifindex; __u16 proto; __u16 vlan; __u32 mark; };`),
    expect: ["map-key-changed map counts breaking", "member-added-in-padding struct key.vlan compatible", "member-appended-to-map-type struct key.mark breaking"],
  },
  {
    name: "change a map's key type",
    before: base,
    after: program(`${EVENT}\n${KEY}`, "__u64"),
    expect: ["map-key-changed map counts breaking", "type-removed struct key breaking"],
  },
  {
    name: "add a map",
    before: base,
    after: program(`${EVENT}\n${KEY}`, "struct key", `struct { __uint(type, 2); __uint(max_entries, 1); __type(key, __u32); __type(value, __u32); } config SEC(".maps");`),
    expect: ["map-added map config compatible"],
  },
  {
    name: "grow a map's max_entries",
    before: base,
    after: base.replace("__uint(max_entries, 64)", "__uint(max_entries, 128)"),
    expect: ["map-max-entries-changed map counts compatible"],
  },
  {
    name: "add an enum value, change another",
    before: program(`${EVENT}\n${KEY}\nenum state { IDLE, BUSY }; const enum state *unused_state __attribute__((unused));`),
    after: program(`${EVENT}\n${KEY}\nenum state { IDLE, BUSY = 4, DONE }; const enum state *unused_state __attribute__((unused));`),
    expect: ["enum-value-changed enum state.BUSY breaking", "enum-value-added enum state.DONE compatible"],
  },
];

function describeDrift(d: Drift): string {
  return `${d.kind} ${d.subject}${d.member ? `.${d.member}` : ""} ${d.class}`;
}

describe.skipIf(!clangAvailable)("drift classes from clang-built objects (clang-16 missing: skipped)", () => {
  const root = mkdtempSync(join(tmpdir(), "abidrift-edits-"));
  const build = (name: string, sources: Record<string, string>) => {
    const dir = join(root, name);
    mkdirSync(dir);
    return buildObjects(sources, dir);
  };
  // Built in beforeAll, not while collecting, so a missing clang skips rather than crashes.
  let before = "";
  let after = "";
  let again = "";
  beforeAll(() => {
    before = build("before", Object.fromEntries(EDITS.map((e, i) => [`p${i}`, e.before])));
    after = build("after", Object.fromEntries(EDITS.map((e, i) => [`p${i}`, e.after])));
    again = build("again", { p0: base });
  });

  EDITS.forEach((e, i) => {
    it(e.name, () => {
      const old = snapshot(modulesOf(before, `p${i}`)).lock;
      const now = snapshot(modulesOf(after, `p${i}`)).lock;
      expect(classify(old, now).map(describeDrift).sort()).toEqual([...e.expect].sort());
    });
  });

  it("no edit, no drift: the same program built twice", () => {
    const old = snapshot(modulesOf(before, "p0")).lock;
    expect(classify(old, snapshot(modulesOf(again, "p0")).lock)).toEqual([]);
  });
});
