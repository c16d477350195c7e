import type { HeaderRead, Preprocessed } from "./preprocess.js";

// Which output line of the preprocessor a character offset is on, and its
// column. A program's text is mostly big headers from the run's cache
// (vmlinux.h: 3 MB); where their lines start is found once per run and kept
// with the header, so a program pays only for its own text's lines.

/** A stretch of the text: a cached header, or the program's own text between two. */
interface Segment {
  at: number;
  /** Output line the segment's first character is on. */
  line: number;
  /** Where that line starts: before `at` when a header's last line runs on into it. */
  lineStart: number;
  /** Where each later line starts, as offsets from `at`. */
  starts: Int32Array;
}

export class LineIndex {
  private readonly segments: Segment[] = [];

  constructor(pre: Preprocessed) {
    const text = pre.text;
    let at = 0;
    let line = 0;
    let lineStart = 0;
    const segment = (starts: Int32Array, end: number): void => {
      this.segments.push({ at, line, lineStart, starts });
      if (starts.length) {
        line += starts.length;
        lineStart = at + starts[starts.length - 1]!;
      }
      at = end;
    };
    for (const c of pre.chunks) {
      if (c.at > at) segment(lineStarts(text, at, c.at), c.at);
      segment(headerLineStarts(c.header), c.end);
    }
    if (text.length >= at) segment(lineStarts(text, at, text.length), text.length);
  }

  /** The 0-based output line of offset `at`, and its 1-based column. */
  find(at: number): { line: number; column: number } {
    const segs = this.segments;
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid]!.at <= at) lo = mid;
      else hi = mid - 1;
    }
    const s = segs[lo]!;
    const rel = at - s.at;
    const starts = s.starts;
    // The last line start at or before `rel`, if any.
    let a = 0;
    let b = starts.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (starts[mid]! <= rel) a = mid + 1;
      else b = mid;
    }
    if (a === 0) return { line: s.line, column: at - s.lineStart + 1 };
    return { line: s.line + a, column: rel - starts[a - 1]! + 1 };
  }
}

/** Where each line of a header's text after its first starts; found once per run. */
export function headerLineStarts(header: HeaderRead): Int32Array {
  return (header.lineStarts ??= lineStarts(header.text!, 0, header.text!.length));
}

/** Where each line after the first of text[from, to) starts, counted from `from`: one native search per line. */
function lineStarts(text: string, from: number, to: number): Int32Array {
  let out = new Int32Array(Math.max(16, (to - from) >> 5));
  let k = 0;
  for (let i = text.indexOf("\n", from); i >= 0 && i < to; i = text.indexOf("\n", i + 1)) {
    if (k === out.length) {
      const grown = new Int32Array(out.length * 2);
      grown.set(out);
      out = grown;
    }
    out[k++] = i + 1 - from;
  }
  return out.subarray(0, k);
}
