import { describe, expect, it } from "vitest";
import { LineIndex } from "../../../src/readers/c/line-index.js";
import type { HeaderChunk, HeaderRead, Preprocessed } from "../../../src/readers/c/preprocess.js";
import { freshSeed, rng } from "../../oracles/random.js";

// The line and column of an offset, found piecewise (headers' line starts
// kept with the header), must be those a count of the whole text's
// newlines gives: seeded texts joined as the preprocessor joins its output,
// headers and the program's own pieces in any order, empty lines and empty
// pieces included.

function naive(text: string, at: number): { line: number; column: number } {
  let line = 0;
  let start = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < at; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: at - start + 1 };
}

function randomPiece(next: () => number): string {
  const lines = Math.floor(next() * 5);
  return Array.from({ length: lines + 1 }, () => "x".repeat(Math.floor(next() * 6))).join("\n");
}

describe("the line index of a preprocessed text", () => {
  it("gives every offset the line and column of the whole text", () => {
    const seed = freshSeed();
    const next = rng(seed);
    const headers: HeaderRead[] = Array.from({ length: 3 }, () => ({ text: randomPiece(next) }) as HeaderRead);
    for (let k = 0; k < 200; k++) {
      const pieces: string[] = [];
      const chunks: HeaderChunk[] = [];
      let at = 0;
      const n = 1 + Math.floor(next() * 6);
      for (let i = 0; i < n; i++) {
        if (pieces.length) at++;
        const header = next() < 0.5 ? headers[Math.floor(next() * headers.length)]! : undefined;
        const text = header ? header.text! : randomPiece(next);
        if (header) chunks.push({ at, end: at + text.length, header });
        pieces.push(text);
        at += text.length;
      }
      const text = pieces.join("\n");
      const index = new LineIndex({ text, chunks } as Preprocessed);
      for (let i = 0; i <= text.length; i++) expect(index.find(i), `seed ${seed}, text ${k}, offset ${i}: ${JSON.stringify(text)}`).toEqual(naive(text, i));
    }
  });
});
