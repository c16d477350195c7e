import { dirname } from "node:path";
import type { RecordEmit, UserspaceModule } from "../ir/bindings.js";
import type { SourceTree } from "../ir/source-tree.js";
import type { Target } from "../ir/targets.js";
import type { BuildFlags } from "../load/include-paths.js";
import { HeaderCache } from "../readers/c/header-cache.js";
import type { CSourceResult } from "../readers/c/index.js";
import { findRecordEmits } from "../readers/c/records.js";
import type { ClockKeyWrite } from "../rules/rule.js";
import { findClockKeys } from "./clock-keys.js";
import { reader } from "./readers.js";

// The parsing of a check, the most of its time in a tree of many programs:
// each BPF source's functions scanned for clock keys and emitted records,
// each source read as its build reads it, each Go file read in its package.
// Every request is a file's text in and plain data out, so a pool of worker
// threads (read-pool.ts) answers the same requests as this thread does, and
// a check reads the same either way.

/** What a read of a C source takes: `CSourceOptions` without what cannot leave a thread. */
export interface CReadRequest {
  target: Target;
  includeDirs: string[];
  defines: Record<string, string>;
  files: Record<string, string>;
  partial?: boolean;
  records?: RecordEmit[];
}

/** Where a BPF source's includes are searched as its build searches: its folder first, then the build's `-I` folders. */
export function sourceIncludeDirs(file: string, flags: BuildFlags): string[] {
  return [dirname(file), ...flags.includeDirs];
}

/** A BPF source read as its build reads it: in its include folders, with the build's `-D`. */
export function sourceRequest(src: { file: string; text: string }, flags: BuildFlags, target: Target, records: RecordEmit[] | undefined): CReadRequest {
  return { target, includeDirs: sourceIncludeDirs(src.file, flags), defines: flags.defines, files: { [src.file]: src.text }, ...(records ? { records } : {}) };
}

/** What the functions of a BPF source do with clocks and buffers. */
export interface CScan {
  clockKeys: ClockKeyWrite[];
  records: RecordEmit[];
}

/** Where a Go file stands among the check's. */
export interface GoPlace {
  /**
   * Its module's folder: a module's files are read by one reader, since its
   * packages import one another and a reader parses each package it meets once.
   */
  module: string;
  /** The Go file before it, in the check's order, is in another directory. */
  afterOtherDir: boolean;
}

export interface Reads {
  scan(file: string, text: string): Promise<CScan>;
  read(file: string, request: CReadRequest): Promise<CSourceResult>;
  /** A Go file, read in its package as the check's Go tree gives it. */
  readGo(file: string, text: string, place: GoPlace): Promise<UserspaceModule>;
  /** Frees what the reads hold; no request after it. */
  close(): Promise<void>;
}

/**
 * Reads on this thread, with one header cache for every read of the run,
 * one at a time in the order asked: a check asks for all of them at once,
 * and a thousand reads begun together would hold a thousand preprocessed
 * texts at once.
 */
export class ThreadReads implements Reads {
  private last: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    /** Every Go file of the check, and the go.mod files above them: made on the first Go read. */
    readonly goTree: () => SourceTree,
    readonly headers: HeaderCache = new HeaderCache(),
  ) {}

  /** Runs `job` after every job asked for before it; once closed, none (a check that failed reads nothing more). */
  inTurn<T>(job: () => Promise<T>): Promise<T> {
    const p = this.last.then(() => (this.closed ? Promise.reject(new Error("reads asked for after the check closed them")) : job()));
    this.last = p.catch(() => {});
    return p;
  }

  scan(file: string, text: string): Promise<CScan> {
    return this.inTurn(async () => {
      // Both walk the same syntax tree, parsed once for the two.
      const clockKeys = await findClockKeys(file, text);
      return { clockKeys, records: await findRecordEmits(file, text) };
    });
  }

  read(file: string, request: CReadRequest): Promise<CSourceResult> {
    return this.inTurn(async () => (await reader("c"))(file, { ...request, headers: this.headers }));
  }

  readGo(file: string, text: string, place: GoPlace): Promise<UserspaceModule> {
    return this.inTurn(async () => (await reader("go"))(file, text, { tree: this.goTree(), afterOtherDir: place.afterOtherDir }));
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A request asked for now and awaited later, after others: its failure is taken then, not reported as unhandled now. */
export function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}
