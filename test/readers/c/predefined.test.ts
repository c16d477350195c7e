import { describe, expect, it } from "vitest";
import { TARGETS, TARGET_NAMES } from "../../../src/ir/targets.js";
import { predefinedMacros } from "../../../src/readers/c/predefined.js";
import { clangAvailable, runClang } from "../../oracles/clang.js";

// The macros the preprocessor starts with must be the ones clang defines
// for the target, with the same values.

describe.skipIf(!clangAvailable)("predefined macros agree with clang -dM -E", () => {
  for (const name of TARGET_NAMES) {
    it(name, () => {
      const target = TARGETS[name];
      const clang = new Map<string, string>();
      for (const m of runClang(["-target", target.triple, "-dM", "-E", "-x", "c", "/dev/null"]).matchAll(/^#define (\w+) ?(.*)$/gm)) clang.set(m[1]!, m[2]!);
      for (const [macro, value] of Object.entries(predefinedMacros(target))) {
        expect({ macro, value: clang.get(macro) }).toEqual({ macro, value });
      }
    });
  }
});
