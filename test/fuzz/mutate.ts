// Seeded mutations of real inputs: truncations at the boundaries a reader
// trusts (header fields, section starts and ends, record starts), byte
// flips inside a chosen region, and absurd values written over a record's
// words (vlen, sizes, type ids, counts). The seed and the case number give
// back the same bytes.
import { rng } from "../readers/btf/random-structs.js";

export interface Region {
  name: string;
  start: number;
  end: number;
}

export interface Mutant {
  what: string;
  bytes: Uint8Array;
}

const ABSURD = [0xffffffff, 0x7fffffff, 0x80000000, 0x10000, 0xffff, 0x1000000, 0];

export function mutants(seed: number, original: Uint8Array, boundaries: readonly number[], regions: readonly Region[], count: number): Mutant[] {
  // A plain copy: Buffer's slice() shares memory, and mutants must not.
  const input = new Uint8Array(original);
  const r = rng(seed);
  const int = (n: number): number => Math.floor(r() * n);
  const out: Mutant[] = [];
  for (let i = 0; i < count; i++) {
    const roll = r();
    if (roll < 0.3 && boundaries.length) {
      const at = Math.max(0, Math.min(input.length - 1, boundaries[int(boundaries.length)]! + int(9) - 4));
      out.push({ what: `truncate to ${at} bytes`, bytes: input.slice(0, at) });
      continue;
    }
    const region = regions[int(regions.length)]!;
    const bytes = input.slice();
    const span = Math.max(1, region.end - region.start);
    if (roll < 0.7) {
      const flips = 1 + int(8);
      const at: number[] = [];
      for (let f = 0; f < flips; f++) {
        const p = region.start + int(span);
        if (p >= bytes.length) continue;
        bytes[p] = bytes[p]! ^ (1 + int(255));
        at.push(p);
      }
      out.push({ what: `flip bytes at ${at.join(",")} (${region.name})`, bytes });
    } else {
      const p = Math.min(bytes.length - 4, region.start + (int(span) & ~3));
      if (p < 0) continue;
      const v = ABSURD[int(ABSURD.length)]!;
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const le = r() < 0.5;
      view.setUint32(p, v, le);
      out.push({ what: `write 0x${v.toString(16)} (${le ? "le" : "be"}) at ${p} (${region.name})`, bytes });
    }
  }
  return out;
}
