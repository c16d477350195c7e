import { basename, relative, resolve as resolvePath } from "node:path";
import type { BpfModule, RecordEmit } from "../ir/bindings.js";
import { InputError } from "../ir/errors.js";
import { TARGETS } from "../ir/targets.js";
import type { Bpf2goIndex, Bpf2goLine } from "../load/bpf2go-lines.js";
import type { BuildFlags, TreeBuild } from "../load/include-paths.js";
import { sourceModule } from "../readers/c/module.js";
import type { ObjectBuild, Rebuild } from "../rules/rule.js";
import type { BuiltFrom } from "./built-from.js";
import type { SourceIndex } from "./c-locate.js";
import { handled, sourceIncludeDirs, sourceRequest, type Reads } from "./reads.js";
import { shownPath } from "./shown-path.js";

// Which C source in the tree each object was built from, read as its build
// reads it, and the command that builds the object again: what stale-object
// compares and what it tells the user to run.

export async function objectBuilds(
  objects: readonly BpfModule[],
  sources: SourceIndex<{ file: string; text: string }>,
  build: TreeBuild,
  flagsOf: (file: string, text: string) => BuildFlags,
  reads: Reads,
  /** The records each source emits, once its scan answers; undefined where it could not be scanned. */
  recordsOf: (file: string) => Promise<RecordEmit[] | undefined>,
  builtFrom: BuiltFrom,
): Promise<ObjectBuild[]> {
  // Every read asked for first, so that reading threads work on them together; taken in order after.
  const started = new Map<string, Promise<SourceRead | undefined>>();
  const asked: { object: BpfModule; src: { file: string }; line: Bpf2goLine | undefined; key: string }[] = [];
  const byPath = new Map(sources.all.map((s) => [resolvePath(s.file), s]));
  // Little-endian first: a finding names the object most readers load.
  const ordered = [...objects].sort((a, b) => Number(a.graph.target.name !== "bpfel") - Number(b.graph.target.name !== "bpfel"));
  for (const object of ordered) {
    if (object.origin !== "btf" || object.offset !== undefined) continue;
    const line = build.bpf2go.writing(object.file);
    const src = line ? byPath.get(line.source) : sources.sourceFor(object.file);
    if (!src || src.file.endsWith(".h")) continue;
    const arch = line ? bpf2goArch(object.file) : undefined;
    const flags = withArch(flagsOf(src.file, src.text), arch);
    // Built from the text there now, as its DWARF says: nothing to compare.
    if (builtFrom.unchanged(object, src.file, sourceIncludeDirs(src.file, flags))) continue;
    const key = `${src.file}\0${arch ?? ""}`;
    asked.push({ object, src, line, key });
    // Read once per architecture, little-endian: byte order moves no member, and layouts are what is compared.
    if (!started.has(key)) started.set(key, handled(recordsOf(src.file).then((records) => readSource(src, flags, reads, records))));
  }
  const out: ObjectBuild[] = [];
  for (const { object, src, line, key } of asked) {
    const read = await started.get(key)!;
    if (!read) continue;
    out.push({ object, source: read.module, unresolved: read.unresolved, rebuild: rebuildOf(object.file, src.file, line, build) });
  }
  return out;
}

// bpf2go names an object built for an architecture `<ident>_<arch>_bpfel.o`
// (older releases `<ident>_bpfel_<arch>.o`) and builds it with
// -D__TARGET_ARCH_<arch>, which bpf_tracing.h turns into bpf_target_<arch>:
// a program may leave maps out on one architecture, and its object for that
// architecture is no stale build for lacking them.
const BPF2GO_ARCH = /_(?:(x86|arm|arm64|powerpc|s390|mips|riscv|loongarch)_bpfe[lb]|bpfe[lb]_(x86|arm|arm64|powerpc|s390|mips|riscv|loongarch))\.o$/;

function bpf2goArch(object: string): string | undefined {
  const m = BPF2GO_ARCH.exec(basename(object));
  return m?.[1] ?? m?.[2];
}

function withArch(flags: BuildFlags, arch: string | undefined): BuildFlags {
  return arch ? { ...flags, defines: { ...flags.defines, [`__TARGET_ARCH_${arch}`]: "1" } } : flags;
}

interface SourceRead {
  module: BpfModule;
  unresolved: string[];
}

async function readSource(src: { file: string; text: string }, flags: BuildFlags, reads: Reads, records: RecordEmit[] | undefined): Promise<SourceRead | undefined> {
  try {
    const r = await reads.read(src.file, sourceRequest(src, flags, TARGETS.bpfel, records));
    // A source that lacks a header is not the program that was built: nothing to compare.
    if (r.problems.some((p) => / not found$/.test(p.message))) return undefined;
    return { module: sourceModule(r), unresolved: r.unresolved.map((u) => u.name) };
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
}

/** The C sources (absolute) that bpf2go lines built the given objects from. */
export function bpf2goSources(objects: readonly string[], lines: Bpf2goIndex): Set<string> {
  return new Set(objects.flatMap((o) => lines.writing(o)?.source ?? []));
}

/** `go generate` for the package of a bpf2go line, run from the working directory, and where the line is. */
export function goGenerate(line: Bpf2goLine): { command: string; loc: { file: string; line: number } } {
  const pkg = relative(process.cwd(), line.dir) || ".";
  return {
    command: `go generate ${pkg === "." || pkg.startsWith("..") || pkg.startsWith("/") ? pkg : `./${pkg}`}`,
    loc: { file: shownPath(line.file), line: line.line },
  };
}

function rebuildOf(object: string, source: string, line: Bpf2goLine | undefined, build: TreeBuild): Rebuild {
  if (line) {
    return {
      ...goGenerate(line),
      description: `it runs the bpf2go line that writes ${basename(object)} and its Go bindings; those generated files are not edited by hand`,
    };
  }
  const make = build.makefileFor(object);
  if (make) {
    const dir = relative(process.cwd(), make.dir) || ".";
    const target = make.objectTargets.find((t) => basename(t) === basename(object) || patternMatches(basename(t), basename(object)));
    const named = target && !target.includes("%") ? ` ${relative(make.dir, resolvePath(make.dir, target)) || target}` : ` ${relative(make.dir, resolvePath(object))}`;
    return {
      command: `make -C ${dir}${named}`,
      description: `the Makefile builds ${basename(object)}`,
      loc: { file: shownPath(make.file) },
    };
  }
  return {
    command: `clang -target bpf -g -O2 -c ${source} -o ${object}`,
    description: `no build file in the tree names ${basename(object)}; this is the usual clang command`,
  };
}

function patternMatches(pattern: string, name: string): boolean {
  if (!pattern.includes("%")) return false;
  const [before, after] = pattern.split("%", 2) as [string, string];
  return name.startsWith(before) && name.endsWith(after) && name.length >= before.length + after.length;
}

