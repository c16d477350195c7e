import { Ch } from "../chars.js";

// The type and constant names a Go file declares at package level, found by
// one scan of its text, without a parse. A package's other files are parsed
// only when one of them declares a name the file being read asks for; a
// line that merely starts with the name (a struct field, a call) is no
// reason to parse, and in a package of hundreds of files those lines made
// most of a check's time. The scan may name more than the file declares (a
// continuation line of a const group), never fewer: an extra name costs one
// parse, a missing one a type left unresolved.

const isIdentStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
const isIdentPart = (c: number): boolean => isIdentStart(c) || (c >= 48 && c <= 57);

/** The names of `type` and `const` declarations at the top level of a Go file. */
export function topLevelNames(text: string): Set<string> {
  const names = new Set<string>();
  const n = text.length;
  let depth = 0;
  // The paren depth of an open `type (` or `const (` group, or -1.
  let group = -1;
  // At a statement start: a top-level keyword may follow, or in a group a declared name.
  let start = true;
  // The keyword just read at depth 0 whose name (or group) comes next.
  let pending: "type" | "const" | undefined;
  // In a group statement or after `const`: names separated by commas are all declared.
  let listing = false;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === Ch.Newline) {
      if (depth === 0 || depth === group) start = true;
      listing = false;
      i++;
      continue;
    }
    if (c === Ch.Space || c === Ch.Tab || c === 13) {
      i++;
      continue;
    }
    if (c === Ch.Slash && text.charCodeAt(i + 1) === Ch.Slash) {
      i = lineEnd(text, i);
      continue;
    }
    if (c === Ch.Slash && text.charCodeAt(i + 1) === Ch.Star) {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === Ch.Quote || c === Ch.Apostrophe) {
      i = quotedEnd(text, i, c);
      start = listing = false;
      continue;
    }
    if (c === Ch.Backtick) {
      const end = text.indexOf("`", i + 1);
      i = end < 0 ? n : end + 1;
      start = listing = false;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      if (pending) {
        names.add(word);
        listing = pending === "const";
        pending = undefined;
      } else if (depth === 0 && start && (word === "type" || word === "const")) {
        pending = word;
      } else if (start && depth === group && depth > 0) {
        names.add(word);
        listing = true;
      } else if (listing && text.charCodeAt(skipSpaces(text, i - 1, -1)) === Ch.Comma) {
        names.add(word);
      } else {
        listing = false;
      }
      start = false;
      i = j;
      continue;
    }
    if (c === Ch.LParen || c === Ch.LBrace || c === Ch.LBracket) {
      if (pending && c === Ch.LParen && depth === 0) group = 1;
      pending = undefined;
      depth++;
      start = c !== Ch.LBracket && depth === group;
      if (c !== Ch.LParen || depth !== group) listing = false;
      i++;
      continue;
    }
    if (c === Ch.RParen || c === Ch.RBrace || c === Ch.RBracket) {
      if (depth === group) group = -1;
      if (depth > 0) depth--;
      start = listing = false;
      i++;
      continue;
    }
    if (c === 59 /* ; */ && (depth === 0 || depth === group)) {
      start = true;
      listing = false;
      i++;
      continue;
    }
    if (c !== Ch.Comma) listing = false;
    pending = undefined;
    start = false;
    i++;
  }
  return names;
}

function lineEnd(text: string, i: number): number {
  const end = text.indexOf("\n", i);
  return end < 0 ? text.length : end;
}

function quotedEnd(text: string, i: number, quote: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === Ch.Backslash) j++;
    else if (c === quote || c === Ch.Newline) return j + 1;
  }
  return text.length;
}

function skipSpaces(text: string, i: number, step: 1 | -1): number {
  while (i >= 0 && i < text.length && (text.charCodeAt(i) === Ch.Space || text.charCodeAt(i) === Ch.Tab)) i += step;
  return i;
}
