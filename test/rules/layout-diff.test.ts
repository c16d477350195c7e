import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkFiles } from "../../src/check/run.js";
import { freshSeed } from "../readers/btf/random-structs.js";
import { rng } from "../oracles/random.js";

// The struct comparison (src/rules/layout-diff.ts, through struct-mismatch)
// against clang: seeded random C structs are compiled for bpfel in one run,
// bpftool reads their BTF, and a Go twin is written from bpftool's offsets
// the way bpf2go would (`_ [N]byte` in every hole and at the tail). The
// faithful twins must check clean; each twin with one random mutation must
// fail struct-mismatch once, on the line the mutation broke.
// ABIDRIFT_SEED=N replays the fresh seed a failing run printed.

const CLANG = "clang-16";
const have = (tool: string, arg: string): boolean => spawnSync(tool, [arg], { stdio: "ignore" }).status === 0;
const missing = !have(CLANG, "--version") ? `${CLANG} not found` : !have("bpftool", "version") ? "bpftool not found" : "";

const STRUCTS = 40;
const FIXED_SEEDS = [1, 2, 3, 0x5eed];
const SEEDS = [...FIXED_SEEDS, freshSeed()];


// The C spellings and their Go twins, by the kernel's fixed-width names.
const SCALARS: { c: string; go: string; bits: number; signed: boolean }[] = [8, 16, 32, 64].flatMap((bits) => [
  { c: `__u${bits}`, go: `uint${bits}`, bits, signed: false },
  { c: `__s${bits}`, go: `int${bits}`, bits, signed: true },
]);
const scalar = (bits: number, signed: boolean) => SCALARS.find((s) => s.bits === bits && s.signed === signed)!;

type Member =
  | { kind: "scalar"; name: string; t: (typeof SCALARS)[number] }
  | { kind: "array"; name: string; t: (typeof SCALARS)[number] | "char"; n: number }
  | { kind: "nested"; name: string; struct: string };

interface CStruct {
  name: string;
  members: Member[];
}

function generate(rand: () => number, prefix: string): { helpers: CStruct[]; structs: CStruct[] } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const helpers: CStruct[] = [];
  const members = (n: number, nest: boolean): Member[] =>
    Array.from({ length: n }, (_, i): Member => {
      const r = rand();
      const name = `f${i}`;
      if (nest && helpers.length && r < 0.15) return { kind: "nested", name, struct: pick(helpers).name };
      if (r < 0.3) return { kind: "array", name, t: rand() < 0.5 ? "char" : pick(SCALARS), n: 1 + Math.floor(rand() * 7) };
      return { kind: "scalar", name, t: pick(SCALARS) };
    });
  for (let i = 0; i < 6; i++) helpers.push({ name: `${prefix}_in${i}`, members: members(1 + Math.floor(rand() * 4), false) });
  const structs = Array.from({ length: STRUCTS }, (_, i) => ({ name: `${prefix}_s${i}`, members: members(1 + Math.floor(rand() * 8), true) }));
  return { helpers, structs };
}

function cSource(helpers: CStruct[], structs: CStruct[]): string {
  const decl = (m: Member): string =>
    m.kind === "scalar" ? `${m.t.c} ${m.name};` : m.kind === "array" ? `${m.t === "char" ? "char" : m.t.c} ${m.name}[${m.n}];` : `struct ${m.struct} ${m.name};`;
  const typedefs = SCALARS.map((s) => `typedef ${s.signed ? "signed" : "unsigned"} ${({ 8: "char", 16: "short", 32: "int", 64: "long long" } as const)[s.bits as 8]} ${s.c};`);
  const body = [...helpers, ...structs].map((s) => `struct ${s.name} {\n${s.members.map((m) => `\t${decl(m)}`).join("\n")}\n};`);
  const uses = structs.map((s) => `struct ${s.name} g_${s.name} __attribute__((used));`);
  return [...typedefs, ...body, ...uses].join("\n") + "\n";
}

interface BtfType {
  id: number;
  kind: string;
  name: string;
  size?: number;
  type_id?: number;
  nr_elems?: number;
  members?: { name: string; type_id: number; bits_offset: number }[];
}

/** bpftool's reading of the object: each struct's size and its members' byte offsets and sizes. */
function btfLayouts(object: string): Map<string, { size: number; members: { offset: number; size: number }[] }> {
  const types = (JSON.parse(execFileSync("bpftool", ["-j", "btf", "dump", "file", object], { encoding: "utf8", maxBuffer: 64 << 20 })) as { types: BtfType[] }).types;
  const byId = new Map(types.map((t) => [t.id, t]));
  const sizeOf = (id: number): number => {
    const t = byId.get(id)!;
    if (t.kind === "TYPEDEF" || t.kind === "CONST" || t.kind === "VOLATILE") return sizeOf(t.type_id!);
    if (t.kind === "ARRAY") return t.nr_elems! * sizeOf(t.type_id!);
    return t.size!;
  };
  const out = new Map<string, { size: number; members: { offset: number; size: number }[] }>();
  for (const t of types) {
    if (t.kind === "STRUCT") out.set(t.name, { size: t.size!, members: t.members!.map((m) => ({ offset: m.bits_offset / 8, size: sizeOf(m.type_id) })) });
  }
  return out;
}

type Mutation = "widen" | "narrow" | "drop" | "swap" | "sign";

interface GoField {
  name: string;
  type: string;
  /** The C member it stands for, for mutations; absent for padding. */
  member?: Member;
  size: number;
}

/** A Go struct body from bpftool's layout: the members in order, padding where C has holes and at the tail. */
function goFields(s: CStruct, byName: Map<string, CStruct>, layout: ReturnType<typeof btfLayouts>, indent: string): GoField[] {
  const l = layout.get(s.name)!;
  const fields: GoField[] = [];
  let at = 0;
  s.members.forEach((m, i) => {
    const { offset, size } = l.members[i]!;
    if (offset > at) fields.push({ name: "_", type: `[${offset - at}]byte`, size: offset - at });
    const type =
      m.kind === "scalar"
        ? m.t.go
        : m.kind === "array"
          ? `[${m.n}]${m.t === "char" ? "int8" : m.t.go}`
          : goStruct(goFields(byName.get(m.struct)!, byName, layout, `${indent}\t`), indent);
    fields.push({ name: `F${i}`, type, member: m, size });
    at = offset + size;
  });
  if (l.size > at) fields.push({ name: "_", type: `[${l.size - at}]byte`, size: l.size - at });
  return fields;
}

function goStruct(fields: GoField[], indent: string): string {
  return `struct {\n${fields.map((f) => `${indent}\t${f.name} ${f.type}`).join("\n")}\n${indent}}`;
}

const signature = (f: GoField): string => `${f.size}`;

/** One mutation of a top-level field, or undefined when the struct offers none of that kind. Returns the index of the field whose line must be reported. */
function mutate(fields: GoField[], how: Mutation, rand: () => number): { fields: GoField[]; blame: number | "type"; missing?: string } | undefined {
  const named = fields.map((f, i) => ({ f, i })).filter(({ f }) => f.member);
  const ints = named.filter(({ f }) => f.member!.kind === "scalar");
  const choose = <T>(xs: T[]): T | undefined => (xs.length ? xs[Math.floor(rand() * xs.length)] : undefined);
  const out = fields.map((f) => ({ ...f }));
  switch (how) {
    case "widen":
    case "narrow": {
      const c = choose(ints.filter(({ f }) => (how === "widen" ? f.size < 8 : f.size > 1)));
      if (!c) return undefined;
      const m = c.f.member as Extract<Member, { kind: "scalar" }>;
      out[c.i]!.type = scalar(how === "widen" ? m.t.bits * 2 : m.t.bits / 2, m.t.signed).go;
      return { fields: out, blame: c.i };
    }
    case "sign": {
      const c = choose(ints);
      if (!c) return undefined;
      const m = c.f.member as Extract<Member, { kind: "scalar" }>;
      out[c.i]!.type = scalar(m.t.bits, !m.t.signed).go;
      return { fields: out, blame: c.i };
    }
    case "drop": {
      // A struct left with no members mirrors nothing: it is no twin at all;
      // and a member dropped beside a `_` pad leaves the pad over bytes the twin
      // then does not read, which is right on the wire.
      if (named.length < 2) return undefined;
      const padBeside = (i: number): boolean => (i > 0 && !fields[i - 1]!.member) || (i + 1 < fields.length && !fields[i + 1]!.member);
      // Only drops that change what sits there: the next member, named like a
      // later C member, shows the dropped one missing, and a missing member is
      // told at the twin's type.
      const c = choose(named.filter(({ i }, k) => !padBeside(i) && (k === named.length - 1 || signature(named[k + 1]!.f) !== signature(fields[i]!))));
      if (!c) return undefined;
      out.splice(c.i, 1);
      return { fields: out, blame: "type", missing: c.f.member!.name };
    }
    case "swap": {
      const k = choose(named.map((_, k) => k).filter((k) => k + 1 < named.length && named[k + 1]!.i === named[k]!.i + 1 && signature(named[k]!.f) !== signature(named[k + 1]!.f)));
      if (k === undefined) return undefined;
      const i = named[k]!.i;
      [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
      return { fields: out, blame: i };
    }
  }
}

interface Twin {
  name: string;
  text: string;
  /** Line within `text` (0-based) the finding must point at. */
  blame?: number;
}

function twinText(goName: string, cName: string, fields: GoField[]): string {
  return `// abidrift:mirrors struct ${cName}\ntype ${goName} ${goStruct(fields, "")}\n`;
}

function goFile(twins: Twin[]): { text: string; lines: Map<string, number> } {
  let text = "package main\n\n";
  const lines = new Map<string, number>();
  for (const t of twins) {
    const start = text.split("\n").length; // 1-based line of the twin's first line
    if (t.blame !== undefined) lines.set(t.name, start + t.blame);
    text += t.text + "\n";
  }
  return { text, lines };
}

async function runCheck(object: Uint8Array, go: string) {
  return checkFiles([
    { path: "structs.o", kind: "object", bytes: object },
    { path: "twins.go", kind: "go", bytes: new TextEncoder().encode(go) },
  ]);
}

describe.skipIf(missing !== "")(`struct-mismatch against clang's BTF, seeded random structs ${missing}`, () => {
  for (const seed of SEEDS) {
    const fixed = FIXED_SEEDS.includes(seed);
    it(`${fixed ? "fixed" : "fresh"} seed ${seed}: faithful twins check clean; one mutation each fails at its line`, async () => {
      const rand = rng(seed);
      const prefix = `r${seed.toString(36)}`;
      const { helpers, structs } = generate(rand, prefix);
      const byName = new Map([...helpers, ...structs].map((s) => [s.name, s]));
      const dir = mkdtempSync(join(tmpdir(), "abidrift-layout-diff-"));
      try {
        writeFileSync(join(dir, "structs.c"), cSource(helpers, structs));
        execFileSync(CLANG, ["-target", "bpfel", "-g", "-c", join(dir, "structs.c"), "-o", join(dir, "structs.o")], { stdio: "pipe" });
        const layout = btfLayouts(join(dir, "structs.o"));
        const object = readFileSync(join(dir, "structs.o"));
        const goName = (s: CStruct) => `Twin${s.name.replace(/_/g, "")}`;

        const faithful = structs.map((s) => ({ s, fields: goFields(s, byName, layout, "") }));
        const clean = await runCheck(object, goFile(faithful.map(({ s, fields }) => ({ name: goName(s), text: twinText(goName(s), s.name, fields) }))).text);
        expect(clean.pairing.types, `seed ${seed}: every twin paired`).toHaveLength(STRUCTS);
        expect(clean.notes, `seed ${seed}`).toEqual([]);
        expect(clean.findings, `seed ${seed}: faithful twins`).toEqual([]);

        const kinds: Mutation[] = ["widen", "narrow", "drop", "swap", "sign"];
        const mutated: Twin[] = [];
        const applied = new Map<string, string>();
        for (const { s, fields } of faithful) {
          const order = [...kinds].sort(() => rand() - 0.5);
          for (const how of order) {
            const m = mutate(fields, how, rand);
            if (!m) continue;
            // Line 0 is the mirrors comment, line 1 `type X struct {`, fields from line 2; a nested struct spans several.
            const blame = m.blame === "type" ? 1 : 2 + m.fields.slice(0, m.blame).reduce((n, f) => n + f.type.split("\n").length, 0);
            mutated.push({ name: goName(s), text: twinText(goName(s), s.name, m.fields), blame });
            applied.set(goName(s), m.missing ? `${how} ${m.missing}` : how);
            break;
          }
        }
        expect(mutated.length, `seed ${seed}: mutations applied`).toBeGreaterThan(STRUCTS / 2);
        const { text, lines } = goFile(mutated);
        const broken = await runCheck(object, text);
        const got = new Map<string, number[]>();
        for (const f of broken.findings) {
          expect(f.code, `seed ${seed}`).toBe("struct-mismatch");
          const twin = String(f.data.twin);
          if (applied.get(twin)?.startsWith("drop ")) expect(`drop ${String(f.data.cMember)}`, `seed ${seed}: ${twin}`).toBe(applied.get(twin));
          got.set(twin, [...(got.get(twin) ?? []), f.locations.find((l) => l.role === "twin")?.line ?? -1]);
        }
        const want = new Map([...lines].map(([name, line]) => [name, [line]]));
        const describe = (m: Map<string, number[]>) => [...m].sort(([a], [b]) => a.localeCompare(b)).map(([n, l]) => `${n} ${applied.get(n)} line ${l.join(",")}`);
        expect(describe(got), `seed ${seed}`).toEqual(describe(want));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);
  }
});
