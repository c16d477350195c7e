import type { Target } from "../../../src/ir/targets.js";
import { rng } from "../../oracles/random.js";
export { rng };

// Seeded random C records for differential tests: every scalar kind, arrays
// (lengths from macros, arithmetic and sizeof), nested and anonymous records,
// bitfields of every base type and width including `: 0` and unnamed ones,
// `packed` and `aligned(N)` on members and records, `#pragma pack`,
// flexible array members and enums sized by their values. Beyond those:
// bitfields typed by bare `unsigned`/`signed`, typedefs and enums, one
// bitfield declaration split over lines, enums with a fixed type, `_Alignas`,
// `vector_size` vectors, `_Complex` in either order, `__fp16`/`_Float16`,
// `mode(QI|HI|SI|DI)` and `_Atomic`. The same seed always gives the same source.


export interface GenRecord {
  /** `struct S3`, `union S4`. */
  name: string;
  /** Names of the members clang lists, in order; "" for an unnamed bitfield. */
  fields: string[];
}

export interface GenUnit {
  source: string;
  records: GenRecord[];
}

const INTS = ["char", "signed char", "unsigned char", "short", "unsigned short", "int", "unsigned int", "long", "unsigned long", "long long", "unsigned long long", "_Bool"];
const WIDTH: Record<string, "char" | "short" | "int" | "long" | "longlong" | "bool"> = {
  char: "char",
  "signed char": "char",
  "unsigned char": "char",
  short: "short",
  "unsigned short": "short",
  int: "int",
  "unsigned int": "int",
  long: "long",
  "unsigned long": "long",
  "long long": "longlong",
  "unsigned long long": "longlong",
  _Bool: "bool",
};

/** Typedefs the units declare, with the storage bits a bitfield of each may use. */
const INT_TYPEDEFS: Record<string, number> = { u8_t: 8, s16_t: 16, u32_t: 32, u64_t: 64 };
const TYPEDEF_LINES = ["typedef unsigned char u8_t;", "typedef short s16_t;", "typedef unsigned int u32_t;", "typedef unsigned long long u64_t;"];
const VECTORS = ["typedef int v4si __attribute__((vector_size(16)));", "typedef char v8qi __attribute__((vector_size(8)));", "typedef short v16hi __attribute__((vector_size(32)));", "typedef float v2sf __attribute__((vector_size(8)));", "typedef long long v2di __attribute__((vector_size(16)));"];
/** Fixed enum types and their bits. */
const FIXED: [string, number][] = [["unsigned char", 8], ["short", 16], ["unsigned int", 32], ["long long", 64], ["u8_t", 8], ["u64_t", 64]];

export function randomUnit(seed: number, target: Target, count: number): GenUnit {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const chance = (p: number): boolean => r() < p;
  const lines: string[] = ["#define LEN_A 3", "#define LEN_B (LEN_A * 2 - 1)", ...TYPEDEF_LINES, ...VECTORS];
  const records: GenRecord[] = [];
  const scalars = [
    "float",
    "double",
    "long double",
    "void *",
    "char *",
    ...INTS,
    ...(target.scalars.int128 ? ["__int128", "unsigned __int128"] : []),
    "float _Complex",
    "_Complex double",
    "long double _Complex",
    "__fp16",
    ...(target.scalars.float16 ? ["_Float16"] : []),
    "v4si",
    "v8qi",
    "v16hi",
    "v2sf",
    "v2di",
  ];
  const enums: string[] = [];
  /** Types a bitfield may have, with the most bits it may take. */
  const bitTypes: [string, number][] = [...INTS.map((t): [string, number] => [t, t === "_Bool" ? 1 : target.scalars[WIDTH[t]!]!.size * 8]), ["unsigned", 32], ["signed", 32], ...Object.entries(INT_TYPEDEFS)];
  for (let e = 0; e < 4; e++) {
    const values = Array.from({ length: 1 + Math.floor(r() * 3) }, (_, i) => {
      const v = pick(["0", "1", "-1", "255", "256", "65535", "-129", "0x7fffffff", "0xffffffff", "0x100000000", "-0x80000000", `${Math.floor(r() * 1000)}`]);
      return `E${e}_${i} = ${v}`;
    });
    lines.push(`enum ${chance(0.3) ? "__attribute__((packed)) " : ""}E${e} { ${values.join(", ")} };`);
    enums.push(`enum E${e}`);
    // Any enum here holds a byte; a bitfield of it takes up to 8 bits.
    bitTypes.push([`enum E${e}`, 8]);
  }
  for (let e = 0; e < 3; e++) {
    const [type, bits] = pick(FIXED);
    // A value in parentheses after a typedef's name made the grammar read the enum as a function.
    const value = Math.floor(r() * 100);
    lines.push(`enum F${e} : ${type}${chance(0.3) ? "\n" : " "}{ F${e}_0, F${e}_1 = ${chance(0.5) ? `(${value} | F${e}_0)` : value} };`);
    enums.push(`enum F${e}`);
    bitTypes.push([`enum F${e}`, bits]);
  }
  const alignN = (): number => pick([1, 2, 4, 8, 16]);
  const arrayLen = (): string => pick(["2", "LEN_A", "LEN_B", "1 + 2", "sizeof(int)", "(4 << 1) / 2", "3"]);

  for (let i = 0; i < count; i++) {
    const kind = chance(0.2) ? "union" : "struct";
    const name = `S${i}`;
    const fields: string[] = [];
    const body: string[] = [];
    const n = 1 + Math.floor(r() * 8);
    let m = 0;
    const member = (decl: string, memberName: string): void => {
      body.push(`  ${decl};`);
      fields.push(memberName);
    };
    // C joins backslash-newlines before it removes comments, and a comment is one space of the line it starts on.
    const commented = (a: string): void => {
      const style = Math.floor(r() * 3);
      if (style === 0) {
        // A block comment across the lines of a macro's body: the body goes on after it (libbpf's BPF_CORE_READ_BITFIELD).
        const macro = `SPLICED_${name}_${a}`;
        // Spaces after a backslash: gcc and clang join the lines all the same.
        lines.push(`#define ${macro}(n) \\${chance(0.3) ? "  " : ""}`, "\tshort n; /* the body goes on \\", "\t * past this comment \\", "\t */ \\", "\tchar n##_tail;");
        body.push(`  ${macro}(${a})`);
        fields.push(a, `${a}_tail`);
      } else if (style === 1) {
        // A line comment ending in a backslash takes the next line with it.
        body.push(`  int ${a}; // the next line is this comment's \\`, `  long ${a}_hidden;`);
        fields.push(a);
      } else {
        // A directive goes on past a block comment's newlines, backslash or none.
        const len = `WIDE_${name}_${a}`;
        lines.push(`#define ${len} 2 /* two`, "   lines */ + 1");
        body.push(`  char ${a}[${len}];`);
        fields.push(a);
      }
    };
    for (let k = 0; k < n; k++) {
      const fname = `f${m++}`;
      const roll = r();
      const attrs: string[] = [];
      if (chance(0.08)) attrs.push("packed");
      if (chance(0.1)) attrs.push(`aligned(${alignN()})`);
      const attr = attrs.length ? ` __attribute__((${attrs.join(", ")}))` : "";
      if (roll < 0.3) {
        const [base, max] = pick(bitTypes);
        const width = Math.floor(r() * (max + 1));
        if (width === 0 || chance(0.15)) {
          member(`${base} : ${width}${attr}`, "");
        } else if (chance(0.2)) {
          // One declaration of several bitfields, over several lines.
          const more = Array.from({ length: 1 + Math.floor(r() * 3) }, () => {
            const w = 1 + Math.floor(r() * max);
            if (chance(0.2)) return { decl: `: ${w}`, name: "" };
            const n = `f${m++}`;
            return { decl: `${n} : ${w}`, name: n };
          });
          body.push(`  ${base} ${fname} : ${width},\n${more.map((d) => `      ${d.decl}`).join(",\n")}${attr};`);
          fields.push(fname, ...more.map((d) => d.name));
        } else member(`${base} ${fname} : ${width}${attr}`, fname);
      } else if (roll < 0.36) {
        // _Alignas never lowers an alignment: only on types aligned to 4 or less.
        const t = pick(["char", "short", "int", "unsigned char", "float", "u8_t"]);
        member(`_Alignas(${pick(["4", "8", "16", "long long", "double", "u64_t", "int"])}) ${t} ${fname}${attr}`, fname);
      } else if (roll < 0.4) {
        member(`${pick(["int", "unsigned int", "long", "short"])} ${fname} __attribute__((${pick(["mode(QI)", "mode(HI)", "mode(SI)", "mode(DI)", "__mode__(__DI__)"])}))${attr}`, fname);
      } else if (roll < 0.45) {
        const atomic = pick([...INTS.filter((t) => t !== "_Bool"), "double", "long double", "int *", "float", ...records.filter((o) => !o.fields.includes("flex")).map((o) => o.name)]);
        member(chance(0.5) ? `_Atomic ${atomic} ${fname}${attr}` : `_Atomic(${atomic}) ${fname}${attr}`, fname);
      } else if (roll < 0.48) {
        member(`${pick(["int", "char", "float", "short"])} ${fname} __attribute__((vector_size(${pick([4, 8, 16, 32])})))${attr}`, fname);
      } else if (roll < 0.55) {
        member(`${pick(scalars)} ${fname}${attr}`, fname);
      } else if (roll < 0.65) {
        member(`${pick(enums)} ${fname}${attr}`, fname);
      } else if (roll < 0.75) {
        member(`${pick(scalars)} ${fname}[${arrayLen()}]${chance(0.3) ? `[${arrayLen()}]` : ""}${attr}`, fname);
      } else if (roll < 0.88 && records.length) {
        const other = pick(records);
        member(`${other.name} ${fname}${chance(0.3) ? `[${arrayLen()}]` : ""}${attr}`, fname);
      } else {
        const inner = chance(0.5) ? "union" : "struct";
        const innerFields = Array.from({ length: 1 + Math.floor(r() * 3) }, (_, j) => `${pick(scalars)} ${fname}_${j};`).join(" ");
        const named = chance(0.5);
        member(`${inner} ${chance(0.2) ? "__attribute__((packed)) " : ""}{ ${innerFields} }${named ? ` ${fname}` : ""}${attr}`, named ? fname : "(anon)");
      }
      if (chance(0.06)) commented(`f${m++}`);
    }
    if (kind === "struct" && fields.some((f) => f !== "") && chance(0.1)) member(`${pick(["int", "char", "long long", "short"])} flex[]`, "flex");
    const recAttrs: string[] = [];
    if (chance(0.15)) recAttrs.push("packed");
    if (chance(0.15)) recAttrs.push(`aligned(${alignN()})`);
    const pack = chance(0.15) ? pick([1, 2, 4, 8]) : 0;
    if (pack) lines.push(`#pragma pack(push, ${pack})`);
    lines.push(`${kind} ${name} {`, ...body, `}${recAttrs.length ? ` __attribute__((${recAttrs.join(", ")}))` : ""};`);
    if (pack) lines.push("#pragma pack(pop)");
    records.push({ name: `${kind} ${name}`, fields });
  }
  return { source: lines.join("\n") + "\n", records };
}
