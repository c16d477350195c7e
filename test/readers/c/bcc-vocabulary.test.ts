import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BCC_MACROS } from "../../../src/readers/c/bcc.js";

// Every map macro the reader knows, expanded by the C preprocessor with the
// definitions of the helpers.h compiled into the installed libbcc, for each
// argument count it takes: the section, key, leaf, max_entries and flags the
// expansion declares must be the reader's, argument for argument, default
// for default. Named flags are compared by clang against <linux/bpf.h>.

const LIBBCC = ["/usr/lib/x86_64-linux-gnu/libbcc.so.0", "/usr/lib/aarch64-linux-gnu/libbcc.so.0"].find((p) => existsSync(p));
const HAVE_TOOLS = ["cpp", "clang-16", "strings"].every((t) => spawnSync(t, ["--version"]).status === 0);

/** Function-like `#define BPF_...` and `_BPF_...` of helpers.h, continuation lines joined. */
function helperDefines(lib: string): string {
  const text = spawnSync("strings", ["-n", "3", lib], { encoding: "utf8", maxBuffer: 1 << 28 }).stdout;
  const start = text.indexOf("#define BPF_F_TABLE(");
  const end = text.indexOf("#endif", text.indexOf("#define BPF_PERCPU_CGROUP_STORAGE("));
  const joined = text.slice(start, end).replace(/\\\n/g, " ");
  return [...joined.matchAll(/^#define _?BPF_\w+\(.*$/gm)].map((m) => m[0]).join("\n");
}

interface Declared {
  table: string;
  key?: string;
  leaf: string;
  max: string;
  flags: string;
}

/** What one macro call declares, read from its expansion. */
function expand(defines: string, call: string): Declared {
  const out = spawnSync("cpp", ["-P", "-undef"], { input: `${defines}\n${call};\n`, encoding: "utf8" }).stdout.replace(/\s+/g, " ");
  const struct = /struct (\w+)_table_t \{(.*?)\}/.exec(out);
  if (!struct) throw new Error(`no table struct in the expansion of ${call}: ${out}`);
  const member = (name: string): string | undefined => new RegExp(`(?:^|;) ?([^;]*?) ${name};`).exec(struct[2]!)?.[1]?.trim();
  const section = /section\(((?:"[^"]*" ?)+)\)+ ?struct \w+_table_t \w+ = \{([^}]*)\}/.exec(out);
  if (!section) throw new Error(`no map section in the expansion of ${call}: ${out}`);
  const path = [...section[1]!.matchAll(/"([^"]*)"/g)].map((m) => m[1]).join("");
  const init = (field: string): string => /\.(\w+) = (.*)/.exec(section[2]!.split(",").find((f) => f.trim().startsWith(`.${field}`)) ?? "")?.[2]?.trim() ?? "0";
  return { table: path.replace(/^maps\//, "").replace(/[:$].*$/, ""), key: member("key"), leaf: member("leaf")!, max: init("max_entries"), flags: init("flags") };
}

/** Whether C constant expression `expr` equals `value` after `#include <linux/bpf.h>`, by clang. */
function sameConstant(expr: string, value: string): boolean {
  const src = `#include <linux/bpf.h>\n_Static_assert((${expr}) == (${value}), "differs");\n`;
  return spawnSync("clang-16", ["-fsyntax-only", "-x", "c", "-"], { input: src }).status === 0;
}

describe.skipIf(!LIBBCC || !HAVE_TOOLS)("BCC's whole map vocabulary, as cpp expands the installed helpers.h (skipped without libbcc, cpp, clang-16 and strings)", () => {
  const defines = LIBBCC && HAVE_TOOLS ? helperDefines(LIBBCC) : "";
  for (const [macro, info] of Object.entries(BCC_MACROS)) {
    for (const [count, shape] of Object.entries(info.variants)) {
      // A macro newer than the installed BCC is checked where that BCC is.
      it.skipIf(!new RegExp(`^#define ${macro}\\d?\\(`, "m").test(defines))(`${macro} with ${count} arguments`, () => {
        const args = shape.map((role, i) => (role === "table" ? '"tbl"' : role === "ignored" ? '"elsewhere"' : `arg_${role}_${i}`));
        const d = expand(defines, `${macro}(${args.join(", ")})`);
        const given = (role: string): string | undefined => {
          const i = shape.indexOf(role as (typeof shape)[number]);
          return i < 0 ? undefined : args[i];
        };
        expect(d.table).toBe(given("table") ? "tbl" : info.table);
        if (info.keyless) expect(d.key).toBeUndefined();
        else expect(d.key).toBe(given("key") ?? info.key ?? "int");
        expect(d.leaf).toBe(given("leaf") ?? info.leaf ?? "int");
        const max = given("max");
        if (max && info.maxIs === "pow2") expect(d.max).toMatch(new RegExp(`^\\(?roundup_pow_of_two\\(${max}\\)\\)?$`));
        else if (max && info.maxIs === "pages") expect(d.max).toMatch(new RegExp(`^\\(\\(${max}\\) \\* PAGE_SIZE\\)$`));
        else expect(d.max.replace(/^\((.*)\)$/, "$1")).toBe(max ?? info.max ?? "0");
        const flags = given("flags");
        const expansion = d.flags.replace(/^\((.*)\)$/, "$1");
        if (flags) expect(expansion).toBe(flags);
        else expect(sameConstant(expansion, info.flags ?? "0"), `${expansion} == ${info.flags ?? "0"}`).toBe(true);
      });
    }
  }
});
