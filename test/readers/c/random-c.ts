import type { Target } from "../../../src/ir/targets.js";
import { rng } from "../../oracles/random.js";
export { rng };

// Seeded random C records for differential tests: every scalar kind, arrays
// (lengths from macros, arithmetic and sizeof), nested and anonymous records,
// bitfields of every base type and width including `: 0` and unnamed ones,
// `packed` and `aligned(N)` on members and records, `#pragma pack`,
// flexible array members and enums sized by their values. The same seed
// always gives the same source.


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

export function randomUnit(seed: number, target: Target, count: number): GenUnit {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const chance = (p: number): boolean => r() < p;
  const lines: string[] = ["#define LEN_A 3", "#define LEN_B (LEN_A * 2 - 1)"];
  const records: GenRecord[] = [];
  const scalars = ["float", "double", "long double", "void *", "char *", ...INTS, ...(target.scalars.int128 ? ["__int128", "unsigned __int128"] : [])];
  const enums: string[] = [];
  for (let e = 0; e < 4; e++) {
    const values = Array.from({ length: 1 + Math.floor(r() * 3) }, (_, i) => {
      const v = pick(["0", "1", "-1", "255", "256", "65535", "-129", "0x7fffffff", "0xffffffff", "0x100000000", "-0x80000000", `${Math.floor(r() * 1000)}`]);
      return `E${e}_${i} = ${v}`;
    });
    lines.push(`enum ${chance(0.3) ? "__attribute__((packed)) " : ""}E${e} { ${values.join(", ")} };`);
    enums.push(`enum E${e}`);
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
    for (let k = 0; k < n; k++) {
      const fname = `f${m++}`;
      const roll = r();
      const attrs: string[] = [];
      if (chance(0.08)) attrs.push("packed");
      if (chance(0.1)) attrs.push(`aligned(${alignN()})`);
      const attr = attrs.length ? ` __attribute__((${attrs.join(", ")}))` : "";
      if (roll < 0.3) {
        const base = pick(INTS);
        const max = base === "_Bool" ? 1 : WIDTH[base] === "bool" ? 1 : target.scalars[WIDTH[base]!]!.size * 8;
        const width = Math.floor(r() * (max + 1));
        if (width === 0 || chance(0.15)) {
          member(`${base} : ${width}${attr}`, "");
        } else member(`${base} ${fname} : ${width}${attr}`, fname);
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
