import { rng, freshSeed } from "../../oracles/random.js";
export { rng, freshSeed };
// Seeded random C aggregates for differential tests: scalars of every width,
// bitfields (named, unnamed, zero-width), arrays, nested and anonymous
// structs and unions, packed and aligned attributes. The same seed always
// gives the same C text.



const INTS: [string, number][] = [
  ["char", 8],
  ["signed char", 8],
  ["unsigned char", 8],
  ["short", 16],
  ["unsigned short", 16],
  ["int", 32],
  ["unsigned int", 32],
  ["long", 64],
  ["unsigned long", 64],
  ["long long", 64],
  ["unsigned long long", 64],
];
const OTHERS = ["_Bool", "float", "double", "void *", "const char *", "__int128", "enum rnd_enum"];

/** A translation unit of `count` aggregates, each kept in BTF by a global of its type. */
export function randomStructs(seed: number, count: number): string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const chance = (p: number): boolean => r() < p;
  const lines: string[] = [`// seed ${seed}`, "enum rnd_enum { RND_A, RND_B = 1000 };"];
  const done: string[] = [];

  // Names run on through nested anonymous members, whose fields share the parent's scope.
  let serial = 0;
  const member = (depth: number): string => {
    const roll = r();
    const name = `m${serial++}`;
    if (roll < 0.25) {
      const [t, bits] = pick(INTS);
      const w = Math.floor(r() * (bits + 1));
      if (w === 0) return `${t} : 0;`;
      return chance(0.15) ? `${t} : ${w};` : `${t} ${name} : ${w};`;
    }
    if (roll < 0.3 && depth < 2) {
      const kind = chance(0.5) ? "struct" : "union";
      const body = Array.from({ length: 1 + Math.floor(r() * 4) }, () => member(depth + 1)).join(" ");
      return chance(0.5) ? `${kind} { ${body} };` : `${kind} { ${body} } ${name};`;
    }
    if (roll < 0.4 && done.length) return `${pick(done)} ${name}${chance(0.3) ? `[${1 + Math.floor(r() * 3)}]` : ""};`;
    const t = chance(0.75) ? pick(INTS)[0] : pick(OTHERS);
    const attr = chance(0.08) ? ` __attribute__((aligned(${pick([1, 2, 4, 8, 16])})))` : chance(0.05) ? " __attribute__((packed))" : "";
    const dims = chance(0.2) ? `[${1 + Math.floor(r() * 5)}]${chance(0.3) ? `[${1 + Math.floor(r() * 3)}]` : ""}` : "";
    return t.endsWith("*") ? `${t}${name}${dims}${attr};` : `${t} ${name}${dims}${attr};`;
  };

  for (let n = 0; n < count; n++) {
    const kind = chance(0.8) ? "struct" : "union";
    const name = `${kind} rnd${n}`;
    const body = Array.from({ length: 1 + Math.floor(r() * 8) }, () => `\t${member(0)}`);
    // Flexible arrays only at the end of a struct with another member.
    if (kind === "struct" && chance(0.05)) body.push("\tint flex_len;", "\tint flex[];");
    const attr = chance(0.15) ? " __attribute__((packed))" : chance(0.1) ? ` __attribute__((aligned(${pick([2, 4, 8, 16, 32])})))` : "";
    lines.push(`${name} {\n${body.join("\n")}\n}${attr};`, `${name} rnd${n}_var;`);
    if (!(kind === "struct" && body.at(-1)!.includes("flex[]"))) done.push(name);
  }
  lines.push('char LICENSE[] __attribute__((section("license"))) = "GPL";');
  return lines.join("\n");
}
