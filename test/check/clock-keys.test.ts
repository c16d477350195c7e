import { describe, expect, it } from "vitest";
import { findClockKeys, mentionsClock } from "../../src/check/clock-keys.js";
import type { ClockKeyWrite } from "../../src/rules/rule.js";
import { freshSeed, rng } from "../oracles/random.js";

// The cheap test before a text is parsed for clock keys must pass every text
// whose tree holds a call of a clock helper, however the call is spelled, and
// may turn away a kernel header that only names the helpers.

const PROGRAM = (call: string) => `struct key { unsigned long long ts; };
struct { int (*type)[1]; struct key *key; } m __attribute__((section(".maps")));
int f(void *ctx)
{
	struct key k = {};
	k.ts = ${call};
	bpf_map_update_elem(&m, &k, &k, 0);
	return 0;
}
`;

describe("the test before a search for clock keys", () => {
  for (const call of ["bpf_ktime_get_ns()", "bpf_ktime_get_boot_ns ( )", "bpf_jiffies64 /* now */ ()", "bpf_ktime_get_tai_ns\n\t()", "bpf_ktime_get_coarse_ns// c\n()"]) {
    it(`lets through \`${call.replace(/\s+/g, " ")}\`, whose key the search finds`, async () => {
      const text = PROGRAM(call);
      expect(mentionsClock(text)).toBe(true);
      expect(await findClockKeys("p.bpf.c", text)).toHaveLength(1);
    });
  }

  it("turns away a header that names the helpers in types only, as bpftool's vmlinux.h does", () => {
    expect(mentionsClock("typedef u64 (*btf_bpf_ktime_get_ns)(void);\ntypedef u64 (*btf_bpf_jiffies64)(void);\nstruct bpf_ktime_get_ns_args { int x; };\n")).toBe(false);
  });
});

// The scan passes over a declaration or assignment whose text names neither
// a clock helper nor a local holding a clock, and over every call while no
// key holds a clock. Seeded functions of statements whose effect is known
// (locals named inside one another's names, clocks dropped, bucketed and
// passed along, keys written and used twice) must give the writes a model of
// those effects gives.
describe("clock keys in generated functions", () => {
  const HELPERS = ["bpf_ktime_get_ns", "bpf_ktime_get_boot_ns", "bpf_jiffies64"];
  const LOCALS = ["t", "ts", "tsx", "now", "now2"];
  const KEYS = ["k", "kk"];
  const FIELDS = ["ts", "pid"];

  interface State {
    clocks: Map<string, string>;
    writes: Map<string, { field: string; helper: string; line: number; column: number }>;
    out: ClockKeyWrite[];
  }
  /** A statement: its text, and what it does to the state, at its line. */
  type Statement = [string, (s: State, line: number) => void];

  function statement(r: () => number): Statement {
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const [v, w, k, f, h] = [pick(LOCALS), pick(LOCALS), pick(KEYS), pick(FIELDS), pick(HELPERS)];
    const write = (s: State, helper: string | undefined, line: number, column: number): void => {
      if (helper) s.writes.set(k, { field: f, helper, line, column });
    };
    const use = (call: string) => (s: State, line: number): void => {
      const w = s.writes.get(k);
      if (!w) return;
      s.out.push({ map: "m", keyVar: k, field: w.field, helper: w.helper, call, assign: { file: "p.bpf.c", line: w.line, column: w.column }, use: { file: "p.bpf.c", line, column: 2 } });
      s.writes.delete(k);
    };
    const initPair = `struct key ${k} = { `;
    return pick<Statement>([
      [`u64 ${v} = ${h}();`, (s) => void s.clocks.set(v, h)],
      [`u64 ${v} = ${h}() % 16;`, () => {}],
      [`${v} = ${h}();`, (s) => void s.clocks.set(v, h)],
      [`${v} = 0;`, (s) => void s.clocks.delete(v)],
      [`${v} = ${w};`, (s) => (s.clocks.has(w) ? void s.clocks.set(v, s.clocks.get(w)!) : void s.clocks.delete(v))],
      [`${k}.${f} = ${h}();`, (s, line) => write(s, h, line, 2)],
      [`${k}.${f} = ${w};`, (s, line) => write(s, s.clocks.get(w), line, 2)],
      [`${k}.${f} = ${w} >> 3;`, () => {}],
      [`${initPair}.${f} = ${w} };`, (s, line) => write(s, s.clocks.get(w), line, 2 + initPair.length)],
      [`${initPair}.${f} = ${h}() };`, (s, line) => write(s, h, line, 2 + initPair.length)],
      [`bpf_map_update_elem(&m, &${k}, &val, 0);`, use("bpf_map_update_elem")],
      [`m.lookup(&${k});`, use("m.lookup")],
      [`report(${v}, ${k}); // ${h}() ${w}`, () => {}],
    ]);
  }

  const seeds = [1, 2, 3, freshSeed()];
  it(`finds the writes a model of each statement gives (seeds ${seeds.join(", ")})`, async () => {
    let found = 0;
    for (const seed of seeds) {
      const r = rng(seed);
      for (let p = 0; p < 20; p++) {
        const s: State = { clocks: new Map(), writes: new Map(), out: [] };
        let text = "struct key { unsigned long long ts; unsigned pid; };\n";
        let line = 2;
        for (let fn = 0; fn < 4; fn++) {
          s.clocks.clear();
          s.writes.clear();
          text += `int f${fn}(void *ctx)\n{\n`;
          line += 2;
          for (let i = 0; i < 12; i++) {
            const [code, effect] = statement(r);
            text += `\t${code}\n`;
            effect(s, line++);
          }
          text += "\treturn 0;\n}\n";
          line += 2;
        }
        expect(await findClockKeys("p.bpf.c", text), `seed ${seed}, program ${p}:\n${text}`).toEqual(s.out);
        found += s.out.length;
      }
    }
    expect(found).toBeGreaterThan(seeds.length * 10);
  });
});
