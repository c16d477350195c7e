// Where each line the preprocessor gives came from: a file's index and its
// line there. Most of a program's lines are those of the big headers it
// includes, given again from the run's cache for every program: in typed
// arrays they are copied in bulk, where a line at a time was most of what a
// cached header cost.

/** The source of each output line, in two columns that grow as lines are given. */
export class LineTable {
  private fileCol = new Int32Array(1024);
  private noCol = new Int32Array(1024);
  length = 0;

  push(file: number, no: number): void {
    if (this.length === this.fileCol.length) this.reserve(1);
    this.fileCol[this.length] = file;
    this.noCol[this.length++] = no;
  }

  /** `count` lines of one file, the first being line `no`. */
  pushRun(file: number, no: number, count: number): void {
    this.reserve(count);
    const at = this.length;
    this.fileCol.fill(file, at, at + count);
    for (let k = 0; k < count; k++) this.noCol[at + k] = no + k;
    this.length += count;
  }

  /** Lines whose columns are given whole, as a cached header keeps them. */
  append(file: Int32Array, no: Int32Array): void {
    this.reserve(file.length);
    this.fileCol.set(file, this.length);
    this.noCol.set(no, this.length);
    this.length += file.length;
  }

  /** Both columns from line `from` on, copied. */
  since(from: number): { file: Int32Array; no: Int32Array } {
    return { file: this.fileCol.slice(from, this.length), no: this.noCol.slice(from, this.length) };
  }

  /** Both columns whole, once every line is given: views, not copies. */
  take(): { file: Int32Array; no: Int32Array } {
    return { file: this.fileCol.subarray(0, this.length), no: this.noCol.subarray(0, this.length) };
  }

  private reserve(count: number): void {
    const need = this.length + count;
    if (need <= this.fileCol.length) return;
    let size = this.fileCol.length * 2;
    while (size < need) size *= 2;
    const file = new Int32Array(size);
    const no = new Int32Array(size);
    file.set(this.fileCol.subarray(0, this.length));
    no.set(this.noCol.subarray(0, this.length));
    this.fileCol = file;
    this.noCol = no;
  }
}
