// The output of a layout from records: one buffer, sized up front from the
// records, that the hot loop writes into through its public fields, with
// one capacity check per line instead of one per piece. Text is ASCII here
// (the records path declines names beyond it); anything else goes through
// `text`, which encodes UTF-8.

const SPACE = 0x20;
const NEWLINE = 0x0a;

export class ByteOut {
  buf: Buffer;
  len = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(Math.max(size, 1024));
  }

  /** Room for `n` more bytes. */
  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  text(s: string): void {
    this.ensure(s.length * 3);
    const buf = this.buf;
    let len = this.len;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.len = len + buf.write(s.slice(i), len, "utf8");
        return;
      }
      buf[len++] = c;
    }
    this.len = len;
  }

  line(s: string): void {
    this.text(s);
    this.ensure(1);
    this.buf[this.len++] = NEWLINE;
  }

  /** Bytes already encoded (`bytes` must fit: callers ensure first). */
  put(bytes: Uint8Array): void {
    const buf = this.buf;
    let len = this.len;
    for (let i = 0; i < bytes.length; i++) buf[len++] = bytes[i]!;
    this.len = len;
  }

  /** `n` spaces, none if `n` is not positive (callers ensure first). */
  spaces(n: number): void {
    const buf = this.buf;
    let len = this.len;
    for (let i = 0; i < n; i++) buf[len++] = SPACE;
    this.len = len;
  }

  /** `n` right-aligned in `width` columns, as String(n).padStart(width) (callers ensure 24 + width first). */
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
    const buf = this.buf;
    const end = this.len + digits;
    // Small numbers in integer arithmetic, which unoptimized code does without allocating.
    if (n <= 0x7fffffff) {
      for (let i = end - 1; i >= this.len; i--) {
        const q = (n / 10) | 0;
        buf[i] = 0x30 + n - q * 10;
        n = q;
      }
    } else {
      for (let i = end - 1; i >= this.len; i--) {
        buf[i] = 0x30 + (n % 10);
        n = Math.floor(n / 10);
      }
    }
    this.len = end;
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}
