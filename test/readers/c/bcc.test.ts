import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TARGETS } from "../../../src/ir/targets.js";
import { BCC_MACROS, type BccArg } from "../../../src/readers/c/bcc.js";
import { readCSource } from "../../../src/readers/c/index.js";
import { hasTool } from "../../oracles/bpftool.js";

// BCC's map macros as the reader knows them must be BCC's own: every
// variant of every macro in the helpers.h compiled into the installed libbcc
// (read out of the library's strings) is expanded by hand from its
// definition, `BPF_HASH2(_name, _key_type)` into `BPF_TABLE("hash",
// _key_type, u64, _name, 10240)`, and compared with the reader's table.

// The library is read with binutils' strings, so both must be there.
const LIBBCC = hasTool("strings") ? ["/usr/lib/x86_64-linux-gnu/libbcc.so.0", "/usr/lib/aarch64-linux-gnu/libbcc.so.0"].find((p) => existsSync(p)) : undefined;

/** `#define NAME(params) BODY` of helpers.h, continuation lines joined. */
function helperDefines(lib: string): Map<string, { params: string[]; body: string }> {
  const text = spawnSync("strings", ["-n", "3", lib], { encoding: "utf8", maxBuffer: 1 << 28 }).stdout.replace(/\\\n/g, " ");
  const defs = new Map<string, { params: string[]; body: string }>();
  for (const m of text.matchAll(/^#define (BPF_\w+)\(([^)]*)\)\s*(.*)$/gm)) {
    if (!defs.has(m[1]!)) defs.set(m[1]!, { params: m[2]!.split(",").map((p) => p.trim()), body: m[3]!.trim() });
  }
  return defs;
}

function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const c of s) {
    if (c === "(") depth++;
    if (c === ")") depth--;
    if (c === "," && depth === 0) {
      out.push(cur.trim());
      cur = "";
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

/** The BPF_TABLE/BPF_F_TABLE call a variant expands to, as table/key/leaf/max/flags with parameters named. */
function tableCall(def: { params: string[]; body: string }): Record<string, string> | undefined {
  const m = /^BPF_(F_)?TABLE\((.*)\)$/.exec(def.body);
  if (!m) return undefined;
  const a = splitArgs(m[2]!);
  return { table: a[0]!, key: a[1]!, leaf: a[2]!, name: a[3]!, max: a[4]!, flags: a[5] ?? "0" };
}

// The variant names helpers.h gives each macro's arities.
const VARIANT_PREFIX: Record<string, string> = { BPF_HISTOGRAM: "BPF_HIST" };

describe.skipIf(!LIBBCC)("BCC map macros agree with the installed helpers.h (needs libbcc and strings)", () => {
  const defs = LIBBCC ? helperDefines(LIBBCC) : new Map();
  for (const [macro, info] of Object.entries(BCC_MACROS)) {
    if (macro === "BPF_TABLE" || macro === "BPF_F_TABLE") continue;
    for (const [count, shape] of Object.entries(info.variants)) {
      const variant = defs.get(`${VARIANT_PREFIX[macro] ?? macro}${count}`) ?? (Object.keys(info.variants).length === 1 ? defs.get(macro) : undefined);
      it.skipIf(!variant)(`${macro} with ${count} arguments`, () => {
        expect(variant!.params.length).toBe(Number(count));
        const roles = Object.fromEntries(variant!.params.map((p: string, i: number) => [p, shape[i] as BccArg]));
        const call = tableCall(variant!);
        if (call) {
          // Each BPF_TABLE argument is either one of ours by role, or BCC's default, which must be ours.
          const check = (role: "key" | "leaf" | "max" | "flags", arg: string): void => {
            if (roles[arg] !== undefined) expect(roles[arg]).toBe(role);
            else if (role === "max" && info.maxIs === "pow2") expect(arg).toMatch(/^roundup_pow_of_two\(\w+\)$/);
            else if (role === "flags" && arg === "BPF_F_NO_PREALLOC") expect(info.flags).toBe("1");
            else expect(info[role] ?? (role === "flags" ? "0" : undefined)).toBe(arg);
          };
          expect(JSON.parse(call.table!)).toBe(info.table);
          expect(roles[call.name!]).toBe("name");
          check("key", call.key!);
          check("leaf", call.leaf!);
          check("max", call.max!);
          check("flags", call.flags!);
        } else {
          // Output macros define their table struct themselves: `int key; u32 leaf;`.
          expect(variant!.body).toContain(`section("maps/${info.table}")`);
          expect(variant!.body).toMatch(new RegExp(`${info.key} key;\\s*${info.leaf} leaf;`));
        }
      });
    }
  }
});

describe("BCC map macros read from source", () => {
  it("find every use, multi-line ones included, with the source's key types", async () => {
    const src = `struct key_t { u32 pid; char comm[16]; };
BPF_HASH(start, u32);
BPF_HASH(counts, struct key_t, u64, 512);
BPF_ARRAY(arr, struct key_t, 8);
BPF_HISTOGRAM(dist);
BPF_HISTOGRAM(dist2, struct key_t, 32);
BPF_PERF_OUTPUT(events);
BPF_RINGBUF_OUTPUT(rb, 8);
BPF_STACK_TRACE(stacks, 1000);
BPF_F_TABLE("lru_hash", u32,
   u64, fh, 64, 1);
`;
    const r = await readCSource("/virtual/bcc.c", { target: TARGETS.bpfel, files: { "/virtual/bcc.c": src } });
    expect(r.problems).toEqual([]);
    // Sizes and defaults are checked against helpers.h above; here, that every use is found where it is written.
    const uses = [...src.matchAll(/(BPF_\w+)\(([^;]*)\);/g)].map((m) => {
      const args = m[2]!.split(",").map((x) => x.trim());
      return [/TABLE$/.test(m[1]!) ? args[3] : args[0], src.slice(0, m.index).split("\n").length];
    });
    expect(r.maps.map((m) => [m.name, m.loc?.line])).toEqual(uses);
    expect(r.maps.find((m) => m.name === "fh")).toMatchObject({ type: "lru_hash", flags: 1, maxEntries: 64 });
    const counts = r.maps.find((m) => m.name === "counts")!;
    expect(r.graph.type(counts.keyType!)).toMatchObject({ kind: "struct", name: "key_t" });
  });

  it("takes names Object's prototype has (valueOf, toString, constructor) for plain C, not map macros", async () => {
    const src = "int valueOf(int x);\nstruct s { int toString; int constructor; };\nBPF_HASH(m, u32);\n";
    const r = await readCSource("/virtual/proto.c", { target: TARGETS.bpfel, files: { "/virtual/proto.c": src } });
    expect(r.maps.map((m) => m.name)).toEqual(["m"]);
    const s = r.graph.find("s").map((id) => r.graph.type(id));
    expect(s).toMatchObject([{ kind: "struct", size: 8, members: [{ name: "toString" }, { name: "constructor" }] }]);
  });
});
