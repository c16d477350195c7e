import { statSync, type Stats } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { InputError } from "../ir/errors.js";
import { overInputLimit } from "../ir/input-limit.js";

// What may be read as an input: a regular file no larger than the limit, or
// a directory. A FIFO, a device or a socket would block a read forever (or
// never end), and a file of hundreds of megabytes grows a parse tree past
// the memory of the machine; each is refused in one line before it is opened.


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

export async function checkInputPathAsync(path: string): Promise<void> {
  let st: Stats;
  try {
    st = await stat(path);
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

/** The bytes of an input file, refused as `acceptInput` refuses before it is opened. */
export async function readInputFile(path: string): Promise<Buffer> {
  await checkInputPathAsync(path);
  try {
    return await readFile(path);
  } catch (e) {
    throw new InputError(path, fsProblem(e));
  }
}
