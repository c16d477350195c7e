// A vitest reporter: after the run, every skipped suite or test by the title
// that says what it needs, then one line naming the missing oracle packages
// and the single command that installs them all.
import type { Reporter, TestCase, TestModule, TestSuite } from "vitest/node";
import { installCommand, installed, oraclePackages } from "./packages.js";
import { count } from "../../src/words.js";

/**
 * The skipped test's title, or that of the outermost skipped suite around it
 * (`describe.skipIf`, or every test in it skipped): the one that says what it needs.
 */
function skippedUnit(test: TestCase): string {
  let unit: TestCase | TestSuite = test;
  for (let p = test.parent; p.type === "suite"; p = p.parent) if (p.options.mode === "skip") unit = p;
  return unit.name;
}

export default class SkipSummary implements Reporter {
  onTestRunEnd(modules: readonly TestModule[]): void {
    const lines = new Set<string>();
    let skipped = 0;
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        if (t.result().state !== "skipped") continue;
        skipped++;
        lines.add(`  ↓ ${m.relativeModuleId}: ${skippedUnit(t)}`);
      }
    }
    const missing = oraclePackages().filter((p) => !installed(p));
    const out: string[] = [];
    if (skipped > 0) out.push("", `Skipped tests, by what they need (${skipped}):`, ...[...lines].sort());
    out.push(
      "",
      missing.length > 0
        ? `oracles: ${count(skipped, "test")} skipped; missing ${missing.map((p) => p.name).join(", ")}; install every oracle with: ${installCommand()}`
        : `oracles: every oracle package is installed; ${count(skipped, "test")} skipped`,
      "",
    );
    process.stdout.write(out.join("\n"));
  }
}
