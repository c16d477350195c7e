import { availableParallelism } from "node:os";
import { dirname, resolve } from "node:path";
import type { BpfModule, RecordEmit, Suppression, UserspaceModule } from "../ir/bindings.js";
import { isBpfSource, type CText } from "../drift/bpf-source.js";
import { InputError } from "../ir/errors.js";
import { sourceTree, type SourceTree } from "../ir/source-tree.js";
import { TARGETS } from "../ir/targets.js";
import type { BuildFlags, TreeBuild } from "../load/include-paths.js";
import { HeaderCache } from "../readers/c/header-cache.js";
import type { CSourceResult } from "../readers/c/index.js";
import { sourceModule, unlaidRecords } from "../readers/c/module.js";
import type { ClockKeyWrite, ObjectBuild } from "../rules/rule.js";
import { programStem, SourceIndex } from "./c-locate.js";
import { handled, sourceRequest, ThreadReads, type Reads, type CScan } from "./reads.js";
import { goModules, goTreeFiles } from "./go-tree.js";
import type { Config } from "./config.js";
import { MissingHeaders } from "./header-notes.js";
import type { InputFile } from "./inputs.js";
import { BuiltFrom } from "./built-from.js";
import { bpf2goSources, objectBuilds } from "./object-builds.js";
import { readObjectRecords } from "./object-records.js";
import { reader } from "./readers.js";
import { scanSuppressions, type Silenced } from "./suppress.js";

// The second stage of a check: every file read once, each program in its
// own scope. Objects first (BTF is the compiler's word), then BPF C sources
// not built into an object here, then userspace with the C BCC tools carry.
// Everything later stages need comes out as plain data: nothing after this
// reads a file again.

export interface ProgramsRead {
  bpf: BpfModule[];
  user: UserspaceModule[];
  /** The tree's BPF C sources, by program and folder: built once for every lookup. */
  sources: SourceIndex<CText>;
  /** BCC tools carry their C in strings: its declarations count like a C file's. */
  carriedC: Map<string, string>;
  /** Suppression comments, by file. */
  silenced: Map<string, Silenced>;
  clockKeys: ClockKeyWrite[];
  /** Objects whose sources are in the check too, for stale-object. */
  builds: ObjectBuild[];
  /** Go files' texts, for the fixes of generated ones. */
  goTexts: Map<string, string>;
  /** Files read in part, with why. */
  notes: string[];
  /** The BPF modules read from each object and source, so the lock's reading of the tree reads none of them again. */
  readFrom: Map<string, BpfModule[]>;
  /** Every program includes the same vmlinux.h: read and parsed once for this run. */
  headers: HeaderCache;
}

/** Threads parsing C and Go besides the check's own: a count, none (`off`), or as many as pay for the tree (`auto`). */
export type Concurrency = number | "auto" | "off";

export async function readPrograms(files: readonly InputFile[], config: Config, tree: TreeBuild, onRead: (file: string) => void, concurrency: Concurrency = "auto"): Promise<ProgramsRead> {
  const notes: string[] = [];
  const silenced = new Map<string, Silenced>();
  const bpf: BpfModule[] = [];
  const user: UserspaceModule[] = [];
  const clockKeys: ClockKeyWrite[] = [];
  const sites = new Map<string, RecordEmit[]>();
  const decoder = new TextDecoder();
  // The config's include directories stand instead of the ones the build names.
  const flagsOf = (file: string, text: string): BuildFlags => (config.includeDirs.length ? { includeDirs: config.includeDirs, defines: {} } : tree.flagsFor(file, text));
  const missingHeaders = new MissingHeaders();
  // Each program's folder was listed to find its build's headers; its includes are looked for there too.
  const headers = new HeaderCache({}, tree.dirs);
  const carriedC = new Map<string, string>();
  const readFrom = new Map<string, BpfModule[]>();

  // The ELF, BTF and object readers load only for a tree with objects in it.
  const objects: InputFile[] = [];
  if (files.some((f) => f.kind === "object")) {
    const { holdsBpfObjects, readBpfObjects } = await import("../readers/object/index.js");
    for (const f of files) {
      if (f.kind !== "object" || !holdsBpfObjects(f.bytes, f.path)) continue;
      objects.push(f);
      const modules = readBpfObjects(f.bytes, f.path);
      readFrom.set(f.path, modules);
      bpf.push(...modules);
      onRead(f.path);
    }
  }
  const built = new Set(objects.map((f) => programStem(f.path)));
  const builtByBpf2go = bpf2goSources(objects.map((f) => f.path), tree.bpf2go);

  const objectFiles = new Set(objects);
  // A header's text, decoded once however many programs include it.
  let cFiles: Map<string, InputFile> | undefined;
  const cTexts = new Map<string, string>();
  const cText = (path: string): string | undefined => {
    cFiles ??= new Map(files.filter((c) => c.kind === "c").map((c) => [c.path, c]));
    const c = cFiles.get(path);
    if (c && !cTexts.has(path)) cTexts.set(path, decoder.decode(c.bytes));
    return cTexts.get(path);
  };

  // Go is read by package: each Go file sees the others and its module's go.mod.
  const goTexts = new Map(files.filter((g) => g.kind === "go").map((g) => [g.path, decoder.decode(g.bytes)]));
  let goFiles: [string, string][] | undefined;
  const goFilesOf = (): [string, string][] => (goFiles ??= goTreeFiles(goTexts));
  let goSources: SourceTree | undefined;
  const goSourcesOf = (): SourceTree => (goSources ??= sourceTree(goFilesOf()));

  // Every BPF source's C work and every Go file is asked for before any is
  // awaited, so that reading threads parse them all while this thread reads
  // the rest; answers are taken in file order, as if read one by one.
  const programs = files.filter((f) => f.kind === "c" && !objectFiles.has(f) && (isBpfSource(f.path, cText(f.path)!, cText) || tree.builtByBpf2go(f.path)));
  const reads = await readsFor(programs.length + goTexts.size, concurrency, new ThreadReads(goSourcesOf, headers), goFilesOf);
  const isProgram = new Set(programs);
  try {
    // By path: the sources' index and the records of each are looked up by it too.
    const started = new Map<string, StartedC>();
    const goReads = new Map<InputFile, Promise<UserspaceModule>>();
    let moduleOf: ((file: string) => string) | undefined;
    let lastGoDir: string | undefined;
    for (const f of files) {
      if (f.kind === "go") {
        const dir = dirname(f.path);
        goReads.set(f, handled(reads.readGo(f.path, goTexts.get(f.path)!, { module: (moduleOf ??= goModules(goFilesOf()))(f.path), afterOtherDir: dir !== lastGoDir })));
        lastGoDir = dir;
      }
      if (!isProgram.has(f)) continue;
      const text = cText(f.path)!;
      const scan = handled(reads.scan(f.path, text));
      const own = !(f.path.endsWith(".h") || built.has(programStem(f.path)) || builtByBpf2go.has(resolve(f.path)) || tree.includedElsewhere(f.path));
      const read = own
        ? handled(
            scan.then(({ records }) => {
              const flags = flagsOf(f.path, text);
              return reads.read(f.path, { ...sourceRequest({ file: f.path, text }, flags, TARGETS.bpfel, records), partial: true });
            }),
          )
        : undefined;
      started.set(f.path, { scan, ...(read ? { read } : {}) });
    }
    const sources = new SourceIndex<CText>(programs.map((f) => ({ file: f.path, text: cText(f.path)! })));
    const recordsOf = (file: string): Promise<RecordEmit[] | undefined> => started.get(file)?.scan.then((s) => s.records, () => undefined) ?? Promise.resolve(undefined);
    // Objects' sources are asked for now, to be read for stale-object while this thread reads userspace.
    const bytesOf = new Map(files.filter((c) => c.kind === "c").map((c) => [resolve(c.path), c.bytes]));
    const builtFrom = new BuiltFrom((p) => tree.dirs.exists(p), (p) => bytesOf.get(p));
    const builds = handled(objectBuilds(bpf, sources, tree, flagsOf, reads, recordsOf, builtFrom));
    for (const f of files) {
      if (objectFiles.has(f)) continue;
      // One file that cannot be read (a userspace C test whose header is elsewhere) is a note, not the end of the run.
      try {
        await readSource(f);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        notes.push(e.message);
        readFrom.set(f.path, []);
      }
      onRead(f.path);
    }
    async function readSource(f: InputFile): Promise<void> {
      if (f.kind === "object") return;
      if (f.kind === "c") {
        const text = cText(f.path)!;
        silenced.set(f.path, scanSuppressions(text));
        const c = started.get(f.path);
        if (!c) return;
        const scan = await c.scan;
        clockKeys.push(...scan.clockKeys);
        sites.set(f.path, scan.records);
        if (!c.read) return;
        const r = await c.read;
        const m = sourceModule(r);
        for (const p of missingHeaders.take(f.path, r.problems)) notes.push(`${p.file}:${p.line}: ${p.message}`);
        for (const u of unlaidRecords(r)) notes.push(`${f.path}:${u.line}: ${u.name} not laid out, so not compared: ${u.why}`);
        readFrom.set(f.path, [m]);
        bpf.push(m);
        return;
      }
      const go = goReads.get(f);
      const text = go ? goTexts.get(f.path)! : decoder.decode(f.bytes);
      const m = go ? await go : await (await reader(f.kind))(f.path, text, config.python ? { python: config.python } : {});
      user.push(m);
      silenced.set(f.path, fromModule(m.suppressions));
      bpf.push(...(m.embeddedBpf ?? []));
      if (f.kind === "python") readFrom.set(f.path, m.embeddedBpf ?? []);
      if (m.embeddedBpf?.length) carriedC.set(f.path, text);
      for (const p of m.problems) notes.push(`${p.loc.file}:${p.loc.line ?? 0}: ${p.message}`);
    }

    await readObjectRecords(bpf, sources, flagsOf, readFrom, notes, sites, reads);
    notes.push(...missingHeaders.notes());
    return { bpf, user, sources, carriedC, silenced, clockKeys, builds: await builds, goTexts, notes, readFrom, headers };
  } finally {
    await reads.close();
  }
}

interface StartedC {
  scan: Promise<CScan>;
  read?: Promise<CSourceResult>;
}

// Below this many files to parse (BPF sources and Go files) a thread's start
// (its modules, tree-sitter, its own index of vmlinux.h) costs more than it saves.
const THREADED_FROM = 48;
// `auto` starts a thread per core but the check's own, which reads too, and
// stops where each thread's own header cache costs more memory than the next core saves time.
const AUTO_MAX = 3;

async function readsFor(toParse: number, concurrency: Concurrency, here: ThreadReads, goFiles: () => [string, string][]): Promise<Reads> {
  const threads = concurrency === "off" ? 0 : concurrency === "auto" ? (toParse >= THREADED_FROM ? Math.min(availableParallelism() - 1, AUTO_MAX) : 0) : concurrency;
  if (threads < 1) return here;
  const { ReadPool, threadsAvailable } = await import("./read-pool.js");
  return threadsAvailable() ? new ReadPool(threads, here, goFiles) : here;
}

function fromModule(list: readonly Suppression[]): Silenced {
  const out: Silenced = new Map();
  for (const s of list) {
    const rules = out.get(s.line);
    // An empty set stands for every rule.
    if (s.rule === undefined) out.set(s.line, new Set());
    else if (!rules) out.set(s.line, new Set([s.rule]));
    else if (rules.size > 0) rules.add(s.rule);
  }
  return out;
}
