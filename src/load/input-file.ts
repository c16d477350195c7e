import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from "node:fs";
import { InputError } from "../ir/errors.js";
import { overInputLimit } from "../ir/input-limit.js";

// What may be read as an input: a regular file no larger than the limit, or
// a directory. A FIFO, a device or a socket would block a read forever (or
// never end), and a file of hundreds of megabytes grows a parse tree past
// the memory of the machine; each is refused in one line before it is read.

/** Throws an InputError unless `st` is a directory or a regular file within the limit. */
export function acceptInput(path: string, st: Stats): void {
  if (st.isDirectory()) return;
  if (!st.isFile()) throw new InputError(path, `is ${special(st)}, not a regular file or directory`);
  const over = overInputLimit(st.size);
  if (over) throw new InputError(path, over);
}

/** `acceptInput` after a stat that follows symbolic links. */
export function checkInputPath(path: string): void {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    throw new InputError(path, fsProblem(e));
  }
  acceptInput(path, st);
}

/** What the file system said, in words: `no such file`, `is a directory`. */
export function fsProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EISDIR":
      return "is a directory, not a file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ELOOP":
      return "symbolic links loop back on themselves";
    case "ENOTDIR":
      return "a part of the path is not a directory";
    case "ENAMETOOLONG":
      return "path too long";
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

function special(st: Stats): string {
  if (st.isFIFO()) return "a FIFO";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  return "not a regular file";
}

/**
 * The bytes of an input file, refused as `acceptInput` refuses, read before
 * anything else runs. A check reads thousands of small files; read
 * synchronously, each is four system calls, where the promise API's open,
 * stat, read and close each wait a turn of the thread pool. It is opened
 * non-blocking, so a FIFO is refused after the open instead of waiting in
 * it for a writer; where the system has no such flag, it is stat'ed first.
 */
export function readInputFile(path: string): Buffer {
  if (NONBLOCK === undefined) checkInputPath(path);
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | (NONBLOCK ?? 0));
    const st = fstatSync(fd);
    acceptInput(path, st);
    if (st.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    return readWhole(path, fd, st.size);
  } catch (e) {
    if (e instanceof InputError) throw e;
    // A socket does not open (ENXIO): stat says what it is.
    if ((e as NodeJS.ErrnoException).code === "ENXIO") checkInputPath(path);
    throw new InputError(path, fsProblem(e));
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const NONBLOCK: number | undefined = process.platform === "win32" ? undefined : constants.O_NONBLOCK;

/** All of an open file: `size` bytes as stat'ed, fewer or more where it changed since. */
function readWhole(path: string, fd: number, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let n = 0;
  while (n < size) {
    const got = readSync(fd, buf, n, size - n, null);
    if (got === 0) return buf.subarray(0, n);
    n += got;
  }
  // Grown since the stat (a log being written): read on, within the limit.
  const chunks = [buf];
  for (;;) {
    const got = readSync(fd, PAST_END, 0, PAST_END.length, null);
    if (got === 0) return chunks.length === 1 ? buf : Buffer.concat(chunks);
    n += got;
    const over = overInputLimit(n);
    if (over) throw new InputError(path, over);
    chunks.push(Buffer.from(PAST_END.subarray(0, got)));
  }
}

/** Where each file is read past its stat'ed end, which almost always gives nothing: one buffer for all. */
const PAST_END = Buffer.allocUnsafe(64 * 1024);
