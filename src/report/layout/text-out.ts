// The output of a layout from records: a writer builds an aggregate's text
// as a string with `+=` (V8 links the pieces rather than copying them, one
// step of unoptimized code per piece where a byte copy is one per byte, and
// most of a run goes by before V8 optimizes anything), and `add` encodes it
// into a buffer in one call while it is still young garbage. The buffer is
// handed over in chunks, so the whole output (the JSON of a kernel is 12 MB)
// never sits in memory at once.

/** Bytes pending before they are handed over. */
const CHUNK = 1 << 18;

export class TextOut {
  private buf = Buffer.allocUnsafe(CHUNK);
  private len = 0;

  /** `write` takes each chunk and keeps it: the buffer is not written to again. */
  constructor(private readonly write: (chunk: Buffer) => void) {}

  /** Appends `s`, as UTF-8. */
  add(s: string): void {
    if (this.len + s.length * 3 > this.buf.length) {
      this.flush();
      if (s.length * 3 > this.buf.length) this.buf = Buffer.allocUnsafe(s.length * 3);
    }
    this.len += this.buf.write(s, this.len, "utf8");
  }

  /** Hands over everything pending. */
  flush(): void {
    if (this.len === 0) return;
    this.write(this.buf.subarray(0, this.len));
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.len = 0;
  }
}
