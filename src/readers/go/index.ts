import type { Node, Parser } from "web-tree-sitter";
import type { DecodeSite, MapRef, TwinType, UserspaceModule, UserspaceReader } from "../../ir/bindings.js";
import { InputError } from "../../ir/errors.js";
import type { TypeGraph } from "../../ir/graph.js";
import {
  buildGoGraph,
  GO_ARCHES,
  goArchOf,
  GoLayoutError,
  underlying,
  type GoType,
} from "../../ir/layout/go.js";
import type { SourceTree } from "../../ir/source-tree.js";
import { TARGETS, type Target } from "../../ir/targets.js";
import type { TypeId } from "../../ir/types.js";
import { alignRegistrations } from "./alignchecker.js";
import { bpf2goStem, isBpf2goOutput } from "./bpf2go.js";
import { mirrorFor, readComments } from "./comments.js";
import { GoDecls, type Problem } from "./decls.js";
import type { FieldMaps } from "./field-maps.js";
import { GoPackages, type OwnPackage } from "./package.js";
import { goParser, parseGo } from "./parser.js";
import { programRefs } from "./loads.js";
import { readTwins } from "./read-twins.js";
import { fromPortable, frozenSpec, goLayout, type FrozenGoLayout, type GoLayoutSpec, type PortableGoModule } from "./layout-spec.js";
import { snakeFromIdentifier, UseScanner } from "./uses.js";

export { bpf2goIdentifier, isBpf2goOutput } from "./bpf2go.js";
export type { PortableGoModule } from "./layout-spec.js";

// The Go reader: one file's struct declarations, the maps it names, the
// bytes it decodes, as claims about the C side. Nothing is compiled or run.

const MAX_PROBLEMS = 50;

interface ReadResult {
  module: UserspaceModule;
  decls: GoDecls;
  broken: Set<GoType>;
  idOf: (t: GoType) => TypeId;
  spec: GoLayoutSpec;
  /** The spec frozen while the syntax trees live, when asked for. */
  frozen?: FrozenGoLayout;
}

async function read(file: string, text: string, sources?: SourceTree, freeze = false, afterOtherDir = false): Promise<ReadResult> {
  if (text.includes("\0")) {
    throw new InputError(file, "not a Go source file: it contains NUL bytes", { offset: text.indexOf("\0") });
  }
  const tree = await parseGo(text);
  const frozen = (r: ReadResult): ReadResult => (freeze ? { ...r, frozen: frozenSpec(r.spec) } : r);
  if (!sources) {
    try {
      return frozen(readTree(file, text, tree.rootNode));
    } finally {
      tree.delete();
    }
  }
  const packages = packagesFor(sources, await goParser());
  return frozen(readTree(file, text, tree.rootNode, packages.forFile(file, text, tree, afterOtherDir)));
}

// The packages of the check reading now; a check on another tree frees them.
let current: GoPackages | undefined;

function packagesFor(sources: SourceTree, parser: Parser): GoPackages {
  if (current?.of(sources)) return current;
  current?.dispose();
  current = new GoPackages(sources, parser, (f, t, pkg) => new GoDecls(f, t.rootNode, pkg), fieldSets);
  return current;
}

/** The struct fields another file of the package sets to map handles. */
function fieldSets(decls: GoDecls): FieldMaps {
  const scanner = new UseScanner(decls, false, []);
  scanner.scan(true);
  return scanner.fieldMaps;
}

function readTree(file: string, text: string, root: Node, pkg?: OwnPackage): ReadResult {
  const decls = new GoDecls(file, root, pkg);
  pkg?.adopt(decls);
  decls.resolve();
  const problems: Problem[] = [...syntaxProblems(root, decls), ...decls.problems];
  const generated = isBpf2goOutput(text);
  const uses = new UseScanner(decls, generated, problems);
  uses.scan();

  // Every declared type, then what map calls and decodes mention: the order
  // of these roots fixes the type ids of every graph.
  const roots: GoType[] = decls.types.map((t) => t.named);
  const seen = new Set<GoType>(roots);
  const addRoot = (t: GoType): void => {
    if (!seen.has(t)) {
      seen.add(t);
      roots.push(t);
    }
  };
  for (const m of uses.maps) {
    if (m.keyType) addRoot(m.keyType.value);
    if (m.valueType) addRoot(m.valueType.value);
  }
  for (const d of uses.decodes) addRoot(d.type);

  const claims = readComments(file, text, root, decls.searched);
  const lines = claims.lines;
  // A struct holding a type from outside what was read (no package at hand,
  // a package outside the tree) cannot be laid out here. That is only worth
  // a word where the file makes a claim about the struct.
  const claimed = new Set<GoType>(roots.slice(decls.types.length));
  const mirrorOf = (spec: Node) => {
    // Most files claim no mirror: the spec's parent is a walk down from the root, not worth asking then.
    if (claims.mirrors.length === 0) return undefined;
    const line = spec.startPosition.row + 1;
    // In `type ( ... )` groups the spec's own line; otherwise also the `type` keyword's.
    const decl = spec.parent?.type === "type_declaration" && spec.parent.namedChildCount === 1 ? spec.parent.startPosition.row + 1 : line;
    return mirrorFor(claims.mirrors, line, lines) ?? mirrorFor(claims.mirrors, decl, lines);
  };
  for (const { named, spec } of decls.types) {
    if (generated || mirrorOf(spec)) claimed.add(named);
  }
  const broken = validate(roots, decls, problems, claimed);
  for (const d of uses.decodes) {
    if (d.mode === "packed" && !broken.has(d.type) && decls.layout("amd64").binarySize(d.type) === undefined) {
      problems.push({ message: `binary.Read cannot decode ${describe(d.type)}: it holds int, uint, uintptr, a pointer, a string or a slice`, loc: d.loc });
    }
  }

  const { ids, graph: base } = buildGoGraph(roots, broken, TARGETS.x86_64, "native", file);
  const readers = readTwins(uses.fieldDecoders, base.count);
  const spec: GoLayoutSpec = { roots, broken, extra: readers.extra, file };
  const idOf = (t: GoType): TypeId => {
    const id = ids.get(t);
    if (id === undefined) throw new Error(`go reader: type ${describe(t)} missing from the graph`);
    return id;
  };

  const stem = generated ? bpf2goStem(decls.types.map((t) => t.named.name)) : undefined;
  const twins: TwinType[] = [];
  for (const { named, spec } of decls.types) {
    if (broken.has(named) || underlying(named).kind !== "struct" || holdsEbpfObjects(named) || !plainData(named)) continue;
    const mirror = mirrorOf(spec);
    // An alias or a type defined from another struct is a twin by its own name, laid out as the struct it names.
    const twin: TwinType = { name: named.name, typeId: idOf(underlying(named)), loc: named.loc ?? decls.loc(spec) };
    if (mirror) twin.mirrors = { name: mirror.name, loc: mirror.loc };
    if (generated) {
      twin.generated = { by: "bpf2go" };
      if (stem !== undefined && named.name.startsWith(stem) && named.name.length > stem.length) {
        twin.generated.cName = snakeFromIdentifier(named.name.slice(stem.length));
      }
    }
    twins.push(twin);
  }
  twins.push(...readers.twins);

  const maps: MapRef[] = uses.maps.map((m) => {
    const ref: MapRef = { name: m.name, loc: m.loc, via: m.via };
    if (m.keySize) ref.keySize = m.keySize;
    if (m.valueSize) ref.valueSize = m.valueSize;
    if (m.maxEntries) ref.maxEntries = m.maxEntries;
    if (m.keyType) ref.keyType = { value: idOf(m.keyType.value), loc: m.keyType.loc };
    if (m.valueType) ref.valueType = { value: idOf(m.valueType.value), loc: m.valueType.loc };
    if (m.encoding) ref.encoding = m.encoding;
    return ref;
  });
  const decodes: DecodeSite[] = uses.decodes.map((d) => {
    const site: DecodeSite = { typeId: idOf(d.type), loc: d.loc, method: d.method, mode: d.mode, byteOrder: d.byteOrder };
    if (d.mapName !== undefined) site.mapName = d.mapName;
    if (d.single) site.single = true;
    return site;
  });
  readers.twins.forEach((t, i) => decodes.push({ typeId: t.typeId, loc: t.loc, method: "field reads", mode: "native", byteOrder: "native", mapName: uses.fieldDecoders[i]!.mapName }));

  const module: UserspaceModule = {
    file,
    language: "go",
    twins,
    maps,
    decodes,
    suppressions: claims.suppressions,
    layout: goLayout(spec),
    problems: dedupe(problems).slice(0, MAX_PROBLEMS),
  };
  const loads = programRefs(file, text, generated);
  if (loads.length) module.loads = loads;
  const registrations = alignRegistrations(decls, text);
  if (registrations.length) module.registrations = registrations;
  return { module, decls, broken, idOf, spec };
}

/**
 * Lays out every root on every Go architecture while the syntax tree is
 * still alive (array lengths are evaluated from it), so that `layout` later
 * never fails. A type that cannot be laid out anywhere is broken everywhere,
 * which keeps type ids equal across targets.
 */
function validate(roots: readonly GoType[], decls: GoDecls, problems: Problem[], claimed: ReadonlySet<GoType>): Set<GoType> {
  const broken = new Set<GoType>();
  const queue = [...roots];
  const queued = new Set<GoType>(queue);
  for (let i = 0; i < queue.length; i++) {
    const t = queue[i] as GoType;
    try {
      for (const arch of GO_ARCHES) {
        const l = decls.layout(arch);
        l.shape(t);
        l.packedShape(t);
      }
    } catch (e) {
      if (!(e instanceof GoLayoutError)) throw e;
      broken.add(t);
      // A bare name from elsewhere (`var k bpfDnsKey`) is a claim by name, for
      // the matcher to find in the file that declares it.
      if (e.foreign && (!claimed.has(t) || t.kind === "unknown")) continue;
      problems.push({ message: e.message, loc: e.loc ?? ("loc" in t && t.loc ? t.loc : { file: decls.file }) });
      continue;
    }
    // Types reached only through pointers are emitted too: check them as well.
    // A pointer to a type declared elsewhere is fine: it stays a name.
    for (const inner of pointees(t)) {
      if (inner.kind !== "unknown" && !queued.has(inner)) {
        queued.add(inner);
        queue.push(inner);
      }
    }
  }
  return broken;
}

function pointees(t: GoType, out: GoType[] = [], depth = 0): GoType[] {
  if (depth > 64) return out;
  switch (t.kind) {
    case "pointer":
      if (t.elem) out.push(t.elem);
      break;
    case "slice":
      out.push(t.elem);
      break;
    case "array":
      pointees(t.elem, out, depth + 1);
      break;
    case "struct":
      for (const f of t.fields) pointees(f.type, out, depth + 1);
      break;
    case "named":
      if (t.target.kind !== "named") pointees(t.target, out, depth + 1);
      break;
  }
  return out;
}

/** bpf2go's Objects/Maps/Programs structs and their like hold kernel handles, not shared data. */
function holdsEbpfObjects(t: GoType, depth = 0): boolean {
  const u = underlying(t);
  if (u.kind !== "struct" || depth > 8) return false;
  return u.fields.some(
    (f) =>
      (f.tag !== undefined && /(?:^|\s)ebpf:"/.test(f.tag)) ||
      (f.type.kind === "pointer" && f.type.elem?.kind === "unknown" && /^ebpf\./.test(f.type.elem.name)) ||
      (f.embedded && holdsEbpfObjects(f.type, depth + 1)),
  );
}

/**
 * Whether a struct's bytes can be a C type's: no string, slice, map, chan,
 * func, interface or pointer into Go's heap (the kernel copies bytes, not Go
 * values), and at least one field that is not blank. Domain types named like
 * C structs fail here, whatever their name says.
 */
function plainData(t: GoType, depth = 0): boolean {
  const u = underlying(t);
  if (depth > 16) return true;
  switch (u.kind) {
    case "basic":
      return u.name !== "string" && u.name !== "unsafe.Pointer";
    case "pointer":
    case "slice":
    case "interface":
      return false;
    case "array":
      return plainData(u.elem, depth + 1);
    case "struct":
      return (depth > 0 || u.fields.some((f) => f.name !== "_")) && u.fields.every((f) => plainData(f.type, depth + 1));
    default:
      return true;
  }
}

function describe(t: GoType): string {
  return t.kind === "named" || t.kind === "unknown" ? t.name : t.kind === "basic" ? t.name : `a ${t.kind}`;
}

function syntaxProblems(root: Node, decls: GoDecls): Problem[] {
  if (!root.hasError) return [];
  const out: Problem[] = [];
  const stack: Node[] = [root];
  while (stack.length && out.length < 20) {
    const n = stack.pop() as Node;
    if (n.isMissing) out.push({ message: `syntax error: missing ${n.type}`, loc: decls.loc(n) });
    else if (n.isError) out.push({ message: `syntax error near \`${n.text.slice(0, 40).replace(/\s+/g, " ")}\``, loc: decls.loc(n) });
    else if (n.hasError) for (let i = n.childCount - 1; i >= 0; i--) {
      const c = n.child(i);
      if (c) stack.push(c);
    }
  }
  return out;
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.loc.line ?? 0}:${p.loc.column ?? 0}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A Go file's module, laid out from its frozen spec as a thread's is: the
 * live spec's array lengths close over the file's declarations and syntax
 * nodes, and a check of a thousand loaders kept every one of them alive
 * to the end, in every collection of the young generation.
 */
export const readGo: UserspaceReader = async (file, text, opts) => fromPortable(await readGoPortable(file, text, opts.tree, opts.afterOtherDir ?? false));

/** `readGo` as plain data, for a check reading on another thread. */
export async function readGoPortable(file: string, text: string, tree: SourceTree | undefined, afterOtherDir: boolean): Promise<PortableGoModule> {
  const r = await read(file, text, tree, true, afterOtherDir);
  const { layout: _, ...module } = r.module;
  return { module, spec: r.frozen! };
}

export interface GoFileLayout {
  graph: TypeGraph;
  /** Every struct type declared in the file, in order, with encoding/binary's size (null where binary.Size is -1). */
  types: { name: string; typeId: TypeId; binarySize: number | null }[];
  problems: { message: string; loc: { file: string; line?: number; column?: number } }[];
}

/** `abidrift layout FILE.go`: the compiler's layout of every struct type for one target. */
export async function layoutGoFile(file: string, text: string, target: Target): Promise<GoFileLayout> {
  const { module, decls, broken, idOf } = await read(file, text);
  const graph = module.layout(target, "native");
  const arch = goArchOf(target);
  const types: GoFileLayout["types"] = [];
  for (const { named } of decls.types) {
    if (broken.has(named) || underlying(named).kind !== "struct") continue;
    types.push({ name: named.name, typeId: idOf(underlying(named)), binarySize: decls.layout(arch).binarySize(named) ?? null });
  }
  return { graph, types, problems: module.problems };
}
