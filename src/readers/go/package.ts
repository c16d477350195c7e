import { dirname, join } from "node:path";
import type { Parser, Tree } from "web-tree-sitter";
import type { GoArch, GoNamed } from "../../ir/layout/go.js";
import type { SourceTree } from "../../ir/source-tree.js";
import type { GoDecls } from "./decls.js";
import type { FieldMaps, FieldSource } from "./field-maps.js";
import { builtFor, type Platform } from "./build-constraints.js";
import { topLevelNames } from "./top-level-names.js";

// Go compiles a package, not a file: a type's field may be declared in
// another file of the directory, an array length may be a constant from
// consts.go, an embedded struct may come from another package of the same
// module. While one file is read, the files of its package (and of the
// module packages it imports) are parsed as their names are asked for, and
// their declarations stand beside the file's own. Files are only parsed,
// never built; where two files declare a name (one per GOARCH), their build
// constraints say which the linux/amd64 build takes.

/** How a package's declarations are reached from one file's: the only view GoDecls has of the package. */
export interface PackageView {
  /** A type declared in another file of this package. */
  type(name: string): GoNamed | undefined;
  /** The value of a constant declared in another file of this package. */
  constant(name: string, arch: GoArch): bigint | undefined;
  /** The package at an import path of this module, or undefined when the path is outside the tree. */
  imported(path: string): PackageView | undefined;
  /** Where the package's other files set a struct field (`owner.field`) that may hold a map handle. */
  fieldSources(owner: string, field: string): FieldSource[];
}

/** A file's declarations, names read and types not yet resolved. */
type MakeDecls = (file: string, tree: Tree, pkg: PackageView) => GoDecls;
/** The struct fields a file sets to map handles. */
type FieldSets = (decls: GoDecls) => FieldMaps;

/** The package of the file being read, which answers for its own names first. */
export interface OwnPackage extends PackageView {
  adopt(own: GoDecls): void;
}

// A file's top-level names, scanned once per check: the tree outlives each read.
const namesByTree = new WeakMap<SourceTree, Map<string, Set<string>>>();

// The platform whose build picks among a name's declarations: the one BPF userspace nearly always runs on.
const BUILD: Platform = { goos: "linux", goarch: "amd64" };

const PACKAGE_CLAUSE = /^\s*package\s+([A-Za-z_]\w*)/m;
const MODULE_LINE = /^\s*module\s+("?)([^\s"]+)\1\s*$/m;

/**
 * Every package a check's reads of Go reach. The packages imported from the
 * module are kept for the whole check, so each of their files is parsed once
 * for every importer; the package of the directory being read is kept while
 * the check reads that directory's files, so each of its files is parsed
 * once for all its siblings' reads, not once for each. Moving to another
 * directory frees the syntax trees parsed for the last one, and those of the
 * files read there, whose types their siblings' may have resolved to. An
 * imported package never reaches a file being read: Go has no import cycles.
 */
export class GoPackages {
  private readonly importedTrees: Tree[] = [];
  private dirTrees: Tree[] = [];
  private dir?: string;
  private readonly packages = new Map<string, Package>();

  constructor(
    private readonly tree: SourceTree,
    private readonly parser: Parser,
    private readonly make: MakeDecls,
    readonly fieldSets?: FieldSets,
  ) {}

  /** Whether these packages are the check's whose files `tree` holds. */
  of(tree: SourceTree): boolean {
    return tree === this.tree;
  }

  /**
   * The package of `file`, whose tree the caller hands over; its own
   * declarations, once adopted, answer first. `afterOtherDir`: the file the
   * check read before this one was in another directory, though this reader
   * did not read it.
   */
  forFile(file: string, text: string, tree: Tree, afterOtherDir = false): OwnPackage {
    const dir = dirname(file);
    if (dir !== this.dir || afterOtherDir) {
      this.freeDirectory();
      this.dir = dir;
    }
    // Other files' types may come to refer to this file's: its tree lives as long as theirs.
    this.dirTrees.push(tree);
    const name = PACKAGE_CLAUSE.exec(text)?.[1] ?? "";
    const test = file.endsWith("_test.go");
    const members = this.tree.filesIn(dir).filter((f) => f.endsWith(".go") && (test || !f.endsWith("_test.go")) && this.clause(f) === name);
    return this.packageOf(`${dir}\0${name}\0${test}`, dir, members, false);
  }

  dispose(): void {
    this.freeDirectory();
    for (const t of this.importedTrees) t.delete();
    this.importedTrees.length = 0;
    this.packages.clear();
  }

  private freeDirectory(): void {
    for (const t of this.dirTrees) t.delete();
    this.dirTrees = [];
    for (const [key, p] of this.packages) if (!p.importedOnly) this.packages.delete(key);
  }

  parse(file: string, text: string, pkg: Package): GoDecls | undefined {
    const tree = this.parser.parse(text);
    if (!tree) return undefined;
    (pkg.importedOnly ? this.importedTrees : this.dirTrees).push(tree);
    return this.make(file, tree, pkg);
  }

  private clause(file: string): string | undefined {
    const text = this.tree.text(file);
    return text === undefined ? undefined : PACKAGE_CLAUSE.exec(text)?.[1];
  }

  private packageOf(key: string, dir: string, members: readonly string[], imported: boolean): Package {
    let p = this.packages.get(key);
    if (!p) this.packages.set(key, (p = new Package(this, dir, [...members].sort(), imported)));
    return p;
  }

  /** The package an import path names, where go.mod above `from` says the path is of this module. */
  imported(from: string, path: string): PackageView | undefined {
    const mod = this.moduleAbove(from);
    if (!mod || (path !== mod.path && !path.startsWith(`${mod.path}/`))) return undefined;
    const dir = join(mod.root, path.slice(mod.path.length));
    const files = this.tree.filesIn(dir).filter((f) => f.endsWith(".go") && !f.endsWith("_test.go") && !(this.clause(f) ?? "").endsWith("_test"));
    if (files.length === 0) return undefined;
    return this.packageOf(`${dir}\0import`, dir, files, true);
  }

  private moduleAbove(dir: string): { root: string; path: string } | undefined {
    for (let d = dir, i = 0; i < 64; i++) {
      const text = this.tree.text(join(d, "go.mod"));
      const m = text === undefined ? undefined : MODULE_LINE.exec(text);
      if (m?.[2]) return { root: d, path: m[2] };
      const up = dirname(d);
      if (up === d) break;
      d = up;
    }
    return undefined;
  }

  text(file: string): string | undefined {
    return this.tree.text(file);
  }

  declares(file: string, name: string): boolean {
    let byFile = namesByTree.get(this.tree);
    if (!byFile) namesByTree.set(this.tree, (byFile = new Map()));
    let names = byFile.get(file);
    if (!names) {
      const text = this.tree.text(file);
      byFile.set(file, (names = text === undefined ? new Set() : topLevelNames(text)));
    }
    return names.has(name);
  }
}

/** One package's files, parsed as their names are asked for; the file being read answers for itself. */
class Package implements OwnPackage {
  private readonly parsed = new Map<string, GoDecls | undefined>();
  private readonly fields = new Map<string, FieldMaps | undefined>();
  private own?: GoDecls;

  constructor(
    private readonly all: GoPackages,
    private readonly dir: string,
    private readonly files: readonly string[],
    readonly importedOnly: boolean,
  ) {}

  type(name: string): GoNamed | undefined {
    return this.find(name, (d) => d.declaredType(name));
  }

  constant(name: string, arch: GoArch): bigint | undefined {
    const d = this.find(name, (x) => (x.constExpr(name) ? x : undefined));
    return d?.evaluator.constant(name, arch);
  }

  imported(path: string): PackageView | undefined {
    return this.all.imported(this.dir, path);
  }

  fieldSources(owner: string, fieldName: string): FieldSource[] {
    const fieldSets = this.all.fieldSets;
    if (!fieldSets) return [];
    // Only files that mention the field are worth a parse and a scan.
    const word = new RegExp(`\\b${fieldName}\\b`);
    const out: FieldSource[] = [];
    for (const f of this.files) {
      if (f === this.own?.file) continue;
      if (!this.fields.has(f)) {
        const text = this.all.text(f);
        if (text === undefined || !word.test(text)) continue;
        if (!this.parsed.has(f)) this.parsed.set(f, this.all.parse(f, text, this));
        const d = this.parsed.get(f);
        this.fields.set(f, d && fieldSets(d));
      }
      out.push(...(this.fields.get(f)?.sources(owner, fieldName) ?? []));
    }
    return out;
  }

  adopt(own: GoDecls): void {
    this.own = own;
  }

  /**
   * The one file that declares `name`, with that type resolved. Only files
   * that declare the name at top level are parsed, and each once; a type is
   * resolved when it is first asked for, so files that refer to each other
   * meet names already declared. Where several files declare it (bpf2go
   * writes one per byte order, each behind a build constraint), the one the
   * build for linux/amd64 takes answers, as the compiler would choose; where
   * that leaves none or several, none does.
   */
  private find<T>(name: string, pick: (d: GoDecls) => T | undefined): T | undefined {
    const own = this.own && pick(this.own);
    if (own !== undefined) return own;
    const all: { f: string; d: GoDecls; value: T }[] = [];
    for (const f of this.files) {
      if (f === this.own?.file) continue;
      let d = this.parsed.get(f);
      if (!this.parsed.has(f)) {
        const text = this.all.text(f);
        if (text === undefined || !this.all.declares(f, name)) continue;
        this.parsed.set(f, (d = this.all.parse(f, text, this)));
      }
      const value = d && pick(d);
      if (value !== undefined) all.push({ f, d: d!, value });
    }
    const built = all.length > 1 ? all.filter((c) => builtFor(c.f, this.all.text(c.f) ?? "", BUILD)) : all;
    const found = built.length === 1 ? built[0] : undefined;
    found?.d.resolveDeclared(name);
    return found?.value;
  }
}
