// Large reports (every struct of vmlinux is 6 MB of text) are written into
// one growing byte buffer piece by piece: a line is never built as a
// string, so the garbage collector has almost nothing to collect and no
// concatenated string is flattened before it is encoded.

const SPACE = 0x20;
const NEWLINE = 0x0a;
/** Longer text goes through Buffer#write; shorter is copied here, which is cheaper than the call. */
const SHORT = 64;

export class TextBuffer {
  private buf: Buffer;
  private len = 0;

  /** `size`: the bytes to start with, for a caller that can tell how much it will write. */
  constructor(size = 1 << 16) {
    this.buf = Buffer.allocUnsafe(Math.max(size, 64));
  }

  /** Appends `line` and a newline. */
  line(line: string): void {
    this.text(line);
    this.newline();
  }

  newline(): void {
    if (this.len === this.buf.length) this.grow(1);
    this.buf[this.len++] = NEWLINE;
  }

  /** Appends `s`, no newline. */
  text(s: string): void {
    const n = s.length;
    // Every UTF-16 unit takes at most 3 bytes of UTF-8.
    if (this.len + n * 3 > this.buf.length) this.grow(n * 3);
    if (n > SHORT) {
      this.len += this.buf.write(s, this.len, "utf8");
      return;
    }
    const buf = this.buf;
    let len = this.len;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.len = len + buf.write(s.slice(i), len, "utf8");
        return;
      }
      buf[len++] = c;
    }
    this.len = len;
  }

  /** Appends `n` spaces (none if `n` is not positive): the padding of a column. */
  spaces(n: number): void {
    if (n <= 0) return;
    if (this.len + n > this.buf.length) this.grow(n);
    // Columns pad by a few spaces; a loop is cheaper than Buffer#fill's call.
    const buf = this.buf;
    for (let i = 0; i < n; i++) buf[this.len++] = SPACE;
  }

  /** Appends `n` in decimal, right-aligned in `width` columns, as `String(n).padStart(width)` would. */
  number(n: number, width = 0): void {
    if (!Number.isSafeInteger(n) || n < 0) {
      const s = String(n);
      this.spaces(width - s.length);
      this.text(s);
      return;
    }
    let digits = 1;
    for (let p = 10; p <= n; p *= 10) digits++;
    this.spaces(width - digits);
    if (this.len + digits > this.buf.length) this.grow(digits);
    const buf = this.buf;
    for (let i = this.len + digits - 1; i >= this.len; i--) {
      buf[i] = 0x30 + (n % 10);
      n = Math.floor(n / 10);
    }
    this.len += digits;
  }

  private grow(extra: number): void {
    const need = this.len + extra;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** The bytes written so far (a view, not a copy). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  toString(): string {
    return this.buf.toString("utf8", 0, this.len);
  }
}
