import { isAbsolute, relative } from "node:path";
import type { SourceLoc } from "../ir/types.js";

// Paths as reports print them: relative to the working directory, as the
// files a check discovers are, also for a header found through an absolute
// include directory; a path outside the working directory stays absolute.

export function shownPath(file: string): string {
  if (!isAbsolute(file)) return file;
  const r = relative(process.cwd(), file);
  return r === "" ? "." : r.startsWith("..") || isAbsolute(r) ? file : r;
}

export function shownLoc<L extends SourceLoc>(loc: L): L {
  const file = shownPath(loc.file);
  return file === loc.file ? loc : { ...loc, file };
}
