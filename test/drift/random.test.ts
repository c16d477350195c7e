// Differential: seeded random events, each edited one random way, built by
// clang before and after in one batch. The class follows from the edit
// alone (a widened, swapped or removed member breaks readers; a member
// appended to an event does not), whatever the compiler did with padding.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classify } from "../../src/drift/classify.js";
import { snapshot } from "../../src/drift/snapshot.js";
import { freshSeed, rng } from "../oracles/random.js";
import { buildObjects, clangAvailable, modulesOf, program } from "./build.js";

const KEY = "struct key { __u32 a; };";
const SCALARS = ["__u8", "__u16", "__u32", "__u64", "__s32", "char"];
const WIDER: Record<string, string> = { __u8: "__u16", __u16: "__u32", __u32: "__u64", __s32: "__s64", char: "__u16" };
const EDITS = ["widen", "swap", "remove", "append"] as const;
type EditKind = (typeof EDITS)[number];

interface Field {
  type: string;
  name: string;
  count: number;
}

function declare(fields: Field[]): string {
  return `struct event { ${fields.map((f) => `${f.type} ${f.name}${f.count > 1 ? `[${f.count}]` : ""};`).join(" ")} };`;
}

function randomCase(next: () => number): { kind: EditKind; before: string; after: string } {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const n = 2 + Math.floor(next() * 6);
  const fields: Field[] = Array.from({ length: n }, (_, i) => ({ type: pick(SCALARS), name: `f${i}`, count: next() < 0.2 ? 1 + Math.floor(next() * 5) : 1 }));
  const kind = pick(EDITS);
  const edited = fields.map((f) => ({ ...f }));
  const i = Math.floor(next() * n);
  switch (kind) {
    case "widen": {
      const target = edited.find((f) => WIDER[f.type]) ?? edited[0]!;
      target.type = WIDER[target.type] ?? "__u64";
      if (target.type === "__u64" && fields.find((f) => f.name === target.name)!.type === "__u64") target.count += 1;
      break;
    }
    case "swap": {
      const j = (i + 1 + Math.floor(next() * (n - 1))) % n;
      [edited[i]!.name, edited[j]!.name] = [edited[j]!.name, edited[i]!.name];
      break;
    }
    case "remove":
      edited.splice(i, 1);
      break;
    case "append":
      edited.push({ type: pick(SCALARS), name: `f${n}`, count: 1 });
      break;
  }
  return { kind, before: program(`${declare(fields)}\n${KEY}`), after: program(`${declare(edited)}\n${KEY}`) };
}

const FRESH = freshSeed();

describe.skipIf(!clangAvailable)("drift classes of random edits, built by clang (clang-16 missing: skipped)", () => {
  for (const seed of [1, 20261123, FRESH]) {
    it(`seed ${seed}: 40 random edits classified by what the edit is`, () => {
      const next = rng(seed);
      const cases = Array.from({ length: 40 }, () => randomCase(next));
      const root = mkdtempSync(join(tmpdir(), "abidrift-random-"));
      const dirs = (["before", "after"] as const).map((side) => {
        const dir = join(root, side);
        mkdirSync(dir);
        return buildObjects(Object.fromEntries(cases.map((c, i) => [`r${i}`, c[side]])), dir);
      });
      cases.forEach((c, i) => {
        const drift = classify(snapshot(modulesOf(dirs[0]!, `r${i}`)).lock, snapshot(modulesOf(dirs[1]!, `r${i}`)).lock);
        const where = `seed ${seed}, case ${i} (${c.kind}):\n${c.before}\n--- after ---\n${c.after}`;
        const breaking = drift.filter((d) => d.class === "breaking");
        if (c.kind === "append") {
          expect(breaking, where).toEqual([]);
          expect(drift.map((d) => d.kind), where).toEqual([expect.stringMatching(/^member-(appended|added-in-padding)$/)]);
        } else {
          expect(breaking.length, where).toBeGreaterThan(0);
        }
      });
    });
  }
});
