import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { sizeOf } from "../../../src/ir/graph.js";
import { TARGETS } from "../../../src/ir/targets.js";
import { readCSource } from "../../../src/readers/c/index.js";
import { findRecordEmits, liftLocalRecords } from "../../../src/readers/c/records.js";
import { CLANG, clangAvailable, tempSource } from "../../oracles/clang.js";
import { freshSeed, rng } from "../../oracles/random.js";
import type { RecordEmit } from "../../../src/ir/bindings.js";

// Each way BPF C hands a record to a ring or perf buffer, libbpf's helpers
// and BCC's map methods, in one program: the site found, the map it goes
// to and the record's type as the code declares it. Each call is marked
// with the answer in a comment on its line, so the expectation is read
// from the source, not kept beside it.

const SOURCE = `
struct event { int pid; long ts; };
typedef struct event event_t;
struct { int type; } rb SEC(".maps"), events SEC(".maps");
BPF_PERF_OUTPUT(perfev);
BPF_RINGBUF_OUTPUT(ring, 8);

SEC("tp") int libbpf(void *ctx) {
	struct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0); // rb struct event
	struct event ev;
	bpf_ringbuf_output(&rb, &ev, sizeof(ev), 0); // rb struct event
	event_t x;
	bpf_perf_event_output(ctx, &events, 0, &x, sizeof(x)); // events event_t
	struct event *p;
	p = (struct event *)bpf_ringbuf_reserve(&rb, sizeof(struct event), 0); // rb struct event
	bpf_perf_event_output(ctx, &events, 0, p, sizeof(*p)); // events struct event
	bpf_ringbuf_submit(e, 0);
	return 0;
}

int bcc(struct pt_regs *ctx, struct event *arg) {
	struct event data = {};
	perfev.perf_submit(ctx, &data, sizeof(data)); // perfev struct event
	ring.ringbuf_output(&data, sizeof(data), 0); // ring struct event
	struct event *r = ring.ringbuf_reserve(sizeof(struct event)); // ring struct event
	perfev.perf_submit(ctx, arg, sizeof(*arg)); // perfev struct event
	return 0;
}
`;

describe("emit sites", () => {
  it("finds every helper and BCC method call with its map and record type", async () => {
    const lines = SOURCE.split("\n");
    const marked = lines.flatMap((l, i) => {
      const m = /\/\/ (\w+) (.+)$/.exec(l);
      return m ? [{ line: i + 1, map: m[1]!, type: m[2]! }] : [];
    });
    const sites = await findRecordEmits("prog.bpf.c", SOURCE);
    expect(sites.map((s) => ({ line: s.loc.line, map: s.map, type: s.type }))).toEqual(marked);
    for (const s of sites) {
      // The column is the call's, 1-based.
      expect(lines[s.loc.line! - 1]!.slice(s.loc.column! - 1)).toMatch(new RegExp(`^${s.call.replace(".", "\\.")}\\(`));
    }
  });

  // The file's test for any emit at all was a list of its own, without perf_submit_skb.
  it("finds an emit of each helper and method in a file that has only that one", async () => {
    const calls: [string, string][] = [
      ["bpf_ringbuf_output(&rb, &ev, sizeof(ev), 0);", "bpf_ringbuf_output"],
      ["bpf_perf_event_output(ctx, &rb, 0, &ev, sizeof(ev));", "bpf_perf_event_output"],
      ["rb.perf_submit(ctx, &ev, sizeof(ev));", "rb.perf_submit"],
      ["rb.perf_submit_skb(ctx, &ev, sizeof(ev));", "rb.perf_submit_skb"],
      ["rb.ringbuf_output(&ev, sizeof(ev), 0);", "rb.ringbuf_output"],
    ];
    for (const [call, name] of calls) {
      const sites = await findRecordEmits("one.c", `struct event { int pid; };\nint f(void *ctx) {\n\tstruct event ev = {};\n\t${call}\n\treturn 0;\n}\n`);
      expect(sites.map((s) => [s.call, s.map, s.type, s.loc.line])).toEqual([[name, "rb", "struct event", 4]]);
    }
  });

  it("finds nothing in C that only looks a map up", async () => {
    expect(await findRecordEmits("x.c", "int f(void) { return bpf_map_lookup_elem(0, 0) != 0; }")).toEqual([]);
  });

  // A call whose text names no helper or method is passed over, and the
  // declarations are read only when a call that may emit comes. Seeded
  // functions of parameters, declarations (some declaring a name again) and
  // calls, emitting or not, whose results a model of each statement gives.
  const seeds = [1, 2, 3, freshSeed()];
  it(`finds the emits a model of each statement gives (seeds ${seeds.join(", ")})`, async () => {
    const VARS = ["e", "ev", "data", "d"];
    const TYPES = ["struct event", "struct ev_big", "event_t"];
    type Vars = Map<string, { type: string; pointers: number }>;
    /** A statement: its text, and what it declares or emits at its line. */
    type Statement = [string, (vars: Vars, line: number) => RecordEmit | undefined];
    let found = 0;
    for (const seed of seeds) {
      const r = rng(seed);
      const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
      const emit = (map: string, call: string, type: string, line: number, column: number): RecordEmit => ({ map, call, type, loc: { file: "p.bpf.c", line, column } });
      const typeOf = (vars: Vars, v: string, pointers: number): string => (vars.get(v)?.pointers === pointers ? vars.get(v)!.type : "");
      const statement = (): Statement => {
        const [v, t] = [pick(VARS), pick(TYPES)];
        return pick<Statement>([
          [`${t} ${v};`, (vars) => void vars.set(v, { type: t, pointers: 0 })],
          [`${t} *${v};`, (vars) => void vars.set(v, { type: t, pointers: 1 })],
          [`bpf_ringbuf_output(&rb, &${v}, sizeof(${v}), 0);`, (vars, line) => emit("rb", "bpf_ringbuf_output", typeOf(vars, v, 0), line, 2)],
          [`bpf_perf_event_output(ctx, &events, 0, ${v}, sizeof(*${v}));`, (vars, line) => emit("events", "bpf_perf_event_output", typeOf(vars, v, 1), line, 2)],
          [`${v} = bpf_ringbuf_reserve(&rb, sizeof(*${v}), 0);`, (vars, line) => emit("rb", "bpf_ringbuf_reserve", typeOf(vars, v, 1), line, 2 + `${v} = `.length)],
          [`events.perf_submit(ctx, ${v}, sizeof(*${v}));`, (vars, line) => emit("events", "events.perf_submit", typeOf(vars, v, 1), line, 2)],
          [`skbs.perf_submit_skb(ctx, &${v}, sizeof(${v}));`, (vars, line) => emit("skbs", "skbs.perf_submit_skb", typeOf(vars, v, 0), line, 2)],
          [`log(bpf_ringbuf_reserve(&rb, 8, 0));`, (_vars, line) => emit("rb", "bpf_ringbuf_reserve", "", line, 2 + "log(".length)],
          [`bpf_ringbuf_submit(${v}, 0); // bpf_ringbuf_output(&rb, &${v}, 8, 0)`, () => undefined],
          [`log(&${v}, ringbuf_output_count);`, () => undefined],
        ]);
      };
      for (let p = 0; p < 20; p++) {
        const expected: RecordEmit[] = [];
        let text = "";
        let line = 1;
        for (let fn = 0; fn < 3; fn++) {
          const vars: Vars = new Map();
          const params = VARS.filter(() => r() < 0.3).map((v) => {
            const t = pick(TYPES);
            vars.set(v, { type: t, pointers: 1 });
            return `${t} *${v}`;
          });
          text += `int f${fn}(void *ctx${params.map((p) => `, ${p}`).join("")})\n{\n`;
          line += 2;
          for (let i = 0; i < 10; i++) {
            const [code, effect] = statement();
            text += `\t${code}\n`;
            const e = effect(vars, line++);
            if (e) expected.push(e);
          }
          text += "\treturn 0;\n}\n";
          line += 2;
        }
        expect(await findRecordEmits("p.bpf.c", text), `seed ${seed}, program ${p}:\n${text}`).toEqual(expected);
        found += expected.filter((e) => e.type !== "").length;
      }
    }
    expect(found).toBeGreaterThan(seeds.length * 20);
  });
});

// A struct defined in the function that emits it, inside a nested block,
// with a file-scope struct after the function: both laid out as clang lays
// out the same text, the local one named after its variable and line.
const LOCAL = `typedef unsigned int u32; typedef unsigned long long u64;
struct { int type; } events SEC(".maps");
SEC("tp") int probe(void *ctx) {
	if (ctx) {
		struct {
			u32 pid;
			u64 ts;
			char comm[16];
		} data = {};
		bpf_perf_event_output(ctx, &events, 0, &data, sizeof(data));
	}
	return 0;
}
struct after { char c; u64 v; };
`;

describe.skipIf(!clangAvailable)("a struct defined in the emitting function (clang-16 as the oracle)", () => {
  it("is laid out in place, and what follows the function still is", async () => {
    const lifted = await liftLocalRecords(LOCAL);
    expect(lifted.split("\n").length).toBe(LOCAL.split("\n").length);
    const r = await readCSource("/virtual/local.bpf.c", { target: TARGETS.bpfel, files: { "/virtual/local.bpf.c": LOCAL } });
    const declLine = LOCAL.split("\n").findIndex((l) => l.includes("struct {") && !l.includes("type")) + 1;
    const [site] = r.records;
    expect(site?.type).toBe(`struct anon_data_at_line_${declLine}`);
    const layout = (name: string): number[] => {
      const id = r.graph.find(name).find((i) => r.graph.type(i).kind === "struct")!;
      const t = r.graph.type(id);
      return t.kind === "struct" ? [sizeOf(r.graph, id), ...t.members.map((m) => m.bitOffset / 8)] : [];
    };
    // clang's layouts of the same text, SEC() spelt as the attribute it stands for.
    const path = tempSource(`#define SEC(s) __attribute__((section(s)))\nvoid bpf_perf_event_output(void *, void *, unsigned long long, void *, unsigned long long);\n${LOCAL}\nstruct after used_after;\n`);
    const dump = spawnSync(CLANG, ["-target", "bpfel", "-S", "-emit-llvm", "-o", "/dev/null", "-w", "-Xclang", "-fdump-record-layouts-simple", path], { encoding: "utf8" }).stdout;
    const clang = (type: string): number[] => {
      const m = new RegExp(`Type: ${type.replace(/[()]/g, "\\$&")}\\n\\nLayout: <ASTRecordLayout\\n\\s+Size:(\\d+)\\n(?:\\s+\\w+:\\d+\\n)*?\\s+FieldOffsets: \\[([^\\]]*)\\]>`).exec(dump)!;
      return [Number(m[1]) / 8, ...m[2]!.split(",").map((s) => Number(s.trim()) / 8)];
    };
    expect(layout(`anon_data_at_line_${declLine}`)).toEqual(clang(`struct (unnamed at ${path}:${declLine + 2}:3)`));
    expect(layout("after")).toEqual(clang("struct after"));
  });
});
