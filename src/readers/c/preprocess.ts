import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join, normalize } from "node:path";
import { InputError } from "../../ir/errors.js";
import { overInputLimit } from "../../ir/input-limit.js";
import type { Target } from "../../ir/targets.js";
import { BINARY_PRECEDENCE, binaryInt, cint, parseCharLiteral, parseIntLiteral, unaryInt, type CInt } from "./arith.js";
import { BCC_MACROS, BCC_STACKTRACE, bccReplacement, type BccUse } from "./bcc.js";
import type { HeaderCache } from "./header-cache.js";
import { locateInclude, searchIn, systemIncludeDirs, type IncludeSearch, type IncludeWhere } from "./include-search.js";
import { LineTable } from "./line-table.js";
import { ENUM_TYPE_MARK, PRIMITIVES, TS_PRIMITIVE_WORDS } from "./syntax.js";
import { KEYWORD_SPELLINGS, predefinedMacros } from "./predefined.js";

// A C preprocessor good enough for BPF programs and their headers: includes,
// object- and function-like macros (#, ##, __VA_ARGS__), conditionals on
// what is defined, #pragma once. Its output keeps one line per source line
// of each file, and a table maps every output line back to its file and
// line, so the parser's rows become real locations. `#pragma pack` lines
// pass through for the parser to see in order.

export interface SourceProblem {
  file: string;
  line: number;
  column?: number;
  message: string;
  /** The text itself does not parse (half-written source), as opposed to what it names being out of reach. */
  syntax?: true;
}

export interface PreprocessOptions {
  target: Target;
  includeDirs: string[];
  defines: Record<string, string>;
  /** In-memory files by path, looked up before the disk. */
  files: Record<string, string>;
  /** Headers read before the file, as clang's `-include` reads them: they take none of its lines. */
  prelude?: readonly string[];
  /** Big headers already read in this run, reused where the macros in force are the same. */
  headers?: HeaderCache;
  /**
   * Lines that come out unchanged are found in runs and given together
   * (the default); false reads every line by itself, which must give the
   * same output (a test holds the two together).
   */
  runs?: boolean;
}

/**
 * What one big header gave the preprocessor, to give again without reading
 * it: its output lines, what it left defined, what it complained of.
 */
export interface HeaderRead {
  /** The header's text as read: the cache's key holds only its length, and a read is reused for the same text. */
  source: string;
  /** Its output in pieces of whole lines: joined with newlines, its text. */
  lines: string[];
  /** Per output line, an index into `fileNames` (the header and what it includes). */
  lineFile: Int32Array;
  lineNo: Int32Array;
  /**
   * `lineFile` as the last program to give it numbered the files (`index`,
   * by position in `fileNames`): programs that include the same headers in
   * the same order number them alike, and take the column as it is.
   */
  numbered: { index: number[]; lineFile: Int32Array };
  fileNames: string[];
  problems: SourceProblem[];
  macros: ReadonlyMap<string, Macro>;
  once: string[];
  /** The files it read whole under an include guard, with the guard's macro. */
  guards: [string, string][];
  expansions: number;
  /** Paths it looked for: an in-memory file at one of them in another program reads differently. */
  probes: string[];
  /** `probes` as a set, and with each also as `normalize` gives it: made on first reuse. */
  probeSet?: { exact: ReadonlySet<string>; normal: ReadonlySet<string> };
  /**
   * sameIncludes' answers, by the include directories and in-memory files
   * that could change one (those holding an include's first path part, those
   * named as an include): made on first reuse.
   */
  sameFor?: { heads: readonly string[]; names: ReadonlySet<string>; answers: Map<string, boolean> };
  /**
   * Each `#include` it resolved, and to what ("" where nothing): a program
   * with other include directories reuses the read where every one resolves
   * the same for it, so the directories need not be in the key.
   */
  includes: Include[];
  /**
   * The files it read that are parsed in part, big ones and what they
   * include: of these a program parses only the declarations it reaches, of
   * the others every one.
   */
  big: string[];
  /** Its lines joined, as the parser reads them; made on first use. */
  text?: string;
  /** Where the lines of `text` after its first start; made on first use. */
  lineStarts?: Int32Array;
}

/** An include as written (`name`, quoted or not, in `from`) and the file it found. */
export interface Include {
  name: string;
  from: string;
  quoted: boolean;
  found: string;
  /**
   * Where the search found it: before the include directories (in the
   * includer's folder, or as a path), in them, or only after them (in the
   * system's, or nowhere). Found before them, it is found alike in every
   * program that reuses the read (one with a file in memory where the read
   * looked reads the header itself); after them, in every such program
   * whose directories hold no such name.
   */
  where: IncludeWhere;
}

/** Where a header read from the cache sits in the output: character offsets. */
export interface HeaderChunk {
  at: number;
  end: number;
  header: HeaderRead;
}

export interface Preprocessed {
  text: string;
  /** Per output line: index into `fileNames`, and the 1-based line there. */
  lineFile: Int32Array;
  lineNo: Int32Array;
  fileNames: string[];
  problems: SourceProblem[];
  bcc: BccUse[];
  /** Headers that stand alone in the text, each a run of whole top-level declarations; only with `headers`. */
  chunks: HeaderChunk[];
}

const enum K {
  Ws,
  Id,
  Num,
  Str,
  Punct,
}

export interface Tok {
  s: string;
  k: K;
  /** Macros this token came out of, which it may not expand again. */
  hide?: ReadonlySet<string>;
}

export interface Macro {
  params?: string[];
  variadic: boolean;
  body: Tok[];
}

const TOKEN =
  /\s+|[A-Za-z_$][\w$]*|(?:\d|\.\d)(?:[eEpP][+-]|[\w.])*|[LuU]?"(?:\\.|[^"\\])*"?|[LuU]?'(?:\\.|[^'\\])*'?|##|<<=|>>=|\.\.\.|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||[^]/y;

function tokenize(line: string): Tok[] {
  const out: Tok[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (TOKEN.lastIndex < line.length && (m = TOKEN.exec(line))) {
    const s = m[0];
    const c = s.charCodeAt(0);
    let k: K;
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12) k = K.Ws;
    else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36) k = s.length > 1 && (s[1] === '"' || s[1] === "'") ? K.Str : K.Id;
    else if ((c >= 48 && c <= 57) || (c === 46 && s.length > 1)) k = K.Num;
    else if (c === 34 || c === 39) k = K.Str;
    else k = K.Punct;
    out.push({ s, k });
  }
  return out;
}

// Looked up in a Map, not as a property: a property lookup interns the token
// in place, and V8 joins a line holding such a token into a two-byte string,
// which makes the whole output two-byte (twice the memory, slower searches
// and parses) for one macro name.
const BCC_NAMES: ReadonlyMap<string, unknown> = new Map(Object.entries(BCC_MACROS));

/**
 * The text of tokens. Two that meet only because a macro put them side by
 * side (`a/b` with `*p` for b) are kept apart by a space, as a compiler's
 * preprocessed output keeps them: joined they would read as another token,
 * or open a comment that swallows the declarations after it.
 */
function join1(toks: readonly Tok[]): string {
  let out = "";
  let prev: Tok | undefined;
  for (const t of toks) {
    if (prev !== undefined && prev.k !== K.Ws && t.k !== K.Ws && pastes(prev.s, t.s)) out += " ";
    out += t.s;
    prev = t;
  }
  return out;
}

/** Characters that end or start a token another one can run into. */
const PASTING = /[\w$.+\-*/%<>=!&|^#:]/;

/** Whether `a` then `b` would not read back as those two tokens. */
function pastes(a: string, b: string): boolean {
  const x = a[a.length - 1]!;
  const y = b[0]!;
  if (!PASTING.test(x) || !PASTING.test(y)) return false;
  if (x === "/" && (y === "*" || y === "/")) return true;
  TOKEN.lastIndex = 0;
  return TOKEN.exec(a + b)![0].length !== a.length;
}

interface Capture {
  probes: Set<string>;
  inMemory: boolean;
  includes: Include[];
  /** The files read whose text is at least the cache's `partialFrom`, and what they include. */
  big: Set<string>;
}

const COMMENT_OR_QUOTE = /["'/]/g;

/**
 * Replaces comments by spaces (keeping newlines), outside string and char
 * literals. C joins backslash-newlines before it removes comments, and a
 * comment, whatever lines it spans, is one space of the line it starts on:
 * a `//` comment ending in a backslash goes on to the next line, and a
 * directive goes on past a block comment's newlines (libbpf's
 * BPF_CORE_READ_BITFIELD has one inside its body). There each newline
 * the comment held is given back as a backslash-newline, which joins the
 * lines as C does while keeping their count.
 */
function stripComments(src: string): string {
  if (!src.includes("/*") && !src.includes("//")) return src;
  let out = "";
  // The start of the line `out` ends on, as the preprocessor will see it: whether a comment is in a directive.
  let head = "";
  const take = (piece: string): void => {
    out += piece;
    head = lineHead(head, piece);
  };
  let start = 0;
  let i = 0;
  const n = src.length;
  while (i < n) {
    // Jump to the next quote or slash: a native search, not a step per character.
    COMMENT_OR_QUOTE.lastIndex = i;
    if (!COMMENT_OR_QUOTE.test(src)) break;
    i = COMMENT_OR_QUOTE.lastIndex - 1;
    const c = src.charCodeAt(i);
    if (c === 34 || c === 39) {
      i++;
      while (i < n) {
        const d = src.charCodeAt(i);
        if (d === 92) i += 2;
        else if (d === c || d === 10) {
          i++;
          break;
        } else i++;
      }
    } else if (c === 47 && src.charCodeAt(i + 1) === 42) {
      const end = src.indexOf("*/", i + 2);
      const stop = end < 0 ? n : end + 2;
      const before = src.slice(start, i);
      const lines = src.slice(i, stop).replace(/[^\n]/g, "");
      const directive = lines !== "" && /^[ \t]*#/.test(lineHead(head, before));
      take(before + " " + (directive ? lines.replace(/\n/g, "\\\n") : lines));
      start = i = stop;
    } else if (c === 47 && src.charCodeAt(i + 1) === 47) {
      let end = src.indexOf("\n", i);
      while (end > 0 && src.charCodeAt(end - 1) === 92) end = src.indexOf("\n", end + 1);
      if (end < 0) end = n;
      take(src.slice(start, i) + src.slice(i, end).replace(/[^\n]/g, ""));
      start = i = end;
    } else i++;
  }
  return out + src.slice(start);
}

/** A backslash that spaces alone part from the line's end. */
const SPACED_SPLICE = /\\[ \t]+\n/g;

/**
 * A backslash then spaces at a line's end joins the line to the next, as
 * gcc and clang read it (with a warning): a macro so continued would end
 * there. The spaces go, so every other reader of the text sees one splice.
 */
function spliceSpaced(text: string): string {
  return text.includes("\\ ") || text.includes("\\\t") ? text.replace(SPACED_SPLICE, "\\\n") : text;
}

/** The first characters of the line text ends on, `head` being those of the line before `piece`: a newline a backslash continues ends no line. */
function lineHead(head: string, piece: string): string {
  let nl = piece.lastIndexOf("\n");
  while (nl > 0 && piece.charCodeAt(nl - 1) === 92) nl = piece.lastIndexOf("\n", nl - 1);
  if (nl >= 0) return piece.slice(nl + 1, nl + 65);
  return head.length < 64 ? (head + piece).slice(0, 64) : head;
}

interface Cond {
  /** Whether lines in the current branch are read. */
  on: boolean;
  /** Whether some branch of this #if was taken already. */
  taken: boolean;
  /** Whether the enclosing region is read at all. */
  outer: boolean;
}

/** Each macro's parameters and body as macroState writes them; a macro is never changed once made. */
const SPELLED = new WeakMap<Macro, string>();
/** macroState of a shared state of the macros, which is never changed. */
const STATES = new WeakMap<ReadonlyMap<string, Macro>, string>();
/** A path `normalize` changes: doubled or trailing separators, `.` or `..` segments. */
const UNNORMAL = /\/\/|(?:^|\/)\.\.?(?:\/|$)|.\/$|^$/;
// Includes nested deeper than this are a cycle without guards.
const MAX_INCLUDE_DEPTH = 200;
/**
 * Whether a file is one include guard, as GCC's multiple-include
 * optimization asks: its first directive `#ifndef X`, before any text but
 * blank lines, and the `#endif` that closes it after all else, with no
 * `#else` or `#elif` of its own. Told each line of the file's first read.
 */
class GuardWatch {
  private name: string | undefined;
  private cond: Cond | undefined;
  private state: "before" | "open" | "closed" | "none" = "before";

  /** A line of text, not a directive. */
  text(t: string): void {
    if (this.state !== "open" && /\S/.test(t)) this.state = "none";
  }

  /** A directive, before it takes effect: `conds` as they stand. */
  directive(name: string, rest: string, conds: readonly Cond[]): void {
    if (this.state === "before") {
      this.state = name === "ifndef" ? "open" : "none";
      if (this.state === "open") this.name = /^\w+/.exec(rest)?.[0];
      if (this.name === undefined) this.state = "none";
    } else if (this.state === "closed") this.state = "none";
    else if (this.state === "open" && conds.length === 1 && (name === "else" || name.startsWith("elif"))) this.state = "none";
  }

  /** The conditional a directive opened: the guard's, if it is the first. */
  opened(conds: readonly Cond[]): void {
    if (this.state === "open" && this.cond === undefined) this.cond = conds[0];
  }

  /** A conditional closed by `#endif`. */
  closed(c: Cond): void {
    if (this.state === "open" && c === this.cond) this.state = "closed";
  }

  /** X, where the whole file sat inside `#ifndef X`. */
  macro(): string | undefined {
    return this.state === "closed" ? this.name : undefined;
  }
}

/** `#ifndef X` then `#define X` before anything else but comments: an include guard. */
const INCLUDE_GUARD = /^(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*\n)*#\s*ifndef\s+(\w+)\s*\n\s*#\s*define\s+\1\b/;
// Text longer than this is searched for macros with one regular expression of all their names.
const MACRO_SEARCH_FROM = 4096;
// A macro call may span this many lines before we call it unterminated.
const MAX_CALL_LINES = 500;
// Expansion steps on one line beyond this mean runaway recursion.
const MAX_EXPANSIONS = 100_000;

export function preprocess(path: string, opts: PreprocessOptions): Preprocessed {
  return new Preprocessor(opts).run(path);
}

class Preprocessor {
  /**
   * The macros in force. A cached read's, the run's predefined ones and a
   * state macroState spelled are shared and never changed: `ownMacros` is
   * the same map only while it is this preprocessor's alone, and a change
   * copies a shared one first.
   */
  private macros: ReadonlyMap<string, Macro>;
  private ownMacros: Map<string, Macro> | undefined;
  /**
   * Which characters the names namesMacro looks for (macros, BCC's map
   * macros, `_Pragma`) start with: most identifiers start with none of them
   * and are never cut out of their line. Marks are only ever added, so an
   * `#undef` leaves a needless lookup, never a missed macro.
   */
  private readonly initials = new Uint8Array(128);
  /** The output, in pieces of one or more whole lines; `lineTable` has an entry per line. */
  private readonly out: string[] = [];
  private readonly lineTable = new LineTable();
  private readonly fileNames: string[] = [];
  private readonly fileIndex = new Map<string, number>();
  private readonly once = new Set<string>();
  /**
   * Files read whole inside `#ifndef X` ... `#endif`, by path, with X: while
   * X is defined, including one again gives nothing, and it is not read
   * again (vmlinux.h included by a program and by three of its headers).
   */
  private readonly guards = new Map<string, string>();
  private readonly problems: SourceProblem[] = [];
  private readonly bcc: BccUse[] = [];
  private readonly search: IncludeSearch;
  private stacktraceGiven = false;
  private expansions = 0;
  /** Output lines that came from big headers, with what they were. */
  private readonly lineChunks: { from: number; to: number; header: HeaderRead }[] = [];
  /** While a big header is read for the cache: the paths it looked for, and whether one was in memory. */
  private capture: Capture | undefined;

  constructor(private readonly opts: PreprocessOptions) {
    for (const name of [...Object.keys(BCC_MACROS), "_Pragma"]) this.initials[name.charCodeAt(0)] = 1;
    // Every program of a run starts from the same macros but its own -D flags: made once for each.
    const cache = opts.headers;
    const startKey = `${opts.target.name}\0${JSON.stringify(Object.entries(opts.defines))}`;
    const started = cache?.startMacros.get(startKey);
    this.macros = this.ownMacros = new Map();
    if (started) this.shareMacros(started);
    else {
      for (const [name, value] of Object.entries({ ...KEYWORD_SPELLINGS, ...predefinedMacros(opts.target) })) this.define(name, value);
      for (const [name, value] of Object.entries(opts.defines)) this.define(name, value);
      if (cache) {
        cache.startMacros.set(startKey, this.macros);
        this.ownMacros = undefined;
      }
    }
    this.search = { includeDirs: opts.includeDirs, systemDirs: systemIncludeDirs(opts.target), exists: (p) => this.exists(p) };
  }

  run(path: string): Preprocessed {
    const text = this.read(path);
    if (text === undefined) throw new Error(`cannot read ${path}`);
    this.open.push(path);
    // The file is the first of the unit's files even when a prelude is read before it.
    this.fileIndex.set(path, this.fileNames.push(path) - 1);
    for (const header of this.opts.prelude ?? []) this.include(`"${header}"`, path, 0, 0);
    this.file(path, text, 0);
    const { text: out, chunks } = this.joinOutput();
    const lines = this.lineTable.take();
    return { text: out, lineFile: lines.file, lineNo: lines.no, fileNames: this.fileNames, problems: this.problems, bcc: this.bcc, chunks };
  }

  /**
   * The output text. A big header's lines are joined once per run; since
   * they are whole top-level declarations, hoisting attributes in them apart
   * from the rest gives the same text as hoisting in the whole.
   */
  private joinOutput(): { text: string; chunks: HeaderChunk[] } {
    if (!this.lineChunks.length) return { text: hoistRecordAttributes(this.out.join("\n")), chunks: [] };
    const pieces: string[] = [];
    const chunks: HeaderChunk[] = [];
    let at = 0;
    let line = 0;
    const add = (text: string): number => {
      if (pieces.length) at++;
      pieces.push(text);
      const start = at;
      at += text.length;
      return start;
    };
    for (const c of this.lineChunks) {
      if (c.from > line) add(hoistRecordAttributes(this.out.slice(line, c.from).join("\n")));
      c.header.text ??= hoistRecordAttributes(c.header.lines.join("\n"));
      const start = add(c.header.text);
      chunks.push({ at: start, end: at, header: c.header });
      line = c.to;
    }
    if (this.out.length > line) add(hoistRecordAttributes(this.out.slice(line).join("\n")));
    return { text: pieces.join("\n"), chunks };
  }

  private define(name: string, value: string): void {
    const m = /^([A-Za-z_]\w*)(\(([^)]*)\))?$/.exec(name);
    if (!m) return;
    this.defineText(`${name} ${value}`);
  }

  /**
   * A header over the input limit ends the read of this file with an
   * InputError naming it (check notes it and reads the other programs); a
   * FIFO or a device, which would block the read, is not a header.
   */
  private read(path: string, via?: { from: string; line: number }): string | undefined {
    const mem = this.inMemory(path);
    if (mem !== undefined) return mem;
    const cache = this.opts.headers;
    const kept = cache?.texts.get(path);
    if (kept !== undefined) return kept;
    try {
      const st = statSync(path);
      if (!st.isFile()) return undefined;
      const over = overInputLimit(st.size);
      if (over) throw new InputError(path, via ? `${over}; included from ${via.from}:${via.line}` : over);
      const text = readFileSync(path, "latin1");
      cache?.keepText(path, text);
      return text;
    } catch (e) {
      if (e instanceof InputError) throw e;
      return undefined;
    }
  }

  private exists(path: string): boolean {
    if (this.inMemory(path) !== undefined) return true;
    const dirs = this.opts.headers?.dirs;
    return dirs ? dirs.exists(path) : existsSync(path);
  }

  private inMemory(path: string): string | undefined {
    const files = this.opts.files;
    // Asked of every path an include probes: normalized only where that can change it.
    const mem = files[path] ?? (UNNORMAL.test(path) ? files[normalize(path)] : undefined);
    if (this.capture) {
      this.capture.probes.add(path);
      if (mem !== undefined) this.capture.inMemory = true;
    }
    return mem;
  }

  private emit(line: string, file: number, no: number): void {
    this.out.push(line);
    this.lineTable.push(file, no);
  }

  /** `count` lines of a file as one piece of output, the first being line `no`. */
  private emitLines(text: string, file: number, no: number, count: number): void {
    this.out.push(text);
    this.lineTable.pushRun(file, no, count);
  }

  private problem(file: string, line: number, message: string): void {
    this.problems.push({ file, line, message });
  }

  private file(path: string, raw: string, depth: number): void {
    if (this.capture) {
      // What a big header includes is read in part with it, as when the big one was the unit of the cache.
      const includer = this.open[this.open.length - 2];
      if (raw.length >= this.opts.headers!.partialFrom || (includer !== undefined && this.capture.big.has(includer))) this.capture.big.add(path);
    }
    let fi = this.fileIndex.get(path);
    if (fi === undefined) {
      fi = this.fileNames.length;
      this.fileNames.push(path);
      this.fileIndex.set(path, fi);
    }
    const src = stripComments(spliceSpaced(raw.includes("\r") ? raw.replace(/\r\n?/g, "\n") : raw));
    const lines = new SourceLines(src);
    const conds: Cond[] = [];
    const on = (): boolean => conds.length === 0 || conds[conds.length - 1]!.on;
    const guard = new GuardWatch();
    for (let i = 0; lines.has(i); i++) {
      if (this.opts.runs !== false && on()) {
        // Lines this loop would give unchanged go out together.
        const at = lines.startOf(i);
        const end = lines.plainEnd(at, this);
        if (end > at) {
          const { text, count } = lines.take(at, end);
          guard.text(text);
          this.depth = braceDepth(text, text.length, this.depth);
          this.emitLines(text, fi, i + 1, count);
          i += count - 1;
          continue;
        }
      }
      const no = i + 1;
      let line = lines.get(i);
      // Backslash-newline joins lines; the joined ones stay as blank lines.
      let extra = 0;
      while (line.endsWith("\\") && lines.has(i + 1)) {
        line = line.slice(0, -1) + lines.get(++i);
        extra++;
      }
      const d = /^\s*#\s*([a-z_]*)(.*)$/.exec(line);
      if (d) {
        const name = d[1]!;
        const rest = d[2]!.trim();
        let passed = "";
        guard.directive(name, rest, conds);
        switch (name) {
          case "if":
          case "ifdef":
          case "ifndef": {
            const outer = on();
            const v = !outer ? false : name === "if" ? this.evalIf(rest, path, no) : this.macros.has(rest.split(/\s+/)[0] ?? "") === (name === "ifdef");
            conds.push({ on: outer && v, taken: v, outer });
            guard.opened(conds);
            break;
          }
          case "elif":
          case "elifdef":
          case "elifndef": {
            const c = conds[conds.length - 1];
            if (!c) {
              this.problem(path, no, `#${name} without #if`);
              break;
            }
            if (c.taken || !c.outer) c.on = false;
            else {
              const v = name === "elif" ? this.evalIf(rest, path, no) : this.macros.has(rest) === (name === "elifdef");
              c.on = v;
              c.taken = v;
            }
            break;
          }
          case "else": {
            const c = conds[conds.length - 1];
            if (!c) this.problem(path, no, "#else without #if");
            else {
              c.on = c.outer && !c.taken;
              c.taken = true;
            }
            break;
          }
          case "endif": {
            const c = conds.pop();
            if (!c) this.problem(path, no, "#endif without #if");
            else guard.closed(c);
            break;
          }
          default:
            if (!on()) break;
            if (name === "define") this.defineText(rest);
            else if (name === "undef") {
              const undef = rest.split(/\s+/)[0] ?? "";
              if (this.macros.has(undef)) this.changeMacros().delete(undef);
            }
            else if (name === "include" || name === "include_next") {
              this.emitBlank(fi, no, extra);
              this.include(rest, path, no, depth);
              continue;
            } else if (name === "pragma") {
              if (/^once\b/.test(rest)) this.once.add(path);
              else if (/^pack\b/.test(rest)) passed = `#pragma ${this.expandText(rest)}`;
            } else if (name === "error") this.problem(path, no, `#error ${rest}`);
        }
        this.emit(passed, fi, no);
        this.emitBlank(fi, no + 1, extra);
        continue;
      }
      guard.text(line);
      if (!on()) {
        this.emit("", fi, no);
        this.emitBlank(fi, no + 1, extra);
        continue;
      }
      // A macro call may run over several lines: read on to its closing parenthesis.
      let joined = 0;
      while (this.openCall(line) && joined < MAX_CALL_LINES && lines.has(i + 1) && !/^\s*#/.test(lines.get(i + 1))) {
        line += "\n" + lines.get(++i);
        joined++;
      }
      const expanded = hoistDeclaratorAttributes(enumTypeNames(enumBitfields(complexTypes(this.expandLine(line, path, no)))), this.depth);
      this.depth = braceDepth(expanded, expanded.length, this.depth);
      this.emit(joined ? expanded.replace(/\n/g, " ") : expanded, fi, no);
      this.emitBlank(fi, no + 1, extra + joined);
    }
    if (conds.length) this.problem(path, lines.count(), "#if without #endif");
    else {
      const macro = guard.macro();
      if (macro !== undefined) this.guards.set(path, macro);
    }
  }

  /** Brace depth of the output so far: where declarations are at file scope. */
  private depth = 0;

  private emitBlank(fi: number, from: number, count: number): void {
    for (let k = 0; k < count; k++) this.emit("", fi, from + k);
  }

  /** Whether the line ends inside the arguments of a function-like macro or BCC macro. */
  private openCall(line: string): boolean {
    // Most lines open no parenthesis; a native search says so fastest.
    if (!line.includes("(")) return false;
    let depth = 0;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (c === "(") depth++;
      else if (c === ")") depth--;
      else if (c === '"' || c === "'") {
        const end = line.indexOf(c, i + 1);
        if (end < 0) return false;
        i = end;
      }
    }
    if (depth <= 0) return false;
    for (const m of line.matchAll(/[A-Za-z_]\w*/g)) {
      const mac = this.macros.get(m[0]);
      if ((mac && mac.params) || (!mac && BCC_NAMES.has(m[0]))) return true;
    }
    return false;
  }

  private setMacro(name: string, m: Macro): void {
    this.changeMacros().set(name, m);
    this.initials[name.charCodeAt(0)] = 1;
  }

  /** The macros, to change: copied first if shared. */
  private changeMacros(): Map<string, Macro> {
    this.macroNames = undefined;
    if (!this.ownMacros) this.macros = this.ownMacros = new Map(this.macros);
    return this.ownMacros;
  }

  /** Takes a shared state of the macros as this one, to copy before changing it. */
  private shareMacros(macros: ReadonlyMap<string, Macro>): void {
    this.macros = macros;
    this.ownMacros = undefined;
    this.macroNames = undefined;
    for (const name of macros.keys()) this.initials[name.charCodeAt(0)] = 1;
  }

  private defineText(text: string): void {
    const m = /^([A-Za-z_]\w*)(\(([^)]*)\))?\s*(.*)$/s.exec(text);
    if (!m) return;
    const body = trimWs(tokenize(m[4]!));
    if (m[2] === undefined) {
      this.setMacro(m[1]!, { variadic: false, body });
      return;
    }
    const params = m[3]!
      .split(",")
      .map((p) => p.trim())
      .filter((p) => p !== "");
    let variadic = false;
    const last = params[params.length - 1];
    if (last !== undefined && last.endsWith("...")) {
      variadic = true;
      const named = last.slice(0, -3).trim();
      params[params.length - 1] = named === "" ? "__VA_ARGS__" : named;
    }
    this.setMacro(m[1]!, { params, variadic, body });
  }

  private include(rest: string, from: string, line: number, depth: number): void {
    let spec = rest;
    if (!/^["<]/.test(spec)) spec = this.expandText(spec).trim();
    const m = /^"([^"]+)"|^<([^>]+)>/.exec(spec);
    if (!m) {
      this.problem(from, line, `#include ${rest}: not a file name`);
      return;
    }
    const name = m[1] ?? m[2]!;
    const found = this.includable(name, from, m[1] !== undefined);
    if (found === undefined) {
      this.problem(from, line, `#include ${m[0]}: not found`);
      return;
    }
    if (this.once.has(found)) return;
    const guard = this.guards.get(found);
    if (guard !== undefined && this.macros.has(guard)) return;
    if (this.open.includes(found)) {
      // A file including itself again: an include guard makes that nothing;
      // without one a compiler recurses until it gives up. Either way it is read once.
      const text = this.read(found);
      const guard = text === undefined ? undefined : INCLUDE_GUARD.exec(text)?.[1];
      if (guard === undefined || !this.macros.has(guard)) {
        const chain = [...this.open.slice(this.open.indexOf(found)), found].map((f) => basename(f)).join(" -> ");
        this.problem(from, line, `#include ${m[0]}: include cycle ${chain}; read once`);
      }
      return;
    }
    if (depth >= MAX_INCLUDE_DEPTH) {
      this.problem(from, line, `#include ${m[0]}: includes nested deeper than ${MAX_INCLUDE_DEPTH}`);
      return;
    }
    const text = this.read(found, { from, line });
    if (text === undefined) {
      this.problem(from, line, `#include ${m[0]}: cannot read ${found}`);
      return;
    }
    if (this.fromCache(found, text, depth)) return;
    this.open.push(found);
    try {
      this.file(found, text, depth + 1);
    } finally {
      this.open.pop();
    }
  }

  /**
   * Reads a big header through the run's cache: gives its lines again when
   * it was read under the same state, else reads it and keeps what it gave.
   * Only where it starts and ends between top-level declarations, so that
   * its text parses alone as it would in place. False: read it as usual.
   */
  private fromCache(found: string, text: string, depth: number): boolean {
    const cache = this.opts.headers;
    if (!cache || this.capture || text.length < cache.minSize || this.depth !== 0 || !betweenDeclarations(this.out)) return false;
    const key = [found, String(text.length), ...this.search.systemDirs, "", this.macroState()].join("\0");
    const known = cache.candidates(key).find((h) => h.source === text && this.sameIncludes(h));
    if (known) {
      if (this.probedHere(known)) return false;
      if (this.expansions + known.expansions > MAX_EXPANSIONS) return false;
      cache.use(known);
      this.replay(known);
      return true;
    }
    const start = this.out.length;
    const startLine = this.lineTable.length;
    const problems = this.problems.length;
    const expansions = this.expansions;
    const bcc = this.bcc.length;
    const once = new Set(this.once);
    const guardsBefore = new Set(this.guards.keys());
    const open = [...this.open];
    this.capture = { probes: new Set(), inMemory: false, includes: [], big: new Set() };
    this.open.push(found);
    let capture: Capture;
    try {
      this.file(found, text, depth + 1);
    } finally {
      this.open.pop();
      capture = this.capture;
      this.capture = undefined;
    }
    // BCC map macros are numbered in the order of the whole file: such a header reads differently elsewhere.
    if (capture.inMemory || this.bcc.length !== bcc || this.depth !== 0 || !betweenDeclarations(this.out)) return true;
    if ([...capture.probes].some((p) => once.has(p) || open.includes(p))) return true;
    const names: string[] = [];
    const local = new Map<number, number>();
    const lines = this.lineTable.since(startLine);
    const numbered = lines.file;
    const lineFile = numbered.map((fi) => {
      let l = local.get(fi);
      if (l === undefined) {
        local.set(fi, (l = names.length));
        names.push(this.fileNames[fi]!);
      }
      return l;
    });
    const read: HeaderRead = {
      source: text,
      lines: this.out.slice(start),
      lineFile,
      lineNo: lines.no,
      numbered: { index: [...local.keys()], lineFile: numbered },
      fileNames: names,
      problems: this.problems.slice(problems),
      macros: this.macros,
      once: [...this.once].filter((f) => !once.has(f)),
      guards: [...this.guards].filter(([f]) => !guardsBefore.has(f)),
      expansions: this.expansions - expansions,
      probes: [...capture.probes],
      includes: capture.includes,
      big: [...capture.big],
    };
    this.ownMacros = undefined;
    cache.put(key, read);
    this.lineChunks.push({ from: start, to: this.out.length, header: read });
    return true;
  }

  /** Gives a header's output and its effects again, as reading it would. */
  private replay(h: HeaderRead): void {
    const start = this.out.length;
    const index = h.fileNames.map((name) => {
      let fi = this.fileIndex.get(name);
      if (fi === undefined) {
        fi = this.fileNames.length;
        this.fileNames.push(name);
        this.fileIndex.set(name, fi);
      }
      return fi;
    });
    for (const piece of h.lines) this.out.push(piece);
    const last = h.numbered;
    if (last.index.length !== index.length || last.index.some((fi, k) => fi !== index[k])) h.numbered = { index, lineFile: h.lineFile.map((l) => index[l]!) };
    this.lineTable.append(h.numbered.lineFile, h.lineNo);
    this.problems.push(...h.problems);
    this.shareMacros(h.macros);
    for (const f of h.once) this.once.add(f);
    for (const [f, g] of h.guards) this.guards.set(f, g);
    this.expansions += h.expansions;
    this.lineChunks.push({ from: start, to: this.out.length, header: h });
  }

  /**
   * Whether a path the read looked for is in memory here, or would stop
   * short of being read here (after `#pragma once`, or while it is being
   * read): asked from the side of this program's few files, not of the
   * read's many probes.
   */
  private probedHere(h: HeaderRead): boolean {
    const probes = (h.probeSet ??= { exact: new Set(h.probes), normal: new Set([...h.probes, ...h.probes.map((p) => normalize(p))]) });
    for (const f in this.opts.files) if (probes.normal.has(f)) return true;
    for (const f of this.once) if (probes.exact.has(f)) return true;
    return this.open.some((f) => probes.exact.has(f));
  }

  /**
   * Every macro as defined now, in order of definition: equal states expand
   * every text alike. Spelled once per state: the state is shared from then
   * on, and a replay takes the read's state with its spelling.
   */
  private macroState(): string {
    let state = STATES.get(this.macros);
    if (state !== undefined) return state;
    const out: string[] = [];
    for (const [name, m] of this.macros) {
      // A header's macros live on in every program that includes it: each is spelled once.
      let spelled = SPELLED.get(m);
      if (spelled === undefined) SPELLED.set(m, (spelled = `${m.params ? `(${m.params.join(",")}${m.variadic ? "..." : ""})` : ""} ${m.body.map((t) => `${t.k}${t.s}`).join("\u0001")}`));
      out.push(name + spelled);
    }
    STATES.set(this.macros, (state = out.join("\n")));
    this.ownMacros = undefined;
    return state;
  }

  /**
   * Finds an identifier that is a macro (split into identifiers as
   * macroAt's scan does: digits before letters are not part of one), and
   * the last one it found: where it searched `text` from, and the match (or
   * the text's end). Made again after the macros change.
   */
  private macroNames: { re: RegExp; text: string; from: number; next: number } | undefined;

  /** The files being read, outermost first: an include of one of them is a cycle. */
  private readonly open: string[] = [];

  /** Whether every include of a cached read finds here what it found there; only the program's include directories are asked where that decides it. */
  private sameIncludes(h: HeaderRead): boolean {
    // The program's own folder, first of its include directories, mostly holds none of the include's
    // first parts: left out of the key, a tree's programs share one answer.
    const memo = (h.sameFor ??= { heads: [...new Set(h.includes.map((i) => i.name.split("/")[0]!))], names: new Set(h.includes.map((i) => basename(i.name))), answers: new Map() });
    const dirs = this.opts.includeDirs.filter((d) => memo.heads.some((head) => this.exists(join(d, head))));
    const key = [...dirs, "", ...Object.keys(this.opts.files).filter((f) => memo.names.has(basename(f)))].join("\0");
    let same = memo.answers.get(key);
    if (same === undefined) {
      same = h.includes.every(
        (i) => i.where === "before" || (i.where === "after" && searchIn(this.search, this.opts.includeDirs, i.name) === undefined) || (this.findInclude(i.name, i.from, i.quoted) ?? "") === i.found,
      );
      memo.answers.set(key, same);
    }
    return same;
  }

  /**
   * Where `#include` or `__has_include` finds `name`. A big header read for
   * the cache keeps each answer, to be asked again of every program that
   * would reuse the read: another program's folders may answer otherwise.
   */
  private includable(name: string, from: string, quoted: boolean): string | undefined {
    const { found, where } = this.locateInclude(name, from, quoted);
    this.capture?.includes.push({ name, from, quoted, found: found ?? "", where });
    return found;
  }

  private findInclude(name: string, from: string, quoted: boolean): string | undefined {
    return this.locateInclude(name, from, quoted).found;
  }

  private locateInclude(name: string, from: string, quoted: boolean): { found: string | undefined; where: IncludeWhere } {
    return locateInclude(this.search, name, from, quoted);
  }

  private expandText(text: string): string {
    return join1(this.expand(tokenize(text), "", 0));
  }

  private expandLine(line: string, file: string, no: number): string {
    // Most lines name no macro: leave them as they are.
    if (!this.namesMacro(line)) return line;
    return join1(this.expand(tokenize(line), file, no));
  }

  private namesMacro(line: string): boolean {
    return this.macroAt(line, 0, line.length) < line.length;
  }

  /**
   * Where the first identifier of text[from, to) that is a macro starts, or
   * `to`: each one (a letter or `_`, then word characters) whose first
   * character could start one is looked up as it is scanned, with no match
   * objects, since vmlinux.h alone has a hundred thousand lines to check.
   */
  macroAt(line: string, from: number, to: number): number {
    if (to - from > MACRO_SEARCH_FROM) {
      // Over a long stretch, one native search for every name at once; the
      // match it finds past `to` holds for the next stretch of the same text.
      this.macroNames ??= { re: new RegExp(`(?<![A-Za-z_][A-Za-z0-9_]*)(?:${[...this.macros.keys(), ...BCC_NAMES.keys(), "_Pragma"].join("|")})(?![A-Za-z0-9_])`, "g"), text: "", from: 0, next: -1 };
      const s = this.macroNames;
      if (s.text !== line || s.from > from || s.next < from) {
        s.re.lastIndex = from;
        const m = s.re.exec(line);
        s.text = line;
        s.from = from;
        s.next = m ? m.index : line.length;
      }
      return Math.min(s.next, to);
    }
    const n = to;
    let i = from;
    while (i < n) {
      if (!isIdentStart(line.charCodeAt(i))) {
        i++;
        continue;
      }
      const start = i;
      while (++i < n && isIdentPart(line.charCodeAt(i)));
      if (!this.initials[line.charCodeAt(start)]) continue;
      const name = line.slice(start, i);
      if (this.macros.has(name) || BCC_NAMES.has(name) || name === "_Pragma") return start;
    }
    return to;
  }

  /** Expands macros in place, rescanning each replacement with the rest of the line. */
  private expand(toks: Tok[], file: string, no: number): Tok[] {
    let i = 0;
    while (i < toks.length) {
      const t = toks[i]!;
      if (t.k !== K.Id) {
        i++;
        continue;
      }
      if (t.s === "_Pragma") {
        const call = this.callArgs(toks, i + 1);
        if (call) {
          toks.splice(i, call.end - i, { s: " ", k: K.Ws });
          continue;
        }
      }
      const mac = this.macros.get(t.s);
      if (!mac || t.hide?.has(t.s)) {
        const bcc = file !== "" && !mac && BCC_NAMES.has(t.s);
        if (bcc) {
          const call = this.callArgs(toks, i + 1);
          if (call) {
            const args = call.args.map((a) => join1(this.expand(a, "", 0)).trim());
            const r = bccReplacement(t.s, args, this.bcc.length);
            let end = call.end;
            while (end < toks.length && toks[end]!.k === K.Ws) end++;
            if (toks[end]?.s === ";") end++;
            else end = call.end;
            if (typeof r === "string") {
              this.problem(file, no, r);
              i = end;
              continue;
            }
            const column = join1(toks.slice(0, i)).length + 1;
            this.bcc.push({ index: this.bcc.length, macro: t.s, name: r.name, table: r.table, ...(r.maxIs ? { maxIs: r.maxIs } : {}), file, line: no, column });
            let text = r.text;
            if (t.s === "BPF_STACK_TRACE" && !this.stacktraceGiven) {
              this.stacktraceGiven = true;
              text = `${BCC_STACKTRACE} ${text}`;
            }
            toks.splice(i, end - i, { s: text, k: K.Punct });
            i++;
            continue;
          }
        }
        i++;
        continue;
      }
      if (++this.expansions > MAX_EXPANSIONS) return toks;
      const hide = new Set(t.hide ?? []);
      hide.add(t.s);
      if (mac.params === undefined) {
        toks.splice(i, 1, ...mac.body.map((b) => ({ s: b.s, k: b.k, hide })));
        continue;
      }
      const call = this.callArgs(toks, i + 1);
      if (!call) {
        i++;
        continue;
      }
      toks.splice(i, call.end - i, ...this.substitute(mac, call.args, hide));
    }
    return toks;
  }

  /** The arguments of a call whose `(` is at or after `from`, and the index after its `)`. */
  private callArgs(toks: Tok[], from: number): { args: Tok[][]; end: number } | undefined {
    let j = from;
    while (j < toks.length && toks[j]!.k === K.Ws) j++;
    if (toks[j]?.s !== "(") return undefined;
    const args: Tok[][] = [[]];
    let depth = 0;
    for (j++; j < toks.length; j++) {
      const s = toks[j]!.s;
      if (s === "(" || s === "[" || s === "{") depth++;
      else if (s === ")" || s === "]" || s === "}") {
        if (depth === 0 && s === ")") return { args: args.length === 1 && trimWs(args[0]!).length === 0 ? [] : args, end: j + 1 };
        depth--;
      } else if (s === "," && depth === 0) {
        args.push([]);
        continue;
      }
      args[args.length - 1]!.push(toks[j]!);
    }
    return undefined;
  }

  private substitute(mac: Macro, rawArgs: Tok[][], hide: ReadonlySet<string>): Tok[] {
    const params = mac.params!;
    let args = rawArgs;
    if (mac.variadic) {
      const fixed = params.length - 1;
      const va: Tok[] = [];
      rawArgs.slice(fixed).forEach((a, n) => {
        if (n > 0) va.push({ s: ",", k: K.Punct });
        va.push(...a);
      });
      args = [...rawArgs.slice(0, fixed), va];
    }
    const argOf = (name: string): Tok[] | undefined => {
      const p = params.indexOf(name);
      return p < 0 ? undefined : trimWs(args[p] ?? []);
    };
    const body = mac.body;
    const out: Tok[] = [];
    const nextNonWs = (k: number): number => {
      let j = k + 1;
      while (j < body.length && body[j]!.k === K.Ws) j++;
      return j;
    };
    for (let k = 0; k < body.length; k++) {
      const b = body[k]!;
      if (b.s === "#" && b.k === K.Punct) {
        const j = nextNonWs(k);
        const a = body[j] && argOf(body[j]!.s);
        if (a) {
          out.push({ s: JSON.stringify(join1(a).replace(/\s+/g, " ")), k: K.Str });
          k = j;
          continue;
        }
      }
      if (b.s === "##") {
        while (out.length && out[out.length - 1]!.k === K.Ws) out.pop();
        const j = nextNonWs(k);
        const nb = body[j];
        if (!nb) break;
        const a = argOf(nb.s);
        const right = a ?? [nb];
        const left = out.pop();
        if (left?.s === "," && a !== undefined && a.length === 0 && nb.s === params[params.length - 1] && mac.variadic) {
          k = j;
          continue;
        }
        if (left && right.length) {
          const pasted = tokenize(left.s + right[0]!.s);
          out.push(...pasted, ...right.slice(1));
        } else if (left) out.push(left);
        else out.push(...right);
        k = j;
        continue;
      }
      const a = b.k === K.Id ? argOf(b.s) : undefined;
      if (a) {
        const j = nextNonWs(k);
        const raw = body[j]?.s === "##";
        out.push(...(raw ? a : this.expand(a.map((x) => ({ ...x })), "", 0)));
        continue;
      }
      out.push(b);
    }
    return out.map((t) => ({ s: t.s, k: t.k, hide: t.hide ? new Set([...t.hide, ...hide]) : hide }));
  }

  private evalIf(expr: string, file: string, no: number): boolean {
    // `defined X` is read before expansion, as the standard says.
    const pre = expr
      .replace(/\bdefined\s*\(\s*([A-Za-z_]\w*)\s*\)|\bdefined\s+([A-Za-z_]\w*)/g, (_, a: string | undefined, b: string | undefined) => (this.macros.has(a ?? b ?? "") ? " 1 " : " 0 "))
      .replace(/\b__has_include(?:_next)?\s*\(\s*(?:"([^"]*)"|<([^>]*)>)\s*\)/g, (_, q: string | undefined, a: string | undefined) =>
        this.includable(q ?? a ?? "", file, q !== undefined) !== undefined ? " 1 " : " 0 ",
      )
      .replace(/\b__has_(?:attribute|c_attribute|feature|extension)\s*\([^)]*\)/g, " 1 ")
      .replace(/\b__has_(?:builtin|declspec_attribute|cpp_attribute|warning)\s*\([^)]*\)/g, " 0 ");
    const toks = this.expand(tokenize(pre), "", 0).filter((t) => t.k !== K.Ws);
    const v = new IfParser(toks).parse();
    if (v === undefined) {
      this.problem(file, no, `#if ${expr}: cannot evaluate`);
      return false;
    }
    return v.v !== 0n;
  }
}

const LEADING_ATTR = /\b(struct|union|enum)(\s+)(__attribute__\s*\(\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)\))(\s*(?:[A-Za-z_]\w*\s*)?)\{/g;

/**
 * `struct __attribute__((packed)) { ... }` inside a record defeats the C
 * grammar, which takes `__attribute__` for the tag. An attribute right after
 * the closing brace means the same to the compiler, so it moves there; the
 * line count stays, so locations stay true.
 */
function hoistRecordAttributes(text: string): string {
  if (!leadingAttribute(text)) return text;
  const inserts: { at: number; text: string }[] = [];
  let out = text.replace(LEADING_ATTR, (all, kw: string, ws: string, attr: string, name: string, offset: number) => {
    let depth = 0;
    for (let i = offset + all.length - 1; i < text.length; i++) {
      const c = text[i];
      if (c === "{") depth++;
      else if (c === "}" && --depth === 0) {
        inserts.push({ at: i + 1, text: ` ${attr.replace(/\n/g, " ")}` });
        return `${kw}${ws}${" ".repeat(attr.replace(/\n/g, "").length)}${attr.replace(/[^\n]/g, "")}${name}{`;
      }
    }
    return all;
  });
  inserts.sort((a, b) => b.at - a.at);
  for (const ins of inserts) out = out.slice(0, ins.at) + ins.text + out.slice(ins.at);
  return out;
}

/**
 * Whether some `__attribute__` in `text` follows `struct`, `union` or
 * `enum` and spaces, as LEADING_ATTR needs: a native search for the word
 * and a look back from each, where the expression would try its
 * alternatives at every word of a header (whose attributes follow bodies).
 */
function leadingAttribute(text: string): boolean {
  for (let at = text.indexOf("__attribute__"); at >= 0; at = text.indexOf("__attribute__", at + 1)) {
    let i = at;
    while (i > 0 && isSpace(text.charCodeAt(i - 1))) i--;
    if (i === at) continue;
    for (const kw of ["struct", "union", "enum"]) {
      const k = i - kw.length;
      if (k >= 0 && text.startsWith(kw, k) && (k === 0 || !isIdentPart(text.charCodeAt(k - 1)))) return true;
    }
  }
  return false;
}

/** What `\s` matches, in the range of characters a source is read in (latin1), and beyond it. */
function isSpace(c: number): boolean {
  return (c >= 9 && c <= 13) || c === 32 || c === 160 || (c > 255 && /\s/.test(String.fromCharCode(c)));
}

/**
 * Whether the output so far ends between top-level declarations: nothing
 * yet, or a last line ending in `;` or `}` or a directive passed on. Only
 * called at brace depth 0.
 */
function betweenDeclarations(out: readonly string[]): boolean {
  for (let i = out.length - 1; i >= 0; i--) {
    const piece = out[i]!.trimEnd();
    if (piece === "") continue;
    const line = piece.slice(piece.lastIndexOf("\n") + 1).trim();
    if (line === "") continue;
    return line.startsWith("#") || line.endsWith(";") || line.endsWith("}");
  }
  return true;
}

/** What makes a line other than plain, each found by a native search: a directive, a continued line, what the per-line rewrites act on. */
const NOT_PLAIN: readonly (string | RegExp)[] = ["#", "\\\n", "omplex", "__attribute__", /\benum(?:\s+[A-Za-z_]\w*)?\s*:/g];

/**
 * The lines of one file's text, cut out as they are asked for (nearly
 * always in order), so that a big header is not split into a hundred
 * thousand strings; and the runs of whole lines that the preprocessor
 * gives unchanged while they are read (no directive, no continued line, no
 * macro, nothing a per-line rewrite acts on), found with native searches:
 * a big header is nearly all of them. Each search's next match is kept
 * until the lines pass it, so the text is searched once per kind.
 */
class SourceLines {
  private readonly next = NOT_PLAIN.map(() => -1);
  /** A line and where it starts. */
  private line = 0;
  private at = 0;

  constructor(private readonly src: string) {}

  /** Where line `i` starts, -1 past the last line. */
  startOf(i: number): number {
    if (i < this.line) this.line = this.at = 0;
    while (this.line < i) {
      const e = this.src.indexOf("\n", this.at);
      if (e < 0) return -1;
      this.at = e + 1;
      this.line++;
    }
    return this.at;
  }

  has(i: number): boolean {
    return this.startOf(i) >= 0;
  }

  get(i: number): string {
    const at = this.startOf(i);
    const e = this.src.indexOf("\n", at);
    return e < 0 ? this.src.slice(at) : this.src.slice(at, e);
  }

  count(): number {
    let n = 1;
    for (let e = this.src.indexOf("\n"); e >= 0; e = this.src.indexOf("\n", e + 1)) n++;
    return n;
  }

  /** Where the run of plain lines starting at `at` (a line start) ends: a line start, or the text's end. */
  plainEnd(at: number, pp: { macroAt(text: string, from: number, to: number): number }): number {
    const { src } = this;
    let stop = src.length;
    NOT_PLAIN.forEach((what, k) => {
      if (this.next[k]! < at) {
        let next: number;
        if (typeof what === "string") next = src.indexOf(what, at);
        else {
          what.lastIndex = at;
          next = what.exec(src)?.index ?? -1;
        }
        this.next[k] = next < 0 ? src.length : next;
      }
      stop = Math.min(stop, this.next[k]!);
    });
    // A backslash ending the text continues nothing, but the line loop looks at it.
    if (stop === src.length && src.endsWith("\\")) stop = src.length - 1;
    stop = pp.macroAt(src, at, stop);
    if (stop === src.length) return stop;
    return src.lastIndexOf("\n", stop - 1) + 1;
  }

  /** The lines from `at` to `end` as one piece, and how many they are. */
  take(at: number, end: number): { text: string; count: number } {
    const { src } = this;
    let count = 0;
    for (let i = src.indexOf("\n", at); i >= 0 && i < end; i = src.indexOf("\n", i + 1)) count++;
    if (end === src.length) return { text: src.slice(at), count: count + 1 };
    // The line after the run starts at its end: the next line asked for is found from there.
    if (this.at === at) {
      this.line += count;
      this.at = end;
    }
    return { text: src.slice(at, end - 1), count };
  }
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

const HOISTED_ATTR = /section|\bunused\b|\bused\b/;
const TRAILING_ATTR = /((?:\*\s*)*)\b([A-Za-z_]\w*)((?:\s*\[[^\]]*\])*)(\s*)(__attribute__\s*\(\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)\))(?=\s*[;=,])/g;

/**
 * `char LICENSE[] SEC("license") = "GPL";` and `} events SEC(".maps");`:
 * at file scope the C grammar cannot take attributes between a declarator
 * and `=` or `;`. Before the declarator (and its stars) they mean the same
 * to the compiler, and parse. Inside records the grammar takes them where
 * they are, so `depth`, the brace depth where the line starts, limits this
 * to file scope, and to sections, the one attribute there that matters here,
 * and to `unused` and `used`, which libbpf programs write after a pointer
 * kept only for its type's BTF and which move no byte: the parser then reads
 * the program once, not a second time after rotating them (parseC). A
 * typedef's `aligned` must stay its own.
 */
function hoistDeclaratorAttributes(line: string, depth: number): string {
  if (!line.includes("__attribute__")) return line;
  return line.replace(TRAILING_ATTR, (all, stars: string, name: string, dims: string, ws: string, attr: string, offset: number) => {
    if (name === "__attribute__" || !HOISTED_ATTR.test(attr) || braceDepth(line, offset, depth) !== 0) return all;
    return `${attr} ${stars}${name}${dims}${ws}`;
  });
}

/**
 * Brace depth at `end` of C text that starts at `depth`, counting no brace
 * of a string or character literal (`buf[0] != '{'` opens no block).
 */
function braceDepth(text: string, end: number, depth: number): number {
  if (!text.includes("{") && !text.includes("}")) return depth;
  // Most text (a vmlinux.h) holds no literal: native searches count it.
  if (!text.includes("'") && !text.includes('"')) {
    for (let i = text.indexOf("{"); i >= 0 && i < end; i = text.indexOf("{", i + 1)) depth++;
    for (let i = text.indexOf("}"); i >= 0 && i < end; i = text.indexOf("}", i + 1)) depth--;
    return depth;
  }
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 123) depth++;
    else if (c === 125) depth--;
    else if (c === 34 || c === 39) {
      // To the closing quote, past escapes; a literal the line does not close ends with it.
      for (i++; i < end; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === c || d === 10) break;
      }
    }
  }
  return depth;
}

function trimWs(toks: Tok[]): Tok[] {
  let a = 0;
  let b = toks.length;
  while (a < b && toks[a]!.k === K.Ws) a++;
  while (b > a && toks[b - 1]!.k === K.Ws) b--;
  return a === 0 && b === toks.length ? toks : toks.slice(a, b);
}

/** `#if` expressions over tokens, identifiers left after expansion being 0. */
class IfParser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  parse(): CInt | undefined {
    const v = this.cond();
    return this.i === this.toks.length ? v : undefined;
  }

  private cond(): CInt | undefined {
    const c = this.binary(1);
    if (this.toks[this.i]?.s !== "?") return c;
    this.i++;
    const a = this.cond();
    if (this.toks[this.i]?.s !== ":") return undefined;
    this.i++;
    const b = this.cond();
    if (c === undefined || a === undefined || b === undefined) return undefined;
    return c.v !== 0n ? a : b;
  }

  private binary(min: number): CInt | undefined {
    let left = this.unary();
    for (;;) {
      const op = this.toks[this.i]?.s ?? "";
      const prec = BINARY_PRECEDENCE[op];
      if (prec === undefined || prec < min) return left;
      this.i++;
      const right = this.binary(prec + 1);
      if (left === undefined || right === undefined) return undefined;
      left = binaryInt(op, left, right);
    }
  }

  private unary(): CInt | undefined {
    const t = this.toks[this.i++];
    if (!t) return undefined;
    if (t.s === "(") {
      const v = this.cond();
      if (this.toks[this.i++]?.s !== ")") return undefined;
      return v;
    }
    if (t.s === "-" || t.s === "+" || t.s === "~" || t.s === "!") {
      const v = this.unary();
      return v === undefined ? undefined : unaryInt(t.s, v);
    }
    // In #if every value is intmax_t or uintmax_t.
    if (t.k === K.Num) return parseIntLiteral(t.s, 64, 64);
    if (t.k === K.Str) {
      const c = parseCharLiteral(t.s);
      return c && cint(c.v, false, 64);
    }
    if (t.k === K.Id) {
      // A function-like name left unexpanded: skip its arguments, value 0.
      if (this.toks[this.i]?.s === "(") {
        let depth = 0;
        for (; this.i < this.toks.length; this.i++) {
          const s = this.toks[this.i]!.s;
          if (s === "(") depth++;
          else if (s === ")" && --depth === 0) {
            this.i++;
            break;
          }
        }
      }
      return cint(0n, false, 64);
    }
    return undefined;
  }
}

/** The prefix of the one-word names `float _Complex` and its kin are read as; the resolver lays them out. */
export const COMPLEX_MARK = "__abidrift_complex_";

const COMPLEX = /\b(?:(?:_Complex|__complex__)\s+(long\s+double|double|float)|(long\s+double|double|float)\s+(?:_Complex|__complex__)|_Complex|__complex__)\b/g;

/**
 * `double _Complex` and `_Complex double`: the C grammar has no complex
 * types, and reads `float _Complex x` as a declarator named `_Complex`. One
 * word in their place parses as a type name.
 */
function complexTypes(line: string): string {
  if (!line.includes("omplex")) return line;
  return line.replace(COMPLEX, (_all, a?: string, b?: string) => `${COMPLEX_MARK}${(a ?? b ?? "double").replace(/\s+/, "_")}`);
}

/** `enum e : u32 {` and `enum : u32 {`: a fixed type named by one word, before the list or at the line's end. */
const ENUM_TYPE_NAME = /\benum((?:\s+[A-Za-z_]\w*)?\s*):\s*([A-Za-z_]\w*)\s*(?=\{|$)/g;

/**
 * The C grammar takes only a primitive type after `enum e :`. Given a
 * typedef's name there, it reads the enum as a function whose body is the
 * list where a value is in parentheses (`B = (A | 2)`), and takes the name
 * for the enum's own where the enum has none. The name goes in a comment
 * after `int`, where the walk reads it back.
 */
function enumTypeNames(line: string): string {
  if (!line.includes("enum")) return line;
  return line.replace(ENUM_TYPE_NAME, (all, name: string, type: string) => (PRIMITIVES.has(type) || TS_PRIMITIVE_WORDS.has(type) ? all : `enum${name || " "}: int /*${ENUM_TYPE_MARK}${type}*/ `));
}

/** `enum e : 3`, where a number (or a parenthesis) follows the colon: a bitfield, not a fixed type. */
const ENUM_BITFIELD = /\benum\s+([A-Za-z_]\w*)\s*:(?=\s*[0-9(])/g;

/**
 * An unnamed bitfield of enum type, `enum e : 3;`, which the C grammar reads
 * as an enum with a fixed type and swallows the next member as that type.
 * Said as `__typeof__(enum e) : 3` it parses as the bitfield it is.
 */
function enumBitfields(line: string): string {
  if (!line.includes("enum")) return line;
  return line.replace(ENUM_BITFIELD, "__typeof__(enum $1) :");
}
