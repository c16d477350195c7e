import { readdirSync, statSync, type Dirent } from "node:fs";
import { basename, dirname, isAbsolute, resolve } from "node:path";

// Most paths a check asks about do not exist: a thousand programs each look
// for `headers/`, `include/`, three Makefile names and every header in their
// own folder first. One listing of a folder answers all of its questions,
// and a folder its parent's listing lacks is never listed or stat'ed. What a
// run has seen stays as it was seen: a check reads a tree once. Listings
// answer on Linux only: where file names may match in another case (macOS,
// Windows), a name missing from a listing may still open, and every path is
// stat'ed.

type Kind = "dir" | "file" | "other";

/** The listing of a folder that is not there: nothing is in it. */
const ABSENT: ReadonlyMap<string, Kind> = new Map();
// A path with `.` or `..` segments, or ending in a separator, means what the
// system makes of it (`file/../x` is no path at all), not what lexical
// normalizing would: it is stat'ed, as the empty path is. Leading `..`s of
// a relative path are the exception: they climb from the working folder,
// whose path the system gives with no links in it, so lexically is right,
// and every program of a tree outside it is named so.
const LITERAL = /(?:^|[\\/])\.\.?(?:[\\/]|$)|[\\/]$|^$/;
const LEADING_UP = /^(?:\.\.[\\/])+/;
const LISTED = process.platform === "linux";

export class DirListings {
  /** Entries of each folder listed, by name; ABSENT for no such folder, null where one cannot be listed. */
  private readonly listed = new Map<string, Map<string, Kind | Dirent> | typeof ABSENT | null>();
  /** Answers for paths in folders that cannot be listed, from stat. */
  private readonly stated = new Map<string, Kind | undefined>();

  /** What is at `path`, following symbolic links; undefined when nothing is. */
  kind(path: string): Kind | undefined {
    if (!LISTED || LITERAL.test(isAbsolute(path) ? path : path.replace(LEADING_UP, ""))) return this.stat(path);
    if (!isAbsolute(path)) path = resolve(path);
    const dir = dirname(path);
    if (dir === path) return "dir";
    const entries = this.entries(dir);
    if (!entries) return this.stat(path);
    const name = basename(path);
    const e = entries.get(name);
    if (e === undefined || typeof e === "string" || entries === ABSENT) return e as Kind | undefined;
    // A link: stat once what it points to, and keep the answer.
    const k = e.isDirectory() ? "dir" : e.isFile() ? "file" : e.isSymbolicLink() ? this.stat(path) : "other";
    const own = entries as Map<string, Kind | Dirent>;
    if (k === undefined) own.delete(name);
    else own.set(name, k);
    return k;
  }

  isDir(path: string): boolean {
    return this.kind(path) === "dir";
  }

  exists(path: string): boolean {
    return this.kind(path) !== undefined;
  }

  private entries(dir: string): Map<string, Kind | Dirent> | typeof ABSENT | null {
    let entries = this.listed.get(dir);
    if (entries !== undefined) return entries;
    // A folder whose parent's listing lacks it is not listed. Its parent is
    // not listed to ask: the folders above a tree (a /tmp of thousands) cost
    // more to list than the one listing that fails where there is no folder.
    // One that cannot be listed otherwise is answered by stat.
    const parent = dirname(dir);
    if (parent !== dir && this.listed.get(parent) && this.kind(dir) !== "dir") {
      entries = ABSENT;
    } else {
      try {
        entries = new Map(readdirSync(dir, { withFileTypes: true }).map((d) => [d.name, d]));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        entries = code === "ENOENT" || code === "ENOTDIR" ? ABSENT : null;
      }
    }
    this.listed.set(dir, entries);
    return entries;
  }

  private stat(path: string): Kind | undefined {
    if (this.stated.has(path)) return this.stated.get(path);
    let k: Kind | undefined;
    try {
      const st = statSync(path);
      k = st.isDirectory() ? "dir" : st.isFile() ? "file" : "other";
    } catch {
      k = undefined;
    }
    this.stated.set(path, k);
    return k;
  }
}
