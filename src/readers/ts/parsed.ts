import { Node, Project, type SourceFile } from "ts-morph";
import type { DecodeSite, Suppression, TwinType, UserspaceModule } from "../../ir/bindings.js";
import type { TypeGraph } from "../../ir/graph.js";
import { TARGETS, type Target } from "../../ir/targets.js";
import type { SourceLoc } from "../../ir/types.js";
import { GENERATED_MARKER } from "../../ir/generated.js";
import { findParsers } from "./binary-parser.js";
import { findNodeBcc, type NodeBccProgram } from "./bcc-node.js";
import { findDecoders } from "./decoders.js";
import type { TwinDecl } from "./twin-decl.js";
import { buildTwinGraph } from "./twin-graph.js";
import { ignoreIn, mirrorsIn, suppressing } from "../../ir/directives.js";

// A TypeScript file parsed with ts-morph and read for twins: the half of the
// reader that loads the compiler, so a check whose TypeScript has nothing to
// decode never loads it.


// One in-memory project for every file: each file is added, read and
// removed, so the compiler host is made once per run, not once per file.
let shared: Project | undefined;

/** The module, and the BCC programs the file carries as strings, which the caller reads as C. */
export function readParsed(file: string, text: string): { module: UserspaceModule; programs: NodeBccProgram[] } {
  const project = (shared ??= new Project({ useInMemoryFileSystem: true, compilerOptions: { allowJs: true, noLib: true } }));
  try {
    const sf = project.createSourceFile(file.startsWith("/") ? file : `/${file}`, text, { overwrite: true });
    try {
      return read(project, sf, file, text);
    } finally {
      project.removeSourceFile(sf);
    }
  } catch (e) {
    // A compiler that ran out of stack may be left half-way: start afresh.
    shared = undefined;
    throw e;
  }
}

function read(project: Project, sf: SourceFile, file: string, text: string): { module: UserspaceModule; programs: NodeBccProgram[] } {
  const locOf = (n: Node): SourceLoc => {
    const { line, column } = sf.getLineAndColumnAtPos(n.getStart());
    return { file, line, column };
  };
  const problems: UserspaceModule["problems"] = [];
  // Syntax errors only: the reader checks no types, and half-written code still counts.
  for (const d of project.getProgram().getSyntacticDiagnostics(sf)) {
    const start = d.getStart();
    const at = start !== undefined ? sf.getLineAndColumnAtPos(start) : { line: 1, column: 1 };
    const message = d.getMessageText();
    problems.push({ message: typeof message === "string" ? message : message.getMessageText(), loc: { file, ...at } });
  }

  const lines = text.split("\n");
  const decls: TwinDecl[] = [];
  const names = new Set<string>();
  for (const d of [...findDecoders(sf, locOf), ...findParsers(sf, locOf)]) {
    if (names.has(d.name)) continue;
    names.add(d.name);
    decls.push({ ...d, mirrors: mirrorsOf(d, lines) });
  }

  const generated = generatedHeader(file, text);
  const first = buildTwinGraph(decls, TARGETS.x86_64, file);
  const twins: TwinType[] = decls.map((d) => ({
    name: d.name,
    typeId: first.ids.get(d.name)!,
    loc: d.loc,
    ...(d.mirrors ? { mirrors: d.mirrors } : {}),
    ...(generated && generated.tsName === d.name
      ? { generated: { by: "abidrift" as const, cName: generated.cName, layoutHash: generated.layoutHash, loc: generated.loc, ...(generated.command ? { command: generated.command } : {}) } }
      : {}),
  }));
  // Reads name their offsets, so every machine and mode sees the same layout.
  const decodes: DecodeSite[] = decls.map((d) => ({
    typeId: first.ids.get(d.name)!,
    loc: d.loc,
    method: d.method,
    mode: "native",
    byteOrder: byteOrderOfDecl(d),
  }));
  const graphs = new Map<string, TypeGraph>();
  const bcc = findNodeBcc(sf, file, locOf);
  const module: UserspaceModule = {
    file,
    language: "typescript",
    twins,
    maps: bcc.maps,
    decodes,
    suppressions: suppressionsOf(lines),
    problems,
    layout(target: Target): TypeGraph {
      let g = graphs.get(target.name);
      if (!g) graphs.set(target.name, (g = target.name === "x86_64" ? first.graph : buildTwinGraph(decls, target, file).graph));
      return g;
    },
  };
  return { module, programs: bcc.programs };
}

interface GeneratedHeader {
  cName: string;
  layoutHash: string;
  /** The root interface's name, from the C name as `gen ts` spells it. */
  tsName: string;
  loc: SourceLoc;
  command?: string;
}

const REGENERATE = /\/\/ Regenerate with: (.+)/;

/** The JSON after `@abidrift-generated` in the first lines of the file, and the command above it. */
function generatedHeader(file: string, text: string): GeneratedHeader | undefined {
  const head = text.slice(0, 2048);
  const at = head.indexOf(GENERATED_MARKER);
  if (at < 0) return undefined;
  const line = head.slice(at + GENERATED_MARKER.length).split("\n")[0]!;
  let meta: unknown;
  try {
    meta = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof meta !== "object" || meta === null) return undefined;
  const { cName, layoutHash } = meta as Record<string, unknown>;
  if (typeof cName !== "string" || typeof layoutHash !== "string") return undefined;
  const decode = /export function decode([A-Za-z_$][\w$]*)\(/.exec(text);
  const before = head.slice(0, at);
  const lineStart = before.lastIndexOf("\n") + 1;
  const loc = { file, line: before.split("\n").length, column: 1 + head.slice(lineStart, at).search(/\S/) };
  const command = REGENERATE.exec(before)?.[1]?.trim();
  return { cName, layoutHash, tsName: decode?.[1] ?? "", loc, ...(command ? { command } : {}) };
}

function mirrorsOf(d: TwinDecl, lines: readonly string[]): TwinDecl["mirrors"] {
  // The comment sits in the lines just above the declaration.
  const line = d.loc.line ?? 1;
  for (let l = line - 1; l >= Math.max(1, line - 3); l--) {
    const m = mirrorsIn(lines[l - 1] ?? "");
    if (m) return { name: m.name, loc: { file: d.loc.file, line: l, column: m.index + 1 } };
  }
  return undefined;
}

function byteOrderOfDecl(d: TwinDecl): DecodeSite["byteOrder"] {
  const orders = new Set(d.fields.flatMap((f) => (f.elem.kind === "scalar" && f.elem.read.order ? [f.elem.read.order] : [])));
  return orders.size === 1 ? [...orders][0] : undefined;
}

function suppressionsOf(lines: readonly string[]): Suppression[] {
  const out: Suppression[] = [];
  lines.forEach((l, i) => {
    const m = ignoreIn(l);
    if (m && /\/\/|\/\*/.test(l.slice(0, m.index))) out.push(...suppressing(i + 2, m.rules));
  });
  return out;
}
