// Large reports (every struct of vmlinux is 6 MB of text) are written into
// one growing byte buffer as they are produced, so no line outlives the
// moment it is written and the garbage collector has nothing to move.

export class TextBuffer {
  private buf = Buffer.allocUnsafe(1 << 16);
  private len = 0;
  /** Lines not yet encoded: one encoding call per few kilobytes, not per line. */
  private pending = "";

  /** Appends `line` and a newline. */
  line(line: string): void {
    this.pending += line + "\n";
    if (this.pending.length > 8192) this.flush();
  }

  private flush(): void {
    // Every UTF-16 unit takes at most 3 bytes of UTF-8.
    const need = this.len + this.pending.length * 3;
    if (need > this.buf.length) this.grow(need);
    this.len += this.buf.write(this.pending, this.len, "utf8");
    this.pending = "";
  }

  private grow(need: number): void {
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** The bytes written so far (a view, not a copy). */
  bytes(): Buffer {
    this.flush();
    return this.buf.subarray(0, this.len);
  }

  toString(): string {
    this.flush();
    return this.buf.toString("utf8", 0, this.len);
  }
}
