import { describe, expect, it } from "vitest";
import { mapBounded } from "../../src/load/bounded.js";

// Reading a tree of tens of thousands of files ran out of descriptors
// (EMFILE) when every read started at once: the reads now go through
// mapBounded, which must keep to its limit and to the input's order.

describe("mapBounded", () => {
  it("never has more than the limit pending, and keeps the input order", async () => {
    let pending = 0;
    let most = 0;
    const items = Array.from({ length: 500 }, (_, i) => i);
    const out = await mapBounded(items, 7, async (i) => {
      most = Math.max(most, ++pending);
      await new Promise((r) => setTimeout(r, (i * 7919) % 3));
      pending--;
      return i * 2;
    });
    expect(most).toBe(7);
    expect(out).toEqual(items.map((i) => i * 2));
  });

  it("passes a rejection on, and handles no items", async () => {
    await expect(mapBounded([1, 2, 3], 2, async (i) => (i === 2 ? Promise.reject(new Error("two")) : i))).rejects.toThrow("two");
    expect(await mapBounded([], 4, async (i: number) => i)).toEqual([]);
  });
});
