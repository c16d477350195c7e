// The output of a layout from records, as bytes: the writers put each line
// straight into `buf` at `len` after one `room` check, copying names from
// the string section and type columns from an arena, so no string is built
// per line and the garbage collector has next to nothing to do. The buffer
// is handed over in chunks as it fills, so the whole output (the JSON of a
// kernel is 12 MB) never sits in memory at once; where the taker is done
// with a chunk when it returns, one buffer serves them all, and where it is
// done later (a pipe), the writer waits for it between aggregates and fills
// the buffer again.

/**
 * Takes each chunk of output and says when it is done with the chunk's
 * bytes, so that its buffer may be filled again: true when it returns, a
 * promise that resolves then, or false for a taker that keeps the chunk.
 */
export type ChunkSink = (chunk: Buffer) => boolean | Promise<void>;

/** Bytes pending before they are handed over. */
const CHUNK = 1 << 16;

const SPACE = 0x20;

export class ByteOut {
  buf: Buffer;
  len = 0;
  /** The last chunk handed over that the sink is not done with yet, and when it will be. */
  private held?: { buf: Buffer; done: Promise<void> };
  /** A chunk's buffer the sink is done with, to fill next. */
  private spare?: Buffer;

  constructor(private readonly sink: ChunkSink) {
    // Stored twice, so that V8 takes the field for one that changes from the start: optimized code that took it
    // for a constant would be thrown away when the first chunk is handed over.
    this.buf = Buffer.allocUnsafe(0);
    this.buf = Buffer.allocUnsafe(CHUNK);
  }

  /** Room for `n` more bytes, handing over what is pending where they would not fit. */
  room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
  }

  /** Appends `s`, as UTF-8. */
  text(s: string): void {
    // Every UTF-16 unit takes at most 3 bytes of UTF-8.
    this.room(s.length * 3);
    // UTF-8 by default: called as the arena calls it, so that V8 sees one shape of call to Buffer's write.
    this.len += this.buf.write(s, this.len);
  }

  /** Appends `bytes[start..end)` (room is the caller's). */
  copy(bytes: Uint8Array, start: number, end: number): void {
    const buf = this.buf;
    let len = this.len;
    for (let k = start; k < end; k++) buf[len++] = bytes[k]!;
    this.len = len;
  }

  /** Appends `bytes` (room is the caller's). */
  put(bytes: Uint8Array): void {
    this.copy(bytes, 0, bytes.length);
  }

  /** Appends `n` spaces, none if `n` is not positive (room is the caller's). */
  spaces(n: number): void {
    const buf = this.buf;
    let len = this.len;
    for (let k = 0; k < n; k++) buf[len++] = SPACE;
    this.len = len;
  }

  /** Appends `String(n).padStart(width)` (room for 24 + width is the caller's). */
  number(n: number, width: number): void {
    if (!(n >= 0 && n <= 0x7fffffff && n === Math.floor(n))) {
      const s = String(n);
      this.spaces(width - s.length);
      this.len += this.buf.write(s, this.len, "latin1");
      return;
    }
    let digits = 1;
    for (let p = 10; p <= n; p *= 10) digits++;
    this.spaces(width - digits);
    const buf = this.buf;
    const start = this.len;
    // Integer arithmetic, which unoptimized code does without allocating.
    for (let i = start + digits - 1; i >= start; i--) {
      const q = (n / 10) | 0;
      buf[i] = 0x30 + n - q * 10;
      n = q;
    }
    this.len = start + digits;
  }

  /** Hands over everything pending. */
  flush(): void {
    if (this.len === 0) return;
    const done = this.sink(this.buf.subarray(0, this.len));
    this.len = 0;
    if (done === true) return;
    // A sink finishes its chunks in order, so the last one's promise covers those before it.
    if (done !== false) this.held = { buf: this.buf, done };
    this.buf = this.spare ?? Buffer.allocUnsafe(CHUNK);
    this.spare = undefined;
  }

  /**
   * Undefined where the sink holds no chunk; else a promise that resolves
   * once it is done with them, the last one's buffer then kept to fill
   * next. A writer waits for it between aggregates, so what is pending
   * stays within about two chunks however slow the reader.
   */
  settled(): Promise<void> | undefined {
    const held = this.held;
    if (!held) return undefined;
    return held.done.then(() => {
      if (this.held === held) this.held = undefined;
      if (held.buf.length === CHUNK) this.spare = held.buf;
    });
  }
}

/** The bytes of an ASCII (or latin1) constant. */
export function latin1(s: string): Buffer {
  return Buffer.from(s, "latin1");
}
