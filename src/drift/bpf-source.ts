import { dirname, join } from "node:path";
import { BCC_MACROS } from "../readers/c/bcc.js";

// Which C of a tree is BPF C: one rule for `check`, `snapshot` and `diff`,
// in a module of its own so that a check of C alone loads no object reader.

export interface TreeFile {
  path: string;
  bytes: Uint8Array;
}

export interface CText {
  file: string;
  text: string;
}

/**
 * Text that only BPF C (libbpf or BCC) contains: userspace C is not the truth.
 * BCC's map macros are the C reader's own list of them, so a file using only
 * `BPF_QUEUE` or `BPF_TASK_STORAGE` is BPF C as surely as one using `BPF_HASH`.
 */
export const BPF_MARKERS = new RegExp(String.raw`\bSEC\s*\(|bpf_helpers\.h|\bBPF_MAP_TYPE_|\b(?:${Object.keys(BCC_MACROS).join("|")})\s*\(`);

const QUOTED_INCLUDE = /^[ \t]*#[ \t]*include[ \t]*"([^"\n]+)"/gm;

/**
 * BPF C: a file with BPF's marks, or a `.c` whose own header beside it
 * (`#include "prog.h"`) holds the program, as a project that builds one
 * object per library version from a file of offsets and one shared header.
 */
export function isBpfSource(path: string, text: string, textOf: (path: string) => string | undefined): boolean {
  if (BPF_MARKERS.test(text)) return true;
  if (!path.endsWith(".c")) return false;
  for (const m of text.matchAll(QUOTED_INCLUDE)) {
    const header = textOf(join(dirname(path), m[1]!));
    if (header !== undefined && BPF_MARKERS.test(header)) return true;
  }
  return false;
}
