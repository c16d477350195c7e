import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { check } from "../../src/check/run.js";
import { RULES } from "../../src/rules/index.js";
import { HAVE_CLANG, fixtureRepo } from "../check/repo.js";

// Code, docs and schema in step: every rule has docs/rules/<id>.md whose
// quoted description and "Why" paragraph are the rule's own, every message
// is listed, every page belongs to a rule, and every example directory a page
// names fires the rule or does not, as the page says.

const page = (id: string): string => readFileSync(`docs/rules/${id}.md`, "utf8");

describe("rule docs", () => {
  it("has one page per rule and no page without a rule", () => {
    const pages = readdirSync("docs/rules").filter((f) => f.endsWith(".md")).map((f) => f.slice(0, -3)).sort();
    expect(pages).toEqual(RULES.map((r) => r.id).sort());
  });

  it.each(RULES.map((r) => [r.id, r] as const))("%s: description, paragraph and messages equal the code", (_, rule) => {
    const text = page(rule.id);
    expect(text.split("\n")[0]).toBe(`# ${rule.id}: ${rule.title}`);
    expect(/^> (.*)$/m.exec(text)?.[1]).toBe(rule.description);
    expect(/## Why\n\n(.*)\n/.exec(text)?.[1]).toBe(rule.docs);
    expect(text).toContain(`Default severity: **${rule.severity}**`);
    for (const [id, template] of Object.entries(rule.messages)) expect(text).toContain(`- \`${id}\`: ${template}`);
  });

  it("lists every rule in the config schema", () => {
    const schema = JSON.parse(readFileSync("schemas/config.schema.json", "utf8")) as { properties: { rules: { propertyNames: { enum: string[] } } } };
    expect(schema.properties.rules.propertyNames.enum).toEqual(RULES.map((r) => r.id));
  });
});

describe.skipIf(!HAVE_CLANG)("rule docs examples (needs clang-16)", () => {
  let root = "";
  beforeAll(() => {
    root = fixtureRepo();
  });
  const examples = RULES.flatMap((r) =>
    [...page(r.id).matchAll(/<!-- example: (fires|does not fire) (\S+) -->/g)].map((m) => [r.id, m[1]!, m[2]!] as const),
  );

  it("gives every rule an example that fires and one that does not", () => {
    for (const r of RULES) {
      expect(examples.filter((e) => e[0] === r.id).map((e) => e[1]).sort()).toEqual(["does not fire", "fires"]);
    }
  });

  it.each(examples)("%s %s in %s", async (id, what, dir) => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const result = await check({ paths: [join(dir.replace(/^fixtures\/check\//, ""))] });
      const codes = result.findings.map((f) => f.code);
      if (what === "fires") expect(codes).toContain(id);
      else expect(codes).not.toContain(id);
    } finally {
      process.chdir(cwd);
    }
  });
});
