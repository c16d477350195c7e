import type { SourceProblem } from "../readers/c/preprocess.js";
import { shownPath } from "./shown-path.js";

// A header no include path reaches is one note for the whole check, naming
// the header and where it was first included: a repository's fifty programs
// that all include vmlinux.h do not make fifty notes, and the parse errors
// that follow from the missing types ("missing ;") are not notes of their own.

// Headers the compiler brings in its own resource folder, which no build
// names; and what system headers include is the system's business. Neither
// is a note a repository's owner can act on.
const COMPILER_HEADERS = new Set(["stddef.h", "stdarg.h", "stdbool.h", "stdint.h", "float.h", "limits.h", "stdalign.h", "stdatomic.h", "stdnoreturn.h", "iso646.h", "varargs.h"]);
const SYSTEM = /^\/usr\//;

const NOT_FOUND = /^#include [<"](.+)[>"]: not found$/;

export class MissingHeaders {
  private readonly missing = new Map<string, { file: string; line: number; files: Set<string> }>();

  /** Records a C file's missing headers; returns its other problems worth a note, none when a header was missing. */
  take(file: string, problems: readonly SourceProblem[]): SourceProblem[] {
    let lacks = false;
    for (const p of problems) {
      const m = NOT_FOUND.exec(p.message);
      if (!m) continue;
      lacks = true;
      // `<vmlinux.h>` and `"vmlinux.h"` are one header missing.
      const name = m[1]!;
      if (COMPILER_HEADERS.has(name) || SYSTEM.test(p.file)) continue;
      const seen = this.missing.get(name);
      if (seen) seen.files.add(file);
      else this.missing.set(name, { file: p.file, line: p.line, files: new Set([file]) });
    }
    return lacks ? [] : problems.filter((p) => p.syntax && p.file === file);
  }

  notes(): string[] {
    return [...this.missing].map(([name, at]) => {
      const others = at.files.size - 1;
      const by = others > 0 ? ` and by ${others} other file${others === 1 ? "" : "s"}` : "";
      return `${shownPath(at.file)}:${at.line}: header ${name} not found (included here${by}); what needs it is not read: name its directory in "includeDirs" of abidrift.config.json`;
    });
  }
}
