import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { topLevelNames } from "../../../src/readers/go/top-level-names.js";
import { GO, GOCACHE, goMissing } from "../../oracles/go.js";
import { freshSeed, rng } from "../../oracles/random.js";

// The scan that decides which of a package's files are worth a parse, held
// to go/parser's own reading of the same files: it must name every type and
// constant the file declares at top level (a miss leaves a type unresolved),
// and little else (each extra name is a parse the check pays for). Inputs:
// files of the Go standard library, and seeded files built to mislead a
// scan (struct fields named like types, declarations spelt inside strings,
// raw strings and comments, generics, grouped and listed constants).

const ORACLE = `package main

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		path := in.Text()
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			fmt.Printf("%s\\t!\\n", path)
			continue
		}
		var names []string
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || (g.Tok != token.TYPE && g.Tok != token.CONST) {
				continue
			}
			for _, s := range g.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					names = append(names, s.Name.Name)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						names = append(names, n.Name)
					}
				}
			}
		}
		fmt.Printf("%s\\t%s\\n", path, strings.Join(names, ","))
	}
}
`;

/** go/parser's top-level type and const names of each file; files it cannot parse are left out. */
function goNames(files: readonly string[]): Map<string, string[]> {
  const dir = mkdtempSync(join(tmpdir(), "abidrift-go-names-"));
  try {
    writeFileSync(join(dir, "main.go"), ORACLE);
    const r = spawnSync(GO, ["run", join(dir, "main.go")], { cwd: dir, input: files.join("\n") + "\n", encoding: "utf8", env: { ...process.env, GOCACHE, GO111MODULE: "off", GOFLAGS: "" }, maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`go run failed: ${r.stderr.slice(0, 2000)}`);
    const out = new Map<string, string[]>();
    for (const line of r.stdout.split("\n")) {
      const [path, names] = line.split("\t");
      if (path && names !== undefined && names !== "!") out.set(path, names === "" ? [] : names.split(","));
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function goFilesUnder(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    if (e === "testdata") continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) goFilesUnder(p, out);
    else if (e.endsWith(".go")) out.push(p);
  }
  return out;
}

/** A Go file that tempts a line-based scan: every declared name also appears as a field, in a string, a raw string or a comment. */
function trickyFile(r: () => number, n: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const name = (p: string, i: number): string => `${p}${i}_${Math.floor(r() * 1000)}`;
  const decoys: string[] = [];
  const parts = ["package tricky\n"];
  for (let i = 0; i < n; i++) {
    const decoy = name("Decoy", i);
    decoys.push(decoy);
    switch (pick(["type", "group", "const", "constGroup", "generic", "alias", "func", "var"] as const)) {
      case "type":
        parts.push(`type ${name("T", i)} struct {\n\t${decoy} uint32\n\t${name("Decoy", i + 100)}, ${name("Decoy", i + 200)} int8 \`json:"x"\`\n}\n`);
        break;
      case "group":
        parts.push(`type (\n\t${name("G", i)} struct{ ${decoy} [4]byte }\n\t${name("H", i)} = uint16 // type ${name("Decoy", i + 300)} int\n)\n`);
        break;
      case "const":
        parts.push(`const ${name("C", i)}, ${name("D", i)} = ${Math.floor(r() * 9)}, "type ${decoy} {"\n`);
        break;
      case "constGroup":
        parts.push(`const (\n\t${name("E", i)} uint8 = iota\n\t${name("F", i)}\n\t/* const ${decoy} = 1 */ ${name("K", i)}, ${name("L", i)} = 1 << 2, '}'\n)\n`);
        break;
      case "generic":
        parts.push(`type ${name("P", i)}[X any, Y comparable] struct {\n\t${decoy} X\n\tm map[Y]struct{ a, b int }\n}\n`);
        break;
      case "alias":
        parts.push(`type ${name("A", i)} = [${1 + Math.floor(r() * 8)}]uint32\n`);
        break;
      case "func":
        parts.push(`func (x *${name("Recv", i)}) M() {\n\ttype ${decoy} struct{}\n\tconst ${name("Decoy", i + 400)} = 1\n\t_ = \`\nconst ${name("Decoy", i + 500)} = 2\n{\`\n}\n`);
        break;
      case "var":
        parts.push(`var (\n\t${decoy} = map[string]int{"(": 1}\n\t${name("Decoy", i + 600)} int\n)\n`);
        break;
    }
  }
  return parts.join("");
}

describe.skipIf(!!goMissing)(`a Go file's top-level names, against go/parser${goMissing ? ` (skipped: ${goMissing})` : ""}`, () => {
  const seed = freshSeed();
  let std: Map<string, string[]>;
  let tricky: Map<string, string[]>;
  let dir = "";

  beforeAll(() => {
    const root = spawnSync(GO, ["env", "GOROOT"], { encoding: "utf8" }).stdout.trim();
    const all = goFilesUnder(join(root, "src")).sort();
    const r = rng(seed);
    const sample = all.filter(() => r() < 400 / all.length);
    std = goNames(sample);
    dir = mkdtempSync(join(tmpdir(), "abidrift-tricky-"));
    const files: string[] = [];
    for (let i = 0; i < 60; i++) {
      const f = join(dir, `f${i}.go`);
      writeFileSync(f, trickyFile(r, 1 + Math.floor(r() * 12)));
      files.push(f);
    }
    tricky = goNames(files);
    return () => rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it(`names every type and constant of the standard library's files, and few more (seed ${seed})`, async () => {
    const { readFileSync } = await import("node:fs");
    let declared = 0;
    let extra = 0;
    expect(std.size).toBeGreaterThan(100);
    for (const [path, names] of std) {
      const ours = topLevelNames(readFileSync(path, "utf8"));
      for (const n of names) expect(ours.has(n), `${path}: ${n} (seed ${seed})`).toBe(true);
      declared += names.length;
      extra += [...ours].filter((n) => !names.includes(n)).length;
    }
    expect(extra / declared, `extra names ${extra} of ${declared} (seed ${seed})`).toBeLessThan(0.02);
  });

  it(`is not misled by fields, strings, raw strings, comments or function bodies (seed ${seed})`, async () => {
    const { readFileSync } = await import("node:fs");
    expect(tricky.size).toBe(60);
    for (const [path, names] of tricky) {
      const text = readFileSync(path, "utf8");
      expect([...topLevelNames(text)].sort(), `seed ${seed}:\n${text}`).toEqual([...names].sort());
    }
  });
});
