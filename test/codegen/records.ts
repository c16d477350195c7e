// Seeded random C record types for the round-trip tests, with the program
// that fills records of them. The generator writes three texts from one
// description: the C types (compiled with clang for BPF, to give the BTF the
// decoders are generated from), and a host program (compiled with gcc) that
// assigns values to every member, writes the records' bytes to a file, and
// prints what C itself reads back from each member as JSON: the truth the
// decoders must agree with, after C's own truncation of bitfields, wrapping
// of signed values and overlaying of union members. It also prints, per
// member, a record with only that member's bits set: which bits of the
// record a decoded value determines, as the compiler placed them.
import { rng } from "../readers/btf/random-structs.js";

export { freshSeed, rng } from "../readers/btf/random-structs.js";

/** How C prints a leaf, and how the test compares it. */
export type LeafKind = "signed" | "unsigned" | "bool" | "float" | "string" | "bytes";

export interface Leaf {
  /** Access path from the record: `.a.b[2]`. */
  c: string;
  /** Key of the value in the decoded object: `a.b.2`. */
  key: string;
  kind: LeafKind;
  /** What C prints, as an expression of `r->PATH`. */
  print: string;
  /** One assignment statement for a random value, for `r->PATH`. */
  assign: (r: () => number) => string;
  /** A statement setting every bit the leaf owns, for `r->PATH`: C's own answer to which bits that is. */
  mask: string;
  /** Inside a union: what C reads back depends on the byte order the other members were written in. */
  overlaid?: boolean;
  /** An explicit byte order (`be32`, `le16`) the value is stored in. */
  order?: string;
  /** Bytes of a string or byte array. */
  count?: number;
}

export interface RecordType {
  name: string;
  leaves: Leaf[];
}

export interface RecordProgram {
  /** Type definitions, included by both programs. */
  header: string;
  /** The BPF translation unit that keeps every type in BTF. */
  bpf: string;
  /** The host program: writes `<type>.bin` files into argv[1] and prints one JSON line per type. */
  writer: string;
  types: RecordType[];
  records: number;
}

interface Scalar {
  type: string;
  kind: LeafKind;
  bits: number;
  /** Byte-order conversion for printing and assigning: `be32`, `le16`. */
  order?: string;
}

const SCALARS: Scalar[] = [
  { type: "char", kind: "signed", bits: 8 },
  { type: "signed char", kind: "signed", bits: 8 },
  { type: "unsigned char", kind: "unsigned", bits: 8 },
  { type: "short", kind: "signed", bits: 16 },
  { type: "unsigned short", kind: "unsigned", bits: 16 },
  { type: "int", kind: "signed", bits: 32 },
  { type: "unsigned int", kind: "unsigned", bits: 32 },
  { type: "long", kind: "signed", bits: 64 },
  { type: "unsigned long", kind: "unsigned", bits: 64 },
  { type: "long long", kind: "signed", bits: 64 },
  { type: "unsigned long long", kind: "unsigned", bits: 64 },
  { type: "__s8", kind: "signed", bits: 8 },
  { type: "__u8", kind: "unsigned", bits: 8 },
  { type: "__s16", kind: "signed", bits: 16 },
  { type: "__u16", kind: "unsigned", bits: 16 },
  { type: "__s32", kind: "signed", bits: 32 },
  { type: "__u32", kind: "unsigned", bits: 32 },
  { type: "__s64", kind: "signed", bits: 64 },
  { type: "__u64", kind: "unsigned", bits: 64 },
  { type: "__be16", kind: "unsigned", bits: 16, order: "be16" },
  { type: "__be32", kind: "unsigned", bits: 32, order: "be32" },
  { type: "__be64", kind: "unsigned", bits: 64, order: "be64" },
  { type: "__le16", kind: "unsigned", bits: 16, order: "le16" },
  { type: "__le32", kind: "unsigned", bits: 32, order: "le32" },
  { type: "__le64", kind: "unsigned", bits: 64, order: "le64" },
  { type: "_Bool", kind: "bool", bits: 8 },
  { type: "float", kind: "float", bits: 32 },
  { type: "double", kind: "float", bits: 64 },
  { type: "enum rec_kind", kind: "signed", bits: 32 },
];

const BITFIELD_TYPES: Scalar[] = [
  { type: "unsigned int", kind: "unsigned", bits: 32 },
  { type: "int", kind: "signed", bits: 32 },
  { type: "unsigned char", kind: "unsigned", bits: 8 },
  { type: "short", kind: "signed", bits: 16 },
  { type: "unsigned long long", kind: "unsigned", bits: 64 },
  { type: "long long", kind: "signed", bits: 64 },
  { type: "_Bool", kind: "bool", bits: 1 },
];

function random64(r: () => number): string {
  const hi = Math.floor(r() * 0x100000000);
  const lo = Math.floor(r() * 0x100000000);
  return `0x${hi.toString(16).padStart(8, "0")}${lo.toString(16).padStart(8, "0")}ULL`;
}

function scalarAssign(s: Scalar, lhs: string): (r: () => number) => string {
  return (r) => {
    if (s.kind === "bool") return `${lhs} = ${r() < 0.5 ? 1 : 0};`;
    if (s.kind === "float") return `${lhs} = ${((r() - 0.5) * 2 ** Math.floor(r() * 40)).toPrecision(12)};`;
    if (s.order) return `${lhs} = hto${s.order}((__u${s.bits})${random64(r)});`;
    return `${lhs} = (${s.type})${random64(r)};`;
  };
}

function scalarPrint(s: Scalar, lhs: string): string {
  if (s.order) return `(unsigned long long)${s.order}toh(${lhs})`;
  switch (s.kind) {
    case "signed":
      return `(long long)(${lhs})`;
    case "unsigned":
      return `(unsigned long long)(${lhs})`;
    case "bool":
      return `(int)(${lhs})`;
    default:
      return `(double)(${lhs})`;
  }
}

function scalarMask(lhs: string): string {
  return `memset(&${lhs}, 0xff, sizeof ${lhs});`;
}

const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";

/** `count` types (and the named types they nest), `records` records of each in the writer. */
export function recordProgram(seed: number, count: number, records = 4): RecordProgram {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const chance = (p: number): boolean => r() < p;
  const decls: string[] = [`// seed ${seed}`, "enum rec_kind { REC_NONE, REC_OPEN = 7, REC_CLOSE = -3, REC_BIG = 100000 };"];
  const named: { c: string; leaves: Leaf[]; hasBool: boolean }[] = [];
  let serial = 0;

  const prefix = (leaves: Leaf[], c: string, key: string): Leaf[] =>
    leaves.map((l) => ({
      ...l,
      c: c + l.c,
      key: key + (key && l.key ? "." : "") + l.key,
      print: l.print.replaceAll("@", `@${c}`),
      assign: (rr) => l.assign(rr).replaceAll("@", `@${c}`),
      mask: l.mask.replaceAll("@", `@${c}`),
    }));

  // A member's text and its leaves, with `@` standing for the record pointer's path so far.
  // Inside a union no member is a _Bool: a bool byte holding another member's
  // data is not a value C defines, so there is nothing to agree with.
  const member = (depth: number, inUnion: boolean): { text: string; leaves: Leaf[] } => {
    const m = memberOf(depth, inUnion);
    return inUnion ? { text: m.text, leaves: m.leaves.map((l) => ({ ...l, overlaid: true })) } : m;
  };
  const memberOf = (depth: number, inUnion: boolean): { text: string; leaves: Leaf[] } => {
    const noBool = <T extends { kind: LeafKind }>(xs: T[]): T[] => (inUnion ? xs.filter((x) => x.kind !== "bool") : xs);
    const name = `f${serial++}`;
    const roll = r();
    if (roll < 0.15) {
      const s = pick(noBool(BITFIELD_TYPES));
      const w = s.kind === "bool" ? 1 : 1 + Math.floor(r() * s.bits);
      if (chance(0.1)) return { text: `${s.type} : ${Math.floor(r() * Math.min(8, s.bits + 1))};`, leaves: [] };
      const lhs = `@.${name}`;
      return { text: `${s.type} ${name} : ${w};`, leaves: [{ c: `.${name}`, key: name, kind: s.kind, print: scalarPrint(s, lhs), assign: scalarAssign({ ...s, order: undefined }, lhs), mask: `${lhs} = -1;` }] };
    }
    if (roll < 0.22) {
      const n = 1 + Math.floor(r() * 20);
      const lhs = `@.${name}`;
      return {
        text: `char ${name}[${n}];`,
        leaves: [
          {
            c: `.${name}`,
            key: name,
            kind: "string",
            count: n,
            print: lhs,
            mask: `memset(${lhs}, 0xff, ${n});`,
            assign: (rr) => {
              const len = Math.floor(rr() * (n + 1));
              const text = Array.from({ length: len }, () => ALNUM[Math.floor(rr() * ALNUM.length)]).join("");
              return `memset(${lhs}, 0, ${n}); memcpy(${lhs}, "${text}", ${len});`;
            },
          },
        ],
      };
    }
    if (roll < 0.27) {
      const n = 1 + Math.floor(r() * 12);
      const lhs = `@.${name}`;
      return {
        text: `__u8 ${name}[${n}];`,
        leaves: [
          {
            c: `.${name}`,
            key: name,
            kind: "bytes",
            count: n,
            print: lhs,
            mask: `memset(${lhs}, 0xff, ${n});`,
            assign: (rr) => `memcpy(${lhs}, "${Array.from({ length: n }, () => `\\x${Math.floor(rr() * 256).toString(16).padStart(2, "0")}`).join("")}", ${n});`,
          },
        ],
      };
    }
    if (roll < 0.37) {
      const s = pick(noBool(SCALARS).filter((x) => x.type !== "char"));
      const dims = chance(0.3) ? [1 + Math.floor(r() * 3), 1 + Math.floor(r() * 3)] : [1 + Math.floor(r() * 5)];
      const leaves: Leaf[] = [];
      const walk = (c: string, key: string, d: number): void => {
        if (d === dims.length) {
          const lhs = `@.${name}${c}`;
          leaves.push({ c: `.${name}${c}`, key: `${name}${key}`, kind: s.kind, print: scalarPrint(s, lhs), assign: scalarAssign(s, lhs), mask: scalarMask(lhs), order: s.order });
          return;
        }
        for (let i = 0; i < dims[d]!; i++) walk(`${c}[${i}]`, `${key}.${i}`, d + 1);
      };
      walk("", "", 0);
      return { text: `${s.type} ${name}${dims.map((d) => `[${d}]`).join("")};`, leaves };
    }
    if (roll < 0.47 && depth < 2) {
      const kind = chance(0.5) ? "struct" : "union";
      const parts = Array.from({ length: 1 + Math.floor(r() * 4) }, () => member(depth + 1, inUnion || kind === "union"));
      const body = parts.map((p) => p.text).join(" ");
      const inner = parts.flatMap((p) => p.leaves);
      if (chance(0.5)) return { text: `${kind} { ${body} };`, leaves: inner };
      return { text: `${kind} { ${body} } ${name};`, leaves: prefix(inner, `.${name}`, name) };
    }
    const nesting = inUnion ? named.filter((t) => !t.hasBool) : named;
    if (roll < 0.55 && nesting.length) {
      const t = pick(nesting);
      const n = chance(0.4) ? 1 + Math.floor(r() * 3) : 0;
      if (!n) return { text: `${t.c} ${name};`, leaves: prefix(t.leaves, `.${name}`, name) };
      return { text: `${t.c} ${name}[${n}];`, leaves: Array.from({ length: n }, (_, i) => prefix(t.leaves, `.${name}[${i}]`, `${name}.${i}`)).flat() };
    }
    const s = pick(noBool(SCALARS));
    const lhs = `@.${name}`;
    return { text: `${s.type} ${name};`, leaves: [{ c: `.${name}`, key: name, kind: s.kind, print: scalarPrint(s, lhs), assign: scalarAssign(s, lhs), mask: scalarMask(lhs), order: s.order }] };
  };

  const types: RecordType[] = [];
  for (let n = 0; n < count; n++) {
    const kind = chance(0.85) ? "struct" : "union";
    const name = `rec${n}`;
    const parts = Array.from({ length: 2 + Math.floor(r() * 8) }, () => member(0, kind === "union"));
    const leaves = parts.flatMap((p) => p.leaves);
    const attr = chance(0.1) ? " __attribute__((packed))" : "";
    decls.push(`${kind} ${name} {\n${parts.map((p) => `\t${p.text}`).join("\n")}\n}${attr};`);
    named.push({ c: `${kind} ${name}`, leaves, hasBool: leaves.some((l) => l.kind === "bool") });
    types.push({ name: `${kind} ${name}`, leaves });
  }

  const header = `#include <linux/types.h>\n${decls.join("\n")}\n`;
  const bpf = `#include "records.h"\n${types.map((t, i) => `${t.name} keep${i};`).join("\n")}\nchar LICENSE[] __attribute__((section("license"))) = "GPL";\n`;
  const body: string[] = [];
  for (const t of types) {
    const bare = t.name.split(" ")[1]!;
    body.push(`\t{\n\t\tstatic ${t.name} recs[${records}];\n\t\tmemset(recs, 0, sizeof recs);`);
    for (let k = 0; k < records; k++) {
      body.push(`\t\t{ ${t.name} *r = &recs[${k}];`);
      for (const l of t.leaves) body.push(`\t\t\t${l.assign(r).replaceAll("@", "r->").replaceAll("r->.", "r->")}`);
      body.push("\t\t}");
    }
    body.push(`\t\tsave(dir, "${bare}", recs, sizeof recs);`);
    body.push(`\t\tprintf("{\\"type\\":\\"${t.name}\\",\\"records\\":[");`);
    body.push(`\t\tfor (int k = 0; k < ${records}; k++) {\n\t\t\t${t.name} *r = &recs[k];\n\t\t\tprintf("%s{", k ? "," : "");`);
    for (const [j, l] of t.leaves.entries()) {
      const sep = j ? "," : "";
      const lhs = l.print.replaceAll("@", "r->").replaceAll("r->.", "r->");
      switch (l.kind) {
        case "signed":
          body.push(`\t\t\tprintf("${sep}\\"${l.key}\\":\\"%lld\\"", ${lhs});`);
          break;
        case "unsigned":
          body.push(`\t\t\tprintf("${sep}\\"${l.key}\\":\\"%llu\\"", ${lhs});`);
          break;
        case "bool":
          body.push(`\t\t\tprintf("${sep}\\"${l.key}\\":\\"%d\\"", ${lhs});`);
          break;
        case "float":
          body.push(`\t\t\tprintf("${sep}\\"${l.key}\\":\\"%.17g\\"", ${lhs});`);
          break;
        default:
          body.push(`\t\t\tprintf("${sep}\\"${l.key}\\":\\"");`, `\t\t\thex((const unsigned char *)${lhs}, ${l.count}, ${l.kind === "string" ? 1 : 0});`, `\t\t\tprintf("\\"");`);
      }
    }
    body.push(`\t\t\tprintf("}");\n\t\t}\n\t\tprintf("],\\"masks\\":{");`);
    for (const [j, l] of t.leaves.entries()) {
      const set = l.mask.replaceAll("@", "r->").replaceAll("r->.", "r->");
      body.push(`\t\t{ static ${t.name} m; ${t.name} *r = &m; memset(&m, 0, sizeof m); ${set} printf("${j ? "," : ""}\\"${l.key}\\":\\""); hex((const unsigned char *)&m, sizeof m, 0); printf("\\""); }`);
    }
    body.push(`\t\tprintf("}}\\n");\n\t}`);
  }
  const writer = `#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "records.h"

static void hex(const unsigned char *p, int n, int stop_at_nul) {
	for (int i = 0; i < n && !(stop_at_nul && p[i] == 0); i++) printf("%02x", p[i]);
}

static void save(const char *dir, const char *name, const void *p, size_t n) {
	char path[4096];
	snprintf(path, sizeof path, "%s/%s.bin", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) { perror(path); exit(1); }
}

int main(int argc, char **argv) {
	const char *dir = argc > 1 ? argv[1] : ".";
${body.join("\n")}
	return 0;
}
`;
  return { header, bpf, writer, types, records };
}

/**
 * The records the host program printed, as C static data for a target the
 * tests cannot run (bpfeb): designated initializers that give every leaf
 * the value C read back, one array per type in its own section. The
 * object's sections then hold the bytes that target's compiler lays out
 * (byte order, bitfield placement, zeroed padding), a writer the decoders
 * are checked against. Only types with no leaf in a union: what C reads
 * back from a union member depends on the byte order the others were
 * written in.
 */
export function staticRecords(types: RecordType[], printed: Map<string, Record<string, string>[]>, bigEndian: boolean): { text: string; types: RecordType[] } {
  const chosen = types.filter((t) => t.name.startsWith("struct ") && t.leaves.every((l) => !l.overlaid));
  const value = (l: Leaf, v: string): string => {
    switch (l.kind) {
      case "string":
      case "bytes": {
        const bytes = v.match(/../g) ?? [];
        return `{ ${bytes.length ? bytes.map((b) => `0x${b}`).join(", ") : "0"} }`;
      }
      case "bool":
        return v;
      case "float":
        return /nan/i.test(v) ? `__builtin_nan("")` : /inf/i.test(v) ? `${v.startsWith("-") ? "-" : ""}__builtin_inf()` : v;
      default: {
        const raw = `0x${BigInt.asUintN(64, BigInt(v)).toString(16)}ULL`;
        const bits = l.order ? Number(l.order.slice(2)) : 0;
        const swap = l.order !== undefined && l.order.startsWith("le") === bigEndian;
        return swap ? `__builtin_bswap${bits}((__u${bits})${raw})` : l.kind === "signed" ? `(long long)${raw}` : raw;
      }
    }
  };
  const arrays = chosen.map((t) => {
    const bare = t.name.split(" ")[1]!;
    const records = printed.get(t.name)!.map((rec, k) => `\t[${k}] = { ${t.leaves.map((l) => `${l.c} = ${value(l, rec[l.key]!)}`).join(", ")} },`);
    return `${t.name} data_${bare}[${records.length}] __attribute__((section(".data.${bare}"))) = {\n${records.join("\n")}\n};`;
  });
  return { text: `#include "records.h"\n${arrays.join("\n")}\n`, types: chosen };
}
