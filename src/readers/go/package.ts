import { dirname, join } from "node:path";
import type { Parser, Tree } from "web-tree-sitter";
import type { GoArch, GoNamed } from "../../ir/layout/go.js";
import type { SourceTree } from "../../ir/source-tree.js";
import type { GoDecls } from "./decls.js";
import type { FieldMaps, FieldSource } from "./field-maps.js";

// Go compiles a package, not a file: a type's field may be declared in
// another file of the directory, an array length may be a constant from
// consts.go, an embedded struct may come from another package of the same
// module. While one file is read, the files of its package (and of the
// module packages it imports) are parsed as their names are asked for, and
// their declarations stand beside the file's own. Files are only parsed,
// never built: build constraints are not evaluated, so a name two files
// declare (one per GOARCH) is left unresolved, as it was file by file.

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

const PACKAGE_CLAUSE = /^\s*package\s+([A-Za-z_]\w*)/m;
const MODULE_LINE = /^\s*module\s+("?)([^\s"]+)\1\s*$/m;

/** Every package one read reaches; disposing it frees the syntax trees of the files parsed for it. */
export class GoPackages {
  private readonly trees: Tree[] = [];
  private readonly packages = new Map<string, Package>();

  constructor(
    private readonly tree: SourceTree,
    private readonly parser: Parser,
    private readonly make: MakeDecls,
    readonly fieldSets?: FieldSets,
  ) {}

  /** The package of `file`; its own declarations, once adopted, answer first. */
  forFile(file: string, text: string): OwnPackage {
    const name = PACKAGE_CLAUSE.exec(text)?.[1] ?? "";
    const test = file.endsWith("_test.go");
    const members = this.tree.filesIn(dirname(file)).filter((f) => f !== file && f.endsWith(".go") && (test || !f.endsWith("_test.go")) && this.clause(f) === name);
    return this.packageOf(`${dirname(file)}\0${name}\0${test}`, dirname(file), members);
  }

  dispose(): void {
    for (const t of this.trees) t.delete();
    this.trees.length = 0;
  }

  parse(file: string, text: string, pkg: PackageView): GoDecls | undefined {
    const tree = this.parser.parse(text);
    if (!tree) return undefined;
    this.trees.push(tree);
    return this.make(file, tree, pkg);
  }

  private clause(file: string): string | undefined {
    const text = this.tree.text(file);
    return text === undefined ? undefined : PACKAGE_CLAUSE.exec(text)?.[1];
  }

  private packageOf(key: string, dir: string, members: readonly string[]): Package {
    let p = this.packages.get(key);
    if (!p) this.packages.set(key, (p = new Package(this, dir, [...members].sort())));
    return p;
  }

  /** The package an import path names, where go.mod above `from` says the path is of this module. */
  imported(from: string, path: string): PackageView | undefined {
    const mod = this.moduleAbove(from);
    if (!mod || (path !== mod.path && !path.startsWith(`${mod.path}/`))) return undefined;
    const dir = join(mod.root, path.slice(mod.path.length));
    const files = this.tree.filesIn(dir).filter((f) => f.endsWith(".go") && !f.endsWith("_test.go") && !(this.clause(f) ?? "").endsWith("_test"));
    if (files.length === 0) return undefined;
    return this.packageOf(`${dir}\0import`, dir, files);
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
}

/** One package's files, parsed as their names are asked for. */
class Package implements OwnPackage {
  private readonly parsed = new Map<string, GoDecls | undefined>();
  private readonly fields = new Map<string, FieldMaps | undefined>();
  private own?: GoDecls;

  constructor(
    private readonly all: GoPackages,
    private readonly dir: string,
    private readonly files: readonly string[],
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
   * The one file that declares `name`, with that type resolved. Only
   * files with a line that starts with the name are parsed, and each once; a type is
   * resolved when it is first asked for, so files that refer to each other
   * meet names already declared. Where several files declare
   * it (bpf2go writes one per byte order, each behind a build constraint),
   * the build decides, which this reader does not: none answers, and the
   * rules look for the file paired with the object.
   */
  private find<T>(name: string, pick: (d: GoDecls) => T | undefined): T | undefined {
    const own = this.own && pick(this.own);
    if (own !== undefined) return own;
    // Declared names start a line (`type X`, `const X`, or in a group); a mere mention is not worth a parse.
    const word = new RegExp(`^[ \\t]*(?:type[ \\t]+|const[ \\t]+)?${name}\\b`, "m");
    let found: { d: GoDecls; value: T } | undefined;
    for (const f of this.files) {
      let d = this.parsed.get(f);
      if (!this.parsed.has(f)) {
        const text = this.all.text(f);
        if (text === undefined || !word.test(text)) continue;
        this.parsed.set(f, (d = this.all.parse(f, text, this)));
      }
      const value = d && pick(d);
      if (value === undefined) continue;
      if (found) return undefined;
      found = { d: d!, value };
    }
    found?.d.resolveDeclared(name);
    return found?.value;
  }
}
